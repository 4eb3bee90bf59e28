"""Drop articles already emitted, by canonical URL and by content fingerprint, in this run and
in earlier runs sharing the same state; let a changed article through as its next revision."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from newscrawl.crawl.named import DroppedItem
from newscrawl.distributed.outage import REDIS_UNAVAILABLE, lost_redis, redis_gone
from newscrawl.extract.processors import canonical_url
from newscrawl.items import Article
from newscrawl.state.base import SeenEntry
from newscrawl.state.crawler import follow_links_of, state_for


def changed(previous: SeenEntry, item: Article) -> bool:
    """Whether an article differs from what was emitted: new content, or a new modified time
    (one that appears where the page had none is new too; one that disappears is no update)."""
    if item.fingerprint and previous.fingerprint and item.fingerprint != previous.fingerprint:
        return True
    return bool(item.modified and item.modified != previous.modified)


class DedupePipeline:
    """Lets each article through once per revision: the state is written after the line
    (StateRecorder). A changed article (revisited, see NEWSCRAWL_REVISIT) gets revision + 1."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        # what this run let through, by canonical URL and by fingerprint: the URL of that article
        # (the line for a page the user named says which article it duplicates)
        self.urls: dict[str, str] = {}
        self.fingerprints: dict[str, str] = {}
        self.revisit = crawler.settings.getfloat("NEWSCRAWL_REVISIT", 0) > 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def _drop(self, reason: str, item: Article, why: str) -> None:
        self.stats.inc_value(f"newscrawl/dropped/{reason}")
        raise DroppedItem(reason, item.url, why)

    def process_item(self, item: Article, spider: Spider | None = None) -> Article:
        if not isinstance(item, Article):
            return item
        key = item.canonical_url or item.url
        fetched_key = canonical_url(item.url) or item.url
        store = state_for(self.crawler)
        other = self.urls.get(key) or self.urls.get(fetched_key)
        if other is not None:
            self._drop("duplicate_url", item, f"a duplicate of {other} (the same canonical URL), earlier in "
                       "this run")
        if item.fingerprint and item.fingerprint in self.fingerprints:
            self._drop("duplicate_content", item, f"a duplicate of {self.fingerprints[item.fingerprint]} "
                       "(the same text), earlier in this run")
        stored = self._stored(store, item, key, fetched_key)
        if stored is None:  # a distributed crawl that lost its Redis: it could not be recorded
            self._drop(REDIS_UNAVAILABLE, item, "Redis cannot be reached, so it could not be recorded")
        previous, known_text = stored
        if previous is not None:
            if previous.links_pending:  # read in this run, by whatever address: its links with it
                follow_links_of(self.crawler, {key, fetched_key})
            # fetched once more only for the links on its page (a stopped run wrote it): only
            # revisits (NEWSCRAWL_REVISIT) write an article again when it changed
            if not changed(previous, item) or (previous.links_pending and not self.revisit):
                if self.revisit:
                    self._drop("unchanged", item, "unchanged since an earlier run wrote it")
                self._drop("seen_in_earlier_run", item, "written in an earlier run, as the state records; "
                           "-s NEWSCRAWL_STATE=off writes it again")
            # the same article with new content: emitted again as its next revision
            item.revision = previous.revision + 1
        elif known_text:
            self._drop("duplicate_of_earlier_run", item, "the same text as an article written in an earlier run")
        self.urls.update({key: item.url, fetched_key: item.url})
        if item.fingerprint:
            self.fingerprints[item.fingerprint] = item.url
        return item

    def _stored(self, store: Any, item: Article, key: str, fetched_key: str) -> tuple[SeenEntry | None, bool] | None:
        """The state's entry for the article's URL and whether its text is known; None when the
        state is a Redis that cannot be reached (outage.py stops the crawl)."""
        if redis_gone(self.crawler):
            return None
        try:
            previous = store.get(key) or (store.get(fetched_key) if fetched_key != key else None)
            known = previous is None and bool(item.fingerprint) and store.has_fingerprint(item.fingerprint)
        except Exception as exc:
            if lost_redis(self.crawler, exc):
                return None
            raise
        return previous, known
