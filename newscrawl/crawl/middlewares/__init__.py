"""Downloader middlewares that keep a crawl going through broken servers and pages.

Each one has one job: refuse unsafe redirects (redirect.py), refuse requests into protected
networks (network.py), drop binary bodies labelled HTML (responses.py), fix wrong charsets
(charset.py), honour Retry-After (retry.py), and turn every failure that is left into one
log line and one `newscrawl/dropped/<reason>` stat (failures.py). And one spider middleware:
never refetch an article an earlier run emitted (seen.py).
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from newscrawl.crawl.named import named, not_written

logger = logging.getLogger("newscrawl.faults")


class Dropped(IgnoreRequest):
    """A request or response newscrawl gave up on, with the reason already counted and logged."""

    def __init__(self, reason: str, detail: str = "", original: BaseException | None = None) -> None:
        self.reason = reason
        self.detail = detail
        self.original = original
        super().__init__(f"{reason}: {detail}" if detail else reason)


def drop(crawler: Crawler, request: Request, reason: str, detail: str = "",
         level: int = logging.WARNING, original: BaseException | None = None) -> Dropped:
    """Count `newscrawl/dropped/<reason>`, log one line, and return the exception to raise; the
    line for a page the user named is a WARNING `not written: URL (why)`."""
    assert crawler.stats is not None
    crawler.stats.inc_value(f"newscrawl/dropped/{reason}")
    if named(request):
        why = reason.replace("_", " ") + (f": {detail}" if detail else "")
        logger.warning("%s", not_written(request, why), extra={"spider": crawler.spider})
    else:
        logger.log(level, "dropped %s: %s%s", reason, request.url, f" ({detail})" if detail else "",
                   extra={"spider": crawler.spider})
    return Dropped(reason, detail, original)
