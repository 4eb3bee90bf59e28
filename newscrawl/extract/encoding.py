"""Choose the charset that really decodes a page: the BOM; UTF-8 for bytes that are valid UTF-8
beyond ASCII, whatever a label says; the declared one when it fits, else <meta charset>, UTF-8,
the legacy code page of the page's declared language, then detection (charset-normalizer); and tell bytes that are no text at all (a PDF, an image, gzip). No Scrapy
here: extraction uses it too.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

DETECT_BYTES = 200_000  # detection looks at this much of a page; enough to tell, bounded in time
# a valid multi-byte UTF-8 sequence, and any byte outside ASCII
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
# the first bytes of file formats that are no page (PDF, images, archives, gzip, executables...)
BINARY_MAGIC = (
    b"%PDF-", b"\x89PNG\r\n", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b",
    b"Rar!\x1a", b"7z\xbc\xaf", b"BZh", b"\xfd7zXZ", b"OggS", b"ID3", b"fLaC", b"wOFF", b"wOF2",
    b"\x00\x00\x01\x00", b"\x7fELF", b"\xd0\xcf\x11\xe0", b"RIFF",
)
# control bytes that text (even in legacy charsets) does not contain
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_UNICODE_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def looks_binary(body: bytes, content_type: bytes = b"") -> bool:
    """Whether these bytes are a file format rather than text (`content_type`, a Content-Type
    header or a charset label, tells UTF-16/32 text, which is full of NUL bytes)."""
    content_type = content_type.lower()
    if body.startswith(_UNICODE_BOMS) or b"utf-16" in content_type or b"utf-32" in content_type:
        return False  # UTF-16/32 text is full of NUL bytes
    if body.startswith(BINARY_MAGIC):
        return True
    head = body[:4096]
    return len(_CONTROL.findall(head)) > 0.05 * len(head)


def binary_kind(body: bytes, content_type: bytes = b"") -> str | None:
    """What file these bytes are when they are no text (said to a user: "... is a PDF, not an
    HTML page"), or None for text."""
    if body.startswith(b"WARC/"):  # text, but pages packed with their HTTP headers: many mixed into one
        return "a WARC archive (replay it with scrapy crawl -a warc=FILE)"
    if not looks_binary(body, content_type):
        return None
    if body.startswith(b"\x1f\x8b"):
        return "gzip-compressed bytes (decompress them first)"
    return "a PDF" if body.startswith(b"%PDF-") else "binary data"


def normalise(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None for unknown labels."""
    if not label:
        return None
    name = resolve_encoding(label.strip().strip("\"'"))
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _strict(body: bytes, encoding: str) -> str | None:
    """The text if the bytes decode strictly with this codec, else None."""
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def mostly_utf8(body: bytes) -> bool:
    """UTF-8 with a few corrupt bytes (a real UTF-8 page, damaged): keep UTF-8, replace those.

    Latin-1 or cp1251 text labelled UTF-8 has almost no valid multi-byte sequences.
    """
    sample = body[:DETECT_BYTES]
    high = len(_HIGH_BYTE.findall(sample))
    if not high:
        return True
    valid = sum(len(m) for m in _UTF8_SEQUENCE.findall(sample))
    return valid >= 0.97 * high


# the legacy Windows code page of a language's script, which browsers fall back to for an
# undeclared page in that language (single-byte detection cannot tell cp1252 from cp1250 on
# short text: "£" is "Ł" in the other)
_CODE_PAGES = {
    **dict.fromkeys(("en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "nb", "nn", "fi",
                     "is", "ga", "ca", "eu", "gl", "af", "id", "ms", "sw"), "cp1252"),
    **dict.fromkeys(("cs", "pl", "hu", "sk", "sl", "hr", "ro", "bs", "sq"), "cp1250"),
    **dict.fromkeys(("ru", "uk", "be", "bg", "mk", "sr"), "cp1251"),
    "el": "cp1253", "tr": "cp1254", "he": "cp1255", "ar": "cp1256", "fa": "cp1256",
    **dict.fromkeys(("lt", "lv", "et"), "cp1257"), "vi": "cp1258",
}
_HTML_LANG = re.compile(rb"<html\b[^>]{0,500}?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})", re.IGNORECASE)


def language_code_page(body: bytes) -> str | None:
    """The legacy code page of the language the page's <html lang> declares, if it has one."""
    found = _HTML_LANG.search(body[:DETECT_BYTES])
    return _CODE_PAGES.get(found.group(1).decode("ascii").lower()) if found else None


def detect(body: bytes) -> str | None:
    """charset-normalizer's best guess for the start of the body.

    On short Western text several single-byte code pages score the same (é is é in cp1250 too,
    but è is not); among equally good guesses windows-1252 wins, as in browsers.
    """
    from charset_normalizer import from_bytes

    results = from_bytes(body[:DETECT_BYTES])
    best = results.best()
    if best is None:
        return None
    tied = {normalise(m.encoding) for m in results
            if abs(m.chaos - best.chaos) < 0.01 and abs(m.coherence - best.coherence) < 0.01}
    tied |= {normalise(name) for name in best.could_be_from_charset}
    return "cp1252" if "cp1252" in tied else normalise(best.encoding)


def _choose(body: bytes, declared: str | None) -> tuple[str, str, str | None]:
    """choose_encoding's answer, with the text when choosing it meant decoding it strictly."""
    bom, _ = read_bom(body)
    if bom:
        return normalise(bom) or bom, "bom", None
    declared = normalise(declared)
    meta = normalise(html_body_declared_encoding(body))
    labels = {label for label in (declared, meta) if label}
    if not any(label.startswith(("utf-8", "utf-16", "utf-32")) for label in labels) \
            and _HIGH_BYTE.search(body) and (text := _strict(body, "utf-8")) is not None:
        # bytes outside ASCII that all form valid UTF-8 sequences are UTF-8, whatever a label
        # says: text in another charset almost never does ("für" read as latin-1 is "fÃ¼r"), and
        # servers and templates often keep a default label (iso-8859-1) for UTF-8 pages
        return "utf-8", "utf-8", text
    if declared and (text := _strict(body, declared)) is not None:
        return declared, "declared", text
    if declared == "utf-8" and mostly_utf8(body):
        return declared, "declared", None
    if meta and meta != declared:
        if (text := _strict(body, meta)) is not None:
            return meta, "meta", text
        if meta == "utf-8" and mostly_utf8(body):
            return meta, "meta", None
    if not declared and not meta and (text := _strict(body, "utf-8")) is not None:
        return "utf-8", "utf-8", text
    legacy = language_code_page(body)
    if legacy and (text := _strict(body, legacy)) is not None:
        return legacy, "language", text
    detected = detect(body)
    if detected:
        return detected, "detected", None
    return declared or meta or "utf-8", "fallback", None


def choose_encoding(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """The codec to decode `body` with, and why: "bom", "declared", "meta", "utf-8",
    "language" (the legacy code page of the page's declared language), "detected" or "fallback". `declared` is the HTTP header's charset (or a caller's guess)."""
    encoding, how, _ = _choose(body, declared)
    return encoding, how


class Decoded(NamedTuple):
    """A page's text, the codec it was decoded with, and why that one (as choose_encoding)."""

    text: str
    encoding: str
    how: str


def decode_page(body: bytes, declared: str | None = None) -> Decoded:
    """The text of the body, decoded once with the codec choose_encoding picks (undecodable
    bytes, if any are left, become U+FFFD)."""
    encoding, how, text = _choose(body, declared)
    if text is None:  # else it was decoded, strictly, while choosing: not a second time
        if how == "bom":
            body = body[len(read_bom(body)[1] or b""):]
        text = body.decode(encoding, errors="replace")
    return Decoded(text, encoding, how)


def decode(body: bytes, declared: str | None = None) -> str:
    """The text of the body (undecodable bytes, if any are left, become U+FFFD)."""
    return decode_page(body, declared).text
