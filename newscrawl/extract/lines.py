"""Page text as printed, line by line: one line per block element, inline elements joined."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lxml.html import HtmlElement

# elements that start a new line of text; everything else is inline and joins its neighbours
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "section", "table", "td", "th", "tr", "ul", "label", "button", "option",
})
_SKIP = frozenset({"script", "style", "noscript", "template"})
# str.isalnum as a pattern: a character-by-character Python test took seconds on pages with a
# megabyte of dashes or commas, the pattern runs in C
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


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

    def flush() -> Iterator[str]:
        text = " ".join("".join(buffer).split())
        buffer.clear()
        if text and has_alnum(text):
            yield text

    def walk(element: HtmlElement) -> Iterator[str]:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIP or (tag and skip is not None and skip(element)):
            return
        block = tag in BLOCK_TAGS
        if block:
            yield from flush()
        if tag and element.text:
            buffer.append(element.text)
        for child in element:
            yield from walk(child)
            if child.tail:
                buffer.append(child.tail)
        if block:
            yield from flush()

    yield from walk(node)
    if tail and node.tail:
        buffer.append(node.tail)
    yield from flush()


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


def lines_before(anchor: HtmlElement) -> Iterator[str]:
    """The lines printed before `anchor`, nearest first, to the start of the page."""
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
        if isinstance(element.tag, str):
            yield from reversed(text_lines(element))
