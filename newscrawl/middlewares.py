"""The "seen before" spider middleware: never refetch an article an earlier run emitted."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from newscrawl.processors import canonical_url
from newscrawl.state.crawler import state_for

# discovery pages (home, sections, feeds, sitemaps) carry this meta key and are always fetched
ALWAYS_FETCH = "newscrawl_always_fetch"


class SeenBeforeMiddleware:
    """Filters requests for URLs the state already lists as emitted articles."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenBeforeMiddleware:
        return cls(crawler)

    def _keep(self, entry: Any) -> bool:
        if not isinstance(entry, Request) or entry.meta.get(ALWAYS_FETCH) or entry.dont_filter:
            return True
        key = canonical_url(entry.url)
        if key and state_for(self.crawler).is_seen(key):
            self.stats.inc_value("newscrawl/skipped/seen_before")
            return False
        return True

    def process_spider_output(self, response: Response, result: Iterable) -> Iterable:
        for entry in result:
            if self._keep(entry):
                yield entry

    async def process_spider_output_async(self, response: Response,
                                          result: AsyncIterator) -> AsyncIterator:
        async for entry in result:
            if self._keep(entry):
                yield entry
