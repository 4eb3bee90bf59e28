"""The settings of distributed mode, applied to a crawl when REDIS_URL is set, and what a worker's
own NEWSCRAWL_STATE does then."""

from __future__ import annotations

from scrapy.settings import BaseSettings
from scrapy.settings import get_settings_priority as priority_of

# the scrapy-redis components, with newscrawl's fixes (see each module)
COMPONENTS = {
    "SCHEDULER": "newscrawl.distributed.scheduler.DistributedScheduler",
    "SCHEDULER_QUEUE_CLASS": "newscrawl.distributed.queue.LeasedPriorityQueue",
    "DUPEFILTER_CLASS": "newscrawl.distributed.dupefilter.FingerprintDupeFilter",
    # one worker closing must never delete what the others still use
    "SCHEDULER_PERSIST": True,
}
POLITENESS_MIDDLEWARE = "newscrawl.distributed.politeness.SharedPolitenessMiddleware"
POLITENESS_MIDDLEWARE_ORDER = 950  # the last one before the download: only real downloads take a lease


def enabled(settings: BaseSettings) -> bool:
    """Whether this crawl is a distributed worker."""
    return bool(settings.get("REDIS_URL"))


def state_of_a_worker(settings: BaseSettings) -> str | None:
    """What a NEWSCRAWL_STATE given on the command line to a distributed worker (REDIS_URL)
    does, said as a warning: its state is the crawl's, in Redis, and the setting only places its
    HTTP cache (before: not a word). None for a crawl of its own, or a NEWSCRAWL_STATE not given."""
    from newscrawl.crawl.httpcache import cache_dir
    from newscrawl.state import NO_STATE

    value = settings.get("NEWSCRAWL_STATE")
    given = (settings.getpriority("NEWSCRAWL_STATE") or 0) >= priority_of("cmdline")
    if not enabled(settings) or not given:
        return None
    shared = "a distributed crawl (REDIS_URL) keeps its state in Redis, shared by every worker"
    if str(value or "").strip().lower() in NO_STATE:
        return (f"NEWSCRAWL_STATE={value} does not turn the state off: {shared}, and an article it "
                "records as written is not written again")
    if settings.get("HTTPCACHE_DIR") or not settings.getbool("HTTPCACHE_ENABLED"):
        return f"NEWSCRAWL_STATE={value} is not used: {shared}"
    return (f"NEWSCRAWL_STATE={value} is not this worker's state: {shared}; only the HTTP cache of "
            f"feeds and sitemaps goes beside it ({cache_dir(settings)})")


def apply_distributed_settings(settings: BaseSettings) -> None:
    """Switch a crawl's settings to distributed mode (call before the crawler starts).

    Values given on the command line (-s) still win, except the per-process delay and
    AutoThrottle when NEWSCRAWL_SHARED_POLITENESS is on: their values move to
    NEWSCRAWL_SHARED_DOWNLOAD_DELAY and NEWSCRAWL_SHARED_AUTOTHROTTLE, which the shared
    politeness middleware enforces across workers, and the local ones are turned off.
    """
    for name, value in COMPONENTS.items():
        settings.set(name, value, priority="spider")
    if not settings.getbool("NEWSCRAWL_SHARED_POLITENESS", True):
        return
    # at spider priority, like the components above: project-priority changes made here are
    # overwritten when a Crawler object is handed to CrawlerProcess.crawl() (settings.update())
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    middlewares.setdefault(POLITENESS_MIDDLEWARE, POLITENESS_MIDDLEWARE_ORDER)
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares,
                 priority=max(settings.getpriority("DOWNLOADER_MIDDLEWARES") or 0, priority_of("spider")))
    above_all = priority_of("cmdline") + 1
    moves = (("DOWNLOAD_DELAY", "NEWSCRAWL_SHARED_DOWNLOAD_DELAY", 0.0),
             ("AUTOTHROTTLE_ENABLED", "NEWSCRAWL_SHARED_AUTOTHROTTLE", False))
    for local, shared, off in moves:
        if settings.getpriority(local) == above_all:
            continue  # applied already (update_settings can run twice)
        if settings.get(shared) is None:
            settings.set(shared, settings.get(local), priority=settings.getpriority(local) or "default")
        settings.set(local, off, priority=above_all)
