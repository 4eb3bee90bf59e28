"""scrapy-redis's Redis dupefilter, fingerprinting requests the way the crawler does.

scrapy-redis 0.9.1 hashes method, canonical URL and body itself and so ignores
REQUEST_FINGERPRINTER_CLASS; this one asks `crawler.request_fingerprinter`, so a custom
fingerprinter (for example one that ignores some query parameters) works across workers too.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy_redis.dupefilter import RFPDupeFilter

from newscrawl.distributed.keys import crawl_keys


class FingerprintDupeFilter(RFPDupeFilter):
    """A shared set of request fingerprints in Redis, computed by the crawler's fingerprinter."""

    def __init__(self, server: Any, key: str, debug: bool = False, fingerprinter: Any = None) -> None:
        super().__init__(server, key, debug)
        self.fingerprinter = fingerprinter

    @classmethod
    def for_crawler(cls, crawler: Crawler, server: Any, spider_name: str) -> FingerprintDupeFilter:
        """The dupefilter of `spider_name`'s crawl, sharing the scheduler's Redis connection."""
        key = crawl_keys(crawler.settings, spider_name).dupefilter
        return cls(server, key=key, debug=crawler.settings.getbool("DUPEFILTER_DEBUG"),
                   fingerprinter=crawler.request_fingerprinter)

    def request_fingerprint(self, request: Request) -> str:
        if self.fingerprinter is None:
            return super().request_fingerprint(request)
        return self.fingerprinter.fingerprint(request).hex()

    def close(self, reason: str = "") -> None:
        """Keep the shared fingerprints: other workers still use them (scrapy-redis deletes them)."""
