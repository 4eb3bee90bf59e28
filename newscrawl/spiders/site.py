"""The generic news spider: `scrapy crawl site -a url=START_URL` or `-a article=URL`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from newscrawl.extract import extract_page
from newscrawl.middlewares import ALWAYS_FETCH
from newscrawl.profiles import get_profile

# pages that never hold articles and only waste requests
DENY = (
    r"/wp-admin/", r"/wp-login\.php", r"/wp-json/", r"/xmlrpc\.php", r"/feed/?$", r"/comments/feed",
    r"[?&]replytocom=", r"[?&]share=", r"/cart/?", r"/checkout/?", r"/my-account/?", r"/login",
    r"/register", r"/cdn-cgi/", r"\?amp$", r"/print/?$", r"[?&]s=", r"/search[/?]",
)


class SiteSpider(Spider):
    """Crawls one site from a start URL, or extracts exactly one article page."""

    name = "site"

    def __init__(self, url: str | None = None, article: str | None = None,
                 profile: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not url and not article:
            raise ValueError("give a start URL (-a url=https://site/) or one page (-a article=URL)")
        self.start_url = url or article
        self.single_article = bool(article)
        parts = urlsplit(self.start_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {self.start_url!r}")
        self.profile_name = profile
        if profile:
            get_profile(profile)  # fails early with the list of known profiles
        host = parts.hostname
        self.allowed_domains = [host.removeprefix("www.")]
        # filtered by host name below: LinkExtractor's allow_domains does not match IP addresses with ports
        self.link_extractor = LinkExtractor(deny=DENY, unique=True)

    async def start(self) -> AsyncIterator[Request]:
        callback = self.parse_article if self.single_article else self.parse
        yield Request(self.start_url, callback=callback, meta={ALWAYS_FETCH: True}, dont_filter=True)

    def _extract(self, response: Response):
        profile = self.profile_name or self.settings.get("NEWSCRAWL_PROFILE")
        fetched = datetime.now(UTC)
        return extract_page(response.url, response.body, encoding=response.encoding,
                            profile=profile, fetched_at=fetched)

    def parse_article(self, response: Response) -> Iterator[Any]:
        """Extract exactly one page as an article."""
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("newscrawl/dropped/not_html")
            return
        page = self._extract(response)
        if page.error:
            self.crawler.stats.inc_value("newscrawl/dropped/extraction_error")
            self.logger.warning("could not extract %s: %s", response.url, page.error)
            return
        yield page.article

    def parse(self, response: Response) -> Iterator[Any]:
        """Yield the article in this page, if it is one, and follow links within the site."""
        if not isinstance(response, HtmlResponse):
            self.crawler.stats.inc_value("newscrawl/dropped/not_html")
            return
        page = self._extract(response)
        if page.error:
            self.crawler.stats.inc_value("newscrawl/dropped/extraction_error")
            self.logger.warning("could not extract %s: %s", response.url, page.error)
        elif page.is_article:
            yield page.article
        else:
            self.crawler.stats.inc_value("newscrawl/pages/not_article")
        for link in self.link_extractor.extract_links(response):
            if self.is_on_site(link.url):
                yield Request(link.url, callback=self.parse)

    def is_on_site(self, url: str) -> bool:
        """Whether a URL's host is one of the allowed domains or a subdomain of one."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    def closed(self, reason: str) -> None:
        if reason not in ("finished", "shutdown"):
            self.logger.info("crawl closed early: %s", reason)

