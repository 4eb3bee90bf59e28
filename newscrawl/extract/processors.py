"""Small pure functions used by the ArticleLoader to clean field values."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from w3lib.html import replace_entities
from w3lib.url import canonicalize_url, url_query_cleaner

from newscrawl.extract.vocabulary import plausible

_WS = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
TRACKING_PARAMS = (
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id",
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "ref", "ref_src",
    "cmpid", "ito", "ncid", "sr_share", "_ga", "igshid", "amp",
)


def clean_text(value: str | None) -> str | None:
    """Decode entities, drop zero-width characters and collapse whitespace on one line."""
    if value is None:
        return None
    text = replace_entities(str(value))
    text = _ZERO_WIDTH.sub("", text)
    text = _WS.sub(" ", text.replace("\n", " ")).strip()
    return text or None


def clean_body(value: str | None) -> str | None:
    """Normalise a body: paragraphs trimmed, separated by exactly one blank line."""
    if not value:
        return None
    text = _ZERO_WIDTH.sub("", replace_entities(value))
    paragraphs = [_WS.sub(" ", p).strip() for p in re.split(r"\n\s*\n|\n", text)]
    paragraphs = [p for p in paragraphs if p]
    return "\n\n".join(paragraphs) or None


def unique(values: list) -> list:
    """De-duplicate while keeping the first occurrence's order (case-insensitive for text)."""
    seen: set = set()
    out = []
    for value in values:
        key = value.casefold() if isinstance(value, str) else value
        if key in seen:
            continue
        seen.add(key)
        out.append(value)
    return out


def canonical_url(url: str | None) -> str | None:
    """Normalise a URL with w3lib and drop tracking parameters and the fragment."""
    if not url:
        return None
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        return None
    try:
        cleaned = url_query_cleaner(url, TRACKING_PARAMS, remove=True, keep_fragments=False)
        return canonicalize_url(cleaned, keep_fragments=False)
    except ValueError:  # a broken URL (bad port, bad IPv6 literal) is no URL, not a failed page
        return None


def to_iso8601(value: datetime | str | None, *, now: datetime | None = None) -> str | None:
    """Render a datetime as ISO 8601 (offset kept when known); refuse dates in the future."""
    if value is None:
        return None
    if isinstance(value, str):
        from newscrawl.extract.dates import parse_date

        parsed = parse_date(value)
        if parsed is None:
            return None
        value = parsed
    if not plausible(value, now):
        return None
    if value.tzinfo is None and value.hour == value.minute == value.second == 0:
        return value.date().isoformat()
    return value.isoformat()


def nfkc(text: str) -> str:
    """NFKC-normalise text."""
    return unicodedata.normalize("NFKC", text)
