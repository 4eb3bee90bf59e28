"""Pages the user named (`-a article=`, `-a articles=`): each one that is not written is named in
one WARNING line with why, `not written: URL (HTTP 404)`, so that a cron job logging at WARNING
sees which page it lost. Pages found by following links are dropped with an INFO line, as before:
a crawl drops many, and that is normal.

Requests for named pages carry the URL the user gave in meta `newscrawl_named` (Scrapy copies
meta to the request a redirect makes), so the line names that URL even after a redirect."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from newscrawl.crawl.meta import NAMED


def named(request: Any) -> str | None:
    """The URL the user gave for this request's page, or None for a page found by the crawl."""
    meta = getattr(request, "meta", None) or {}
    return meta.get(NAMED) or None


def not_written(request: Any, why: str) -> str:
    """`not written: URL (why)`; `not written: URL (redirected to URL2: why)` after a redirect."""
    given = named(request) or request.url
    where = f"redirected to {request.url}: " if request.url != given else ""
    return f"not written: {given} ({where}{why})"


class DroppedItem(DropItem):
    """An item a pipeline drops: `reason` names it in the INFO line and the stats
    (`newscrawl/dropped/<reason>`), `why` says it to a person (the line for a named page)."""

    def __init__(self, reason: str, url: str, why: str) -> None:
        super().__init__(f"{reason}: {url}")
        self.reason = reason
        self.why = why
