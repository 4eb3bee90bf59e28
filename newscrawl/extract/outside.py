"""The paragraphs a body begins or ends with that the page prints outside the article's
container.

An article's text sits in one container. The block that holds most of the body is that
container; paragraphs at the body's end that lie after it, in another part of the page (a
donation box, a sign-up form, promo cards in the footer, a sidebar widget), are the site's,
not the article's. At the body's start, lines shorter than a sentence printed before it (a
kicker, breadcrumbs, a "Published:" label, the headline again) are the header's; a standfirst
printed there is prose and stays. Each body paragraph is found in the document's text
(whitespace aside), so an element's place is a span of that text and "inside" is a comparison
of offsets.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from lxml.etree import iterwalk
from lxml.html import HtmlElement

from newscrawl.extract.lines import UNPRINTED_TAGS
from newscrawl.extract.rules import enabled
from newscrawl.extract.vocabulary import PROSE_LINE

BULK_SHARE = 0.8  # the article's container holds this share of the body's located text
MIN_PARAGRAPHS = 3  # a shorter body has no bulk to tell its ending from
# characters searched in vain for paragraphs the page does not print as they are, before the
# rest are left unplaced: tens of milliseconds at most, on a page of megabytes too
SEARCH_BUDGET = 50_000_000
_KEY_CHARS = 80  # a paragraph is found by its first characters (trafilatura may end it otherwise)
# a document's <title> (and an SVG's) is not printed on the page: a headline found there
# would be placed in the head, not where the page shows it
_UNPRINTED = frozenset({*UNPRINTED_TAGS, "title"})
# a list or table holding the bulk is a listing's; its container is the block around it, whose
# notes under the list belong to it
_NOT_CONTAINERS = frozenset({"ul", "ol", "dl", "li", "dt", "dd", "table", "thead", "tbody", "tr", "td", "th"})


def _squeezed(text: str | None) -> str:
    return "".join(text.split()) if text else ""


def _text_spans(tree: HtmlElement) -> tuple[str, list[HtmlElement], list[int], dict[HtmlElement, tuple[int, int]]]:
    """The document's printed text without whitespace, its elements in document order with
    their start offsets, and each element's span (start, end) in that text."""
    parts: list[str] = []
    position = 0
    order: list[HtmlElement] = []
    starts: list[int] = []
    spans: dict = {}  # an element's start while it is open, its (start, end) once closed
    # lxml's walk in C: an element's text at its start, its tail after its end; a comment or
    # processing instruction prints nothing but its tail. (Most texts are indentation: skipped
    # before any squeezing, as this runs for every node of the page.)
    for event, node in iterwalk(tree, events=("start", "end", "comment", "pi")):
        if event == "start":
            order.append(node)
            starts.append(position)
            spans[node] = position
            text = node.text
            if text and not text.isspace() and node.tag not in _UNPRINTED:
                text = "".join(text.split())
                parts.append(text)
                position += len(text)
            continue
        if event == "end":
            spans[node] = (spans[node], position)
        tail = node.tail
        if tail and not tail.isspace():
            tail = "".join(tail.split())
            parts.append(tail)
            position += len(tail)
    return "".join(parts), order, starts, spans


def _locate(text: str, paragraphs: list[str]) -> list[tuple[int, int] | None]:
    """Each paragraph's span in the squeezed text, searched after the previous one first. A
    paragraph not found costs a search of the whole text: once those searches reach
    SEARCH_BUDGET characters, the rest are left unplaced."""
    found: list[tuple[int, int] | None] = []
    after = unfound = 0
    for paragraph in paragraphs:
        squeezed = _squeezed(paragraph)
        key = squeezed[:_KEY_CHARS]
        start = -1
        if key and unfound * len(text) < SEARCH_BUDGET:
            start = text.find(key, after)
            if start < 0:
                start = text.find(key, 0, after + len(key))
        if start < 0:
            unfound += 1
            found.append(None)
            continue
        found.append((start, start + len(squeezed)))
        after = start + len(key)
    return found


def _bulk_container(order: list[HtmlElement], starts: list[int], spans: dict[HtmlElement, tuple[int, int]],
                    found: list[tuple[int, int]]) -> HtmlElement | None:
    """The deepest element holding BULK_SHARE of the located paragraphs' text (a paragraph is
    in it when it starts inside it). It holds the paragraph at the text's weighted median (a
    block missing that one holds at most half), so it is that paragraph's element or an
    ancestor."""
    found = sorted(found)
    paragraph_starts = [start for start, _ in found]
    running = [0]
    for start, end in found:
        running.append(running[-1] + end - start)
    total = running[-1]
    if not total:
        return None
    middle = next(span for index, span in enumerate(found) if running[index + 1] * 2 >= total)
    element: HtmlElement | None = order[bisect_right(starts, middle[0]) - 1]
    while element is not None:
        start, end = spans[element]
        if start <= middle[0] and end >= middle[1]:
            held = running[bisect_left(paragraph_starts, end)] - running[bisect_left(paragraph_starts, start)]
            if held >= BULK_SHARE * total:
                break
        element = element.getparent()
    while element is not None and element.tag in _NOT_CONTAINERS:
        element = element.getparent()
    return element


def without_outside_ends(tree: HtmlElement, paragraphs: list[str]) -> list[str]:
    """The body's paragraphs without those at its end that the page prints outside the block
    holding most of the body (rule trailing-outside-container), and without the lines shorter
    than a sentence at its start that the page prints before that block (rule
    leading-outside-container). A paragraph that is not found in the page's text ends the
    search from its side: nothing beyond it is judged."""
    if len(paragraphs) < MIN_PARAGRAPHS:
        return paragraphs
    text, order, starts, spans = _text_spans(tree)
    found = _locate(text, paragraphs)
    container = _bulk_container(order, starts, spans, [span for span in found if span])
    if container is None:
        return paragraphs
    start, end = spans[container]
    kept = len(paragraphs)
    while kept > 1:
        span = found[kept - 1]
        if span is None or start <= span[0] < end:
            break
        kept -= 1
    # (each rule is asked only where it would change something: the ablation reruns only those pages)
    if kept < len(paragraphs) and not enabled("trailing-outside-container"):
        kept = len(paragraphs)
    first = 0
    while first < kept - 1:
        span = found[first]
        # a line of a sentence's length is prose: a standfirst printed in the header stays; a
        # line the block prints too is its own, found first in a copy above it (a live blog's
        # newest update's title, listed in its "Key events")
        if span is None or span[0] >= start or len(paragraphs[first]) >= PROSE_LINE \
                or text.find(_squeezed(paragraphs[first])[:_KEY_CHARS], start, end) >= 0:
            break
        first += 1
    if first and not enabled("leading-outside-container"):
        first = 0
    return paragraphs[first:kept]
