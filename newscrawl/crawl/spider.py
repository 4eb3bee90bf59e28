"""The generic news spider: `scrapy crawl site -a url=START_URL` or `-a article=URL`."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from newscrawl.archive.reader import (
    RECENT,
    ArchivedResponse,
    DamagedArchive,
    DamagedRecord,
    responses,
)
from newscrawl.config.domains import host_on_domains
from newscrawl.config.sites import SiteConfig, site_from_url
from newscrawl.crawl.arguments import parse_arguments, settings_that_are_arguments
from newscrawl.crawl.discovery import CANONICAL_IGNORED, DENY, DiscoveryMixin, blocked_kind
from newscrawl.crawl.frontier import (
    remember_job_arguments,
    remove_when_stopped,
    use_disk_frontier,
    use_memory_frontier,
)
from newscrawl.crawl.meta import (
    ALWAYS_FETCH,
    CUT,
    FETCHED_AT,
    FORCED,
    NAMED,
    NOT_ARTICLE,
    SITE,
    WARC_RECORD,
    WARC_SOURCE,
)
from newscrawl.crawl.middlewares.charset import declared_charset, relabel
from newscrawl.crawl.named import not_written
from newscrawl.crawl.pool import (
    ExtractionTimeout,
    ExtractJob,
    JobResult,
    WorkerDied,
    pool_from_settings,
    run_job,
)
from newscrawl.discovery.documents import NotAPage, not_a_page
from newscrawl.discovery.since import before_since, is_older, parse_when
from newscrawl.extract import ExtractedPage
from newscrawl.items import Article
from newscrawl.ops.summary import COUNTED_ERROR_LINES, SINCE_UNDATED
from newscrawl.state import stateless


def replay_settings(settings: BaseSettings) -> None:
    """A replay reads local files: the live crawl's bounds on pages and time do not apply (a
    CC-NEWS file holds tens of thousands of pages), nothing goes into the HTTP cache, and the
    few requests waiting at a time stay in memory. A value given on the command line still wins."""
    for name, value in (("CLOSESPIDER_PAGECOUNT", 0), ("CLOSESPIDER_TIMEOUT", 0),
                        ("HTTPCACHE_ENABLED", False), ("AUTOTHROTTLE_ENABLED", False)):
        if (settings.getpriority(name) or 0) < SETTINGS_PRIORITIES["cmdline"]:
            settings.set(name, value, priority="spider")
    use_memory_frontier(settings)


def fetched_at(source: Any) -> datetime:
    """When the page was fetched: now, or in a replay the WARC-Date of its record."""
    if source and source[3]:
        try:
            when = datetime.fromisoformat(source[3].replace("Z", "+00:00"))
        except ValueError:
            pass
        else:  # a WARC-Date is UTC; one written without its "Z" too (not the machine's local time)
            return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return datetime.now(UTC)


def warc_field(meta: dict[str, Any]) -> dict[str, Any] | None:
    """The article's `warc` field: the record its page was archived in (NEWSCRAWL_ARCHIVE), or
    in a replay the record it was read from."""
    source = meta.get(WARC_SOURCE)
    if source:
        return {"file": source[0], "offset": source[1], "record_id": source[2]}
    return meta.get(WARC_RECORD)


def article_score(signals: list[str]) -> str:
    """The classifier's score as the extraction reports it (its first signal, `score=0.21`)."""
    for signal in signals:
        if signal.startswith("score="):
            return signal.removeprefix("score=")
    return "unknown"


def named_by(arguments: dict[str, Any]) -> str:
    """How the user named the single pages: `-a article=`, `-a articles=` or both."""
    given = [name for name in ("article", "articles") if name in arguments]
    return " or ".join(f"-a {name}=" for name in given)


def not_a_page_why(other: NotAPage) -> str:
    """Why a named feed, sitemap or JSON is not written, and how to give what it lists (a start
    URL is read as a page: -a url=FEED would not read the feed either)."""
    if other.sites_key is None:
        return f"{other.what}, not an HTML page"
    return (f"{other.what}, not an HTML page: list it under {other.sites_key} in a sites file "
            "(-a sites=FILE), or give the site's home page as -a url=")


