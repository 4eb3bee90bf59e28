"""Drop items that are not usable articles, with the reason in the stats."""

from __future__ import annotations

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

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
        reason = None
        if not item.url:
            reason = "no_url"
        elif not item.headline:
            reason = "no_headline"
        elif len(item.body or "") < self.min_body:
            reason = "short_body"
        if reason:
            self.stats.inc_value(f"newscrawl/dropped/{reason}")
            raise DropItem(f"{reason}: {item.url}")
        return item
