"""Field coverage per site and run: a layout change that breaks extraction shows up as a fall.

Every article page's record is counted as it reaches validation: how many had a headline, a
publication date, authors, and a body of at least NEWSCRAWL_MIN_BODY_CHARS. At the end of the
run the shares are kept in the state, per site. When a share falls by COVERAGE_DROP or more
below the median of the site's last HISTORY_RUNS runs, with at least MIN_ARTICLES articles in
this run and in each of those runs, the run logs a WARNING naming the site and the field, and
`scrapy cron` reports the site unhealthy (Fundus runs a daily coverage job for the same reason).
"""

from __future__ import annotations

import logging
import statistics
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from newscrawl.crawl.meta import site_stat
from newscrawl.distributed.outage import lost_redis, redis_gone
from newscrawl.extract.vocabulary import text_size
from newscrawl.items import Article
from newscrawl.state.crawler import state_failed, state_for

logger = logging.getLogger("newscrawl.coverage")

FIELDS = ("headline", "published", "authors", "body")
COVERAGE_DROP = 0.30  # a fall of 30 points or more is a broken field, not a quiet day
HISTORY_RUNS = 5  # compared with the median of this many earlier runs
MIN_ARTICLES = 20  # fewer articles say too little about a share
ARTICLES = "coverage_articles"  # per-site counter names (newscrawl/site/<site>/...)
FELL = "coverage_fell/"


def has_field(item: Article, field: str, min_body: int) -> bool:
    """Whether the record has this field (the body: at least `min_body` characters, measured as
    extraction measures text: a Chinese, Japanese or Korean character counts a few)."""
    if field == "body":
        return text_size(item.body or "") >= min_body
    return bool(getattr(item, field, None))


def count_coverage(stats: Any, item: Article, min_body: int) -> None:
    """Count one article page's record in its site's coverage counters."""
    site = item.site or "?"
    stats.inc_value(site_stat(site, ARTICLES))
    for field in FIELDS:
        if has_field(item, field, min_body):
            stats.inc_value(site_stat(site, f"coverage_{field}"))


def site_coverage(stats: dict[str, Any], site: str) -> dict[str, Any]:
    """This run's article count and share per field for one site."""
    articles = stats.get(site_stat(site, ARTICLES), 0)
    shares = {field: round(stats.get(site_stat(site, f"coverage_{field}"), 0) / articles, 4)
              if articles else None for field in FIELDS}
    return {"articles": articles, "shares": shares}


def coverage_sites(stats: dict[str, Any]) -> list[str]:
    """The sites that had article pages in this run."""
    suffix = "/" + ARTICLES
    return sorted(key[len("newscrawl/site/"):-len(suffix)] for key in stats
                  if key.startswith("newscrawl/site/") and key.endswith(suffix))


def coverage_falls(run: dict[str, Any], history: list[dict[str, Any]]) -> list[tuple[str, float, float]]:
    """(field, this run's share, the median of the earlier runs) for every field that fell."""
    if run["articles"] < MIN_ARTICLES:
        return []
    earlier = [old for old in history if (old.get("articles") or 0) >= MIN_ARTICLES][-HISTORY_RUNS:]
    if not earlier:
        return []
    falls = []
    for field in FIELDS:
        share = run["shares"].get(field)
        past = [old["shares"][field] for old in earlier
                if isinstance(old.get("shares"), dict) and isinstance(old["shares"].get(field), int | float)]
        if share is None or not past:
            continue
        median = statistics.median(past)
        if median - share >= COVERAGE_DROP - 1e-9:
            falls.append((field, share, median))
    return falls


class CoverageHistory:
    """At the end of a run: compare each site's coverage with its history, then record it."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CoverageHistory:
        return cls(crawler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if redis_gone(self.crawler) or state_failed(self.crawler):
            return  # the history is in a state that cannot be reached or written (said once)
        stats = self.crawler.stats.get_stats()
        store = state_for(self.crawler)
        finished = datetime.now(UTC).isoformat(timespec="seconds")
        for site in coverage_sites(stats):
            run = site_coverage(stats, site)
            try:
                past = store.runs(site)
            except Exception as exc:
                if lost_redis(self.crawler, exc):  # said once already; no history to compare with
                    return
                raise
            for field, share, median in coverage_falls(run, past):
                self.crawler.stats.set_value(site_stat(site, FELL + field), round(share * 100))
                logger.warning("coverage fell for site %s: %s in %d%% of %d articles, against a median "
                               "of %d%% in its last runs: a layout change may have broken extraction",
                               site, field, round(share * 100), run["articles"], round(median * 100))
            try:
                store.add_run(site, {"finished": finished, **run})
            except Exception as exc:  # the articles are written and recorded; only history is lost
                logger.error("could not keep this run's coverage for %s in the state: %s", site, exc)
