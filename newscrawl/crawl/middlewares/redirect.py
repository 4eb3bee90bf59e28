"""Redirects that never leave the site: Scrapy's redirect middlewares plus three refusals.

A redirect is refused when it points to another scheme than http(s), or to a host outside the
spider's `allowed_domains` (Scrapy itself follows off-site redirects of `dont_filter` requests,
such as start requests), and a redirect back to a URL of the same chain is a loop, refused at
once; a chain longer than REDIRECT_MAX_TIMES is dropped as `too_many_redirects`.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response

from newscrawl.config.domains import host_on_domains
from newscrawl.crawl.middlewares import Dropped, drop, logger


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
        return super()._build_redirect_request(source_request, response, url=url, **kwargs)

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
            raise drop(self.crawler, request, exc.reason, f"to {exc.url}") from None


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


class SafeMetaRefreshMiddleware(_SafeRedirectMixin, MetaRefreshMiddleware):
    """<meta http-equiv=refresh>: a refused one keeps the page itself, as if it had none."""

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Request | Response:
        if not _may_refresh(response):
            return response
        try:
            return super().process_response(request, response)
        except _Refused as exc:
            self.crawler.stats.inc_value(f"newscrawl/ignored/meta_refresh_{exc.reason}")
            logger.log(logging.INFO, "ignored meta refresh (%s) of %s to %s", exc.reason,
                       request.url, exc.url, extra={"spider": self.crawler.spider})
            return response


__all__ = ["Dropped", "SafeMetaRefreshMiddleware", "SafeRedirectMiddleware", "on_allowed_domains",
           "redirect_problem"]
