"""Discovery for the site spider: robots.txt, sitemaps, news sitemaps, feeds, links, since.

A mixin of SiteSpider, kept here so spider.py stays small: it builds the discovery requests of
each site, parses robots.txt, sitemaps and feeds into article requests (skipping articles older
than `since` before fetching when a date is given), follows links within a site without falling
into pagination or calendar traps, counts everything per site and turns failures into counters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.link import Link
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError

from newscrawl.config.domains import host_on_domains
from newscrawl.config.sites import SiteConfig
from newscrawl.crawl.challenges import is_challenge, is_empty
from newscrawl.crawl.meta import (
    ALWAYS_FETCH,
    CONDITIONAL,
    HINTS,
    HOME,
    PROBE,
    REVISIT,
    ROBOTS,
    SITE,
    site_stat,
)
from newscrawl.crawl.middlewares import Dropped
from newscrawl.crawl.middlewares.failures import reason_of, why_failed
from newscrawl.crawl.middlewares.seen import LINKS_PENDING
from newscrawl.crawl.named import named, not_written
from newscrawl.discovery.entries import Discovered
from newscrawl.discovery.feeds import USUAL_FEED_PATHS, feed_links, read_feed
from newscrawl.discovery.links import site_link_extractor
from newscrawl.discovery.since import as_utc, is_older, parse_when
from newscrawl.discovery.sitemaps import USUAL_SITEMAP_PATHS, read_sitemap, robots_sitemaps
from newscrawl.discovery.traps import TrapGuard
from newscrawl.extract.dates import date_from_url
from newscrawl.extract.processors import canonical_url
from newscrawl.items import Article
from newscrawl.ops.summary import SINCE_UNDATED, is_passing
from newscrawl.state.crawler import follow_links_of, links_not_followed

# pages that never hold articles and only waste requests
DENY = (
    r"/wp-admin/", r"/wp-login\.php", r"/wp-json/", r"/xmlrpc\.php", r"/feed/?$", r"/comments/feed",
    r"[?&]replytocom=", r"[?&]share=", r"/cart/?", r"/checkout/?", r"/my-account/?", r"/login",
    r"/register", r"/cdn-cgi/", r"\?amp$", r"/print/?$", r"[?&]s=", r"/search[/?]",
)

DISCOVERY_PRIORITY = 10  # feeds and sitemaps before link-following, so their dates are used
# why an article was left out by its date (newscrawl/skipped/..., newscrawl/dropped/...): -a since=,
# or NEWSCRAWL_STATE_MAX_AGE (an article older than the state keeps entries could come again)
OLDER_THAN_SINCE = "older_than_since"
OLDER_THAN_MAX_AGE = "older_than_state_max_age"
# a page's canonical URL that cannot be its address (the site's root or one of its start pages,
# named by another page) was not taken as the article's identity
CANONICAL_IGNORED = "newscrawl/canonical/ignored"


def blocked_kind(response: Response) -> str | None:
    """"challenge" for a bot-challenge page, "empty" for an empty one, None for a page to extract."""
    if is_challenge(response.status, response.headers, response.body):
        return "challenge"
    if is_empty(response.body):
        return "empty"
    return None


def _start_identities(site: SiteConfig) -> set[str]:
    """The site's start pages as page keys (read per article: a replay adds sites as it meets
    them, after any table of them was built)."""
    return {page_key(url) for url in (site.url, *site.sections)}


_INDEX_FILE = re.compile(r"/(?:index|default)\.(?:html?|php|aspx?)$", re.IGNORECASE)


def page_key(url: str) -> str:
    """A URL as the page it names, whatever a template or a redirect adds: canonical, without a
    trailing slash or an index file ("/news/local/", "/news/local", "/news/local/index.html")."""
    parts = urlsplit(canonical_url(url) or url)
    path = _INDEX_FILE.sub("/", parts.path).rstrip("/")
    return parts._replace(path=path, fragment="").geturl()


class DiscoveryMixin:
    """Discovery callbacks and request builders; needs `sites`, `since`, `crawler`, `parse`."""

    sites: dict[str, SiteConfig]
    since: datetime | None
    crawler: Crawler

    # -- set-up ---------------------------------------------------------------------------

    def configure_sites(self, crawler: Crawler) -> None:
        """Per-site politeness (Scrapy download slots) and per-site counters of emitted items."""
        settings = crawler.settings
        slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
        for site in self.sites.values():
            overrides = {}
            if site.delay is not None:
                overrides["delay"] = site.delay
            if site.concurrency is not None:
                overrides["concurrency"] = site.concurrency
                delay = site.delay if site.delay is not None else settings.getfloat("DOWNLOAD_DELAY")
                if not delay:
                    # Scrapy 2.19 with the asyncio reactor starts every queued request of a slot
                    # at once when its delay is 0 (the slot counts a transfer only once its task
                    # runs), so a concurrency limit needs a delay, however small, to hold
                    overrides["delay"] = 0.001
            if overrides:
                slots[site.slot] = {**overrides, **slots.get(site.slot, {})}
        if slots and not settings.frozen:
            priority = max(settings.getpriority("DOWNLOAD_SLOTS") or 0, 30)
            settings.set("DOWNLOAD_SLOTS", slots, priority=priority)
        crawler.signals.connect(self._count_emitted, signal=signals.item_scraped)

    def _count_emitted(self, item: Any, response: Response, spider: Any) -> None:
        if isinstance(item, Article) and item.site:
            self.count(item.site, "emitted")
            if item.revision > 1:
                self.crawler.stats.inc_value("newscrawl/articles/revised")
                self.count(item.site, "revised")

    @cached_property
    def traps(self) -> TrapGuard:
        settings = self.crawler.settings
        return TrapGuard(settings.getint("NEWSCRAWL_MAX_PAGE_NUMBER", 10),
                         settings.getint("NEWSCRAWL_MAX_CALENDAR_PAGES", 20))

    @cached_property
    def _horizon(self) -> datetime | None:
        """The state's prune horizon: an article older than this may have been forgotten, so
        it is never emitted again."""
        max_age = self.crawler.settings.getfloat("NEWSCRAWL_STATE_MAX_AGE", 0)
        return datetime.now(UTC) - timedelta(seconds=max_age) if max_age > 0 else None

    @cached_property
    def _cutoffs(self) -> dict[str, tuple[datetime | None, str]]:
        return {}

    def _cutoff(self, site: SiteConfig) -> tuple[datetime | None, str]:
        """The site's cut-off and the reason an article before it is counted under: since=, or
        the state's horizon when that is later (no since=, or a since= further back)."""
        if site.name not in self._cutoffs:
            since, horizon = site.since or self.since, self._horizon
            if horizon is not None and (since is None or horizon > since):
                self._cutoffs[site.name] = (horizon, OLDER_THAN_MAX_AGE)
            else:
                self._cutoffs[site.name] = (since, OLDER_THAN_SINCE)
        return self._cutoffs[site.name]

    def cutoff(self, site: SiteConfig) -> datetime | None:
        """Skip articles of this site published before this (since, or the prune horizon);
        computed per site on first use (a replay adds sites as it meets them)."""
        return self._cutoff(site)[0]

    @cached_property
    def _link_extractors(self) -> dict[str, LinkExtractor]:
        # offsite links are let go before they are resolved: follow_links would drop them, and
        # the LinkExtractor's further work on each (joining, quoting, text) is most of its cost
        return {name: site_link_extractor(site.domains(), allow=site.allow, deny=DENY + site.deny)
                for name, site in self.sites.items()}

    @cached_property
    def _start_urls(self) -> dict[str, set[str]]:
        return {name: {site.url, *site.sections} for name, site in self.sites.items()}

    @cached_property
    def _url_filters(self) -> dict[str, tuple[list[re.Pattern], list[re.Pattern]]]:
        return {name: ([re.compile(p) for p in site.allow], [re.compile(p) for p in DENY + site.deny])
                for name, site in self.sites.items()}

    # -- helpers --------------------------------------------------------------------------

    def count(self, site: str, key: str, value: int = 1) -> None:
        """Add to a per-site counter."""
        self.crawler.stats.inc_value(site_stat(site, key), value)

    def site_of(self, response_or_request: Response | Request) -> SiteConfig:
        """The site a request or response belongs to."""
        name = response_or_request.meta.get(SITE)
        if name in self.sites:
            return self.sites[name]
        host = (urlsplit(response_or_request.url).hostname or "").lower()
        for site in self.sites.values():
            if host_on_domains(host, site.domains()):
                return site
        return next(iter(self.sites.values()))

    def on_site(self, site: SiteConfig, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return host_on_domains(host, site.domains())

    def allowed(self, site: SiteConfig, url: str) -> bool:
        """The site's allow/deny patterns (and the spider's DENY list) accept this URL."""
        allow, deny = self._url_filters[site.name]
        if any(p.search(url) for p in deny):
            return False
        return not allow or any(p.search(url) for p in allow)

    def site_meta(self, site: SiteConfig, **extra: Any) -> dict[str, Any]:
        meta: dict[str, Any] = {SITE: site.name, "download_slot": site.slot}
        if site.delay is not None:
            meta["autothrottle_dont_adjust_delay"] = True  # the site's delay is a floor
        meta.update(extra)
        return meta

    # -- start ----------------------------------------------------------------------------

    def site_start_requests(self, site: SiteConfig) -> Iterator[Request]:
        """Home, sections, and (unless discover = false) robots.txt, feeds and sitemaps."""
        yield Request(site.url, callback=self.parse, errback=self.on_error, dont_filter=True,
                      meta=self.site_meta(site, **{ALWAYS_FETCH: True, HOME: True}))
        for url in site.sections:
            yield Request(url, callback=self.parse, errback=self.on_error, dont_filter=True,
                          meta=self.site_meta(site, **{ALWAYS_FETCH: True}))
        for url in site.feeds:
            yield self._discovery_request(site, url, self.parse_feed, offsite=True)
        for url in site.sitemaps:
            yield self._discovery_request(site, url, self.parse_sitemap, offsite=True)
        if site.discover:
            yield self._discovery_request(site, urljoin(site.url, "/robots.txt"), self.parse_robots,
                                          **{ROBOTS: True})

    def _discovery_request(self, site: SiteConfig, url: str, callback: Any, probe: bool = False,
                           offsite: bool = False, **meta: Any) -> Request:
        extra = {ALWAYS_FETCH: True, CONDITIONAL: True, PROBE: probe, **meta}
        if offsite:
            extra["allow_offsite"] = True  # listed by the site's owner (robots.txt, sites file)
        return Request(url, callback=callback, errback=self.on_error, priority=DISCOVERY_PRIORITY,
                       meta=self.site_meta(site, **extra))

    # -- discovery callbacks --------------------------------------------------------------

    def _readable(self, response: Response, site: SiteConfig) -> bool:
        """Count a discovery response; False when it is a challenge or empty."""
        if is_challenge(response.status, response.headers, response.body):
            self.count(site.name, "challenge")
            return False
        if "cached" in response.flags:
            self.count(site.name, "not_modified_discovery")
        # robots.txt is always allowed: it says nothing about whether the site's pages are
        self.count(site.name, "robots" if response.meta.get(ROBOTS) else "pages")
        return True

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """Follow robots.txt's Sitemap: lines, or try the usual sitemap paths."""
        site = self.site_of(response)
        if not self._readable(response, site):
            return
        urls = robots_sitemaps(response.body, response.url)
        self.count(site.name, "robots_sitemaps", len(urls))
        if urls:
            for url in urls:
                yield self._discovery_request(site, url, self.parse_sitemap, offsite=True)
        else:
            yield from self._probe_sitemaps(site)

    def _probe_sitemaps(self, site: SiteConfig) -> Iterator[Request]:
        for path in USUAL_SITEMAP_PATHS:
            yield self._discovery_request(site, urljoin(site.url, path), self.parse_sitemap, probe=True)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """A sitemap index gives more sitemaps; a sitemap (or news sitemap) gives articles."""
        site = self.site_of(response)
        if not self._readable(response, site):
            return
        max_size = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        try:
            document = read_sitemap(response.body, max_size=max_size, base_url=response.url)
        except ValueError as exc:
            self._discovery_error(site, "bad_sitemap", response.url, exc)
            return
        if not document.kind:
            if not response.meta.get(PROBE):
                self._discovery_error(site, "not_a_sitemap", response.url, "no <urlset> or <sitemapindex>")
            return
        self.count(site.name, "sitemaps")
        cutoff = self.cutoff(site)
        for entry in document.entries:
            if document.kind == "sitemapindex":
                if is_older(entry.modified, cutoff):
                    self.count(site.name, "skipped_old_sitemaps")
                    continue
                yield self._discovery_request(site, entry.url, self.parse_sitemap,
                                              offsite=bool(response.meta.get("allow_offsite")))
            elif (request := self.article_request(site, entry)) is not None:
                yield request

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """An RSS or Atom feed gives articles."""
        site = self.site_of(response)
        if not self._readable(response, site):
            return
        entries = read_feed(response.body, response.url)
        if entries is None:
            if not response.meta.get(PROBE):
                self._discovery_error(site, "not_a_feed", response.url, "no RSS or Atom document")
            return
        self.count(site.name, "feeds")
        for entry in entries:
            if (request := self.article_request(site, entry)) is not None:
                yield request

    def _discovery_error(self, site: SiteConfig, reason: str, url: str, detail: Any) -> None:
        self.crawler.stats.inc_value(f"newscrawl/discovery/{reason}")
        self.count(site.name, reason)
        self.logger.warning("%s: %s (%s)", reason.replace("_", " "), url, detail)

    def discover_feeds(self, response: Response, site: SiteConfig) -> Iterator[Request]:
        """On a site's home page: the feeds it links, or the usual feed paths."""
        if not site.discover or not response.meta.get(HOME):
            return
        linked = [u for u in feed_links(_page_selector(response), response.url) if self.on_site(site, u)]
        self.count(site.name, "feeds_linked", len(linked))
        for url in linked:
            yield self._discovery_request(site, url, self.parse_feed)
        if not linked:
            for path in USUAL_FEED_PATHS:
                yield self._discovery_request(site, urljoin(site.url, path), self.parse_feed, probe=True)

    # -- article requests and link-following ----------------------------------------------

    def article_request(self, site: SiteConfig, entry: Discovered) -> Request | None:
        """A request for a page a feed or sitemap listed, or None when it is skipped."""
        if not self.on_site(site, entry.url):
            self.count(site.name, "skipped_offsite")
            return None
        if not self.allowed(site, entry.url):
            self.count(site.name, "skipped_denied")
            return None
        if is_older(entry.published or entry.modified, self.cutoff(site)):
            self.count_old(site, entry.url, "skipped")
            return None
        return Request(entry.url, callback=self.parse, errback=self.on_error,
                       meta=self.site_meta(site, **{HINTS: entry.hints()}))

    def follow_links(self, response: Response, site: SiteConfig,
                     links: list[Link] | None = None) -> Iterator[Request]:
        """Links within the site, minus traps and (with since) URLs dated before the cut-off.

        `links`: the page's links as the site's link extractor read them already (in the
        extraction worker, from the tree it parsed); None reads them from the response here.
        """
        cutoff = self.cutoff(site)
        if links is None:
            links = self._link_extractors[site.name].extract_links(response)
        for link in links:
            if not self.on_site(site, link.url) or link.url in self._start_urls[site.name]:
                continue  # start pages are fetched once per run already (they bypass the dupefilter)
            reason = self.traps.reason(site.name, link.url)
            if reason:
                self.crawler.stats.inc_value(f"newscrawl/skipped/trap_{reason}")
                continue
            dated = date_from_url(link.url)
            # a URL's date is a day in an unknown time zone: older only when a day past it is
            if cutoff and dated and as_utc(dated) + timedelta(days=1) < cutoff:
                self.count_old(site, link.url, "skipped")
                continue
            yield Request(link.url, callback=self.parse, errback=self.on_error, meta=self.site_meta(site))

    # -- pages ----------------------------------------------------------------------------

    def page_gate(self, response: Response, site: SiteConfig) -> bool:
        """Count a page; False when there is nothing to extract (304, challenge, empty)."""
        if response.meta.get(REVISIT):
            self.crawler.stats.inc_value("newscrawl/revisit/revisited")
            self.count(site.name, "revisited")
        if response.status == 304:
            self.crawler.stats.inc_value("newscrawl/revisit/not_modified")
            self.count(site.name, "not_modified")
            return False
        kind = blocked_kind(response)
        if kind:
            self.crawler.stats.inc_value(f"newscrawl/dropped/{kind}_page")
            self.count(site.name, kind)
            if response.meta.get(HOME):
                self.count(site.name, "home_blocked")
            self.logger.warning("%s page instead of content: %s", kind, response.url)
            return False
        self.count(site.name, "pages")
        return True

    def finish_article(self, article: Article, response: Response, site: SiteConfig) -> Article | None:
        """Fill gaps from the feed's or sitemap's hints; None when older than the cut-off."""
        self.count(site.name, "article_pages")
        hints = response.meta.get(HINTS) or {}
        if not article.published and hints.get("published"):
            article.published = hints["published"]
            self.crawler.stats.inc_value("newscrawl/hints/published")
        if not article.headline and hints.get("title"):
            article.headline = hints["title"]
            self.crawler.stats.inc_value("newscrawl/hints/headline")
        article.site = site.name
        self._own_identity(article, site)
        published = parse_when(article.published)
        cutoff, reason = self._cutoff(site)
        if is_older(published, cutoff):
            self.count_old(site, response.url, "dropped")
            return None
        if published is None and cutoff is not None and reason == OLDER_THAN_SINCE:
            # no date to compare: kept, and counted, so the summary says since= let it through
            self.crawler.stats.inc_value(SINCE_UNDATED)
        return article

    def _own_identity(self, article: Article, site: SiteConfig) -> None:
        """An article whose canonical URL names one of the site's start pages (its home page,
        a section) from another address gets its own URL as its identity: a listing the user
        gave as a place to find articles is no article's address, and a template that names it
        from every story (a common CMS mistake) would make them all one (`canonical/ignored`)."""
        declared = article.canonical_url
        own = canonical_url(article.url) or article.url
        starts = _start_identities(site)
        if page_key(own) in starts:
            # a start page that is itself an article: pages naming it (its print or AMP copy) are it
            self._articles_at_start.add(page_key(own))
        if not declared or declared == own or page_key(declared) not in starts \
                or page_key(declared) in self._articles_at_start:
            return
        article.canonical_url = own
        self.crawler.stats.inc_value(CANONICAL_IGNORED)
        self.logger.debug("%s: canonical URL %s ignored (a start page of the site)", article.url, declared)

    @cached_property
    def _articles_at_start(self) -> set[str]:
        """The start pages (page keys) that were articles themselves, for `_own_identity`."""
        return set()

    def count_old(self, site: SiteConfig, url: str, how: str) -> None:
        """Count a URL older than the cut-off once per run (`newscrawl/<how>/<reason>`, how:
        skipped before fetching or dropped after; and the site's skipped_old): a listing links
        each article several times and every page links the same archive, so counting links
        said "59 older than since" of a site with 14 article pages."""
        marker = hash(url)  # hashes, as the seen-before middleware keeps: 1M URLs ~ 60 MB
        if marker in self._counted_old:
            return
        self._counted_old.add(marker)
        self.crawler.stats.inc_value(f"newscrawl/{how}/{self._cutoff(site)[1]}")
        self.count(site.name, "skipped_old")

    @cached_property
    def _counted_old(self) -> set[int]:
        return set()

    # -- failures -------------------------------------------------------------------------

    def on_error(self, failure: Any) -> Iterator[Request]:
        """Count a failed request by site and reason (`newscrawl/errors/<reason>`, the reason the
        failure middleware drops it under); a missing robots.txt means: try the usual paths. A
        page the user named gets one WARNING line (newscrawl/crawl/named.py), others an INFO line."""
        request: Request = failure.request
        site = self.site_of(request)
        probe = request.meta.get(PROBE)
        if failure.check(HttpError):
            response = failure.value.response
            if is_challenge(response.status, response.headers, response.body):
                self.crawler.stats.inc_value("newscrawl/dropped/challenge_page")
                self.count(site.name, "challenge")
                if request.meta.get(HOME):
                    self.count(site.name, "home_blocked")
                if named(request):
                    self.logger.warning("%s", not_written(request, f"a bot challenge instead of content, "
                                                                   f"HTTP {response.status}"))
                else:
                    self.logger.warning("bot challenge instead of content (HTTP %s): %s",
                                        response.status, request.url)
                return
            kind = reason_of(failure.value)  # the failure middleware's name: dropped/ and errors/ agree
        elif failure.check(IgnoreRequest):
            forbidden = "robots.txt" in str(failure.value)
            self.count(site.name, "forbidden" if forbidden else "ignored")
            # a Dropped request has had its WARNING line where it was dropped
            if named(request) and not isinstance(failure.value, Dropped):
                why = ("forbidden by robots.txt; -s ROBOTSTXT_OBEY=False fetches it anyway" if forbidden
                       else str(failure.value) or "the request was refused")
                self.logger.warning("%s", not_written(request, why))
            return
        else:
            kind = reason_of(failure.value)
        if request.meta.get(ROBOTS):
            yield from self._probe_sitemaps(site)  # no robots.txt: no Sitemap: lines either
            return
        if probe:
            self.count(site.name, "probe_missing")
            return
        self.crawler.stats.inc_value(f"newscrawl/errors/{kind}")
        self.count(site.name, "failed")
        if is_passing(kind):  # the page that links here is fetched again next run, for this link
            referer = request.headers.get("Referer")
            links_not_followed(self.crawler, canonical_url(referer.decode("latin-1")) if referer else None)
        elif request.meta.get(LINKS_PENDING):  # an article fetched for its links is gone: it has none
            follow_links_of(self.crawler, [request.meta[LINKS_PENDING]])
        if named(request):
            self.logger.warning("%s", not_written(request, why_failed(failure.value, request)))
        else:  # a crawl meets many broken links: normal, counted, not worth a warning each
            self.logger.info("request failed (%s): %s", kind, request.url)



def _page_selector(response: Response) -> Selector:
    """The page's selector. Scrapy's reads the page's `<base href>`, and raises ValueError for
    one that is no URL (`http://[broken/`): the home page's callback ended with a traceback, and
    none of its links was followed (a crawl of 0 articles, exit 0)."""
    try:
        return response.selector
    except ValueError:
        return Selector(text=response.text, type="html")
