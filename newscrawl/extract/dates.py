"""Date parsing for metadata values and visible datelines, built on existing parsers."""

from __future__ import annotations

import re
import warnings
from datetime import datetime
from functools import lru_cache

from dateutil import parser as dateutil_parser

_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|-|$)")
_URL_DATE_COMPACT = re.compile(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])/")


# zone abbreviations seen in RFC 822-style metadata ("Mon, 29 Apr 2024 10:00:00 CEST"), offsets in
# seconds; ambiguous ones (IST, CST, BST) are left out, so such a time stays without an offset
_ZONES = {name: hours * 3600 for name, hours in {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "MEZ": 1,
    "MESZ": 2, "EET": 2, "EEST": 3, "MSK": 3, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
    "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}.items()}


def parse_iso(value: str) -> datetime | None:
    """Parse an ISO 8601 or RFC 822 timestamp as found in metadata."""
    value = value.strip()
    if not value or not re.search(r"\d{4}|\d{1,2}\D+\d{4}", value):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        with warnings.catch_warnings():
            # an unknown zone name gives a time without offset; that is the answer, not a warning
            warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
            return dateutil_parser.parse(value, fuzzy=False, tzinfos=_ZONES)
    except (ValueError, OverflowError, TypeError):
        return None


@lru_cache(maxsize=4096)
def parse_visible(text: str, languages: tuple[str, ...] | None = None) -> datetime | None:
    """Parse a date as printed on a page ("February 20, 2022", "3. Mai 2024 14:05")."""
    text = text.strip()
    if not text or len(text) > 80 or not re.search(r"\d", text):
        return None
    import dateparser  # imported lazily: it is slow to import and rarely needed

    # absolute dates only: "6 hours ago" would be read relative to the crawl time
    settings = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False,
                "REQUIRE_PARTS": ["day", "month", "year"],
                "PARSERS": ["custom-formats", "absolute-time"]}
    try:
        return dateparser.parse(text, languages=list(languages) if languages else None,
                                settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input
        return None


def parse_date(value: str) -> datetime | None:
    """Parse a metadata timestamp first, a printed date second."""
    return parse_iso(value) or parse_visible(value)


def date_from_url(url: str) -> datetime | None:
    """The date in a URL path such as /2022/02/20/slug, if there is one."""
    match = _URL_DATE.search(url) or _URL_DATE_COMPACT.search(url)
    if not match:
        return None
    try:
        return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
