"""Scrapy's retries, honouring Retry-After on 429 and 503.

A short Retry-After (at most NEWSCRAWL_RETRY_AFTER_MAX seconds) delays that retry by what the
server asked; a longer one is not retried at all in this run (the page is dropped with the
reason `retry_after_too_long`), because waiting hours would stall an unattended crawl.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from newscrawl.crawl.meta import FAILURE_REASON

RETRY_AFTER_STATUSES = {429, 503}


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware that waits out a short Retry-After and gives up on a long one."""

    async def process_response(self, request: Request, response: Response,
                               spider: Spider | None = None) -> Request | Response:
        if (response.status in RETRY_AFTER_STATUSES and response.status in self.retry_http_codes
                and not request.meta.get("dont_retry")):
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait is not None:
                limit = self.crawler.settings.getfloat("NEWSCRAWL_RETRY_AFTER_MAX", 60.0)
                if wait > limit:
                    # not retried; the failure middleware counts and logs it once, with this reason
                    request.meta[FAILURE_REASON] = (
                        "retry_after_too_long", f"Retry-After {wait:.0f} s is over "
                        f"NEWSCRAWL_RETRY_AFTER_MAX ({limit:.0f} s)")
                    return response
                if wait > 0 and request.meta.get("retry_times", 0) < request.meta.get(
                        "max_retry_times", self.max_retry_times):
                    from twisted.internet import reactor

                    self.crawler.stats.inc_value("newscrawl/retry_after/waited")
                    await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return super().process_response(request, response)
