"""Decode as Scrapy does, but when the declared charset does not decode the page strictly,
fall back to the BOM, then <meta charset>, then detection (charset-normalizer).

Scrapy trusts the Content-Type header and replaces what does not decode, so a latin-1 page
labelled UTF-8 comes out garbled; here the response is re-labelled with the charset that fits,
so `response.text`, link extraction and the extractor all read the same, correct text.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse

from newscrawl.downloadermiddlewares import logger
from newscrawl.encoding import choose_encoding, normalise


class CharsetFallbackMiddleware:
    """Re-labels text responses whose declared charset does not fit their bytes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CharsetFallbackMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        current = normalise(response.encoding)
        encoding, how = choose_encoding(response.body, current)
        if how in ("bom", "declared") or encoding == current:
            return response
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("newscrawl/charset/fallback")
        self.crawler.stats.inc_value(f"newscrawl/charset/{how}/{encoding}")
        logger.log(logging.INFO, "decoded %s as %s (%s): its declared %s does not fit",
                   response.url, encoding, how, current, extra={"spider": self.crawler.spider})
        return response.replace(encoding=encoding)
