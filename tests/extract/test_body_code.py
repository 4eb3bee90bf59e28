"""Code blocks in an article: each line of code is its own line, as the page prints it."""

from __future__ import annotations

from newscrawl.extract import extract_article
from tests.extract.test_body_rules4 import PARAGRAPHS

COMMANDS = ("git init", "git add -A", 'git commit -m "message"', "git push origin main")


def _page() -> str:
    """A tutorial with a shell snippet, highlighted the way highlight.js does it."""
    code = "\n".join(f'git <span class="hljs-built_in">{command.removeprefix("git ")}</span>' for command in COMMANDS)
    return (f"<html><body><h1>A brief introduction to git</h1><div class='post-body'>"
            f"<p>{PARAGRAPHS[0]}</p><pre><code class='language-bash hljs'>{code}\n\n</code></pre>"
            f"<p>{PARAGRAPHS[1]}</p><p>{PARAGRAPHS[2]}</p></div></body></html>")


def test_each_line_of_a_code_block_is_its_own_line_of_the_body():
    paragraphs = extract_article("https://blog.example/git", _page()).body.split("\n\n")
    start = paragraphs.index(COMMANDS[0])
    assert paragraphs[start:start + len(COMMANDS)] == list(COMMANDS)
    assert paragraphs[start - 1] == PARAGRAPHS[0] and paragraphs[start + len(COMMANDS)] == PARAGRAPHS[1]
