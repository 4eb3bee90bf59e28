"""Drop items that are not usable articles, with the reason in the stats."""

from __future__ import annotations

from scrapy import Spider
from scrapy.crawler import Crawler

from newscrawl.crawl.named import DroppedItem
from newscrawl.extract.vocabulary import text_size
from newscrawl.items import Article
from newscrawl.ops.coverage import count_coverage


class ValidatePipeline:
    """An article needs a URL, a headline and a body of at least NEWSCRAWL_MIN_BODY_CHARS.

    Every article page's record is counted in its site's field coverage here, kept or not."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.min_body = crawler.settings.getint("NEWSCRAWL_MIN_BODY_CHARS", 200)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Article, spider: Spider | None = None) -> Article:
        if not isinstance(item, Article):
            return item
        count_coverage(self.stats, item, self.min_body)
        reason, why = record_problem(item, self.min_body)
        if reason:
            self.stats.inc_value(f"newscrawl/dropped/{reason}")
            raise DroppedItem(reason, item.url, why)
        return item


def record_problem(item: Article, min_body: int) -> tuple[str, str]:
    """Why the record is no usable article, so that a crawl drops it: (reason, the same for a
    person), or ("", "")."""
    if not item.url:
        return "no_url", "no URL"
    if not item.headline:
        return "no_headline", "no headline found on the page"
    # measured as extraction measures text: a 150-character Chinese brief is an article
    length = text_size(item.body or "")
    if length < min_body:
        return "short_body", f"too short: {length} characters, under NEWSCRAWL_MIN_BODY_CHARS={min_body}"
    return "", ""
