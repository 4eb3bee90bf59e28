"""Drop articles already emitted, by canonical URL and by content fingerprint, in this run and
in earlier runs sharing the same state; let a changed article through as its next revision."""

from __future__ import annotations

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.extract.processors import canonical_url
from newscrawl.items import Article
from newscrawl.state.base import SeenEntry
from newscrawl.state.crawler import state_for


def changed(previous: SeenEntry, item: Article) -> bool:
    """Whether an article differs from what was emitted: new content, or a new modified time."""
    if item.fingerprint and previous.fingerprint and item.fingerprint != previous.fingerprint:
        return True
    return bool(item.modified and previous.modified and item.modified != previous.modified)


class DedupePipeline:
    """Lets each article through once per revision: the state is written after the line
    (StateRecorder). A changed article (revisited, see NEWSCRAWL_REVISIT) gets revision + 1."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.urls: set[str] = set()
        self.fingerprints: set[str] = set()
        self.revisit = crawler.settings.getfloat("NEWSCRAWL_REVISIT", 0) > 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def _drop(self, reason: str, item: Article) -> None:
        self.stats.inc_value(f"newscrawl/dropped/{reason}")
        raise DropItem(f"{reason}: {item.url}")

    def process_item(self, item: Article, spider: Spider | None = None) -> Article:
        if not isinstance(item, Article):
            return item
        key = item.canonical_url or item.url
        fetched_key = canonical_url(item.url) or item.url
        store = state_for(self.crawler)
        if key in self.urls or fetched_key in self.urls:
            self._drop("duplicate_url", item)
        if item.fingerprint and item.fingerprint in self.fingerprints:
            self._drop("duplicate_content", item)
        previous = store.get(key) or (store.get(fetched_key) if fetched_key != key else None)
        if previous is not None:
            if not changed(previous, item):
                self._drop("unchanged" if self.revisit else "seen_in_earlier_run", item)
            # the same article with new content: emitted again as its next revision
            item.revision = previous.revision + 1
        elif item.fingerprint and store.has_fingerprint(item.fingerprint):
            self._drop("duplicate_content", item)
        self.urls.update({key, fetched_key})
        if item.fingerprint:
            self.fingerprints.add(item.fingerprint)
        return item
