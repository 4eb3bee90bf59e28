"""What trafilatura's second opinion would cost on a page, known before it is asked.

trafilatura's last opinion on a page's body is jusText's. For each short block jusText looks for
the nearest long block before and after it, walking the run of short blocks it sits in: a run of
n short blocks takes about n² steps (48,000 one-word list items: minutes, in code newscrawl does
not own, where no time limit reaches). This counts those steps the way jusText would, in one pass
over the tree, so that such a page is read without the second opinion.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

# the tags at which jusText starts a new block (justext.core.PARAGRAPH_TAGS)
BLOCK_TAGS = frozenset({
    "body", "blockquote", "caption", "center", "col", "colgroup", "dd", "div", "dl", "dt",
    "fieldset", "form", "legend", "optgroup", "option", "p", "pre", "table", "td", "textarea",
    "tfoot", "th", "thead", "tr", "ul", "li", "h1", "h2", "h3", "h4", "h5", "h6",
})
# a block shorter than this, with no link text, is one jusText judges by its neighbours (the
# length_low trafilatura gives it)
SHORT_BLOCK_CHARS = 50
# neighbour-search steps past which the second opinion is not asked: about half a second of
# jusText (a run of 1,400 short blocks); pages of the data sets need a tenth of it at most
MAX_SECOND_OPINION_STEPS = 2_000_000


def second_opinion_affordable(tree: HtmlElement) -> bool:
    """Whether jusText's neighbour search over the page stays under MAX_SECOND_OPINION_STEPS."""
    blocks = sum(1 for _ in tree.iter(BLOCK_TAGS))
    # no run is longer than the page's blocks: most pages need no closer count
    return blocks * blocks <= MAX_SECOND_OPINION_STEPS or neighbour_steps(tree) <= MAX_SECOND_OPINION_STEPS


def neighbour_steps(tree: HtmlElement) -> int:
    """The steps of jusText's neighbour search: the square of each run of short blocks, blocks
    split at the tags jusText splits at and blank ones skipped, as it skips them."""
    steps = run = 0
    chars = link_chars = links_open = 0

    def close_block() -> None:
        nonlocal steps, run, chars, link_chars
        if chars:  # a blank block is no block to jusText: it neither ends a run nor joins one
            if chars < SHORT_BLOCK_CHARS and not link_chars:
                run += 1
            else:
                steps += run * run
                run = 0
        chars = link_chars = 0

    def add(text: str | None) -> None:
        nonlocal chars, link_chars
        if text and not text.isspace():
            size = len(" ".join(text.split()))
            chars += size
            if links_open:
                link_chars += size

    for event, element in etree.iterwalk(tree, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in BLOCK_TAGS:
                close_block()
            links_open += tag == "a"
            if tag:  # a comment's text is no text to jusText
                add(element.text)
        else:
            if tag in BLOCK_TAGS:
                close_block()
            links_open -= tag == "a"
            add(element.tail)
    close_block()
    return steps + run * run
