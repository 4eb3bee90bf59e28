"""Sites and start URLs in Redis: pushed by `scrapy seed`, read by whichever worker is idle.

- `{spider}:sites` (hash): site name -> its options (the sites-file table, as JSON). Every
  worker reads a site from here the first time it meets one of its requests, so a worker
  needs nothing but REDIS_URL, whoever seeded the site and whoever read the seed.
- REDIS_START_URLS_KEY (scrapy-redis's list, "site:start_urls" by default): seeds to start.
  An entry is {"site": NAME} (a registered site), or scrapy-redis's {"url": ..., "meta": {...}}
  or a bare URL (`redis-cli rpush site:start_urls https://example.com/` works), which becomes
  a site of its own, as with `scrapy crawl site -a url=...`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from w3lib.url import canonicalize_url

from newscrawl.config.sites import SiteConfig, SitesFileError, parse_sites, site_from_url
from newscrawl.crawl.meta import ALWAYS_FETCH, SITE
from newscrawl.distributed.keys import CrawlKeys
from newscrawl.distributed.marker import ensure_marker

logger = logging.getLogger(__name__)

# seeds a worker took from Redis and could not use (counted in the summary's errors)
BAD_SEED_STAT = "newscrawl/distributed/bad_seed"
REPLACED_STAT = "newscrawl/distributed/registrations_replaced"


class SeedError(ValueError):
    """A seed or registered site that cannot be used; the message says why."""


def site_options(site: SiteConfig) -> dict[str, Any]:
    """A site's options as JSON-ready sites-file values (the inverse of parse_sites)."""
    options: dict[str, Any] = {}
    for field in dataclasses.fields(site):
        value = getattr(site, field.name)
        if field.name == "name" or value is None or value == () or value == field.default:
            continue
        options[field.name] = value.isoformat() if isinstance(value, datetime) else (
            list(value) if isinstance(value, tuple) else value)
    return options


def site_from_options(name: str, options: dict[str, Any]) -> SiteConfig:
    """Check registered options with the sites-file parser; raises SeedError."""
    try:
        return parse_sites({"sites": {name: options}}, origin=f"registered site {name!r}")[0]
    except SitesFileError as exc:
        raise SeedError(str(exc)) from None


