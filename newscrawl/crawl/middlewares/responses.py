"""Drop bodies no page is made of: binary files (PDF, images, archives, executables) that a
server labels text/html, and compressed bodies that inflate past DOWNLOAD_MAXSIZE (gzip bombs).

Bot-challenge and empty pages are counted and dropped by the spider itself (newscrawl/crawl/challenges.py
and the spider's page gate), where they also count towards each site's health.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response

from newscrawl.crawl.meta import ANY_BODY
from newscrawl.crawl.middlewares import drop
from newscrawl.extract.encoding import looks_binary


class BinaryBodyMiddleware:
    """Drops binary 2xx bodies labelled as HTML with a reason in the stats and one log line."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BinaryBodyMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        if (not isinstance(response, HtmlResponse) or not 200 <= response.status < 300
                or request.meta.get(ANY_BODY)):
            return response
        if looks_binary(response.body, response.headers.get("Content-Type") or b""):
            kind = "PDF" if response.body.startswith(b"%PDF-") else "binary"
            raise drop(self.crawler, request, "binary_body", f"{kind} bytes labelled text/html")
        return response


class SafeHttpCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression (which already stops at DOWNLOAD_MAXSIZE), with the stopped
    response counted as `newscrawl/dropped/too_large` and reported in one line."""

    def __init__(self, stats=None, *, crawler: Crawler | None = None) -> None:
        super().__init__(stats, crawler=crawler)
        self.crawler = crawler

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            if "DOWNLOAD_MAXSIZE" not in str(exc):
                raise
            raise drop(self.crawler, request, "too_large",
                       f"{len(response.body)} bytes inflate past DOWNLOAD_MAXSIZE") from exc
