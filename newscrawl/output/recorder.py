"""Recording in the state what was written: an article only once its line is in every output."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from newscrawl.distributed import settings as distributed
from newscrawl.distributed.outage import lost_redis
from newscrawl.extract.processors import canonical_url
from newscrawl.items import Article
from newscrawl.ops.summary import STATE_NOT_WRITTEN, UNRECORDED
from newscrawl.output.formats import LINE_FORMATS
from newscrawl.output.guard import appended_files, check_outputs, refuse_overwrite
from newscrawl.output.identity import output_names
from newscrawl.output.recovery import (
    UnknownRecords,
    adopt_outputs,
    check_integrity,
    recover_outputs,
    unusable_state,
)
from newscrawl.output.storage import (
    LOST_STAT,
    OUTPUT_ERROR_STAT,
    LineFile,
    line_files,
    stop_for_output,
    stop_for_state,
)
from newscrawl.state import StateError, stateless
from newscrawl.state.base import SeenEntry
from newscrawl.state.crawler import follow_links_of, state_failed, state_for

logger = logging.getLogger("newscrawl.output")



def crawl_spider(crawler: Crawler) -> Spider | None:
    """The crawl's spider (its attributes fill the outputs' names: %(name)s), None before it is made."""
    try:
        return crawler.spider
    except (AttributeError, RuntimeError):  # Scrapy 2.19: read before it is set
        return None


class StateRecorder:
    """Records an article in the state once its line is in every output.

    FeedExporter is connected to `item_scraped` before this extension, so when this runs the
    line is already written (or its write failed, and nothing is recorded); a crash before this
    point re-emits the article on the next run instead of losing it. After recording, the offset
    of each JSON Lines output is remembered, for the next start's recovery. Before the crawl it
    checks the outputs, opens the state, reconciles a killed crawl's output and refuses an `-O`
    that would lose recorded articles.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.outputs_closed, signal=signals.feed_exporter_closed)
        self.failed = False
        self.items = 0
        # what this run recorded: each URL's entry before it (None: new), and how many articles,
        # to take back if every output that held them was deleted (outputs_closed)
        self.journal: dict[str, SeenEntry | None] = {}
        self.recorded = 0
        # a distributed crawl's queue outlives its workers in Redis: no link of its is lost
        self.links_pending = not distributed.enabled(crawler.settings)
        targets = check_outputs(crawler.settings, crawl_spider(crawler))  # before anything else is opened or fetched
        self.outputs = len(targets)  # every output writes each article (one line, or more)
        self.keeping = sum(1 for target in targets if target.keeps)
        if not targets:
            logger.warning("no output given (-o FILE or -O FILE): articles are extracted but not "
                           "saved, and the state does not record them")
        elif not self.keeping:
            logger.warning("%s keeps nothing: articles are extracted but not saved, and the state "
                           "does not record them", os.devnull)
        store = state_for(crawler)  # opened now: a corrupt or locked state fails before the crawl
        try:
            if crawler.settings.getbool("NEWSCRAWL_STATE_CHECK", True):
                check_integrity(store)
            names = {str(t.path.resolve()): output_names(crawler.settings, t.uri) for t in targets
                     if t.path is not None}
            if not stateless(crawler.settings):  # a crawl without state says it writes them again
                adopt_outputs(store, appended_files(targets, LINE_FORMATS), names)
            recover_outputs(store, crawler, names)
        except (StateError, UnknownRecords):
            raise
        except Exception as exc:
            raise StateError(unusable_state(store, exc)) from exc
        refuse_overwrite(targets, store, crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StateRecorder:
        return cls(crawler)

    def _written(self) -> bool:
        """Whether the article just scraped is in every output (each writes one line per article)."""
        files = line_files(self.crawler)
        if any(f.failed is not None for f in files):
            return False
        return sum(f.lines for f in files) >= self.items * self.outputs

    def item_scraped(self, item: Article, response, spider: Spider) -> None:
        if not isinstance(item, Article) or self.failed:
            return
        self.items += 1
        if not self.keeping:
            self.crawler.stats.inc_value("newscrawl/output/not_saved")
            return
        if state_failed(self.crawler):  # said once; the next run, appending, reconciles the output
            written = self._written()
            self.crawler.stats.inc_value(UNRECORDED if written else STATE_NOT_WRITTEN)
            return
        if not self._written():
            self.crawler.stats.inc_value("newscrawl/output/not_written")
            if self.crawler.stats.get_value(OUTPUT_ERROR_STAT) is None:
                stop_for_output(self.crawler, "the output", "the feed exporter did not write the "
                                f"article {item.url}", "it was not recorded as written")
            return
        recorded = False
        try:
            self.record(item, response)
            recorded = True
            store = state_for(self.crawler)
            if hasattr(store, "set_meta"):
                for handle in line_files(self.crawler):
                    if handle.jsonlines and not handle.closed:
                        store.set_meta(handle.state_key, json.dumps({"offset": handle.tell()}))
        except Exception as exc:  # locked, full or gone: stop; the next run recovers the output
            if lost_redis(self.crawler, exc):  # said once, and the crawl stops, as redis_unavailable
                self.failed = True
                return
            if not recorded:
                self.crawler.stats.inc_value(UNRECORDED)
            stop_for_state(self.crawler, exc)

    def record(self, item: Article, response: Any) -> None:
        """Remember the article (under its canonical and fetched URL) as emitted."""
        store = state_for(self.crawler)
        # the response's validators make the next revisit of this article a conditional request
        headers = getattr(response, "headers", None) or {}
        etag = headers.get(b"ETag")
        last_modified = headers.get(b"Last-Modified")
        urls = {item.canonical_url or item.url, canonical_url(item.url) or item.url}
        for url in urls:
            if url not in self.journal:
                self.journal[url] = store.get(url)
            store.record(url, item.fingerprint, item.modified, item.revision,
                         etag=etag.decode("latin-1") if etag else None,
                         last_modified=last_modified.decode("latin-1") if last_modified else None,
                         links_pending=self.links_pending, undated=not item.published)
        if self.links_pending:
            follow_links_of(self.crawler, urls)
        self.recorded += 1
        self.crawler.stats.inc_value("newscrawl/articles/emitted")

    def outputs_closed(self) -> None:
        """Once every output is closed (Scrapy's feed_exporter_closed): when each file was found
        deleted (storage.LineFile.check_named), the articles this run wrote are nowhere, so the
        state is put back as it was before them and the next run writes them again."""
        files = [f for f in line_files(self.crawler) if isinstance(f, LineFile) and f.path != os.devnull]
        if not self.recorded or not files or not all(f.deleted for f in files):
            return
        store = state_for(self.crawler)
        try:
            store.forget([url for url, before in self.journal.items() if before is None])
            for before in (entry for entry in self.journal.values() if entry is not None):
                store.record(before.url, before.fingerprint, before.modified, before.revision,
                             etag=before.etag, last_modified=before.last_modified,
                             links_pending=before.links_pending, undated=before.undated)
            for handle in files:  # nothing there to reconcile at the next start
                if handle.state_key:
                    store.set_meta(handle.state_key, "")
        except Exception as exc:  # the output's line said they are lost; this says the state
            if not lost_redis(self.crawler, exc):
                stop_for_state(self.crawler, exc)
            return
        self.crawler.stats.inc_value("newscrawl/articles/emitted", -self.recorded)
        self.crawler.stats.set_value(LOST_STAT, self.recorded)
        self.recorded = 0
        self.journal = {}
