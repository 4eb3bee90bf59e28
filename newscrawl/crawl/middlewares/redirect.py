"""Redirects that never leave the site: Scrapy's redirect middlewares plus three refusals.

A redirect is refused when it points to another scheme than http(s), or to a host outside the
spider's `allowed_domains` (Scrapy itself follows off-site redirects of `dont_filter` requests,
such as start requests), and a redirect back to a URL of the same chain is a loop, refused at
once; a chain longer than REDIRECT_MAX_TIMES is dropped as `too_many_redirects`. A meta refresh
to the page itself (a live blog's reload) is no redirect: the page is kept.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.response import get_meta_refresh
from w3lib.url import canonicalize_url

from newscrawl.config.domains import host_on_domains
from newscrawl.crawl.meta import WARC_SOURCE
from newscrawl.crawl.middlewares import Dropped, drop, logger
from newscrawl.ops.summary import START_REDIRECTED_OFFSITE


def on_allowed_domains(spider: Spider | None, host: str) -> bool:
    """Whether a host is one of the spider's allowed domains or a subdomain of one."""
    domains = [d.lower() for d in getattr(spider, "allowed_domains", None) or [] if d]
    host = host.lower().rstrip(".")
    return not domains or host_on_domains(host, domains)


def redirect_problem(spider: Spider | None, request: Request, url: str) -> str | None:
    """Why a redirect from `request` to `url` must not be followed, or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "redirect_invalid"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "redirect_scheme"
    if not request.meta.get("allow_offsite") and not on_allowed_domains(spider, parts.hostname):
        return "redirect_offsite"
    return None


class _Refused(IgnoreRequest):
    def __init__(self, reason: str, url: str) -> None:
        self.reason, self.url = reason, url
        super().__init__(reason)


class _SafeRedirectMixin:
    """Checks each redirect target before Scrapy builds the request for it."""

    crawler: Any

    def _build_redirect_request(self, source_request: Request, response: Response, *, url: str,
                                **kwargs: Any) -> Request:
        problem = redirect_problem(self.crawler.spider, source_request, url)
        if problem:
            raise _Refused(problem, url)
        redirected = super()._build_redirect_request(source_request, response, url=url, **kwargs)
        # the record a replayed page was read from is that page's, not its target's: a copy
        # would answer the target with the same record, so every redirect seemed a loop
        redirected.meta.pop(WARC_SOURCE, None)
        return redirected

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:  # refused at once: following it again cannot end elsewhere
            raise drop(self.crawler, request, "redirect_loop",
                       f"back to {redirected.url} after {len(chain)} redirect(s)")
        try:
            return super()._redirect(redirected, request, reason)
        except IgnoreRequest as exc:
            raise drop(self.crawler, request, "too_many_redirects",
                       f"{len(chain)} redirects, next {redirected.url}", original=exc) from exc


class SafeRedirectMiddleware(_SafeRedirectMixin, RedirectMiddleware):
    """HTTP 3xx redirects: a refused one drops the page (its body is no content)."""

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Request | Response:
        try:
            return super().process_response(request, response)
        except _Refused as exc:
            if exc.reason == "redirect_offsite":
                self._start_redirected(request, exc.url)
            raise drop(self.crawler, request, exc.reason, f"to {exc.url}") from None

    def _start_redirected(self, request: Request, url: str) -> None:
        """Keep, in START_REDIRECTED_OFFSITE, where a start page redirected off the site: a crawl
        that then read no page says to give that address (127.0.0.1 -> localhost), not to check
        whether the site is up."""
        start = (request.meta.get("redirect_urls") or [request.url])[0]
        if start in (getattr(self.crawler.spider, "start_urls", None) or ()):
            self.crawler.stats.set_value(START_REDIRECTED_OFFSITE, f"{start} redirects to {url}")


def _may_refresh(response: Response) -> bool:
    """False when the page certainly has no meta refresh where Scrapy looks for one.

    Scrapy reads the first 4096 characters of the decoded page, and only a literal "refresh"
    there can be one; those characters are at most 16 KB of the body in an encoding that writes
    ASCII as ASCII. The check saves decoding every page in the crawl process just for this.
    """
    if not isinstance(response, HtmlResponse):
        return True  # Scrapy's own rules decide
    try:
        ascii_compatible = "refresh".encode(response.encoding) == b"refresh"
    except (LookupError, UnicodeError):
        return True
    return not ascii_compatible or b"refresh" in response.body[:16384].lower()


def same_page(url: str, other: str) -> bool:
    """Whether two URLs name the same page: equal once canonicalised, fragments ignored."""
    return canonicalize_url(url, keep_fragments=False) == canonicalize_url(other, keep_fragments=False)


class SafeMetaRefreshMiddleware(_SafeRedirectMixin, MetaRefreshMiddleware):
    """<meta http-equiv=refresh>: a refused one keeps the page itself, as if it had none, and so
    does a refresh to the page itself (a reload, not a move: live blogs refresh so)."""

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Request | Response:
        if not _may_refresh(response) or self._reloads(response):
            return response
        try:
            return super().process_response(request, response)
        except _Refused as exc:
            self.crawler.stats.inc_value(f"newscrawl/ignored/meta_refresh_{exc.reason}")
            logger.log(logging.INFO, "ignored meta refresh (%s) of %s to %s", exc.reason,
                       request.url, exc.url, extra={"spider": self.crawler.spider})
            return response

    def _reloads(self, response: Response) -> bool:
        """Whether the page's meta refresh points to the page itself (Scrapy caches the parse)."""
        if not isinstance(response, HtmlResponse):
            return False
        url = get_meta_refresh(response, ignore_tags=self._ignore_tags)[1]
        return url is not None and same_page(url, response.url)


__all__ = ["Dropped", "SafeMetaRefreshMiddleware", "SafeRedirectMiddleware", "on_allowed_domains",
           "redirect_problem", "same_page"]
