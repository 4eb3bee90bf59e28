"""The outermost downloader middleware: whatever failed after retries is counted as
`newscrawl/dropped/<reason>` and reported in one line, instead of Scrapy's traceback and
repeated lines.

Who reports: a request with an errback gets the failure as it was (an error response as Scrapy's
own HttpError, a download error as its original exception) and its errback reports it; this
middleware then only counts it. A request without an errback gets one WARNING line here, and a
download error becomes `Dropped` (an IgnoreRequest, which Scrapy does not log again). Guessed
URLs (meta `newscrawl_probe`) and the robots.txt read for Sitemap: lines (meta
`newscrawl_robots`) that fail are not counted: missing is an answer there, and neither is a page
of the site. A robots.txt that cannot be fetched is logged once and the site is crawled as if
it allowed everything, as Scrapy does.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import error as twisted_errors

from newscrawl.crawl.meta import FAILURE_REASON, PROBE, ROBOTS
from newscrawl.crawl.middlewares import Dropped, logger


def failure_reason(exc: BaseException) -> str:
    """A short, stable reason for a download exception."""
    text = f"{type(exc).__name__} {exc}"
    if isinstance(exc, DownloadTimeoutError | twisted_errors.TimeoutError | twisted_errors.TCPTimedOutError):
        return "timeout"
    if isinstance(exc, DownloadCancelledError):
        return "too_large"  # Scrapy cancels a download only when it exceeds DOWNLOAD_MAXSIZE
    if isinstance(exc, ResponseDataLossError) or "DataLoss" in text:
        return "truncated"
    if isinstance(exc, DownloadConnectionRefusedError | twisted_errors.ConnectionRefusedError):
        return "connection_refused"
    if isinstance(exc, CannotResolveHostError | twisted_errors.DNSLookupError):
        return "dns_error"
    if "SSL" in text or "TLS" in text or "certificate" in text:
        return "tls_error"
    if isinstance(exc, ConnectionError | twisted_errors.ConnectionLost | twisted_errors.ConnectionDone
                  | twisted_errors.ConnectError) or "Connection" in text:
        return "connection_error"
    return "download_error"


class DroppedHttpError(HttpError):
    """Scrapy's HttpError for a response this middleware dropped, with the reason it counted
    (`http_404`, `retry_after_too_long`), so an errback counts it under the same name."""

    def __init__(self, response: Response, reason: str, detail: str = "") -> None:
        super().__init__(response, f"{reason}: HTTP {response.status}")
        self.reason = reason
        self.detail = detail  # what more there is to say (`Retry-After 86400 s is over ...`)


def reason_of(exc: BaseException) -> str:
    """The reason a failed request is counted under: `newscrawl/dropped/<reason>` here, and
    `newscrawl/errors/<reason>` in the spider's errback, so the two always agree."""
    if isinstance(exc, HttpError):
        return getattr(exc, "reason", None) or f"http_{exc.response.status}"
    return failure_reason(exc)


class _ReportedHere(logging.Filter):
    """Drops Scrapy's own lines about failures this middleware reports in its one line."""

    MARKERS = ("larger than download max size", "Got data loss", "exceeded DOWNLOAD_MAXSIZE")


    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        return not any(marker in message for marker in self.MARKERS)


_FILTER = _ReportedHere()
_FILTERED_LOGGERS = ("scrapy.core.downloader.handlers.http11",
                     "scrapy.downloadermiddlewares.httpcompression")


def plain(exc: BaseException) -> BaseException:
    """The exception that says what happened: Twisted's ResponseFailed (wrapped by Scrapy's
    DownloadFailedError) holds its reasons as Failures, whose text is their repr."""
    reasons = getattr(exc, "reasons", None) or getattr(exc.__cause__, "reasons", None)
    if reasons:
        return getattr(reasons[0], "value", None) or exc
    return exc


