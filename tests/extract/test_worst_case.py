"""Worst-case inputs: every regex that runs over page-sized text is linear, and odd pages end
quickly (issue 15: one real page took 42.9 s in a backtracking end-of-document check).

Each case runs in a child process with a generous timeout: a backtracking regex would not come
back for hours, a linear one takes well under a second, so the bound never decides a fair run.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import newscrawl.extract

REPO = Path(__file__).resolve().parents[2]
BOUND_S = 120  # generous: the point is "finishes" (a quadratic pattern takes minutes here), not how fast
SIZE = 200_000

# the module-level regexes of every extraction module: each reads page text, lines, bylines,
# titles or metadata values, any of which a page can make long (a list of some modules missed
# nine patterns in authors, headline and features that rescanned a run of spaces at each start)
MODULES = ("newscrawl.extract", *(module.name for module in
                                  pkgutil.walk_packages(newscrawl.extract.__path__, "newscrawl.extract.")))

# long runs of what the patterns match, and of what almost matches
ADVERSARIAL = ("' ' * n", "'\\n \\n' * (n // 3)", "'1' * n", "'12:3' * (n // 4)", "'1/' * (n // 2)",
               "'20' * (n // 2)", "', ' * (n // 2)", "'<!--' * (n // 4)", "'<!-- a -->' * (n // 10)",
               "'a' * n", "'Jan 1, ' * (n // 7)", "'</body ' * (n // 7)", "'\\u00a0' * n", "'-' * n",
               "'By ' * (n // 3)", "'a.' * (n // 2)")


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, capture_output=True,
                          text=True, timeout=BOUND_S)


def test_every_module_regex_is_linear_on_long_runs() -> None:
    done = _run(f"""
        import importlib, re
        n = {SIZE}
        inputs = [{", ".join(ADVERSARIAL)}]
        checked = 0
        for name in {MODULES!r}:
            module = importlib.import_module(name)
            for value in vars(module).values():
                if not isinstance(value, re.Pattern):
                    continue
                for text in inputs:
                    subject = text.encode('utf-8', 'replace') if isinstance(value.pattern, bytes) else text
                    for _ in value.finditer(subject):
                        pass
                    value.sub(subject[:0], subject)
                checked += 1
        print(checked)
    """)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) >= 70  # the patterns were found and run


@pytest.mark.parametrize("tail", [  # Python expressions, built in the child
    "'<!-- a -->\\n' * 5000 + '<p>late text</p>'",  # many comments, then markup: was exponential
    "'<!-- never closed ' + 'x' * 200_000",
    "'\\n' * 200_000 + '<p>after a long blank run</p>'",
    "'</body>' * 5000 + '<p>end tags over and over</p>'",
    "'<!-- a -->' * 5000",
])
def test_the_end_of_document_check_is_linear(tail: str) -> None:
    done = _run(f"""
        from newscrawl.extract.document import parse_html, without_early_end_tags
        page = "<html><body><p>text</p></body></html>" + {tail}
        rest = without_early_end_tags(page)
        tree = parse_html(page)
        print(len(rest), tree is not None)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "True"


def test_what_follows_many_comments_after_the_end_stays_in_the_tree() -> None:
    from newscrawl.extract.document import parse_html

    tree = parse_html("<html><body><p>top</p></body></html>" + "<!-- c -->\n" * 2000 + "<p>late text</p>")
    assert tree is not None and "late text" in tree.text_content()


def test_a_blank_or_commented_tail_leaves_the_page_as_it_is() -> None:
    from newscrawl.extract.document import without_early_end_tags

    for tail in ("\n<!-- a -->\n<!-- b -->\n", "<!-- unclosed to the end", "   \n"):
        page = "<html><body><p>text</p></body></html>" + tail
        assert without_early_end_tags(page) == page


def test_a_two_megabyte_page_is_extracted() -> None:
    done = _run("""
        from newscrawl.extract import extract_article
        paragraphs = "".join(f"<p>Session {i}: " + "the council met again to vote on the budget. " * 24
                             + "</p>" for i in range(1900))
        nested = "<div>" * 300 + "x" + "</div>" * 300
        page = ("<html><head><title>Budget</title></head><body><article><h1>Budget</h1>"
                + paragraphs + nested + "</article></body></html>" + "<!-- c -->" * 3000)
        assert len(page) > 2_000_000
        article = extract_article("https://example.com/2024/05/01/budget", page)
        print(article.headline, len(article.body or ""))
    """)
    assert done.returncode == 0, done.stderr
    headline, length = done.stdout.split()[-2:]
    assert headline == "Budget" and int(length) > 10_000


