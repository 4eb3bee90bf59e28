"""Bound the link-following crawl: deep pagination and calendar archives are crawler traps."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_PAGE_NUMBER = re.compile(r"/page/(\d+)/?(?:$|\?)|[?&](?:page|paged|pg)=(\d+)(?:&|$)", re.IGNORECASE)
# "p=" pages through a section (/news/?p=40, a shop's category); at the site's root or on a script
# it names a post (WordPress's default address /?p=1234, phpBB's viewtopic.php?p=), and a post
# with a high number is no deep page of a listing
_P_NUMBER = re.compile(r"[?&]p=(\d+)(?:&|$)", re.IGNORECASE)
_CALENDAR = re.compile(
    r"/(?:calendar|events?|kalender|agenda)/.*(?:19|20)\d{2}"  # event calendars by date
    r"|[?&](?:date|day|month|year|m|ical|tribe-bar-date|eventDate)=[\d-]+"  # date queries
    r"|/(?:19|20)\d{2}/(?:\d{1,2}/){0,2}(?:page/\d+/?)?$",  # bare year/month/day archives
    re.IGNORECASE,
)


def page_number(url: str) -> int | None:
    """The pagination number in a URL (/page/3/, ?page=3, ?paged=3, /news/?p=3), if any."""
    match = _PAGE_NUMBER.search(url)
    if match:
        return int(match.group(1) or match.group(2))
    match = _P_NUMBER.search(url)
    path = urlsplit(url).path.rstrip("/")
    if match and path and "." not in path.rsplit("/", 1)[-1]:
        return int(match.group(1))
    return None


def is_calendar(url: str) -> bool:
    """Whether a URL is a date archive or calendar page (endless through prev/next links)."""
    return bool(_CALENDAR.search(url))


class TrapGuard:
    """Per-site budget: pagination up to `max_page`, at most `max_calendar` calendar pages."""

    def __init__(self, max_page: int, max_calendar: int) -> None:
        self.max_page = max_page
        self.max_calendar = max_calendar
        self.calendar_seen: dict[str, set[str]] = {}

    def reason(self, site: str, url: str) -> str | None:
        """Why a URL must not be followed ("pagination", "calendar"), or None to follow it."""
        number = page_number(url)
        if self.max_page and number is not None and number > self.max_page:
            return "pagination"
        if self.max_calendar and is_calendar(url):
            seen = self.calendar_seen.setdefault(site, set())
            if url not in seen and len(seen) >= self.max_calendar:
                return "calendar"
            seen.add(url)
        return None
