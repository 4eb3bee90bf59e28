"""The Redis key names of one distributed crawl, derived from scrapy-redis's own key settings."""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass

from scrapy.settings import BaseSettings
from scrapy_redis import defaults


@dataclass(frozen=True)
class CrawlKeys:
    """Every key the workers of one spider share (a single Redis, not Cluster)."""

    queue: str  # sorted set of encoded requests (scrapy-redis's PriorityQueue)
    dupefilter: str  # set of request fingerprints
    seeds: str  # list of start URLs pushed by `scrapy seed`
    sites: str  # hash: site name -> options (JSON), for every worker
    workers: str  # sorted set: worker id -> lease expiry (ms, Redis clock)
    politeness: str  # prefix of the per-download-slot politeness keys
    marker: str  # string written once per crawl: gone means Redis lost the crawl's data (marker.py)

    def processing(self, worker: str) -> str:
        """The sorted set of requests a worker has popped and not yet acknowledged."""
        return f"{self.queue}:processing:{worker}"

    @property
    def processing_prefix(self) -> str:
        return f"{self.queue}:processing:"


def crawl_keys(settings: BaseSettings, spider_name: str) -> CrawlKeys:
    """The keys for `spider_name`, honouring SCHEDULER_QUEUE_KEY, SCHEDULER_DUPEFILTER_KEY and
    REDIS_START_URLS_KEY like scrapy-redis does."""
    name = {"spider": spider_name, "name": spider_name}
    queue = settings.get("SCHEDULER_QUEUE_KEY") or defaults.SCHEDULER_QUEUE_KEY
    dupefilter = settings.get("SCHEDULER_DUPEFILTER_KEY") or defaults.SCHEDULER_DUPEFILTER_KEY
    seeds = settings.get("REDIS_START_URLS_KEY") or defaults.START_URLS_KEY
    return CrawlKeys(
        queue=queue % name,
        dupefilter=dupefilter % name,
        seeds=seeds % name,
        sites=f"{spider_name}:sites",
        workers=f"{queue % name}:workers",
        politeness=f"{spider_name}:politeness",
        marker=f"{spider_name}:marker",
    )


def new_worker_id() -> str:
    """host:pid:random, unique per process start, readable in `redis-cli`."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
