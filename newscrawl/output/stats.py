"""NEWSCRAWL_STATS_FILE: the crawl's final stats as JSON (checked writable before the crawl)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from newscrawl.output.storage import OUTPUT_ERROR_STAT
from newscrawl.output.whole_file import write_whole

logger = logging.getLogger("newscrawl.output")


class StatsFile:
    """Writes the crawl's final stats as JSON to NEWSCRAWL_STATS_FILE, when that is set."""

    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.path = Path(path)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        from scrapy.exceptions import NotConfigured

        path = crawler.settings.get("NEWSCRAWL_STATS_FILE")
        if not path:
            raise NotConfigured
        return cls(crawler, path)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = dict(self.crawler.stats.get_stats())
        stats["finish_reason"] = reason
        try:  # checked writable before the crawl (output_guard), so this fails only if that changed
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_whole(self.path, json.dumps(stats, indent=2, default=str, sort_keys=True) + "\n")
        except OSError as exc:
            logger.error("cannot write the stats file %s: %s; the articles are written and "
                         "recorded, only the stats are lost", self.path, exc.strerror or exc)
            self.crawler.stats.set_value(OUTPUT_ERROR_STAT, f"{self.path}: {exc.strerror or exc}")
