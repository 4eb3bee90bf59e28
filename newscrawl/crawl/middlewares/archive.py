"""`NEWSCRAWL_ARCHIVE=DIR`: every response as it came over the wire, with its request, into
WARC files (newscrawl/archive/writer.py).

The middleware sits next to the downloader (above HttpCompressionMiddleware and the redirect,
retry and cache middlewares), so it sees each response before it is decompressed
(`Content-Encoding` kept), redirected or replaced by a cached copy. It puts where the response
record is in the request's meta (`newscrawl_warc`), which the spider copies into the article's
`warc` field. A write that fails is handled like a failed output write: one line, the crawl
closes with `output_error` (exit 1), and this page and every later one are dropped, so no
article whose page is not archived is written or recorded.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from newscrawl.archive.writer import (
    ArchiveError,
    ArchiveWriter,
    Exchange,
    recover_folder,
    worker_prefix,
)
from newscrawl.crawl.meta import WARC_RECORD, WARC_SOURCE
from newscrawl.crawl.middlewares import drop
from newscrawl.output.storage import stop_for_output

logger = logging.getLogger("newscrawl.archive")

# the body is stored with the transfer encoding removed (Scrapy's downloader takes it off):
# the header is kept under another name, as Common Crawl does, so no reader de-chunks it again
RENAMED = {"transfer-encoding": "X-Crawler-Transfer-Encoding"}


def _pairs(headers) -> list[tuple[str, str]]:
    pairs = []
    for name, values in headers.items():
        text = name.decode("latin-1")
        text = RENAMED.get(text.lower(), text)
        pairs.extend((text, value.decode("latin-1")) for value in values)
    return pairs


def exchange_of(request: Request, response: Response) -> Exchange:
    """The request and response as they went over the wire, as far as Scrapy keeps them."""
    ip = getattr(response, "ip_address", None)
    return Exchange(url=response.url, method=request.method, request_headers=_pairs(request.headers),
                    request_body=request.body or b"", status=response.status,
                    protocol=response.protocol or "HTTP/1.1", response_headers=_pairs(response.headers),
                    body=response.body, ip=str(ip) if ip else None)


class ArchiveMiddleware:
    """Writes every fetched response and its request to the crawl's WARC files."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        folder = settings.get("NEWSCRAWL_ARCHIVE")
        if not folder:
            raise NotConfigured
        self.crawler = crawler
        prefix = settings.get("NEWSCRAWL_ARCHIVE_PREFIX") or "newscrawl"
        recover_folder(folder, prefix)  # a killed run's open files, before this run opens its own
        # distributed mode: one file series per worker (host and process in the name)
        series = worker_prefix(prefix) if settings.get("REDIS_URL") else prefix
        self.writer = ArchiveWriter(folder, series, settings.getint("NEWSCRAWL_ARCHIVE_MAX_BYTES"),
                                    operator=settings.get("USER_AGENT") or "")
        self.failed = False
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        if "cached" in response.flags or request.meta.get(WARC_SOURCE):
            return response  # not fetched now: from the HTTP cache, or replayed from a WARC
        if self.failed:
            raise drop(self.crawler, request, "not_archived", "the archive cannot be written",
                       level=logging.DEBUG)
        try:
            written = self.writer.write(exchange_of(request, response))
        except ArchiveError as exc:
            self.failed = True
            stop_for_output(self.crawler, f"the archive {exc.path}", exc.reason,
                            "the articles of pages archived before are written and recorded; the "
                            "others are not. Fix the cause and run the same command again: with a "
                            "state, it fetches them again")
            raise drop(self.crawler, request, "not_archived", "the archive cannot be written",
                       level=logging.DEBUG) from exc
        self.crawler.stats.inc_value("newscrawl/archive/records")
        request.meta[WARC_RECORD] = written.as_dict()
        return response

    def spider_closed(self, spider: Spider) -> None:
        try:
            self.writer.close()
        except OSError as exc:
            logger.error("cannot close the archive file %s: %s; the next run recovers it",
                         self.writer.name, exc.strerror or exc)
        self.crawler.stats.set_value("newscrawl/archive/files", len(self.writer.files))
