"""Bare ampersands in feeds and sitemaps: `?a=1&b=2` written without `&amp;`, as many sites
write their URLs and titles. lxml's recovering parser drops `&b` from such a document (`?a=1=2`),
and from then on every `&amp;` too (`?p=1&amp;lang=en` came out as `?p=1lang=en`): the crawl
fetched, and wrote records under, URLs the site never listed."""

from __future__ import annotations

import html.entities
import re

# a CDATA section (kept as it is: an ampersand is text there), or an ampersand with the
# reference it may begin
_AMPERSAND = re.compile(rb"<!\[CDATA\[.*?\]\]>|&(#[0-9]+;|#[xX][0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9]*;)?",
                        re.DOTALL)
_XML_NAMES = {b"amp;", b"lt;", b"gt;", b"quot;", b"apos;"}


def escape_bare_ampersands(xml: bytes) -> bytes:
    """`xml` with each ampersand that begins no reference escaped (`&` -> `&amp;`), and HTML's
    named characters (`&nbsp;`, `&eacute;`, which XML does not define) written as numbers.

    A well-formed document comes back unchanged but for HTML names; a UTF-16 one (bytes that are
    no ASCII superset) is left as it is."""
    if b"&" not in xml or b"\x00" in xml[:64]:
        return xml
    return _AMPERSAND.sub(_escape, xml)


def _escape(match: re.Match[bytes]) -> bytes:
    reference = match.group(1)
    if match.group(0).startswith(b"<"):
        return match.group(0)  # a CDATA section
    if reference is None:
        return b"&amp;"
    if reference.startswith(b"#") or reference in _XML_NAMES:
        return match.group(0)
    char = html.entities.html5.get(reference.decode("ascii"))
    if char is None:  # a name neither XML nor HTML defines: text, as a browser shows it
        return b"&amp;" + reference
    return b"".join(b"&#%d;" % ord(c) for c in char)
