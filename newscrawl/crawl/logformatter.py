"""Log lines for dropped items: one short line with the reason, never the whole article; for a
page the user named, one WARNING line saying why it is not written (newscrawl/crawl/named.py)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter

from newscrawl.crawl.meta import CUT
from newscrawl.crawl.named import named, not_written


class NewscrawlLogFormatter(LogFormatter):
    """Dropped items are logged at INFO as "dropped <reason>: <url>"; a page the user named, at
    WARNING as "not written: <url> (<why>)"."""

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any = None) -> dict:
        request = getattr(response, "request", None)
        if named(request):
            why = getattr(exception, "why", None) or str(exception)
            if request.meta.get(CUT):  # the record's text may be short because the page was cut
                why = f"{why}; {request.meta[CUT]}"
            return {"level": logging.WARNING, "msg": "%(line)s", "args": {"line": not_written(request, why)}}
        return {"level": logging.INFO, "msg": "dropped %(reason)s",
                "args": {"reason": str(exception)}}

    def scraped(self, item: Any, response: Any, spider: Any = None) -> dict:
        url = getattr(item, "url", "")
        return {"level": logging.DEBUG, "msg": "scraped article %(url)s", "args": {"url": url}}
