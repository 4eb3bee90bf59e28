"""The "seen before" spider middleware: never refetch an article an earlier run emitted,
except to revisit a recent one with a conditional request (NEWSCRAWL_REVISIT) or to follow the
links on its page when the run that wrote it stopped before it had, nor one this run emitted
already."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from newscrawl.crawl.meta import ALWAYS_FETCH, REVISIT, SITE, site_stat
from newscrawl.distributed.outage import lost_redis, redis_gone
from newscrawl.extract.processors import canonical_url
from newscrawl.state.base import SeenEntry
from newscrawl.state.crawler import follow_links_of, state_for

logger = logging.getLogger(__name__)

# request meta: the state key of an article fetched once more for the links on its page
LINKS_PENDING = "newscrawl_links_pending"



class SeenBeforeMiddleware:
    """Filters requests for URLs the state lists as emitted articles; lets recent ones through
    again, once per run, with If-None-Match / If-Modified-Since, so an unchanged article costs a 304.

    `skipped/seen_before` counts only articles an earlier run emitted (before this run started);
    a link to one this run emitted already is `skipped/emitted_this_run`, never fetched again.
    An article whose links an earlier run did not follow to the end (stopped or killed first) is
    fetched once more, `refetched/links_pending`: its page is not written again (with
    NEWSCRAWL_REVISIT, a changed one is, as a revisit writes it), and its links are followed.
    Each URL is counted once per run, however many pages link to it.

    Async only: requests stream through as the callback yields them.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.revisit = max(0.0, crawler.settings.getfloat("NEWSCRAWL_REVISIT", 0))
        self.max_age = max(0.0, crawler.settings.getfloat("NEWSCRAWL_STATE_MAX_AGE", 0))
        # entries recorded from here on are this run's: the state records an article after its
        # line is written, and a killed run's lines are recovered earlier, by an extension
        self.run_started = time.time()
        # each skipped URL is counted once, however many pages link to it (hashes: 1M URLs ~ 60 MB)
        self.counted: set[int] = set()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenBeforeMiddleware:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        """Forget entries older than NEWSCRAWL_STATE_MAX_AGE, so the state does not grow forever."""
        if not self.max_age:
            return
        from newscrawl.crawl.httpcache import cache_dir, prune_cache

        removed = state_for(self.crawler).prune(self.max_age)
        removed_cache = prune_cache(cache_dir(self.crawler.settings), self.max_age)
        self.stats.set_value("newscrawl/state/pruned", removed)
        if removed or removed_cache:
            logger.info("pruned %d state entries and %d cached feeds/sitemaps older than %ds",
                        removed, removed_cache, self.max_age)

    def _count(self, request: Request, key: str) -> None:
        url = hash(request.url)
        if url in self.counted:
            return
        self.counted.add(url)
        self.stats.inc_value(f"newscrawl/{key}")
        site = request.meta.get(SITE)
        if site:
            self.stats.inc_value(site_stat(site, key.rpartition("/")[2]))

    def _check(self, entry: Any) -> Any:
        """The entry to pass on (maybe made conditional), or None to drop it."""
        if not isinstance(entry, Request) or entry.meta.get(ALWAYS_FETCH) or entry.dont_filter:
            return entry
        if redis_gone(self.crawler):
            return None  # a distributed crawl that lost its Redis queues nothing more
        key = canonical_url(entry.url)
        try:
            seen = state_for(self.crawler).get(key) if key else None
        except Exception as exc:
            if lost_redis(self.crawler, exc):
                return None
            raise
        if seen is None:
            return entry
        if seen.emitted_at >= self.run_started:  # emitted by this run: a link back to it
            self._count(entry, "skipped/emitted_this_run")
            return None
        if seen.links_pending:  # not conditional: a 304 has no links
            if not self.stats.get_value("newscrawl/refetched/links_pending"):
                logger.info("fetching once more the pages of articles that a run stopped before its "
                            "end wrote, to follow their links (they are not written again), "
                            "such as %s", entry.url)
            self._count(entry, "refetched/links_pending")
            return entry.replace(meta={**entry.meta, LINKS_PENDING: key})
        if self.revisit and time.time() - seen.emitted_at < self.revisit:
            return _conditional(entry, seen)  # counted when its response arrives (page_gate)
        self._count(entry, "skipped/seen_before")
        return None

    async def process_spider_output(self, response: Response, result: AsyncIterator) -> AsyncIterator:
        pending = response.meta.get(LINKS_PENDING)
        if pending:  # its links are what follows: followed once this run finishes (under the
            # address it now has too, when it was redirected: the state knows it by that one)
            follow_links_of(self.crawler, {pending, canonical_url(response.url) or pending})
        async for entry in result:
            checked = self._check(entry)
            if checked is not None:
                yield checked


def _conditional(request: Request, seen: SeenEntry) -> Request:
    """The request with the stored validators, accepting a 304, kept out of the HTTP cache."""
    headers = dict(request.headers)
    if seen.etag:
        headers[b"If-None-Match"] = seen.etag
    if seen.last_modified:
        headers[b"If-Modified-Since"] = seen.last_modified
    statuses = list(request.meta.get("handle_httpstatus_list", [])) + [304]
    meta = {**request.meta, REVISIT: seen.revision, "dont_cache": True,
            "handle_httpstatus_list": statuses}
    return request.replace(headers=headers, meta=meta)
