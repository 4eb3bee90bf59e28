"""The article body: trafilatura over the cleaned tree, rendered as blank-line paragraphs."""

from __future__ import annotations

import copy

import lxml.html
from lxml.html import HtmlElement
from trafilatura import bare_extraction

_BLOCKS = {"p", "head", "list", "quote", "table", "code", "item", "row", "div"}


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _render(element) -> list[str]:
    """trafilatura's XML body as paragraphs: one per block, list items one per line."""
    paragraphs: list[str] = []
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "list":
            items = [_text(item) for item in child.iter("item")]
            paragraphs.extend(i for i in items if i)
        elif tag == "table":
            for row in child.iter("row"):
                cells = [_text(c) for c in row]
                line = " | ".join(c for c in cells if c)
                if line:
                    paragraphs.append(line)
        elif tag in ("quote", "div") and any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in child):
            paragraphs.extend(_render(child))
        else:
            text = _text(child)
            if text:
                paragraphs.append(text)
    return paragraphs


def run_trafilatura(tree: HtmlElement, url: str, *, favor_recall: bool = False) -> str | None:
    """Body text of a (cleaned) document, paragraphs separated by a blank line."""
    try:
        document = bare_extraction(tree, url=url, include_comments=False, include_tables=True,
                                   favor_recall=favor_recall, with_metadata=False,
                                   deduplicate=False)
    except Exception:  # trafilatura raises assorted errors on odd trees; the item keeps no body
        return None
    if document is None or document.body is None:
        return None
    paragraphs = _render(document.body)
    return "\n\n".join(paragraphs) or None


def container_document(container: HtmlElement) -> HtmlElement:
    """A minimal document holding only the body container, for trafilatura."""
    root = lxml.html.document_fromstring("<html><body><article></article></body></html>")
    article = root.find(".//article")
    article.append(copy.deepcopy(container))
    return root


def without_leading_headline(body: str | None, headline: str | None) -> str | None:
    """The body without a first paragraph that only repeats the headline (generic pages)."""
    if not body or not headline:
        return body
    first, _, rest = body.partition("\n\n")
    if rest and " ".join(first.split()).casefold() == " ".join(headline.split()).casefold():
        return rest
    return body
