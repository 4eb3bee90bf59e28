"""scrapy-redis's scheduler, made safe for several workers and current Scrapy.

What this adds to `scrapy_redis.scheduler.Scheduler`:
- a request is acknowledged only when the engine is done with it: its response went through the
  spider, the item pipelines and the feed export (or it failed, was ignored, or was replaced by a
  redirect/retry that is already back in the queue). Until then it sits in this worker's
  processing set (see LeasedPriorityQueue); a killed worker's requests are requeued by others;
- marking a URL seen and queueing it is one atomic step;
- fingerprints come from the crawler's REQUEST_FINGERPRINTER_CLASS;
- the queue and the fingerprints are never flushed by one worker closing (the others still use
  them); the last worker to finish an idle crawl clears the fingerprints, so the next crawl
  fetches listing pages again (articles are skipped by the shared "seen before" state);
- idle handling: requeue dead workers' requests, read seeds (`scrapy seed`), and close after
  MAX_IDLE_TIME_BEFORE_CLOSE seconds with nothing queued, seeded or in flight anywhere;
- Redis lost mid-crawl: one ERROR line and the close reason `redis_unavailable` (outage.py),
  then no more Redis calls: every method answers "nothing" at once; the same with the close
  reason `redis_data_lost` when Redis lost the crawl's data (restarted empty, flushed: marker.py);
- stats without the `spider` argument Scrapy 2.19 deprecates.
"""

from __future__ import annotations

import importlib
import logging
import time
from typing import Any

from redis.exceptions import RedisError
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from newscrawl.distributed.connection import connect
from newscrawl.distributed.dupefilter import FingerprintDupeFilter
from newscrawl.distributed.keys import crawl_keys
from newscrawl.distributed.lease import LeaseKeeper
from newscrawl.distributed.marker import ensure_marker
from newscrawl.distributed.outage import is_outage, lost_redis, outage_for, redis_gone
from newscrawl.distributed.queue import LeasedPriorityQueue
from newscrawl.distributed.seeds import SiteRegistry
from newscrawl.output.storage import output_failed
from newscrawl.state.crawler import state_failed

logger = logging.getLogger(__name__)

POLL_INTERVAL = 0.5  # seconds between looks at the shared queue while this worker has room


