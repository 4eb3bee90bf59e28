"""The generic news spider: `scrapy crawl site -a url=START_URL` or `-a article=URL`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import BaseSettings

from newscrawl.config.domains import host_on_domains
from newscrawl.config.sites import SiteConfig
from newscrawl.crawl.arguments import parse_arguments
from newscrawl.crawl.discovery import DENY, DiscoveryMixin
from newscrawl.crawl.frontier import remove_when_stopped, use_disk_frontier
from newscrawl.crawl.meta import ALWAYS_FETCH
from newscrawl.crawl.middlewares.charset import relabel
from newscrawl.crawl.pool import (
    ExtractionTimeout,
    ExtractJob,
    JobResult,
    WorkerDied,
    pool_from_settings,
    run_job,
)
from newscrawl.state import stateless


class SiteSpider(DiscoveryMixin, Spider):
    """Crawls sites from their start URLs or a sites file, or extracts exactly the pages given.

    Discovery (robots.txt, sitemaps, feeds, since, per-site politeness): newscrawl/crawl/discovery.py.
    """

    name = "site"

    def __init__(self, distributed: bool = False, **arguments: Any) -> None:
        """`arguments`: the -a values, checked by newscrawl/crawl/arguments.py (unknown names,
        conflicting kinds, bad URLs and files are refused with one line)."""
        super().__init__()
        self.distributed = distributed
        # a distributed worker (REDIS_URL) may start empty: its sites come from `scrapy seed`
        checked = parse_arguments(arguments, distributed=distributed)
        self.article_urls = checked.articles  # set: extract exactly these pages, follow nothing
        self.single_article = bool(checked.articles)
        self.since = checked.since
        self.profile_name = checked.profile
        self.sites = {site.name: site for site in checked.sites}
        self.allowed_domains = sorted({d for site in self.sites.values() for d in site.domains()})
        # every start page is trusted (protected-network check); start() builds the requests
        self.start_urls = [url for site in self.sites.values() for url in (site.url, *site.sections)]
        self.start_url = self.start_urls[0] if self.start_urls else None
        # filtered by host name below: LinkExtractor's allow_domains does not match IP addresses with ports
        self.link_extractor = LinkExtractor(deny=DENY, unique=True)

    @classmethod
    def check_arguments(cls, arguments: dict[str, str], settings: BaseSettings) -> None:
        """Raise ValueError (one line) for -a values this spider refuses; called by `scrapy crawl`
        before anything starts."""
        parse_arguments(arguments, distributed=bool(settings.get("REDIS_URL")))

    @classmethod
    def update_settings(cls, settings) -> None:
        super().update_settings(settings)
        use_disk_frontier(settings)  # waiting requests on disk, not in memory (newscrawl/crawl/frontier.py)
        if stateless(settings):  # no state: nothing of this run is kept, feeds' validators neither
            settings.set("HTTPCACHE_ENABLED", False, priority="spider")
        if settings.get("REDIS_URL"):  # distributed mode: newscrawl/distributed/
            from newscrawl.distributed import apply_distributed_settings

            apply_distributed_settings(settings)

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        kwargs["distributed"] = bool(crawler.settings.get("REDIS_URL"))  # never from -a
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure_sites(crawler)  # per-site download slots and counters
        # extraction in worker processes, off the reactor thread (NEWSCRAWL_EXTRACT_WORKERS=0: in-process)
        remove_when_stopped(crawler)
        spider.extract_pool = pool_from_settings(crawler.settings)
        if spider.extract_pool is not None:
            crawler.signals.connect(spider.extract_pool.shutdown, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        if self.single_article:
            for url in self.article_urls:
                yield Request(url, callback=self.parse_article, errback=self.on_error,
                              meta={ALWAYS_FETCH: True}, dont_filter=True)
            return
        for site in self.sites.values():
            for request in self.site_start_requests(site):
                yield request

    def decodes_in_workers(self, request: Request) -> bool:
        """Whether this request's page goes to the extraction workers, which decode it choosing the
        charset by CharsetFallbackMiddleware's rules (so the crawl process need not decode it too)."""
        if getattr(self, "extract_pool", None) is None:
            return False
        callback = request.callback or self.parse
        return callback == self.parse or callback == self.parse_article

    def relabelled(self, response: TextResponse, result: JobResult | None) -> TextResponse:
        """The response labelled with the charset its extraction worker decoded it with."""
        if result is None or not result.encoding or not result.encoding_how:
            return response
        return relabel(self.crawler, response, result.encoding, result.encoding_how)

    async def _extract(self, response: Response, links: LinkExtractor | None = None) -> JobResult | None:
        """The page's extraction (and its links, read from the same parsed tree, when `links` is
        given), from the worker pool when there is one; None if the page was dropped."""
        profile = (self.profile_name or self.site_of(response).profile
                   or self.settings.get("NEWSCRAWL_PROFILE"))
        job = ExtractJob(response.url, response.body, response.encoding, profile, datetime.now(UTC), links)
        pool = getattr(self, "extract_pool", None)
        try:
            result = run_job(job) if pool is None else await pool.extract(job)
        except ExtractionTimeout as exc:
            self.crawler.stats.inc_value("newscrawl/dropped/extraction_timeout")
            self.logger.warning("dropped %s: %s", response.url, exc)
        except WorkerDied as exc:
            self.crawler.stats.inc_value("newscrawl/dropped/extraction_crashed")
            self.logger.warning("dropped %s: %s", response.url, exc)
        else:
            stats = self.crawler.stats
            stats.inc_value("newscrawl/extract/pages")
            stats.inc_value("newscrawl/extract/cpu_ms", round(result.extract_cpu_s * 1000, 3))
            stats.inc_value("newscrawl/extract/links_cpu_ms", round(result.links_cpu_s * 1000, 3))
            stats.inc_value("newscrawl/extract/worker_wait_ms", round(result.waited_s * 1000, 3))
            return result
        return None

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        """Extract exactly one page as an article."""
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("newscrawl/dropped/not_html")
            return
        result = await self._extract(response)
        self.relabelled(response, result)  # counts and logs a charset fallback
        if result is None:
            return
        page = result.page
        if page.error:
            self.crawler.stats.inc_value("newscrawl/dropped/extraction_error")
            self.logger.warning("could not extract %s: %s", response.url, page.error)
            return
        page.article.site = self.site_of(response).name  # the same key as a crawl of the site
        yield page.article

    async def parse(self, response: Response) -> AsyncIterator[Any]:
        """Follow links within the site, and yield the article in this page, if it is one."""
        site = self.site_of(response)
        if not self.page_gate(response, site):  # 304 on a revisit, bot challenge, empty page
            return
        if not isinstance(response, HtmlResponse):
            self.crawler.stats.inc_value("newscrawl/dropped/not_html")
            return
        # the worker reads the links from the tree it parses for extraction: this process parses nothing
        result = await self._extract(response, self._link_extractors[site.name])
        if result is None:
            # dropped (over the time limit, or its worker died): reading its links or feeds here
            # would parse the page again in this process, with no time limit
            return
        response = self.relabelled(response, result)
        for request in self.discover_feeds(response, site):  # on the home page only
            yield request
        for request in self.follow_links(response, site, result.links):
            yield request
        page = result.page
        if page.error:
            self.crawler.stats.inc_value("newscrawl/dropped/extraction_error")
            self.logger.warning("could not extract %s: %s", response.url, page.error)
        elif page.is_article:
            article = self.finish_article(page.article, response, site)  # hints, since
            if article is not None:
                yield article
        else:
            self.crawler.stats.inc_value("newscrawl/pages/not_article")

    def add_site(self, site: SiteConfig) -> None:
        """Take one more site while crawling (distributed mode: a site seeded through Redis)."""
        self.sites[site.name] = site
        self.allowed_domains = sorted(set(self.allowed_domains) | set(site.domains()))
        for name, value in list(vars(self).items()):  # per-site tables are built once: rebuild them
            if isinstance(value, dict) and isinstance(getattr(type(self), name, None), cached_property):
                del self.__dict__[name]
        downloader = getattr(getattr(self.crawler, "engine", None), "downloader", None)
        overrides = {k: v for k, v in (("delay", site.delay), ("concurrency", site.concurrency))
                     if v is not None}
        if downloader is not None and overrides:
            downloader.per_slot_settings.setdefault(site.slot, overrides)

    def is_on_site(self, url: str) -> bool:
        """Whether a URL's host is one of the allowed domains or a subdomain of one."""
        host = (urlsplit(url).hostname or "").lower()
        return host_on_domains(host, self.allowed_domains)

    def closed(self, reason: str) -> None:
        if reason not in ("finished", "shutdown"):
            self.logger.info("crawl closed early: %s", reason)

