"""Bare ampersands in feeds and sitemaps: `?a=1&b=2` written without `&amp;`, as many sites
write their URLs and titles. lxml's recovering parser drops `&b` from such a document (`?a=1=2`),
and from then on every `&amp;` too (`?p=1&amp;lang=en` came out as `?p=1lang=en`): the crawl
fetched, and wrote records under, URLs the site never listed."""

from __future__ import annotations

import html.entities
import re

# an ampersand that begins no reference XML knows (those are left alone: a well-formed document
# has no match), with the name it may begin
_AMPERSAND = re.compile(rb"&(?!#[0-9]+;|#[xX][0-9A-Fa-f]+;|(?:amp|lt|gt|quot|apos);)([A-Za-z][A-Za-z0-9]*;)?")
_CDATA, _CDATA_END = b"<![CDATA[", b"]]>"


def escape_bare_ampersands(xml: bytes) -> bytes:
    """`xml` with each ampersand that begins no reference escaped (`&` -> `&amp;`), and HTML's
    named characters (`&nbsp;`, `&eacute;`, which XML does not define) written as numbers;
    CDATA sections, where an ampersand is text, are kept as they are.

    A well-formed document comes back unchanged but for HTML names; a UTF-16 one (bytes that are
    no ASCII superset) is left as it is. Linear in the document's size (sections are found with
    `find`: a regular expression searched for each unclosed one to the end)."""
    if b"&" not in xml or b"\x00" in xml[:64]:
        return xml
    parts, position = [], 0
    while (start := xml.find(_CDATA, position)) >= 0:
        end = xml.find(_CDATA_END, start + len(_CDATA))
        parts.append(_AMPERSAND.sub(_escape, xml[position:start]))
        if end < 0:  # cut short inside a section: the rest is its text
            parts.append(xml[start:])
            return b"".join(parts)
        position = end + len(_CDATA_END)
        parts.append(xml[start:position])
    parts.append(_AMPERSAND.sub(_escape, xml[position:]))
    return b"".join(parts)


def _escape(match: re.Match[bytes]) -> bytes:
    reference = match.group(1)
    if reference is None:
        return b"&amp;"
    char = html.entities.html5.get(reference.decode("ascii"))
    if char is None:  # a name neither XML nor HTML defines: text, as a browser shows it
        return b"&amp;" + reference
    return b"".join(b"&#%d;" % ord(c) for c in char)
