"""Conditional requests for feeds, sitemaps and robots.txt through Scrapy's HTTP cache.

Scrapy's RFC2616Policy already stores responses with their validators and, when an entry is
stale, sends If-None-Match / If-Modified-Since and serves the stored body on a 304. Two changes
make it fit a news crawler: only requests marked CONDITIONAL are cached (pages are not: the state
remembers articles, and a cache of every page would grow without need), and a stored feed is
always revalidated, because a run wants to see what is new now (a 304 costs the server little).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from scrapy.extensions.httpcache import FilesystemCacheStorage, RFC2616Policy
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings

from newscrawl.crawl.meta import CONDITIONAL
from newscrawl.state import DEFAULT_STATE, NO_STATE


class RevalidatePolicy(RFC2616Policy):
    """RFC 2616 caching for CONDITIONAL requests only, always revalidated."""

    def should_cache_request(self, request: Request) -> bool:
        return bool(request.meta.get(CONDITIONAL)) and super().should_cache_request(request)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False


def cache_dir(settings: BaseSettings) -> Path:
    """Where the cache lives: HTTPCACHE_DIR when set, else beside the state file."""
    configured = settings.get("HTTPCACHE_DIR")
    if configured:
        return Path(configured)
    value = str(settings.get("NEWSCRAWL_STATE") or "")
    # a distributed worker caches with no state of its own: "none" made a folder none.httpcache
    state = Path(DEFAULT_STATE if value.strip().lower() in NO_STATE else value)
    return state.with_name(state.name + ".httpcache")


class StateDirCacheStorage(FilesystemCacheStorage):
    """Scrapy's filesystem cache storage, kept beside the state file (see cache_dir)."""

    def __init__(self, settings: BaseSettings) -> None:
        # Scrapy resolves an empty HTTPCACHE_DIR through the project's data dir, which needs a
        # scrapy.cfg (an installed newscrawl has none): it gets the folder itself instead
        own = BaseSettings(settings.copy_to_dict())
        own.set("HTTPCACHE_DIR", str(cache_dir(settings).absolute()))
        super().__init__(own)


def prune_cache(directory: Path, older_than_seconds: float) -> int:
    """Delete cached responses not stored or revalidated for this long; returns how many."""
    if not directory.is_dir():
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    # layout: <dir>/<spider>/<2 hex>/<fingerprint>/{meta,pickled_meta,response_body,...}
    for entry in directory.glob("*/*/*"):
        meta = entry / "pickled_meta"
        try:
            if entry.is_dir() and meta.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


def cache_size(directory: Path) -> tuple[int, int]:
    """(entries, bytes) of the cache."""
    entries = 0
    size = 0
    if directory.is_dir():
        for path in directory.rglob("*"):
            if path.is_file():
                size += path.stat().st_size
                entries += path.name == "pickled_meta"
    return entries, size
