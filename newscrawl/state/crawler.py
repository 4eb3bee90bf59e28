"""One state store per crawler, shared by the middleware, the pipelines and the recorder."""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler

from newscrawl.state import StateStore, open_state

_ATTR = "_newscrawl_state"
# set (to the error) when the state could not be written mid-crawl (newscrawl.output.storage.stop_for_state)
STATE_ERROR_STAT = "newscrawl/state/error"


def state_for(crawler: Crawler) -> StateStore:
    """The crawler's state store, opened on first use and closed when the engine stops (after
    every spider_closed handler, some of which record the run in it)."""
    store = getattr(crawler, _ATTR, None)
    if store is None:
        store = open_state(crawler.settings)
        setattr(crawler, _ATTR, store)
        crawler.signals.connect(lambda: _close(crawler), signal=signals.engine_stopped, weak=False)
    return store


def _close(crawler: Crawler) -> None:
    store = getattr(crawler, _ATTR, None)
    if store is not None:
        store.close()
        setattr(crawler, _ATTR, None)


def state_failed(crawler: Crawler) -> bool:
    """Whether this crawl's state could not be written (the crawl is stopping, said once)."""
    return crawler.stats is not None and crawler.stats.get_value(STATE_ERROR_STAT) is not None