def parse_seed(raw: bytes | str) -> dict[str, Any]:
    """{"site": name} or {"url": ..., "meta": {...}} from a seed entry; raises SeedError."""
    text = (raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw).strip()
    if not text.startswith("{"):
        return {"url": text}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SeedError(f"not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("site", data.get("url")), str):
        raise SeedError('a JSON seed needs a "site" or a "url" string')
    if not isinstance(data.get("meta", {}), dict):
        raise SeedError('"meta" must be a JSON object')
    return data


def register_sites(server: Any, keys: CrawlKeys, sites: Iterable[SiteConfig]) -> int:
    """Make sites known to every worker; returns how many."""
    mapping = {site.name: json.dumps(site_options(site), sort_keys=True) for site in sites}
    if mapping:
        server.hset(keys.sites, mapping=mapping)
    return len(mapping)


@dataclasses.dataclass(frozen=True)
class Seeded:
    """What `seed_sites` did with one site."""

    name: str
    change: str  # NEW, UNCHANGED, or what its registration changed ("start pages A -> B")
    queued: bool  # False: a seed of it was still waiting for a worker, and is not doubled


NEW, UNCHANGED = "new", "unchanged"


def _seed(name: str) -> str:
    return json.dumps({"site": name})


def seed_sites(server: Any, keys: CrawlKeys, sites: Iterable[SiteConfig]) -> list[Seeded]:
    """Register sites (replacing an earlier registration of the same name) and queue one seed for
    each that has none waiting: an idle worker starts its discovery. The crawl's marker is
    written first when this Redis has none (marker.py)."""
    sites = list(sites)
    ensure_marker(server, keys.marker, by="newscrawl seed")
    before = server.hmget(keys.sites, [site.name for site in sites]) if sites else []
    register_sites(server, keys, sites)
    # a seed no worker has read yet starts the site (as registered now) all the same: a second
    # one would only run its discovery twice. Looked for only once the registration is written:
    # a worker taking the seed before the look would read the old one, and no seed be left
    waiting = _waiting_sites(server, keys) if sites else set()
    done = [Seeded(site.name, registration_change(raw, site_options(site)), site.name not in waiting)
            for site, raw in zip(sites, before, strict=True)]
    if queued := [seeded.name for seeded in done if seeded.queued]:
        server.rpush(keys.seeds, *(_seed(name) for name in queued))
    return done


def _waiting_sites(server: Any, keys: CrawlKeys) -> set[str]:
    """The sites a seed waits for a worker for. One LRANGE, not LPOS per site: LPOS came with
    Redis 6.0.6, and a Redis 5 (Ubuntu 20.04's) answered every seed "unknown command"."""
    names = set()
    for raw in server.lrange(keys.seeds, 0, -1):
        try:
            seed = json.loads(raw)
        except ValueError:
            continue  # a URL pushed by hand: it names no registered site
        if isinstance(seed, dict) and isinstance(seed.get("site"), str):
            names.add(seed["site"])
    return names


def push_seeds(server: Any, keys: CrawlKeys, sites: Iterable[SiteConfig]) -> int:
    """`seed_sites`, and how many seeds were queued."""
    return sum(seeded.queued for seeded in seed_sites(server, keys, sites))


def registration_change(raw: bytes | str | None, options: dict[str, Any]) -> str:
    """How the options a site is registered with (`raw`, JSON) change to `options`: NEW,
    UNCHANGED, or the changes (`start pages A -> B; delay 5.0 -> none`)."""
    if raw is None:
        return NEW
    try:
        before = json.loads(raw)
    except ValueError:
        before = None
    if not isinstance(before, dict):
        return "an unreadable registration replaced"
    changes = []
    if _canonical(old := _start_pages(before)) != _canonical(new := _start_pages(options)):
        changes.append(f"start pages {' '.join(old)} -> {' '.join(new)}")
    for key in sorted((before.keys() | options.keys()) - {"url", "sections"}):
        if before.get(key) != options.get(key):
            changes.append(f"{key} {_shown(before.get(key))} -> {_shown(options.get(key))}")
    return "; ".join(changes) or UNCHANGED


def _canonical(urls: list[str]) -> list[str]:
    """The start pages however they are spelt (`HTTPS://A.example/` is `https://a.example/`)."""
    canonical = []
    for url in urls:
        try:
            canonical.append(canonicalize_url(url))
        except ValueError:
            canonical.append(url)
    return canonical


def _start_pages(options: dict[str, Any]) -> list[str]:
    return [str(options.get("url")), *options.get("sections", ())]


def _shown(value: Any) -> str:
    if value is None or value == []:
        return "none"
    return " ".join(map(str, value)) if isinstance(value, list) else str(value)


class SiteRegistry:
    """The spider's side: seeds into start requests, and sites known to every worker."""

    def __init__(self, server: Any, keys: CrawlKeys, spider: Spider, settings: Any) -> None:
        self.server = server
        self.keys = keys
        self.spider = spider
        self.stats = spider.crawler.stats
        self.batch = max(1, settings.getint("REDIS_START_URLS_BATCH_SIZE",
                                            settings.getint("CONCURRENT_REQUESTS", 16)))
        self.missing: set[str] = set()

    def pending(self) -> int:
        """Seeds not yet read by any worker."""
        return int(self.server.llen(self.keys.seeds))

    def share_sites(self) -> None:
        """Sites given to this worker (-a url / -a sites) become known to the others.

        The sites registered so far are learnt lazily (ensure()), so start() does not start them
        again; their URLs are added to the spider's start_urls now, before spider_opened, where
        the protected-network check reads the start URLs whose networks it trusts.
        """
        sites = getattr(self.spider, "sites", None)
        if sites is None:
            return
        given = list(sites.values())
        before = self.server.hmget(self.keys.sites, [site.name for site in given]) if given else []
        register_sites(self.server, self.keys, given)
        for site, raw in zip(given, before, strict=True):
            # another worker's or a seed's registration, replaced: every worker that starts the
            # site from now on starts it as this worker was told to (said, never silent)
            change = registration_change(raw, site_options(site))
            if change not in (NEW, UNCHANGED):
                self.stats.inc_value(REPLACED_STAT)
                logger.warning("this worker's sites (-a url, -a sites) replaced site %s's shared registration "
                               "(%s): every worker now starts it as this worker was given it",
                               site.name, change)
        start_urls = getattr(self.spider, "start_urls", None)
        if not isinstance(start_urls, list):
            return
        for raw in self.server.hvals(self.keys.sites):
            try:
                url = json.loads(raw).get("url")
            except ValueError:
                continue
            if isinstance(url, str) and url not in start_urls:
                start_urls.append(url)

    def pop(self) -> list[Request]:
        """Start requests for up to REDIS_START_URLS_BATCH_SIZE seeds."""
        requests: list[Request] = []
        for raw in self.server.lpop(self.keys.seeds, self.batch) or []:
            try:
                requests.extend(self._start(parse_seed(raw)))
            except SeedError as exc:
                self.stats.inc_value(BAD_SEED_STAT)
                logger.warning("skipped a seed in %s: %s", self.keys.seeds, exc)
        return requests

    def _start(self, seed: dict[str, Any]) -> list[Request]:
        if "site" in seed:
            # as registered now: `newscrawl seed` may have replaced what this worker learnt before
            site = self.load(seed["site"], fresh=True)
            if site is None:
                raise SeedError(f"site {seed['site']!r} is not registered in {self.keys.sites}")
        else:
            url = seed["url"]
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise SeedError(f"not an http(s) URL: {url!r}")
            site = site_from_url(url)
            register_sites(self.server, self.keys, [site])
            self._add(site)
        self.stats.inc_value("newscrawl/distributed/seeds")
        starts = getattr(self.spider, "site_start_requests", None)
        if starts is None:  # a spider without per-site discovery
            return [Request(site.url, callback=self.spider.parse, meta={ALWAYS_FETCH: True, SITE: site.name},
                            dont_filter=True)]
        meta = seed.get("meta") or {}
        return [request.replace(meta={**request.meta, **meta}) if meta else request
                for request in starts(site)]

    def load(self, name: str, fresh: bool = False) -> SiteConfig | None:
        """The registered site `name`, added to the spider; None when nobody registered it.
        `fresh`: read from Redis even when the spider has the site already (else it is kept)."""
        sites = getattr(self.spider, "sites", None)
        known = sites.get(name) if sites is not None else None
        if known is not None and not fresh:
            return known
        raw = self.server.hget(self.keys.sites, name)
        if raw is None:
            return known
        site = site_from_options(name, json.loads(raw))
        if site != known:
            self._add(site)
        return site

    def ensure(self, request: Request) -> None:
        """Called for each request popped from the shared queue: its site may have been seeded
        through another worker; learn it before the request is downloaded."""
        name = request.meta.get(SITE)
        sites = getattr(self.spider, "sites", None)
        if not name or sites is None or name in sites or name in self.missing:
            return
        try:
            if self.load(name) is None:
                self.missing.add(name)
                logger.warning("a queued request names site %r, which is not registered in %s",
                               name, self.keys.sites)
        except SeedError as exc:
            self.missing.add(name)
            logger.warning("cannot use registered site %r: %s", name, exc)

    def _add(self, site: SiteConfig) -> None:
        add = getattr(self.spider, "add_site", None)
        if add is not None:
            add(site)