REPLAY_WAIT = 0.01  # seconds between looks at whether the engine takes more pages
REPLAY_MAX_WAITS = 60_000  # ten minutes at most, then the next record is given anyway


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
        self.arguments = dict(arguments)  # kept with a user's JOBDIR (crawl/frontier.py)
        # a distributed worker (REDIS_URL) may start empty: its sites come from `scrapy seed`
        checked = parse_arguments(arguments, distributed=distributed)
        self.article_urls = checked.articles  # set: extract exactly these pages, follow nothing
        self.single_article = bool(checked.articles)
        self.articles_named_by = named_by(arguments)  # for the notice on a page written though no article
        self.since = checked.since
        self.profile_name = checked.profile
        self.sites = {site.name: site for site in checked.sites}
        self.warc_files = checked.warc  # set: replay these WARC files, fetch nothing
        self.replaying = bool(checked.warc)
        self.replay_filtered = self.replaying and bool(checked.sites)  # a sites file: its sites only
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
        if problem := settings_that_are_arguments(settings):
            raise ValueError(problem)
        parsed = parse_arguments(arguments, distributed=bool(settings.get("REDIS_URL")))
        given, forced = arguments.get("profile"), settings.get("NEWSCRAWL_PROFILE")
        if given and forced and given != forced:  # one would win without a word
            raise ValueError(f"-a profile={given} and -s NEWSCRAWL_PROFILE={forced} name different profiles: "
                             "give one of them")
        clash = next((site for site in parsed.sites if forced and site.profile and site.profile != forced), None)
        if clash is not None and not given:
            raise ValueError(f"the sites file gives [sites.{clash.name}] profile = {clash.profile!r} and "
                             f"-s NEWSCRAWL_PROFILE={forced} forces another for every page: give one of them")

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
        if spider.replaying:
            replay_settings(crawler.settings)
        # extraction in worker processes, off the reactor thread (NEWSCRAWL_EXTRACT_WORKERS=0: in-process)
        remove_when_stopped(crawler)
        spider.extract_pool = pool_from_settings(crawler.settings)
        if spider.extract_pool is not None:
            crawler.signals.connect(spider.extract_pool.shutdown, signal=signals.spider_closed)
        if spider.single_article:
            crawler.signals.connect(spider.written_though_not_article, signal=signals.item_scraped)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        remember_job_arguments(self, self.arguments)  # spider.state is loaded by now (SpiderState)
        if self.replaying:
            for request in self.replay_requests():
                # read the archive as fast as pages are extracted, not ahead of them: Scrapy
                # reads start() without a pause while it backs out, which would queue a whole
                # CC-NEWS file and keep the reactor (and so the workers' results) waiting
                await self._not_backing_out()
                yield request
            return
        if self.single_article:
            for url in self.article_urls:
                # NAMED: a page the user named that is not written gets a WARNING line saying why
                yield Request(url, callback=self.parse_article, errback=self.on_error,
                              meta={ALWAYS_FETCH: True, NAMED: url}, dont_filter=True)
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

    async def _extract(self, response: Response, links: LinkExtractor | None = None, *,
                       named: bool = False) -> JobResult | None:
        """The page's extraction (and its links, read from the same parsed tree, when `links` is
        given), from the worker pool when there is one; None if the page was dropped. A page the
        user `named` as an article gets its full body whatever it reads as; otherwise a page no
        body could make an article gets none (it is never written)."""
        profile = (self.profile_name or self.site_of(response).profile
                   or self.settings.get("NEWSCRAWL_PROFILE"))
        fetched = response.meta.get(FETCHED_AT) or fetched_at(response.meta.get(WARC_SOURCE))
        job = ExtractJob(response.url, response.body, declared_charset(response), profile, fetched, links,
                         non_article_body="full" if named else "none")
        pool = getattr(self, "extract_pool", None)
        try:
            result = run_job(job) if pool is None else await pool.extract(job)
        except (ExtractionTimeout, WorkerDied) as exc:
            reason = "timeout" if isinstance(exc, ExtractionTimeout) else "crashed"
            self.crawler.stats.inc_value(f"newscrawl/dropped/extraction_{reason}")
            if named:
                self.logger.warning("%s", not_written(response.request, str(exc)))
            else:
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
            kind = response.headers.get("Content-Type", b"").decode("latin-1").split(";")[0].strip()
            self.logger.warning("%s", not_written(response.request, f"not HTML: {kind or 'no Content-Type'}"))
            return
        other = not_a_page(response.body, response.headers.get("Content-Type", b""))
        if other:  # a feed or sitemap (often served as application/xml), JSON: no article in it
            self.crawler.stats.inc_value("newscrawl/dropped/not_html")
            self.logger.warning("%s", not_written(response.request, not_a_page_why(other)))
            return
        blocked = blocked_kind(response)
        if blocked:  # as a crawl's page: a challenge or an empty page is no article to extract
            self.crawler.stats.inc_value(f"newscrawl/dropped/{blocked}_page")
            why = ("a bot-challenge page, not the article: save the page from a browser and give the "
                   "file to newscrawl extract --url" if blocked == "challenge" else "an empty page")
            self.logger.warning("%s", not_written(response.request, why))
            return
        result = await self._extract(response, named=True)
        self.relabelled(response, result)  # counts and logs a charset fallback
        if result is None:
            return
        page = result.page
        self.count_cut(response, page)
        if page.error:
            self.crawler.stats.inc_value("newscrawl/dropped/extraction_error")
            self.logger.warning("%s", not_written(response.request, f"could not extract it: {page.error}"))
            return
        page.article.site = self.site_of(response).name  # the same key as a crawl of the site
        page.article.warc = warc_field(response.meta)
        published = parse_when(page.article.published)
        if is_older(published, self.since):  # a list of pages (articles=FILE) filtered by date
            self.crawler.stats.inc_value("newscrawl/dropped/older_than_since")
            self.logger.warning("%s", not_written(response.request, before_since(published, self.since)))
            return
        if published is None and self.since is not None:  # no date to compare: kept, and counted
            self.crawler.stats.inc_value(SINCE_UNDATED)
        if not page.is_article:  # written all the same (the user named it); said once it is written
            response.meta[FORCED] = article_score(page.signals)
        yield page.article

    def count_cut(self, response: Response, page: ExtractedPage) -> None:
        """A page too large to read whole: one WARNING line and `newscrawl/extract/cut_pages`; a
        named page's `not written:` line says it too (meta CUT, newscrawl/crawl/logformatter.py)."""
        if not page.cut:
            return
        self.crawler.stats.inc_value("newscrawl/extract/cut_pages")
        response.meta[CUT] = page.cut
        self.logger.warning("%s: %s", response.url, page.cut)

    def written_though_not_article(self, item: Any, response: Response | None, spider: Spider) -> None:
        """One WARNING and `newscrawl/articles/forced` for a page given with -a article= that was
        written (it passed the pipelines) though the classifier does not read it as an article."""
        request = getattr(response, "request", None)
        score = request.meta.get(FORCED) if request is not None and isinstance(item, Article) else None
        if score is None:
            return
        self.crawler.stats.inc_value("newscrawl/articles/forced")
        self.logger.warning("%s: written because %s names it, though it does not read as an article "
                            "(article score %s)", item.url, self.articles_named_by, score)

    async def parse(self, response: Response) -> AsyncIterator[Any]:
        """Follow links within the site, and yield the article in this page, if it is one."""
        site = self.site_of(response)
        if not self.page_gate(response, site):  # 304 on a revisit, bot challenge, empty page
            return
        if not isinstance(response, HtmlResponse):
            self.crawler.stats.inc_value("newscrawl/dropped/not_html")
            return
        # the worker reads the links from the tree it parses for extraction: this process parses
        # nothing; a replay follows no link (its pages all come from the archive)
        links = None if self.replaying else self._link_extractors[site.name]
        result = await self._extract(response, links)
        if result is None:
            # dropped (over the time limit, or its worker died): reading its links or feeds here
            # would parse the page again in this process, with no time limit
            return
        response = self.relabelled(response, result)
        if not self.replaying:
            for request in self.discover_feeds(response, site):  # on the home page only
                yield request
            for request in self.follow_links(response, site, result.links):
                yield request
        page = result.page
        self.count_cut(response, page)
        if page.error:
            self.crawler.stats.inc_value("newscrawl/dropped/extraction_error")
            self.logger.warning("could not extract %s: %s", response.url, page.error)
        elif page.is_article:
            if page.canonical_ignored:  # the site's root named by a story (extraction passed it over)
                self.crawler.stats.inc_value(CANONICAL_IGNORED)
            article = self.finish_article(page.article, response, site)  # hints, since
            if article is not None:
                article.warc = warc_field(response.meta)
                yield article
        else:
            self.crawler.stats.inc_value("newscrawl/pages/not_article")
            response.meta[NOT_ARTICLE] = page.signals  # `parse` says why, as `extract` does

    async def _not_backing_out(self) -> None:
        engine = getattr(self.crawler, "engine", None)
        for _ in range(REPLAY_MAX_WAITS):  # bounded: a stuck engine does not hang the replay
            if engine is None or not engine.needs_backout():
                return
            await asyncio.sleep(REPLAY_WAIT)

    def replay_requests(self) -> Iterator[Request]:
        """One request per archived HTML response (2xx) of every WARC file, in order, each
        answered from its record by the replay middleware. A damaged record is one line (the
        file, the offset, where reading went on) and costs only itself where the file allows."""
        stats = self.crawler.stats
        stats.set_value("newscrawl/replay/files", len(self.warc_files))  # a replay, even of nothing readable
        for path in self.warc_files:
            try:
                if os.path.getsize(path) == 0:
                    self.warc_damaged(f"WARC file {path} is empty: nothing to replay in it")
                    continue
                for found in responses(path, RECENT, lambda damage, path=path: self.report_damage(path, damage)):
                    stats.inc_value("newscrawl/replay/records")
                    request = self.replay_request(found)
                    if request is not None:
                        yield request
            except OSError as exc:
                self.warc_damaged(f"cannot read WARC file {path}: {exc.strerror or exc}")

    def report_damage(self, path: str, damage: DamagedArchive) -> None:
        """One line for a damaged part of a WARC file: where, why, and where reading went on."""
        whole = isinstance(damage, DamagedRecord)  # read whole, but its digest failed
        if damage.offset == 0 and damage.resumed_at is None and not whole:  # not one record in it
            self.warc_damaged(f"cannot replay {path}: not a WARC file ({damage.reason})")
            return
        if damage.resumed_at is not None:
            then = f"replay goes on at offset {damage.resumed_at}"
        else:
            then = "no record follows it" if whole else "the rest of this file is skipped"
        self.warc_damaged(f"damaged WARC file {path} at offset {damage.offset}: {damage.reason}; {then}")

    def warc_damaged(self, line: str) -> None:
        self.crawler.stats.inc_value("newscrawl/errors/damaged_warc")
        self.crawler.stats.inc_value(COUNTED_ERROR_LINES)  # the summary counts it once, by its reason
        self.logger.error("%s", line)

    def replay_request(self, found: ArchivedResponse) -> Request | None:
        """The request that replays one response record, or None when it is skipped (counted)."""
        stats = self.crawler.stats
        if not 200 <= found.status < 300:
            stats.inc_value("newscrawl/replay/skipped_status")  # redirects, errors: as live, no article
            return None
        if not found.is_html or not found.url.startswith(("http://", "https://")):
            stats.inc_value("newscrawl/replay/skipped_not_html")  # robots.txt, feeds, sitemaps, images
            return None
        site = self.replay_site(found.url)
        if site is None:
            stats.inc_value("newscrawl/replay/skipped_other_sites")
            return None
        # a sites file's allow and deny, as the live crawl filters the links it follows (without
        # a sites file the sites are the archive's hosts, none with an allow or deny of its own)
        if self.replay_filtered and not self.replay_allowed(site, found.url):
            stats.inc_value("newscrawl/replay/skipped_denied")
            self.count(site.name, "skipped_denied")  # as the live crawl counts a page it leaves out
            return None
        source = (found.file, found.offset, found.record_id, found.date)
        return Request(found.url, callback=self.parse, errback=self.on_error, dont_filter=True,
                       meta={SITE: site.name, WARC_SOURCE: source})

    def replay_site(self, url: str) -> SiteConfig | None:
        """The site an archived page belongs to: one of the sites file's, or (without a sites
        file) the site of its URL, added on first sight."""
        host = (urlsplit(url).hostname or "").lower()
        for site in self.sites.values():
            if host_on_domains(host, site.domains()):
                return site
        if self.replay_filtered:
            return None
        try:
            site = site_from_url(url, self.profile_name)
        except ValueError:
            return None
        self.sites.setdefault(site.name, site)
        return self.sites[site.name]

    def replay_allowed(self, site: SiteConfig, url: str) -> bool:
        """Whether a live crawl of the sites file could have written this page: its start pages
        are fetched whatever the site's allow and deny say, any other page only if they allow it."""
        return url in self._start_urls[site.name] or self.allowed(site, url)

    def add_site(self, site: SiteConfig) -> None:
        """Take one more site while crawling (distributed mode: a site seeded through Redis)."""
        self.sites[site.name] = site
        # its pages are start pages too: the protected-network check trusts their networks
        # (a site in an intranet seeded after this worker started was refused as protected_network)
        self.start_urls.extend(url for url in (site.url, *site.sections) if url not in self.start_urls)
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

