"""Drop bodies no page is made of: binary files (PDF, images, archives, executables) that a
server labels text/html, and compressed bodies that inflate past DOWNLOAD_MAXSIZE (gzip bombs).

Bot-challenge and empty pages are counted and dropped by the spider itself (newscrawl/crawl/challenges.py
and the spider's page gate), where they also count towards each site's health.
"""

from __future__ import annotations

import re

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response

from newscrawl.crawl.meta import ANY_BODY
from newscrawl.crawl.middlewares import drop

BINARY_MAGIC = (
    b"%PDF-", b"\x89PNG\r\n", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b",
    b"Rar!\x1a", b"7z\xbc\xaf", b"BZh", b"\xfd7zXZ", b"OggS", b"ID3", b"fLaC", b"wOFF", b"wOF2",
    b"\x00\x00\x01\x00", b"\x7fELF", b"\xd0\xcf\x11\xe0", b"RIFF",
)
# control bytes that text (even in legacy charsets) does not contain
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_UNICODE_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def looks_binary(body: bytes, content_type: bytes = b"") -> bool:
    """Whether these bytes are a file format rather than text."""
    content_type = content_type.lower()
    if body.startswith(_UNICODE_BOMS) or b"utf-16" in content_type or b"utf-32" in content_type:
        return False  # UTF-16/32 text is full of NUL bytes
    if body.startswith(BINARY_MAGIC):
        return True
    head = body[:4096]
    return len(_CONTROL.findall(head)) > 0.05 * len(head)


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