def test_a_page_with_thousands_of_byline_classes_is_read_in_one_pass() -> None:
    """The byline classes are looked for by the page's class tokens, one test of every element
    for each token: thousands of distinct ones would make an XPath libxml2 refuses (its recursion
    limit: the whole extraction failed) and millions of tests, so past a few the classes are read
    one by one (a name still comes from the one byline that prints it)."""
    done = _run("""
        from newscrawl.extract import extract_article
        cards = "".join(f'<div class="author-card-{i}"><span>Reporter {i}</span></div>' for i in range(20_000))
        body = "<p>" + "The harbour reopened on Monday after the storm, the port authority said. " * 8 + "</p>"
        page = ("<html><body><article><h1>Harbour reopens</h1>"
                '<div class="byline">By <a rel="author" href="/author/jane-doe">Jane Doe</a></div>'
                + body * 4 + "</article><aside>" + cards + "</aside></body></html>")
        article = extract_article("https://example.com/2024/05/01/harbour", page)
        print(article.headline.replace(" ", "_"), "|".join(article.authors).replace(" ", "_"))
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["Harbour_reopens", "Jane_Doe"]


def test_json_ld_nested_past_pythons_stack_leaves_the_page_readable() -> None:
    """JSON-LD nested a thousand levels deep made json.loads raise RecursionError, which the
    metadata reader did not catch: the whole page came back as an error, no record (a stranger's
    generated page). The metadata is unreadable; the page is not."""
    from newscrawl.extract import extract_page

    deep = '{"@type": "Thing", "about": ' * 1200 + '"x"' + "}" * 1200
    body = "<p>" + "The harbour reopened on Monday after the storm, the port authority said. " * 8 + "</p>"
    page = (f'<html><head><script type="application/ld+json">{deep}</script></head><body><article>'
            f"<h1>Harbour reopens</h1>{body * 4}</article></body></html>")
    result = extract_page("https://example.com/2024/05/01/harbour-reopens", page)
    assert result.error is None
    assert result.article.headline == "Harbour reopens"
    assert "port authority" in result.article.body


def test_words_wrapped_one_by_one_in_spans_are_one_text() -> None:
    """Every word of a paragraph in its own span (highlighting, a word processor's export): the
    spans are merged into one text node, which trafilatura's paragraph test reads at once (one
    node per word made it quadratic: 30,000 spans took 181 s). The words are the same."""
    from newscrawl.extract import extract_article
    from newscrawl.extract.document import parse_html
    from newscrawl.extract.rules import disabled

    words = ("the council met again to vote on the budget for the new harbour wall " * 60).split()
    wrapped = "".join(f'<span class="w">{word}</span> ' for word in words)
    page = ("<html><body><article><h1>Harbour wall approved</h1><p>{}</p>"
            "<p>The vote was close, the mayor said after the meeting.</p></article></body></html>")
    tree = parse_html(page.format(wrapped))
    assert len(tree.xpath("//p[1]//text()")) == 1
    assert " ".join(tree.xpath("//p")[0].text.split()) == " ".join(words)
    with disabled("word-spans"):
        assert len(parse_html(page.format(wrapped)).xpath("//p[1]//text()")) == 2 * len(words)
    url = "https://example.com/2024/05/01/harbour-wall"
    assert extract_article(url, page.format(wrapped)).body == extract_article(url, page.format(" ".join(words))).body
    # a span unlike the words' (hidden, an ad's) stays a span, and stays out of the body
    hidden = wrapped + '<span style="display:none">Copyright watermark text</span> '
    tree = parse_html(page.format(hidden))
    assert [span.get("style") for span in tree.iter("span")] == ["display:none"]
    assert "watermark" not in extract_article(url, page.format(hidden)).body


# spans that wrap words but differ from each other: the merge took only the most common look,
# so each of these left every span (or two in three) to trafilatura's paragraph test, whose time
# grows with their square (16,000 in one paragraph: 9 s)
DIFFERING_WORD_SPANS = {
    # a transcript's player: every word carries its own timing, no two spans are alike
    "timings": '<span data-start="{i}.0" data-end="{i}.4">{word}</span> ',
    "numbered": '<span id="w{i}">{word}</span> ',
    # a highlighter's alternating classes
    "classes": '<span class="w{k}">{word}</span> ',
}


@pytest.mark.parametrize("shape", sorted(DIFFERING_WORD_SPANS))
def test_words_wrapped_in_spans_that_differ_leave_few_text_nodes(shape: str) -> None:
    from newscrawl.extract import extract_article
    from newscrawl.extract.document import MAX_SPAN_RUN, parse_html

    words = ("the council met again to vote on the budget for the new harbour wall " * 300).split()
    wrapped = "".join(DIFFERING_WORD_SPANS[shape].format(i=i, k=i % 3, word=word) for i, word in enumerate(words))
    hidden = '<span style="display:none">Copyright watermark text</span> '
    page = ("<html><body><article><h1>Harbour wall approved</h1><p>{}</p>"
            "<p>The vote was close, the mayor said after the meeting.</p></article></body></html>")
    tree = parse_html(page.format(wrapped + hidden))
    paragraph = tree.xpath("//p")[0]
    # the work trafilatura's paragraph test does grows with the square of these: bounded, not
    # growing with the words
    assert len(paragraph) <= MAX_SPAN_RUN + 1
    assert " ".join(paragraph.text_content().split()) == " ".join(words) + " Copyright watermark text"
    assert paragraph[-1].get("style") == "display:none"  # unlike the words': still a span
    url = "https://example.com/2024/05/01/harbour-wall"
    article = extract_article(url, page.format(wrapped + hidden))
    assert article.body == extract_article(url, page.format(" ".join(words))).body
    assert "watermark" not in article.body


def test_hidden_spans_among_word_spans_are_never_merged() -> None:
    # a page that hides junk letters between its words (against copying): more hidden spans than
    # MAX_SPAN_RUN were merged as the next most common look, and the junk read as the story
    from newscrawl.extract import extract_article

    words = ("the council met again to vote on the budget for the new harbour wall " * 80).split()
    wrapped = "".join(f'<span class="w">{word} </span>' + ('<span style="display:none">zqxjunk </span>'
                                                          if i % 2 == 0 else "") for i, word in enumerate(words))
    page = ("<html><body><article><h1>Harbour wall approved</h1><p>{}</p>"
            "<p>The vote was close, the mayor said after the meeting.</p></article></body></html>")
    article = extract_article("https://example.com/2024/05/01/harbour-wall", page.format(wrapped))
    assert "zqxjunk" not in article.body and "harbour wall" in article.body


def test_letter_or_digit_pattern_is_str_isalnum() -> None:
    # the pattern replaced a per-character isalnum() loop (seconds on a megabyte of dashes)
    from newscrawl.extract.lines import alnum_count, has_alnum

    for text in ("---", "___", "– , ·", "", "a", "_1_", "²", "日本", "é", "٣", "\u0301", "-" * 1000 + "x"):
        assert has_alnum(text) == any(ch.isalnum() for ch in text), text
        assert alnum_count(text) == sum(ch.isalnum() for ch in text), text


def test_many_bylines_come_in_document_order() -> None:
    # over MAX_SORTED_BY_POSITION elements one walk of the page orders them (sorting by child
    # index was quadratic on thousands of sibling bylines); both give the page's order
    from lxml.html import fromstring

    from newscrawl.extract.authors import MAX_SORTED_BY_POSITION, byline_marked

    count = MAX_SORTED_BY_POSITION * 3
    cards = "".join(f'<div><p class="byline" id="b{i}">By Writer {i}</p></div>' if i % 2 else
                    f'<p class="byline" id="b{i}">By Writer {i}</p>' for i in range(count))
    tree = fromstring(f"<html><body><main>{cards}</main></body></html>")
    found = byline_marked(tree)
    assert [element.get("id") for element in found] == [f"b{i}" for i in range(count)]
    few = fromstring(f"<html><body>{cards[:400]}</body></html>")
    assert [element.get("id") for element in byline_marked(few)][:3] == ["b0", "b1", "b2"]


def test_a_run_of_line_breaks_keeps_a_blank_line_and_the_text_around_it() -> None:
    """150,000 <br>s in a row cost trafilatura's readability minutes and 11 GB (a stranger's
    page): past two in a row they print nothing, and go; the text around the run stays, and a
    page with them gives the record it gives with two."""
    from newscrawl.extract import extract_article
    from newscrawl.extract.document import parse_html
    from newscrawl.extract.rules import disabled

    page = ("<html><body><article><h1>Harbour reopens</h1><div class='post-body'>"
            "<p>The harbour reopened on Monday after the storm, the port authority said today.</p>"
            "{run}Boats came back by noon, and the ferry left on time for the first time this week."
            "<br> <br>\n<br><b>Fish</b> market stalls opened again at dawn on the quay by the lighthouse."
            "</div></article></body></html>")
    tree = parse_html(page.format(run="<br>" * 150_000))
    breaks = tree.xpath("//br")
    assert len(breaks) == 2 + 2  # two of the long run, two of the run of three
    assert "Boats came back" in breaks[1].tail and breaks[3].getnext().tag == "b"
    with disabled("line-break-runs"):
        assert len(parse_html(page.format(run="<br>" * 50)).xpath("//br")) == 53
    url = "https://example.com/2024/05/01/harbour"
    article = extract_article(url, page.format(run="<br>" * 150_000))
    assert article.body == extract_article(url, page.format(run="<br><br>")).body
    assert "Boats came back" in article.body and "Fish market stalls" in article.body


def test_runs_of_empty_blocks_go_like_line_breaks_but_pictures_and_cells_stay() -> None:
    """Blank lines come as other markup too ("<div><br></div>" from web editors, "<p>&nbsp;</p>",
    a <br> with an empty span): 150,000 of them cost minutes like the <br>s (a second stranger)."""
    from newscrawl.extract.document import parse_html

    for unit in ("<div><br></div>", "<p>&nbsp;</p>", "<br><span></span>", "<p><span>\u200b</span></p>"):
        tree = parse_html(f"<html><body><article><p>Before the run.</p>{unit * 1000}<p>After it.</p></article></body></html>")
        article = tree.find(".//article")
        assert len(article) <= 2 + 2 * 2, unit  # the two paragraphs, and at most two blank lines
        assert [p.text for p in article.iter("p") if p.text and p.text.strip("\u00a0\u200b")] \
            == ["Before the run.", "After it."]
    kept = ("<html><body><article><div><img src='a.jpg'></div><div><img src='b.jpg'></div>"
            "<div><img src='c.jpg'></div><table><tr><td></td><td></td><td></td><td>x</td></tr></table>"
            "</article></body></html>")
    tree = parse_html(kept)
    assert len(tree.findall(".//img")) == 3 and len(tree.findall(".//td")) == 4


# a second stranger's shapes that cost one of extraction's own loops time growing with their
# square (each took minutes at these sizes; trafilatura.extract reads each in seconds)
QUADRATIC_SHAPES = {
    # thousands of <time>s in one block: each was dropped from its parent one by one
    "times-in-one-block": """
        times = "".join(f"Posted <time datetime='2024-03-01'>March 1, 2024</time> by user{i}: a reply. "
                        for i in range(12_000))
        page = HEAD + "<blockquote>" + times + "</blockquote>" + TAIL
        body = extract_article(URL, page).body or ""
        print(body.count("March 1, 2024") >= 12_000 and "<time" not in body)
    """,
    # 48,000 one-word lists and no article text: trafilatura asks jusText, whose search for each
    # short block's nearest long one walks the whole run of short blocks (trafilatura alone: minutes)
    "a-long-run-of-short-blocks": """
        page = ("<html><head><title>Council approves budget</title></head><body>"
                "<h1>Council approves budget</h1><ul>" + "<li><ul><li>x</ul>" * 48_000 + "</ul></body></html>")
        print(extract_article(URL, page).headline == "Council approves budget")
    """,
    # a reply form with an email field in every comment: each field measured the whole section
    "a-sign-up-field-in-every-comment": """
        comments = "".join(f"<div class='c'><p>Comment {i}: I agree.</p><form action='/r'>"
                           f"<input type='email' name='e'><button>Reply</button></form></div>"
                           for i in range(15_000))
        page = HEAD + TAIL.replace("</body>", "<section>" + comments + "</section></body>")
        print(extract_article(URL, page).headline == "Council approves budget")
    """,
}
_SHAPE_PAGE = """
    from newscrawl.extract import extract_article
    URL = "https://example.com/2024/03/03/budget"
    TEXT = "<p>" + "The city council voted on Tuesday to approve a new budget for transit and parks. " * 6 + "</p>"
    HEAD = ("<html><head><title>Council approves budget</title></head><body><article>"
            "<h1>Council approves budget</h1>" + TEXT * 4)
    TAIL = "</article></body></html>"
"""


@pytest.mark.parametrize("shape", sorted(QUADRATIC_SHAPES))
def test_a_shape_that_was_quadratic_in_extraction_finishes_with_the_right_record(shape: str) -> None:
    done = _run(textwrap.dedent(_SHAPE_PAGE) + textwrap.dedent(QUADRATIC_SHAPES[shape]))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "True"
