"""Hold the crawl frontier on disk: Scrapy's JOBDIR disk queues, in a folder of this run only.

A sitemap or an archive page can queue tens of thousands of requests at once; in memory each
costs a kilobyte or two, so the crawl process would grow with the site. With JOBDIR set,
Scrapy's scheduler keeps waiting requests in disk queues (same order: LIFO by priority) and
only the one being scheduled is in memory. A user's own JOBDIR (pause and resume) is kept as
it is; otherwise each run gets a fresh temporary folder, removed when the engine stops, so no
run ever resumes another's frontier or dupefilter. Distributed mode (REDIS_URL) keeps its
queue in Redis and is left alone.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.squeues import PickleLifoDiskQueue

_FOLDER_SETTING = "NEWSCRAWL_FRONTIER_DIR"


def use_disk_frontier(settings) -> None:
    """Point JOBDIR at a new temporary folder unless the user set one or turned this off."""
    if (settings.get("JOBDIR") or settings.get("REDIS_URL")
            or not settings.getbool("NEWSCRAWL_DISK_FRONTIER", True)):
        return
    # only named here: Scrapy creates it when the scheduler opens (nothing is left by a crawler never started)
    folder = str(Path(tempfile.gettempdir(), f"newscrawl-frontier-{os.getpid()}-{uuid.uuid4().hex[:8]}"))
    settings.set("JOBDIR", folder, priority="spider")
    settings.set(_FOLDER_SETTING, folder, priority="spider")
    # a crawler built but never started (a command that only checks, a test) never sends
    # engine_stopped, yet Scrapy may have made the folder: the process removes it on its way out
    atexit.register(shutil.rmtree, folder, ignore_errors=True)


def use_memory_frontier(settings) -> None:
    """Keep waiting requests in memory after all, when the folder is this run's own: a replay
    reads its archive only as fast as pages are taken, so a request hardly waits, and a disk
    queue would create and remove its folder for every request."""
    folder = settings.get(_FOLDER_SETTING)
    if folder and settings.get("JOBDIR") == folder:
        settings.set("JOBDIR", None, priority="spider")
        settings.set(_FOLDER_SETTING, None, priority="spider")


def remove_when_stopped(crawler: Crawler) -> None:
    """Delete this run's frontier folder once the engine has stopped (scheduler and state saved)."""
    folder = crawler.settings.get(_FOLDER_SETTING)
    if folder:
        crawler.signals.connect(lambda: shutil.rmtree(folder, ignore_errors=True),
                                signal=signals.engine_stopped, weak=False)


def _own_name(spider: Spider, method: Any) -> Any:
    """The name under which `spider` has this bound method, or the method itself if not found so."""
    name = getattr(method, "__name__", None)
    function = getattr(method, "__func__", None)
    if name and function is not None and getattr(getattr(spider, name, None), "__func__", None) is function:
        return name
    return method


class NamedCallbackLifoDiskQueue(PickleLifoDiskQueue):
    """Scrapy's LIFO pickle disk queue (SCHEDULER_DISK_QUEUE), with spider callbacks named cheaply.

    A queued request keeps its callback and errback by name. Scrapy's `Request.to_dict` finds
    the name with `inspect.getmembers` over the whole spider, about a millisecond per request on
    this spider; a bound method knows its own name, which is checked against the spider and
    passed on as the name (Scrapy then stores it as it is). What is written, and read back by
    Scrapy's `request_from_dict`, is the same as with Scrapy's own queue.
    """

    def push(self, request: Request) -> None:
        callback, errback = request.callback, request.errback
        request.callback = _own_name(self.spider, callback)
        request.errback = _own_name(self.spider, errback)
        try:
            super().push(request)
        finally:  # the request lives on in memory when the disk queue refuses it
            request.callback, request.errback = callback, errback
