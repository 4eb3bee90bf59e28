"""Distributed mode: many `scrapy crawl site` workers on many machines sharing one Redis.

Turned on by the REDIS_URL setting (the `newscrawl[redis]` extra): scrapy-redis's scheduler and
dupefilter share the frontier (with newscrawl's fixes: leases and acknowledgements so a killed
worker loses nothing, the crawler's request fingerprinter, current Scrapy), the state store
lives in Redis, and per-site politeness is shared through Redis leases. `scrapy seed` pushes
start URLs. Nothing here is imported unless REDIS_URL is set.
"""

from newscrawl.distributed.settings import apply_distributed_settings, enabled

__all__ = ["apply_distributed_settings", "enabled"]
