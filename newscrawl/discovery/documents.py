"""Is a body one of the documents discovery reads (an RSS or Atom feed, a sitemap or sitemap
index) or JSON, rather than an HTML page? Told by its root element, as feeds.py and sitemaps.py
tell them apart, or else by its Content-Type; XHTML (`<?xml ...?><html>`) is a page."""

from __future__ import annotations

import codecs
import json
import re
from typing import NamedTuple

import lxml.etree

from newscrawl.discovery.feeds import FEED_ROOTS, FEED_TYPES
from newscrawl.discovery.sitemaps import SITEMAP_ROOTS

SNIFF_BYTES = 64 * 1024  # the root element comes after at most a declaration, comments, a doctype
_BLANK = b" \t\r\n\xef\xbb\xbf"  # white space and a UTF-8 BOM before the first character
_LEADING_BLANK = re.compile(b"[%s]*" % re.escape(_BLANK))
# the longest a JSON token cut at the end of the first SNIFF_BYTES can be, past where its error
# is said: a literal (-Infinity), a \uXXXX escape pair, a number's last digits
_LONGEST_TOKEN = 16


class NotAPage(NamedTuple):
    """What the document is ("an RSS feed"), and the sites file's key that reads it (None: none)."""

    what: str
    sites_key: str | None


def not_a_page(body: bytes, content_type: bytes | str = b"") -> NotAPage | None:
    """What `body` is when it is a feed, a sitemap or JSON (said to a user: "... is an RSS feed,
    not an HTML page"), or None for a page (or anything else)."""
    root = root_name(body)
    if root in FEED_ROOTS:
        return NotAPage(FEED_ROOTS[root], "feeds")
    if root in SITEMAP_ROOTS:
        return NotAPage(SITEMAP_ROOTS[root], "sitemaps")
    if root is not None:  # markup of another kind: XHTML, or an HTML page XML can read
        return None
    media = _media_type(content_type)
    if media in FEED_TYPES:
        return NotAPage(FEED_TYPES[media], "feeds")
    if is_json(body, media):
        return NotAPage("JSON", None)
    return None


def root_name(body: bytes) -> str | None:
    """The local name of the document's first element when the start of `body` reads as XML, else
    None. A pull parser over the first SNIFF_BYTES, stopped at that element: no entities, no
    network."""
    parser = lxml.etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True,
                                      huge_tree=False)
    try:
        parser.feed(body[:SNIFF_BYTES].lstrip(_BLANK))
        for _, element in parser.read_events():
            return lxml.etree.QName(element).localname
    except (lxml.etree.LxmlError, ValueError):
        return None
    return None


def _media_type(content_type: bytes | str) -> str:
    text = content_type.decode("latin-1") if isinstance(content_type, bytes) else content_type
    return text.split(";")[0].strip().lower()


def is_json(body: bytes, media: str = "") -> bool:
    """Whether `body` is a JSON object or array (or is labelled JSON and is no markup). Read no
    further than SNIFF_BYTES after its leading white space (a body may be megabytes): a longer
    body is JSON when those bytes are the start of a JSON object or array."""
    blank = _LEADING_BLANK.match(body, 0, SNIFF_BYTES).end()  # type: ignore[union-attr]
    head = body[blank:blank + SNIFF_BYTES]
    start = head[:1]
    if media.endswith(("/json", "+json")) and start != b"<":
        return True
    if start not in (b"{", b"["):
        return False
    cut = len(body) > blank + len(head)
    try:  # a multi-byte character cut at the end of the head is left out, not an error
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=not cut)
    except UnicodeDecodeError:
        return False
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return cut and _cut_short(text, exc)
    except (ValueError, RecursionError):
        return False
    return True


def _cut_short(text: str, error: json.JSONDecodeError) -> bool:
    """Whether a JSON error is only where the text was cut: a string still open, or a value,
    a name or a delimiter expected (or a literal, a number or an escape cut) at its end."""
    if error.msg.startswith("Unterminated string"):
        return True
    return error.msg.startswith(("Expecting", "Invalid \\uXXXX")) and len(text) - error.pos <= _LONGEST_TOKEN
