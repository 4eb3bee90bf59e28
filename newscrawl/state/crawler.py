"""One state store per crawler, shared by the middleware, the pipelines and the recorder."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from scrapy import signals
from scrapy.crawler import Crawler

from newscrawl.state import StateStore, open_state

logger = logging.getLogger("newscrawl")

_ATTR = "_newscrawl_state"
_FOLLOWING = "_newscrawl_links_following"
_UNFOLLOWED = "_newscrawl_links_unfollowed"
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


def follow_links_of(crawler: Crawler, urls: Iterable[str]) -> None:
    """This run follows the links on these articles' pages: when it finishes (close reason
    "finished", every queued request done), the state marks them followed. A run stopped before
    (Ctrl-C, a kill, a CLOSESPIDER_* limit, a failed output) leaves them `links_pending`, and
    the next run fetches their pages once more, so the articles only they link to are not lost."""
    following = getattr(crawler, _FOLLOWING, None)
    if following is None:
        following = set()
        setattr(crawler, _FOLLOWING, following)
        crawler.signals.connect(lambda reason: _finished(crawler, reason), signal=signals.spider_closed,
                                weak=False)
    following.update(urls)


def links_not_followed(crawler: Crawler, url: str | None) -> None:
    """A link on this page failed for a fault that passes (a timeout, a 503): the page's links
    stay pending even if this run finishes, so that the next run fetches it once more and the
    article the link leads to is not lost (nothing else records it)."""
    if url:
        unfollowed = getattr(crawler, _UNFOLLOWED, None)
        if unfollowed is None:
            unfollowed = set()
            setattr(crawler, _UNFOLLOWED, unfollowed)
        unfollowed.add(url)


def _finished(crawler: Crawler, reason: str) -> None:
    following = (getattr(crawler, _FOLLOWING, None) or set()) - (getattr(crawler, _UNFOLLOWED, None) or set())
    if reason != "finished" or not following or state_failed(crawler):
        return
    try:
        state_for(crawler).mark_links_followed(following)
    except Exception as exc:  # the articles stay pending: the next run fetches them once more
        logger.warning("could not mark the links of %d articles followed in the state (%s): the "
                       "next run fetches their pages once more", len(following), exc)
