"""Date parsing for metadata values and visible datelines, built on existing parsers."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache

from dateutil import parser as dateutil_parser
from dateutil import tz as dateutil_tz

_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|-|$)")
_URL_DATE_COMPACT = re.compile(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])/")


# zone abbreviations seen in RFC 822-style metadata ("Mon, 29 Apr 2024 10:00:00 CEST"), offsets in
# seconds; ambiguous ones (IST, CST, BST) are left out, so such a time stays without an offset
_ZONES = {name: hours * 3600 for name, hours in {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "MEZ": 1,
    "MESZ": 2, "EET": 2, "EEST": 3, "MSK": 3, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
    "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}.items()}


# zones printed after a clock time on news pages: the fixed ones above, a few more, and the US
# zones named without their season ("2:05 p.m. ET"), whose offset the date decides
_PRINTED_FIXED = {name: offset for name, offset in _ZONES.items() if len(name) > 1} | {
    name: hours * 3600 for name, hours in {"BST": 1, "WIB": 7, "WITA": 8, "WIT": 9, "ICT": 7, "HKT": 8,
                                           "SGT": 8, "PHT": 8, "NZST": 12, "NZDT": 13}.items()}
_PRINTED_REGIONAL = {"ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
                     "PT": "America/Los_Angeles"}


def printed_zone(name: str, day: datetime) -> tzinfo | None:
    """The zone a page prints after a time ("CET", "WIB", "ET"), for `day`; None if unknown
    (an ambiguous name such as IST or CST included)."""
    if name in _PRINTED_FIXED:
        return timezone(timedelta(seconds=_PRINTED_FIXED[name]))
    region = _PRINTED_REGIONAL.get(name)
    zone = dateutil_tz.gettz(region) if region else None
    if zone is None:
        return None
    # the offset of that day: a fixed zone, so that the record reads e.g. -05:00
    return timezone(day.replace(tzinfo=zone).utcoffset() or timedelta(0))


def offset_zone(sign: str, hours: str, minutes: str | None) -> tzinfo | None:
    """A printed offset ("GMT+7", "UTC-03:00") as a zone; None past 14 hours."""
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)


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
    # never all locales: dateparser then tries each of ~200 in turn, seconds on some lines
    try:
        return _visible_parser(languages or FALLBACK_LANGUAGES).get_date_data(text)["date_obj"]
    except Exception:  # dateparser raises assorted errors on odd input, and on unknown languages
        return None


# absolute dates only: "6 hours ago" would be read relative to the crawl time
_VISIBLE_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False,
                     "REQUIRE_PARTS": ["day", "month", "year"], "PARSERS": ["custom-formats", "absolute-time"]}


@lru_cache(maxsize=32)
def _visible_parser(languages: tuple[str, ...]):
    """One dateparser per language set, built once (dateparser.parse builds one per call)."""
    from dateparser import DateDataParser  # imported lazily: it is slow to import and rarely needed

    return DateDataParser(languages=list(languages), settings=_VISIBLE_SETTINGS)


def search_dates(text: str, languages: tuple[str, ...]) -> list[tuple[str, datetime]]:
    """The absolute dates (day, month and year) dateparser finds in a text, in `languages` only,
    each with the words it read."""
    from dateparser.search import search_dates as dateparser_search

    try:
        return dateparser_search(text, languages=list(languages), settings=_VISIBLE_SETTINGS) or []
    except Exception:  # dateparser raises assorted errors on odd input, and on unknown languages
        return []


def page_languages(lang: str | None) -> tuple[str, ...] | None:
    """The page's language as dateparser names it ("de-AT" -> ("de",)), None when unknown."""
    code = (lang or "").split("-")[0].split("_")[0].strip().lower()
    return (code,) if code.isalpha() and 2 <= len(code) <= 3 else None


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


# --- htmldate's text search, bounded --------------------------------------------------------
# htmldate's extensive search hands free text to dateparser with every locale (~200 of them,
# each compiling its own patterns): seconds on some pages. Inside `bounded_htmldate` that parser
# reads the page's own languages only; without them it is not asked (htmldate's own patterns
# still are).
FALLBACK_LANGUAGES = ("en",)
_PAGE_LANGUAGES: ContextVar[tuple[str, ...] | None] = ContextVar("page_languages", default=None)
_INSIDE: ContextVar[bool] = ContextVar("bounded_htmldate", default=False)
# htmldate's own settings for its external parser (htmldate.extractors.get_external_parser)
_HTMLDATE_SETTINGS = {"NORMALIZE": True, "PARSERS": ["custom-formats", "absolute-time"],
                      "PREFER_DATES_FROM": "past", "PREFER_LOCALE_DATE_ORDER": True,
                      "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": True}


@lru_cache(maxsize=32)
def _language_parser(languages: tuple[str, ...]):
    from dateparser import DateDataParser

    return DateDataParser(languages=list(languages), settings=_HTMLDATE_SETTINGS)


def _page_language_date(string: str) -> datetime | None:
    """dateparser in the page's languages only (None without them)."""
    languages = _PAGE_LANGUAGES.get()
    if not languages:
        return None
    try:
        return _language_parser(languages).get_date_data(string)["date_obj"]
    except (ValueError, OverflowError, TypeError, KeyError):  # an unknown language code, odd text
        return None


# htmldate's last resort runs its patterns over the serialized page (seconds on a 2 MB page): it
# reads the start of the page (the head's metadata and the page's top, scripts and styles gone)
# and its end (the copyright line); deeper down it finds other pages' dates (on the tune halves
# 20 KB instead of 200 KB took three wrong dates from undated pages, changed no right one, and
# cost 43% less)
SEARCH_HEAD_CHARS = 20_000
SEARCH_TAIL_CHARS = 20_000


def _search_text(htmlstring: str) -> str:
    if len(htmlstring) <= SEARCH_HEAD_CHARS + SEARCH_TAIL_CHARS:
        return htmlstring
    return f"{htmlstring[:SEARCH_HEAD_CHARS]} {htmlstring[-SEARCH_TAIL_CHARS:]}"


def _install() -> None:
    """Route htmldate's external parser through `_page_language_date`, and its page search
    through `_search_text`, inside `bounded_htmldate` (elsewhere htmldate behaves as shipped).
    Installed once; a context variable tells the calls apart, so threads and other users of
    htmldate are not affected."""
    import htmldate.core as core
    import htmldate.extractors as extractors

    if getattr(extractors._external_date, "bounded", False):
        return
    shipped_date, shipped_search = extractors._external_date, core.search_page

    def external_date(string: str) -> datetime | None:
        return _page_language_date(string) if _INSIDE.get() else shipped_date(string)

    def search_page(htmlstring: str, options):
        return shipped_search(_search_text(htmlstring) if _INSIDE.get() else htmlstring, options)

    external_date.bounded = search_page.bounded = True  # type: ignore[attr-defined]
    extractors._external_date = external_date
    core.search_page = search_page


@contextmanager
def bounded_htmldate(languages: tuple[str, ...] | None) -> Iterator[None]:
    """htmldate calls inside read free text with dateparser in `languages` only."""
    _install()
    inside, page = _INSIDE.set(True), _PAGE_LANGUAGES.set(languages)
    try:
        yield
    finally:
        _INSIDE.reset(inside)
        _PAGE_LANGUAGES.reset(page)
