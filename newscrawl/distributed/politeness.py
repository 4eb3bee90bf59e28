"""Per-site politeness shared by every worker through short Redis leases.

Scrapy's download slots (DOWNLOAD_DELAY, CONCURRENT_REQUESTS_PER_DOMAIN, DOWNLOAD_SLOTS,
AutoThrottle) live in one process: N workers would hit a site N times as hard. This
middleware, the last before the download, asks Redis for each request, per download slot
(the host name, or the request's `download_slot`):
- the next start time: requests to one slot start at least its delay apart, across workers;
- a lease in the slot's active set: at most its concurrency in flight, across workers. A lease
  ends with the response or the error, or expires after DOWNLOAD_TIMEOUT + 10 s if its
  worker died.
With NEWSCRAWL_SHARED_AUTOTHROTTLE the slot's delay also follows AutoThrottle's rule (latency
/ AUTOTHROTTLE_TARGET_CONCURRENCY, smoothed), shared by all workers. The per-process delays
are switched off in distributed mode (see newscrawl.distributed.settings), because a request
held back locally after its lease was granted would break the shared spacing.
When Redis cannot be reached the request is not downloaded (outage.py stops the crawl): it is
no failure of the site.
"""

from __future__ import annotations

import logging
import random

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from newscrawl.crawl.meta import POLITENESS_TOKEN
from newscrawl.crawl.middlewares import Dropped
from newscrawl.distributed.connection import connect
from newscrawl.distributed.keys import crawl_keys, new_worker_id
from newscrawl.distributed.outage import REDIS_UNAVAILABLE, lost_redis, redis_gone

logger = logging.getLogger(__name__)

TOKEN = POLITENESS_TOKEN
_POLL = 0.05  # seconds between tries while a slot is at its concurrency

# KEYS: next start, active leases, throttle delay
# ARGV: token, min delay ms, concurrency, lease ms, use throttle (0/1), throttle start ms
_ACQUIRE = """
local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return -1 end
local delay = tonumber(ARGV[2])
if ARGV[5] == '1' then
  local throttled = tonumber(redis.call('GET', KEYS[3]) or ARGV[6])
  if throttled > delay then delay = throttled end
end
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < nxt then return nxt - now end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]))
redis.call('SET', KEYS[1], now + delay, 'PX', delay + 60000)
return 0
"""

# KEYS: next start, active leases, throttle delay; ARGV: token, min delay ms, use throttle (0/1),
# throttle start ms. The next request also waits the delay after this one ended: on the
# server's side two requests are then always that far apart, however late a worker sent its
# request after the grant.
_RELEASE = """
redis.call('ZREM', KEYS[2], ARGV[1])
local delay = tonumber(ARGV[2])
if ARGV[3] == '1' then
  local throttled = tonumber(redis.call('GET', KEYS[3]) or ARGV[4])
  if throttled > delay then delay = throttled end
end
if delay <= 0 then return 0 end
local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if now + delay > nxt then redis.call('SET', KEYS[1], now + delay, 'PX', delay + 60000) end
return 1
"""

# KEYS: throttle delay; ARGV: latency ms, target concurrency, min ms, max ms, start ms, status
_THROTTLE = """
local old = tonumber(redis.call('GET', KEYS[1]) or ARGV[5])
local target = tonumber(ARGV[1]) / tonumber(ARGV[2])
local new = math.max(target, (old + target) / 2)
new = math.min(math.max(tonumber(ARGV[3]), new), tonumber(ARGV[4]))
if ARGV[6] ~= '200' and new <= old then return old end
redis.call('SET', KEYS[1], math.floor(new), 'EX', 3600)
return new
"""