def short(exc: BaseException, limit: int = 160) -> str:
    exc = plain(exc)
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def why_failed(exc: BaseException, request: Request) -> str:
    """A failed request's reason for a person: `HTTP 404`, `HTTP 500 after 3 attempts`,
    `connection refused after 3 attempts: ...` (the line for a page the user named)."""
    attempts = request.meta.get("retry_times", 0) + 1
    after = f" after {attempts} attempts" if attempts > 1 else ""
    if isinstance(exc, HttpError):
        detail = getattr(exc, "detail", "")
        return f"HTTP {exc.response.status}{after}{f'; {detail}' if detail else ''}"
    reason = failure_reason(exc)
    detail = {"too_large": "over DOWNLOAD_MAXSIZE",  # Twisted's own words say less than these
              "truncated": "the connection closed before the whole body came"}.get(reason) or short(exc)
    return f"{reason.replace('_', ' ')}{after}: {detail}"


def _attempts(count: int) -> str:
    return f"{count} attempt{'' if count == 1 else 's'}"


class FailureMiddleware:
    """Turns final failures into one line and one stat each."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.allow_all = crawler.settings.getbool("HTTPERROR_ALLOW_ALL")
        self.allowed = [int(code) for code in crawler.settings.getlist("HTTPERROR_ALLOWED_CODES")]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FailureMiddleware:
        for name in _FILTERED_LOGGERS:
            if _FILTER not in logging.getLogger(name).filters:
                logging.getLogger(name).addFilter(_FILTER)
        return cls(crawler)

    def _handled(self, request: Request, response: Response) -> bool:
        """The same rule as Scrapy's HttpErrorMiddleware: does the callback want this status?"""
        meta = request.meta
        if meta.get("handle_httpstatus_all"):
            return True
        if "handle_httpstatus_list" in meta:
            return response.status in meta["handle_httpstatus_list"]
        if self.allow_all:
            return True
        allowed = getattr(self.crawler.spider, "handle_httpstatus_list", None) or self.allowed
        return response.status in allowed

    @staticmethod
    def _is_robots(request: Request) -> bool:
        return bool(request.meta.get("dont_obey_robotstxt")) and urlparse_cached(request).path == "/robots.txt"

    def _count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)

    def _log(self, request: Request, msg: str, *args) -> None:
        # an errback reports the failure itself; here it would be a second line
        level = logging.DEBUG if request.errback is not None else logging.WARNING
        logger.log(level, msg, *args, extra={"spider": self.crawler.spider})

    def _drop(self, request: Request, reason: str) -> None:
        # a guessed path or the robots.txt read for sitemaps is no page: missing loses nothing
        if not request.meta.get(PROBE) and not request.meta.get(ROBOTS):
            self._count(f"newscrawl/dropped/{reason}")

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        if response.status < 400 or self._handled(request, response):
            return response
        attempts = request.meta.get("retry_times", 0) + 1
        if self._is_robots(request):
            if response.status < 500 and response.status != 429:
                return response  # no robots.txt: everything is allowed, nothing to report
            self._robots_unavailable(request, f"HTTP {response.status} after {_attempts(attempts)}")
            raise IgnoreRequest("robots.txt unavailable")
        reason, detail = request.meta.pop(FAILURE_REASON, (f"http_{response.status}", ""))
        self._drop(request, reason)
        self._log(request, "dropped %s: %s (HTTP %s after %s%s)", reason, request.url,
                  response.status, _attempts(attempts), f"; {detail}" if detail else "")
        raise DroppedHttpError(response, reason, detail)

    def process_exception(self, request: Request, exception: Exception,
                          spider: Spider | None = None) -> None:
        if isinstance(exception, IgnoreRequest):
            return None  # refused on purpose (robots.txt, off-site, ...), counted where refused
        reason = failure_reason(exception)
        attempts = request.meta.get("retry_times", 0) + 1
        if self._is_robots(request):
            self._robots_unavailable(request, f"{reason} after {_attempts(attempts)}")
            raise Dropped("robots_unavailable", reason, exception)
        self._drop(request, reason)
        detail = "over DOWNLOAD_MAXSIZE" if reason == "too_large" else short(exception)
        self._log(request, "dropped %s: %s (after %s: %s)", reason, request.url, _attempts(attempts), detail)
        if request.errback is not None:
            return None  # the errback sees the original exception
        raise Dropped(reason, short(exception), exception) from exception

    def _robots_unavailable(self, request: Request, detail: str) -> None:
        self._count("newscrawl/robots/unavailable")
        self._log(request, "robots.txt unavailable: %s (%s); crawling %s as if it allowed "
                  "everything", request.url, detail, urlparse_cached(request).netloc)
