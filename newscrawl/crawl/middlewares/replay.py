"""`-a warc=PATH`: answer the spider's requests from WARC records instead of the network.

The first downloader middleware after the failure middleware: a request that names a WARC
record (meta `newscrawl_warc_source`) gets its response built from that record here, so no
later middleware's request side runs for it: no robots.txt, no download slot (no delay), no
HTTP cache, no connection. The response side runs as for a fetched page (charset, binary
bodies). The body is read decoded (chunked transfer and Content-Encoding undone by warcio) and
bounded by DOWNLOAD_MAXSIZE. In a replay, a request that names no record is dropped: a replay
never touches the network.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from newscrawl.archive.reader import RECENT, DamagedArchive, read_record
from newscrawl.crawl.meta import WARC_SOURCE
from newscrawl.crawl.middlewares import drop

# headers that describe the bytes on the wire, not the decoded body the response gets
WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


class WarcReplayMiddleware:
    """Builds responses from WARC records for requests that name one."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcReplayMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> Response | None:
        source = request.meta.get(WARC_SOURCE)
        if not source:
            if getattr(self.crawler.spider, "replaying", False):
                raise drop(self.crawler, request, "not_in_archive", "a replay fetches nothing",
                           level=logging.DEBUG)
            return None
        path, offset = source[0], source[1]
        try:
            record, _ = read_record(path, offset, RECENT)
            body = record.content_stream().read(self.max_size + 1 if self.max_size else -1)
        except DamagedArchive as exc:
            raise drop(self.crawler, request, "damaged_record", f"{path} {exc}") from exc
        except Exception as exc:  # a body that does not decode (bad gzip, chunks)
            raise drop(self.crawler, request, "damaged_record",
                       f"{path} offset {offset}: {type(exc).__name__}: {exc}") from exc
        if self.max_size and len(body) > self.max_size:
            raise drop(self.crawler, request, "too_large", f"more than DOWNLOAD_MAXSIZE={self.max_size}")
        http = record.http_headers
        headers = Headers()
        for name, value in http.headers:
            if name.lower() not in WIRE_HEADERS:
                headers.appendlist(name, value)
        status = int(http.get_statuscode() or 200)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        self.crawler.stats.inc_value("newscrawl/replay/responses")
        return cls(url=request.url, status=status, headers=headers, body=body, flags=["warc"],
                   request=request, protocol=http.protocol or None)
