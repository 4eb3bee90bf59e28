"""Turn page bytes into one lxml tree, parsed once and shared by every extraction step."""

from __future__ import annotations

import codecs
import re

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

MAX_HTML_BYTES = 5_000_000
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)


def decode_html(html: str | bytes, declared: str | None = None) -> str:
    """Decode bytes: the declared charset if it decodes strictly, then BOM, <meta>, detection."""
    if isinstance(html, str):
        return html
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if html.startswith(bom):
            return html[len(bom):].decode(encoding, errors="replace")
    candidates = [declared] if declared else []
    match = _META_CHARSET.search(html[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "ignore"))
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            return html.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(html[:200_000]).best()
    encoding = best.encoding if best else "utf-8"
    return html.decode(encoding, errors="replace")


def parse_html(text: str) -> HtmlElement | None:
    """Parse HTML text into a tree; None for pages with no markup at all."""
    text = text[:MAX_HTML_BYTES]
    # lxml refuses str input that carries an XML encoding declaration
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    text = text.replace("\x00", "")
    if not text.strip():
        return None
    try:
        tree = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    return tree


_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False,
                               collect_ids=False, huge_tree=False)


def text_of(element: HtmlElement) -> str:
    """Visible text of an element with whitespace collapsed."""
    return " ".join(element.text_content().split())
