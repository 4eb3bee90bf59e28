"""A scrapy-redis priority queue that loses nothing when a worker dies.

scrapy-redis's queues pop destructively: a worker killed with requests in flight loses them.
Here a pop moves the request, atomically, from the shared queue into the worker's own
processing set; the scheduler acknowledges (removes) it once the request is finished, that is
once its response went through the spider and the item pipelines and its item was written.
Every worker holds a lease in a shared `workers` set and renews it while it runs; any worker
that finds an expired lease puts that worker's unacknowledged requests back in the queue.
Times come from the Redis server's clock, so workers on machines with skewed clocks agree.
Taking, queueing and renewing first check the crawl's marker (marker.py): a Redis that lost the
crawl's data stops the worker before it fetches and writes everything again.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy_redis.queue import PriorityQueue

from newscrawl.distributed.keys import CrawlKeys, crawl_keys, new_worker_id
from newscrawl.distributed.marker import CHECK, checked

logger = logging.getLogger(__name__)

_NOW_MS = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)\n"

# KEYS: queue, processing, workers, marker; ARGV: worker id, lease in ms, marker
_POP = CHECK + _NOW_MS + """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return false end
redis.call('ZREM', KEYS[1], item[1])
redis.call('ZADD', KEYS[2], item[2], item[1])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[1])
return item[1]
"""

# KEYS: dupefilter, queue, marker; ARGV: fingerprint, score, encoded request, marker
_PUSH_NEW = CHECK + """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# KEYS: workers, queue; ARGV: processing key prefix, [worker id to release now]
_REQUEUE = _NOW_MS + """
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
if ARGV[2] then table.insert(gone, ARGV[2]) end
local moved = 0
for _, worker in ipairs(gone) do
  local pkey = ARGV[1] .. worker
  local items = redis.call('ZRANGE', pkey, 0, -1, 'WITHSCORES')
  for i = 1, #items, 2 do
    redis.call('ZADD', KEYS[2], items[i + 1], items[i])
    moved = moved + 1
  end
  redis.call('DEL', pkey)
  redis.call('ZREM', KEYS[1], worker)
end
return moved
"""

# KEYS: workers, marker; ARGV: worker id, lease in ms, marker
_HEARTBEAT = CHECK + _NOW_MS + "redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1]) return now"

# KEYS: workers; ARGV: processing key prefix, worker id to leave out
_IN_FLIGHT = """
local total = 0
for _, worker in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if worker ~= ARGV[2] then total = total + redis.call('ZCARD', ARGV[1] .. worker) end
end
return total
"""


class LeasedPriorityQueue(PriorityQueue):
    """scrapy-redis's PriorityQueue with per-worker processing sets, leases and acknowledgements.

    Settings: NEWSCRAWL_REDIS_LEASE (seconds a worker's lease lasts without renewal; its
    unacknowledged requests go back to the queue after that).
    """

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        settings = spider.crawler.settings
        self.keys: CrawlKeys = crawl_keys(settings, spider.name)
        self.worker = new_worker_id()
        self.lease_ms = int(settings.getfloat("NEWSCRAWL_REDIS_LEASE", 60.0) * 1000)
        if self.lease_ms <= 0:
            raise ValueError("NEWSCRAWL_REDIS_LEASE must be a number of seconds above 0")
        self.processing_key = self.keys.processing(self.worker)
        # popped requests -> their encoded form (the member to remove on acknowledgement)
        self._leased: dict[Request, bytes] = {}
        self._pop = server.register_script(_POP)
        self._push_new = server.register_script(_PUSH_NEW)
        self._requeue = server.register_script(_REQUEUE)
        self._heartbeat = server.register_script(_HEARTBEAT)
        self._in_flight = server.register_script(_IN_FLIGHT)
        self.undecodable = 0
        # set when the engine offers no way to learn that a request finished
        self.ack_on_pop = False
        # the crawl's marker as this worker found it (the scheduler sets it): taking or queueing a
        # request and renewing the lease fail with CrawlDataLost once Redis lost it (marker.py)
        self.marker = ""

    def push_new(self, request: Request, fingerprint: str, dupefilter_key: str) -> bool:
        """Mark the fingerprint seen and queue the request in one step; False if it was seen.

        One atomic step, so a worker killed in between never leaves a URL marked seen but
        never queued (lost) or queued twice.
        """
        data = self._encode_request(request)
        return bool(self._checked(self._push_new, [dupefilter_key, self.key],
                                  [fingerprint, -request.priority, data]))

    def pop(self, timeout: int = 0) -> Request | None:
        """The next request, moved into this worker's processing set (timeout is not supported)."""
        data = self._checked(self._pop, [self.key, self.processing_key, self.keys.workers],
                             [self.worker, self.lease_ms])
        if not data:
            return None
        try:
            request = self._decode_request(data)
        except Exception as exc:  # a request this spider cannot rebuild must not stall the crawl
            self.undecodable += 1
            logger.error("dropped a queued request that cannot be decoded (%s: %s)", type(exc).__name__, exc)
            self.server.zrem(self.processing_key, data)
            return None
        if self.ack_on_pop:
            self.server.zrem(self.processing_key, data)
        else:
            self._leased[request] = data
        return request

    def ack(self, request: Request) -> bool:
        """Forget a finished request; False if it was not popped from this queue."""
        data = self._leased.pop(request, None)
        if data is None:
            return False
        self.server.zrem(self.processing_key, data)
        return True

    @property
    def leased(self) -> int:
        """How many requests this worker popped and has not acknowledged."""
        return len(self._leased)

    def heartbeat(self) -> None:
        """Renew this worker's lease."""
        self._checked(self._heartbeat, [self.keys.workers], [self.worker, self.lease_ms])

    def _checked(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        return checked(script, keys, args, self.keys.marker, self.marker)

    def requeue_expired(self) -> int:
        """Put the unacknowledged requests of workers whose lease expired back in the queue."""
        return int(self._requeue(keys=[self.keys.workers, self.key], args=[self.keys.processing_prefix]))

    def leave(self) -> int:
        """Give back this worker's unacknowledged requests now and drop its lease."""
        self._leased.clear()
        return int(self._requeue(keys=[self.keys.workers, self.key],
                                 args=[self.keys.processing_prefix, self.worker]))

    def in_flight_elsewhere(self) -> int:
        """Requests other live (or not yet expired) workers hold."""
        return int(self._in_flight(keys=[self.keys.workers], args=[self.keys.processing_prefix, self.worker]))

    def other_workers(self) -> int:
        """How many other workers hold a lease."""
        return max(0, int(self.server.zcard(self.keys.workers)) - (1 if self._registered() else 0))

    def _registered(self) -> bool:
        return self.server.zscore(self.keys.workers, self.worker) is not None
