"""Page text as printed, line by line: one line per block element, inline elements joined."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lxml.etree import iterwalk
from lxml.html import HtmlElement

# elements that start a new line of text; everything else is inline and joins its neighbours
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "section", "table", "td", "th", "tr", "ul", "label", "button", "option",
})
# elements whose text the page never prints: scripts, styles, <noscript> fallbacks, templates
UNPRINTED_TAGS = ("script", "style", "noscript", "template")
_SKIP = frozenset(UNPRINTED_TAGS)
# str.isalnum as a pattern: a character-by-character Python test took seconds on pages with a
# megabyte of dashes or commas, the pattern runs in C
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
# where a <time> element starts or ends (no page's text holds a NUL: lxml refuses one)
_TIME_EDGE = "\x00"
_TIME_EDGES = re.compile(r"\x00+")
_SUFFIX = re.compile(r"(?:st|nd|rd|th|am|pm)\b", re.IGNORECASE)  # a number's: "3rd", "10am"


def _time_edge(match: re.Match[str]) -> str:
    """A <time>'s edge as printed: a space where a word would otherwise run into it ("...
    a.m. PT" "Updated ..."), nothing where punctuation or a suffix follows it ("<time>May
    3</time>, 2019", "<time>3</time>rd") or an opening bracket comes before it."""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before.isspace() or before in "([{" or not after.isalnum() \
            or (before.isdigit() and _SUFFIX.match(text, end)):
        return ""
    return " "


def has_alnum(text: str) -> bool:
    """Whether `text` holds a letter or a digit."""
    return _LETTER_OR_DIGIT.search(text) is not None


def alnum_count(text: str) -> int:
    """How many letters and digits `text` holds."""
    return len(_NOT_LETTER_OR_DIGIT.sub("", text))


def iter_lines(node: HtmlElement, *, tail: bool = False,
               skip: Callable[[HtmlElement], bool] | None = None) -> Iterator[str]:
    """The node's text as printed, lazily; with `tail`, the text after the node too. Elements
    `skip` is true of print nothing (the text after them still prints)."""
    buffer: list[str] = []

    def flushed() -> str | None:
        text = "".join(buffer)
        if _TIME_EDGE in text:
            text = _TIME_EDGES.sub(_time_edge, text)
        text = " ".join(text.split())
        buffer.clear()
        return text if text and has_alnum(text) else None

    # lxml's walk in C, not a recursive generator (whose every line climbs back up through one
    # generator per level of the tree); an element skipped still ends, and its tail still prints
    walker = iterwalk(node, events=("start", "end", "comment", "pi"))
    skipped = None
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _SKIP or (tag and skip is not None and skip(element)):
                walker.skip_subtree()
                skipped = element
                continue
            if tag in BLOCK_TAGS and buffer and (line := flushed()):
                yield line
            if tag == "time":  # a date (or a time) is one item: a word glued to it is another's
                buffer.append(_TIME_EDGE)
            if tag and element.text:
                buffer.append(element.text)
            continue
        if event == "end":
            if element is skipped:
                skipped = None
            elif tag in BLOCK_TAGS and buffer and (line := flushed()):
                yield line
            elif tag == "time":
                buffer.append(_TIME_EDGE)
        if element is not node and element.tail:
            buffer.append(element.tail)
    if tail and node.tail:
        buffer.append(node.tail)
    if buffer and (line := flushed()):
        yield line


def text_lines(node: HtmlElement) -> list[str]:
    """The node's text as printed: one string per block, inline elements joined as written."""
    return list(iter_lines(node))


def lines_after(anchor: HtmlElement, skip: Callable[[HtmlElement], bool] | None = None) -> Iterator[str]:
    """The lines printed after `anchor` in document order, to the end of the page (without the
    elements `skip` is true of, as in iter_lines)."""
    if anchor.tail and anchor.tail.strip():
        yield " ".join(anchor.tail.split())
    element: HtmlElement | None = anchor
    while element is not None:
        following = element.getnext()
        while following is None:
            element = element.getparent()
            if element is None:
                return
            following = element.getnext()
        element = following
        if isinstance(element.tag, str):
            yield from iter_lines(element, tail=True, skip=skip)
        elif element.tail and element.tail.strip():
            yield " ".join(element.tail.split())


def lines_before(anchor: HtmlElement, skip: Callable[[HtmlElement], bool] | None = None,
                 stop: Callable[[HtmlElement], bool] | None = None) -> Iterator[str]:
    """The lines printed before `anchor`, nearest first, to the start of the page (without the
    elements `skip` is true of, as in iter_lines), or up to the first element before it that
    `stop` is true of (not an ancestor of `anchor`)."""
    element: HtmlElement | None = anchor
    while element is not None:
        previous = element.getprevious()
        while previous is None:
            element = element.getparent()
            if element is None:
                return
            if element.text and element.text.strip():
                yield " ".join(element.text.split())
            previous = element.getprevious()
        element = previous
        if not isinstance(element.tag, str):
            continue
        if stop is not None and stop(element):
            return
        if stop is None:
            yield from reversed(list(iter_lines(element, skip=skip)))
            continue
        lines, stopped = _lines_below_stop(element, skip, stop)
        yield from reversed(lines)
        if stopped:
            return


def _lines_below_stop(element: HtmlElement, skip: Callable[[HtmlElement], bool] | None,
                      stop: Callable[[HtmlElement], bool]) -> tuple[list[str], bool]:
    """The element's lines after the last element inside it that `stop` is true of (all of
    them when there is none), and whether there was one."""
    lines: list[str] = []
    after_stop: int | None = None  # how many of the element's lines precede the last stop

    def skip_or_stop(inner: HtmlElement) -> bool:
        nonlocal after_stop
        if stop(inner):
            after_stop = len(lines)
            return True
        return skip is not None and skip(inner)

    for line in iter_lines(element, skip=skip_or_stop):  # one by one: the count is read as they come
        lines.append(line)
    return (lines if after_stop is None else lines[after_stop:]), after_stop is not None
