"""Pages the user named (`-a article=`, `-a articles=`): each one that is not written is named in
one WARNING line with why, `not written: URL (HTTP 404)`, so that a cron job logging at WARNING
sees which page it lost. Pages found by following links are dropped with an INFO line, as before:
a crawl drops many, and that is normal.

Requests for named pages carry the URL the user gave in meta `newscrawl_named` (Scrapy copies
meta to the request a redirect makes), so the line names that URL even after a redirect.

`NotWrittenLines` counts these lines (the stat newscrawl/named/not_written), and prints each on
stderr when the log does not reach it (--nolog, --logfile, -L ERROR): the user named the page
and learns it was lost however quiet the log, once."""

from __future__ import annotations

import logging
import sys
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.crawl.meta import NAMED
from newscrawl.ops.summary import NAMED_NOT_WRITTEN, log_reaches_stderr

NOT_WRITTEN = "not written: "  # how every such line starts, whoever logs it


def named(request: Any) -> str | None:
    """The URL the user gave for this request's page, or None for a page found by the crawl."""
    meta = getattr(request, "meta", None) or {}
    return meta.get(NAMED) or None


def not_written(request: Any, why: str) -> str:
    """`not written: URL (why)`; `not written: URL (redirected to URL2: why)` after a redirect."""
    given = named(request) or request.url
    where = f"redirected to {request.url}: " if request.url != given else ""
    return f"{NOT_WRITTEN}{given} ({where}{why})"


class DroppedItem(DropItem):
    """An item a pipeline drops: `reason` names it in the INFO line and the stats
    (`newscrawl/dropped/<reason>`), `why` says it to a person (the line for a named page)."""

    def __init__(self, reason: str, url: str, why: str) -> None:
        super().__init__(f"{reason}: {url}")
        self.reason = reason
        self.why = why


class NotWrittenLines(logging.Handler):
    """A handler on the root logger, as Scrapy's log_count/ counter is: counts the WARNING lines
    `not written: URL (why)` of this crawl, and prints each on stderr when `echo`."""

    def __init__(self, crawler: Crawler, echo: bool) -> None:
        super().__init__(logging.WARNING)
        self.crawler = crawler
        self.echo = echo

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NotWrittenLines:
        handler = cls(crawler, echo=not log_reaches_stderr(crawler.settings, logging.WARNING))
        logging.root.addHandler(handler)
        crawler.signals.connect(handler.remove, signal=signals.engine_stopped)
        return handler

    def remove(self) -> None:
        logging.root.removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        spider = getattr(record, "spider", None)  # another crawler's line in the same process
        if spider is not None and spider is not self.crawler.spider:
            return
        message = record.getMessage()
        if not message.startswith(NOT_WRITTEN):
            return
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(NAMED_NOT_WRITTEN)
        if self.echo:  # as `no articles written:` is then printed (newscrawl/commands/crawl.py)
            print(f"WARNING: {message}", file=sys.stderr, flush=True)
