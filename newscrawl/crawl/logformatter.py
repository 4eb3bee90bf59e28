"""Log lines for dropped items: one short line with the reason, never the whole article."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter


class NewscrawlLogFormatter(LogFormatter):
    """Dropped items are logged at INFO as "dropped <reason>: <url>"."""

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any = None) -> dict:
        return {"level": logging.INFO, "msg": "dropped %(reason)s",
                "args": {"reason": str(exception)}}

    def scraped(self, item: Any, response: Any, spider: Any = None) -> dict:
        url = getattr(item, "url", "")
        return {"level": logging.DEBUG, "msg": "scraped article %(url)s", "args": {"url": url}}