class SharedPolitenessMiddleware:
    """Spaces and caps requests per download slot across all workers of a crawl.

    Settings: NEWSCRAWL_SHARED_POLITENESS (on by default in distributed mode),
    NEWSCRAWL_SHARED_DOWNLOAD_DELAY, NEWSCRAWL_SHARED_AUTOTHROTTLE (filled from DOWNLOAD_DELAY
    and AUTOTHROTTLE_ENABLED when distributed mode starts), CONCURRENT_REQUESTS_PER_DOMAIN,
    DOWNLOAD_SLOTS (per-slot "delay" and "concurrency"), AUTOTHROTTLE_* (as in Scrapy).
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.get("REDIS_URL") or not settings.getbool("NEWSCRAWL_SHARED_POLITENESS", True):
            raise NotConfigured
        self.crawler = crawler
        self.server = connect(settings)
        self.delay = max(0.0, settings.getfloat("NEWSCRAWL_SHARED_DOWNLOAD_DELAY",
                                                settings.getfloat("DOWNLOAD_DELAY")))
        self.concurrency = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 8))
        self.throttle = settings.getbool("NEWSCRAWL_SHARED_AUTOTHROTTLE", False)
        self.throttle_start = max(self.delay, settings.getfloat("AUTOTHROTTLE_START_DELAY", 5.0))
        self.throttle_max = max(self.delay, settings.getfloat("AUTOTHROTTLE_MAX_DELAY", 60.0))
        self.target = max(0.01, settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY", 1.0))
        self.lease_ms = int((settings.getfloat("DOWNLOAD_TIMEOUT", 180) + 10) * 1000)
        self.worker = new_worker_id()
        self.prefix: str | None = None
        self.limits: dict[str, tuple[float, int]] = {}
        self.counter = 0
        self._acquire = self.server.register_script(_ACQUIRE)
        self._throttle = self.server.register_script(_THROTTLE)
        self._release_script = self.server.register_script(_RELEASE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedPolitenessMiddleware:
        return cls(crawler)

    def _keys(self, slot: str) -> list[str]:
        if self.prefix is None:
            spider = self.crawler.spider
            self.prefix = crawl_keys(self.crawler.settings, spider.name if spider else "site").politeness
        base = f"{self.prefix}:{slot}"
        return [f"{base}:next", f"{base}:active", f"{base}:throttle"]

    def _limits(self, slot: str) -> tuple[float, int]:
        """The slot's shared delay and concurrency; its local delay is set to 0 the first time."""
        if slot not in self.limits:
            downloader = self.crawler.engine.downloader
            per_slot = getattr(downloader, "per_slot_settings", {})
            entry = dict(per_slot.get(slot, {}))
            self.limits[slot] = (float(entry.get("delay", self.delay)),
                                 int(entry.get("concurrency", self.concurrency)))
            if entry.get("delay"):
                per_slot[slot] = {**entry, "delay": 0}
        return self.limits[slot]

    async def process_request(self, request: Request) -> None:
        slot = self.crawler.engine.downloader.get_slot_key(request)
        delay, concurrency = self._limits(slot)
        self.counter += 1
        token = f"{self.worker}:{self.counter}"
        keys = self._keys(slot)
        # a site with its own delay keeps it as is (AutoThrottle's autothrottle_dont_adjust_delay)
        throttle = self.throttle and not request.meta.get("autothrottle_dont_adjust_delay")
        args = [token, int(delay * 1000), concurrency, self.lease_ms, int(throttle),
                int(self.throttle_start * 1000)]
        # the installed reactor (imported here: importing it at module level would install the default)
        from twisted.internet import reactor

        waited = 0.0
        while True:
            wait_ms = self._try_acquire(keys, args)
            if wait_ms == 0:
                break
            # a little jitter so waiting workers do not all ask again at the same moment
            pause = _POLL if wait_ms < 0 else wait_ms / 1000 + random.uniform(0, 0.005)
            waited += pause
            await maybe_deferred_to_future(deferLater(reactor, pause))
        request.meta[TOKEN] = (slot, token, delay, throttle)
        if waited:
            self.crawler.stats.inc_value("newscrawl/politeness/waited_ms", int(waited * 1000))

    def _try_acquire(self, keys: list[str], args: list) -> int:
        """The acquire script's answer; without Redis the request is dropped (not the site's fault)."""
        if not redis_gone(self.crawler):
            try:
                return int(self._acquire(keys=keys, args=args))
            except Exception as exc:
                if not lost_redis(self.crawler, exc):
                    raise
        raise Dropped(REDIS_UNAVAILABLE, "Redis cannot be reached")

    def _release(self, request: Request) -> None:
        lease = request.meta.pop(TOKEN, None)
        if lease is not None and not redis_gone(self.crawler):
            slot, token, delay, throttle = lease
            try:
                self._release_script(keys=self._keys(slot), args=[token, int(delay * 1000), int(throttle),
                                                                  int(self.throttle_start * 1000)])
            except Exception as exc:  # the lease expires by itself
                if not lost_redis(self.crawler, exc):
                    logger.warning("could not release the politeness lease of %s: %s", request.url, exc)

    def process_response(self, request: Request, response: Response) -> Response:
        lease = request.meta.get(TOKEN)
        self._release(request)
        latency = request.meta.get("download_latency")
        if (self.throttle and lease is not None and latency is not None and not redis_gone(self.crawler)
                and not request.meta.get("autothrottle_dont_adjust_delay")):
            delay, _ = self._limits(lease[0])
            try:
                self._throttle(keys=[self._keys(lease[0])[2]],
                               args=[int(latency * 1000), self.target, int(delay * 1000),
                                     int(self.throttle_max * 1000), int(self.throttle_start * 1000),
                                     response.status])
            except Exception as exc:
                if not lost_redis(self.crawler, exc):
                    raise
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)