class DistributedScheduler(Scheduler):
    """The shared frontier of `scrapy crawl site -s REDIS_URL=...` workers."""

    crawler: Crawler
    queue: LeasedPriorityQueue

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedScheduler:
        settings = crawler.settings
        kwargs: dict[str, Any] = {
            "persist": True,
            "flush_on_start": settings.getbool("SCHEDULER_FLUSH_ON_START"),
            "idle_before_close": 0,
            "queue_cls": settings.get("SCHEDULER_QUEUE_CLASS")
            or "newscrawl.distributed.queue.LeasedPriorityQueue",
        }
        for name, setting in (("queue_key", "SCHEDULER_QUEUE_KEY"), ("dupefilter_key", "SCHEDULER_DUPEFILTER_KEY"),
                              ("serializer", "SCHEDULER_SERIALIZER")):
            if settings.get(setting):
                kwargs[name] = settings.get(setting)
        if isinstance(kwargs.get("serializer"), str):
            kwargs["serializer"] = importlib.import_module(kwargs["serializer"])
        instance = cls(server=connect(settings), **kwargs)
        instance.crawler = crawler
        instance.stats = crawler.stats
        return instance

    # -- lifecycle -------------------------------------------------------------------------

    def open(self, spider: Spider) -> None:
        settings = self.crawler.settings
        self.spider = spider
        self.keys = crawl_keys(settings, spider.name)
        queue_cls = load_object(self.queue_cls)
        if not issubclass(queue_cls, LeasedPriorityQueue):
            raise ValueError(f"SCHEDULER_QUEUE_CLASS must be a LeasedPriorityQueue, not {self.queue_cls}")
        self.queue = queue_cls(server=self.server, spider=spider, key=self.keys.queue, serializer=self.serializer)
        self.df = FingerprintDupeFilter.for_crawler(self.crawler, self.server, spider.name)
        self.seeds = SiteRegistry(self.server, self.keys, spider, settings)
        self.max_idle = max(0.0, settings.getfloat("MAX_IDLE_TIME_BEFORE_CLOSE", 0))
        # a worker holds at most this many unfinished requests, so the others get their share
        self.max_in_progress = max(1, settings.getint("NEWSCRAWL_REDIS_MAX_IN_PROGRESS", 0)
                                   or settings.getint("CONCURRENT_REQUESTS", 16))
        self.idle_since: float | None = None
        self.waiting = False  # idle, kept open by _spider_idle
        self.outage = outage_for(self.crawler)  # made here: the lease thread reports to it too
        try:
            self._join()
        except RedisError as exc:
            # a Redis full at its maxmemory, or gone, already as the worker joins: the same one
            # line and close reason as mid-crawl, not a traceback from the engine's start
            if not lost_redis(self.crawler, exc):
                raise
            return
        lease = self.queue.lease_ms / 1000
        self._lease = LeaseKeeper(self._renew, interval=max(0.1, lease / 4),
                                  stall_limit=max(60.0, 10 * lease), on_failure=self._lease_failed)
        self._lease.start()
        self._beat = task.LoopingCall(self._heartbeat)
        self._beat.start(max(0.2, lease / 4), now=False)
        self._wake_engine = self._hook_request_finished()
        self._poll = task.LoopingCall(self._wake)
        self._poll.start(POLL_INTERVAL, now=False)
        self.crawler.signals.connect(self._spider_idle, signal=signals.spider_idle)
        logger.info("distributed worker %s: queue %r, %d requests waiting, lease %.0fs, idle close after %s",
                    self.queue.worker, self.keys.queue, len(self.queue), lease,
                    f"{self.max_idle:g}s" if self.max_idle else "never")

    def _join(self) -> None:
        """Take part in the shared crawl: its marker, this worker's lease, dead workers' requests
        back in the queue, the sites seeded."""
        if self.flush_on_start:
            self.flush()
        self.queue.marker = ensure_marker(self.server, self.keys.marker, by=self.queue.worker)
        self.queue.heartbeat()
        requeued = self.queue.requeue_expired()
        if requeued:
            self._requeued(requeued)
        self.seeds.share_sites()

    def close(self, reason: str) -> None:
        for loop in (getattr(self, "_beat", None), getattr(self, "_poll", None)):
            if loop is not None and loop.running:
                loop.stop()
        if getattr(self, "_lease", None) is not None:
            self._lease.stop()
        self.crawler.stats.set_value("newscrawl/distributed/worker", self.queue.worker)
        if redis_gone(self.crawler):
            return  # the requests come back when the lease expires, as the ERROR line said
        try:
            given_back = self.queue.leave()
            if given_back:
                logger.info("gave %d unfinished requests back to the shared queue", given_back)
            if reason == "finished" and self._crawl_done():
                # the last worker out: the next crawl starts with fresh fingerprints
                self.server.delete(self.df.key)
                logger.info("crawl complete on every worker: cleared the shared request fingerprints")
        except RedisError as exc:
            if not lost_redis(self.crawler, exc):
                raise

    # -- requests --------------------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        if redis_gone(self.crawler):
            return False  # the crawl is closing: nothing can be queued
        try:
            if request.dont_filter:
                self.queue.push(request)
            elif not self.queue.push_new(request, self.df.request_fingerprint(request), self.df.key):
                self.df.log(request, self.spider)
                return False
        except RedisError as exc:
            if lost_redis(self.crawler, exc):
                return False
            raise
        self.crawler.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self.queue.leased >= self.max_in_progress or redis_gone(self.crawler):
            return None  # asked again as soon as one of ours finishes
        try:
            request = self.queue.pop()
            if request is not None:
                self.seeds.ensure(request)
        except RedisError as exc:  # not reachable: the crawl stops; else asked again at the next poll
            if lost_redis(self.crawler, exc):
                return None
            self.crawler.stats.inc_value("newscrawl/distributed/redis_errors")
            logger.warning("could not take a request from Redis: %s", exc)
            return None
        if self.queue.undecodable:
            self.crawler.stats.inc_value("newscrawl/distributed/undecodable", self.queue.undecodable)
            self.queue.undecodable = 0
        if request is not None:
            self.crawler.stats.inc_value("scheduler/dequeued/redis")
            self.idle_since = None
            self.waiting = False
        return request

    def has_pending_requests(self) -> bool:
        if redis_gone(self.crawler):
            return False
        try:
            return len(self.queue) > 0
        except RedisError as exc:
            if lost_redis(self.crawler, exc):
                return False
            raise

    def finished(self, request: Request) -> None:
        """The engine is done with a request: acknowledge it if it came from the shared queue.
        Not once an output or the state failed: what the request brought was neither written nor
        recorded, so it stays leased, and goes back to the shared queue when this worker leaves
        (acknowledged, its article was lost to every worker)."""
        if output_failed(self.crawler) or state_failed(self.crawler):
            return
        if self.queue.ack(request):
            self.crawler.stats.inc_value("newscrawl/distributed/acked")

    # -- internals -------------------------------------------------------------------------

    def _hook_request_finished(self) -> Any:
        """Call finished() when the engine drops a request from its in-progress set; returns the
        engine's "look at the scheduler again" call (or None).

        Scrapy has no public "request finished" signal; the engine slot's remove_request() runs
        once the download, the callback, the item pipelines and item_scraped (the feed write)
        are all done, or once a redirect/retry replacing the request is scheduled.
        """
        slot = getattr(self.crawler.engine, "_slot", None)
        original = getattr(slot, "remove_request", None)
        if original is None:
            logger.error("this Scrapy version has no engine slot hook: requests are acknowledged when "
                         "popped, and a killed worker loses its in-flight requests")
            self.queue.ack_on_pop = True
            return None

        def remove_request(request: Request) -> None:
            try:
                if not redis_gone(self.crawler):
                    self.finished(request)
            except Exception as exc:  # the lease still protects the request
                if not lost_redis(self.crawler, exc):
                    logger.warning("could not acknowledge %s: %s", request, exc)
            original(request)

        slot.remove_request = remove_request
        nextcall = getattr(slot, "nextcall", None)
        return getattr(nextcall, "schedule", None)

    def _wake(self) -> None:
        """Look at the shared queue (and, while idle, at seeds and the idle time) every
        POLL_INTERVAL, not only at the engine's 5 s heartbeat."""
        if redis_gone(self.crawler):
            return
        try:
            if self._wake_engine and (self.waiting or (self.queue.leased < self.max_in_progress
                                                       and len(self.queue))):
                self._wake_engine()
        except Exception as exc:  # a Redis blip: the engine's heartbeat still polls
            if not lost_redis(self.crawler, exc):
                logger.debug("scheduler poll failed: %s", exc)

    def _heartbeat(self) -> None:
        """From the reactor: show the lease keeper we are alive; take over dead workers' requests."""
        self._lease.tick()
        if redis_gone(self.crawler):
            return
        try:
            requeued = self.queue.requeue_expired()
        except Exception as exc:  # the next beat retries; a worker must not die of a Redis blip
            if not lost_redis(self.crawler, exc):
                logger.warning("distributed heartbeat failed: %s", exc)
            return
        if requeued:
            self._requeued(requeued)

    def _renew(self) -> None:
        """From the lease thread: renew the lease, unless Redis is gone already."""
        if not redis_gone(self.crawler):
            self.queue.heartbeat()

    def _lease_failed(self, exc: Exception) -> None:
        """From the lease thread: Redis unreachable stops the crawl; a blip is retried next round."""
        if is_outage(exc):
            self.outage.report(exc)
        else:
            logger.warning("could not renew the worker lease: %s", exc)

    def _requeued(self, count: int) -> None:
        self.crawler.stats.inc_value("newscrawl/distributed/requeued", count)
        logger.warning("requeued %d requests left unfinished by workers whose lease expired", count)

    def _crawl_done(self) -> bool:
        return (len(self.queue) == 0 and self.seeds.pending() == 0
                and self.server.zcard(self.keys.workers) == 0)

    def _spider_idle(self, spider: Spider) -> None:
        """Keep an idle worker alive while the crawl may still give it work."""
        self._heartbeat()
        if redis_gone(self.crawler):
            raise DontCloseSpider  # closing already, as redis_unavailable, not as finished
        try:
            scheduled = 0
            for request in self.seeds.pop():
                self.crawler.engine.crawl(request)
                scheduled += 1
            busy = scheduled or len(self.queue) or self.queue.in_flight_elsewhere() or self.seeds.pending()
        except RedisError as exc:
            if lost_redis(self.crawler, exc):
                raise DontCloseSpider from None
            raise
        now = time.monotonic()
        if busy or self.idle_since is None:
            self.idle_since = now
        if self.max_idle and not busy and now - self.idle_since >= self.max_idle:
            logger.info("nothing queued, seeded or in flight for %.1fs: closing", now - self.idle_since)
            self.waiting = False
            return
        self.waiting = True
        raise DontCloseSpider
