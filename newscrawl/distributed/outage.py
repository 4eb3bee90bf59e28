"""A worker whose Redis goes away mid-crawl, or refuses writes (full at its maxmemory, a read-only
replica), stops: one ERROR line, close reason `redis_unavailable`.

redis-py retries a failed connection by itself (its default Retry), so a ConnectionError or
TimeoutError that reaches newscrawl means Redis is down or cut off. A worker can then take,
queue, acknowledge, space and record nothing; going on would only turn each page into a
"network error" of the site and each poll into a traceback. The first such error is reported
here, once: an ERROR line naming the URL (password hidden), the stat `STAT`, and
`engine.close_spider_async(reason=REDIS_UNAVAILABLE)` (`newscrawl crawl` exits 1). From then on
every Redis caller skips its call (`redis_gone`), instead of waiting for redis-py's retries
again. Lines already written stay written; the requests the worker held go back to the shared
queue when its lease expires, as for a killed worker.

A Redis that lost the crawl's data (restarted without persistence, or flushed: marker.py) stops
a worker the same way, with its own line, stat `LOST_STAT` and close reason `redis_data_lost`.

Nothing here imports redis unless REDIS_URL is set, so any module may ask.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from twisted.python.threadable import isInIOThread

from newscrawl.config.redis_url import safe_url

logger = logging.getLogger("newscrawl")

REDIS_UNAVAILABLE = "redis_unavailable"  # the close reason (exit 1)
STAT = "newscrawl/distributed/redis_unavailable"  # the ERROR line's text
REDIS_DATA_LOST = "redis_data_lost"  # the close reason when Redis lost the crawl's data (exit 1)
LOST_STAT = "newscrawl/distributed/redis_data_lost"  # its ERROR line's text
_ATTR = "_newscrawl_redis_outage"
# what a worker whose Redis lost the crawl's data says after "this worker stops; "
LOST_THEN = ("the articles written so far stay in the output, but Redis no longer records them (nor "
             "the queue): a crawl seeded again writes them again. Give Redis persistence (appendonly "
             "yes) so that a restart keeps the crawl; what to do now: docs/distributed.md")


def is_outage(exc: BaseException) -> bool:
    """Whether `exc` says Redis cannot be reached, or cannot take a write: full at its maxmemory,
    or a read-only replica (not a bad command or a script error); or that it lost the crawl's
    data. A worker can do nothing useful without its Redis, so each stops it."""
    try:
        import redis

        from newscrawl.distributed.marker import CrawlDataLost
    except ImportError:
        return False
    return isinstance(exc, redis.ConnectionError | redis.TimeoutError | redis.OutOfMemoryError
                      | redis.ReadOnlyError | CrawlDataLost)


def data_lost(exc: BaseException) -> bool:
    """Whether `exc` says Redis lost the crawl's data (marker.py)."""
    try:
        from newscrawl.distributed.marker import CrawlDataLost
    except ImportError:
        return False
    return isinstance(exc, CrawlDataLost)


def how_it_failed(exc: BaseException) -> str:
    """How an outage reads after "Redis at URL": unreachable, or refusing writes (and what to
    change then)."""
    import redis

    if data_lost(exc):
        return "lost this crawl's data (restarted without persistence, or flushed)"
    if isinstance(exc, redis.OutOfMemoryError):
        return "is full and refuses writes (raise its maxmemory, or free memory)"
    if isinstance(exc, redis.ReadOnlyError):
        return "is a read-only replica and refuses writes (give REDIS_URL the primary)"
    if isinstance(exc, redis.ConnectionError | redis.TimeoutError):
        return "cannot be reached"
    return "answered with an error"


class RedisOutage:
    """The crawler's record of losing Redis; reports it once and closes the spider."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.url = safe_url(crawler.settings.get("REDIS_URL"))
        self.gone = False

    def report(self, exc: BaseException) -> None:
        """Say once that Redis is gone and close the spider; safe from any thread."""
        if not isInIOThread():
            from twisted.internet import reactor

            reactor.callFromThread(self.report, exc)
            return
        if self.gone:
            return
        self.gone = True
        detail = " ".join(str(exc).split()) or type(exc).__name__
        lost = data_lost(exc)
        then = (LOST_THEN if lost else "the articles written so far stay in the output, and the requests "
                "it held go back to the shared queue when its lease expires (NEWSCRAWL_REDIS_LEASE)")
        message = f"Redis at {self.url} {how_it_failed(exc)} ({detail}): this worker stops; {then}"
        logger.error("%s", message)
        self.crawler.stats.set_value(LOST_STAT if lost else STAT, message)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=REDIS_DATA_LOST if lost else REDIS_UNAVAILABLE))


def outage_for(crawler: Crawler) -> RedisOutage:
    """The crawler's RedisOutage, made on first use."""
    outage = getattr(crawler, _ATTR, None)
    if outage is None:
        outage = RedisOutage(crawler)
        setattr(crawler, _ATTR, outage)
    return outage


def redis_gone(crawler: Any) -> bool:
    """Whether this crawl has lost its Redis: skip the call (it would only wait and fail)."""
    outage = getattr(crawler, _ATTR, None)
    return outage is not None and outage.gone


def lost_redis(crawler: Any, exc: BaseException) -> bool:
    """True when `exc` is a distributed crawl losing Redis: reported (once), and the caller gives
    up quietly; False for any other error, which the caller handles as before."""
    if crawler is None or not crawler.settings.get("REDIS_URL") or not is_outage(exc):
        return False
    outage_for(crawler).report(exc)
    return True
