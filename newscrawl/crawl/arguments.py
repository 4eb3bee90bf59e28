"""The site spider's arguments (`-a NAME=VALUE`), checked before anything starts.

What to crawl, one kind per crawl:
- `url=URL [URL ...]` and/or `urls=FILE`: sites, each from its start URL (URLs separated by
  whitespace: a URL never holds a raw space; a file has one URL per line). Each start URL is a
  site, keyed by `site_from_url`; a further URL of the same site is one more start page of it.
- `article=URL [URL ...]` and/or `articles=FILE`: exactly these pages, each as one article.
- `sites=FILE`: a sites file (newscrawl/config/sites.py).
- `warc=PATH`: replay archived responses (a WARC file, a folder of them, or a glob): no
  network; with `sites=FILE`, only the pages of those sites.
Options: `profile=NAME` (force a profile), `since=AGE|DATE` (skip older articles).

Scrapy sets an unknown `-a` value as a spider attribute without a word, so a typo (`-a ulr=`,
`-a sience=2d`) would be ignored: an unknown name is refused, with the closest known one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from newscrawl.config.sites import (
    URL_JOINT,
    SiteConfig,
    host_problem,
    load_sites,
    load_url_list,
    malformed_url,
    one_per_page,
    site_from_url,
)
from newscrawl.discovery.since import parse_since
from newscrawl.extract.profiles import get_profile

# every argument and what it takes (the error message for an unknown name lists them)
ARGUMENTS = {
    "url": "start URLs, separated by spaces",
    "urls": "a file of start URLs, one per line",
    "article": "article URLs, separated by spaces",
    "articles": "a file of article URLs, one per line",
    "sites": "a sites file (TOML)",
    "profile": "a profile name",
    "since": "an age (2d) or a date",
    "warc": "a WARC file, a folder of them or a glob",
}
# what to crawl: arguments of different kinds cannot be combined
KIND = {"url": "start URLs", "urls": "start URLs", "article": "single pages", "articles": "single pages",
        "sites": "a sites file"}
NOTHING_TO_CRAWL = ("give a start URL (-a url=https://site/), one page (-a article=URL), a file of "
                    "URLs (-a urls=FILE) or a sites file (-a sites=sites.toml)")


@dataclass(frozen=True)
class SpiderArguments:
    """The checked arguments: the sites to crawl and, for single pages, the pages."""

    sites: list[SiteConfig] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)  # set: crawl exactly these pages
    profile: str | None = None
    since: datetime | None = None
    warc: list[str] = field(default_factory=list)  # set: replay these WARC files, fetch nothing


def parse_arguments(values: Mapping[str, object], distributed: bool = False) -> SpiderArguments:
    """Check the spider arguments; raises ValueError with one line saying what to change.

    `distributed`: a worker of a distributed crawl (REDIS_URL) may start with nothing to crawl."""
    _check_names(values)
    given = {name: str(value) for name, value in values.items()}
    for name, value in given.items():
        if not value.strip():
            raise ValueError(f"-a {name}= is empty: give {ARGUMENTS[name]}, or leave the argument out")
    _check_kinds(given)
    profile = given.get("profile")
    if profile is not None:
        get_profile(profile)  # fails with the list of known profiles
    since = parse_since(given["since"]) if "since" in given else None
    if "warc" in given:
        if distributed:  # its state would be the shared one, and its queue would wait for workers
            raise ValueError("-a warc= replays archives on this machine: run it without REDIS_URL "
                             "(a distributed crawl's workers fetch live pages), with a state of its own "
                             "(-s NEWSCRAWL_STATE=replay.sqlite) or none (-s NEWSCRAWL_STATE=off)")
        return _replay(given, profile, since)
    if "sites" in given:
        return SpiderArguments(sites=load_sites(given["sites"]), profile=profile, since=since)
    if "article" in given or "articles" in given:
        pages = _urls(given, "article", "articles")
        return SpiderArguments(sites=sites_from_urls(pages, profile), articles=pages, profile=profile,
                               since=since)
    if "url" in given or "urls" in given:
        return SpiderArguments(sites=sites_from_urls(_urls(given, "url", "urls"), profile), profile=profile,
                               since=since)
    if not distributed:
        raise ValueError(NOTHING_TO_CRAWL)
    return SpiderArguments(profile=profile, since=since)


def _replay(given: Mapping[str, str], profile: str | None, since: datetime | None) -> SpiderArguments:
    """A replay of WARC files: its pages come from the archive, so no start URL or page goes
    with it; a sites file keeps only its sites' pages."""
    for name in ("url", "urls", "article", "articles"):
        if name in given:
            raise ValueError(f"-a warc= and -a {name}= cannot be combined: a replay takes its pages "
                             "from the archive; to keep only some sites' pages, give -a sites=FILE")
    from newscrawl.archive.reader import warc_files
    from newscrawl.config.path_names import name_problem

    if reason := name_problem(given["warc"]):  # a name too long (is_dir() raises), a symbolic link loop
        raise ValueError(f"-a warc={given['warc']}: {reason}; give a .warc or .warc.gz file, a folder of "
                         "them, or a glob (quoted)")
    files = warc_files(given["warc"])
    sites = load_sites(given["sites"]) if "sites" in given else []
    return SpiderArguments(sites=sites, profile=profile, since=since, warc=files)


def sites_from_urls(urls: Iterable[str], profile: str | None = None) -> list[SiteConfig]:
    """One site per site key (`site_from_url`), in the order given; a further URL of a site
    already listed is one more start page of it (a section: fetched every run, like the home)."""
    sites: dict[str, SiteConfig] = {}
    for url in one_per_page(urls):  # one page spelt twice is one start page
        site = site_from_url(url, profile)
        known = sites.get(site.name)
        sites[site.name] = site if known is None else replace(known, sections=(*known.sections, url))
    return list(sites.values())


def _check_names(values: Mapping[str, object]) -> None:
    from newscrawl.config.settings_check import is_setting

    for name in values:
        if name != name.strip() and name.strip() in ARGUMENTS:  # `-a ' since=2d'`: the space must show
            raise ValueError(f"unknown spider argument {name!r}: the name has a space: give "
                             f"-a {name.strip()}={values[name]}")
        if name not in ARGUMENTS and is_setting(name.strip().upper()):  # `-a DOWNLOAD_DELAY=1`
            raise ValueError(f"{name.strip()} is a setting, not a spider argument: use "
                             f"-s {name.strip().upper()}={values[name]}")
        if name not in ARGUMENTS:
            match = difflib.get_close_matches(name.lower(), list(ARGUMENTS), n=1, cutoff=0.6)
            hint = f": did you mean -a {match[0]}=?" if match else ""
            raise ValueError(f"unknown spider argument -a {name}={hint} (the site spider takes "
                             f"{', '.join(sorted(ARGUMENTS))})")


def settings_that_are_arguments(settings: BaseSettings) -> str | None:
    """The line for a spider argument given as a setting (`-s since=2d`): Scrapy keeps it as a
    setting nothing reads, and the crawl ran without it (every old article written)."""
    cmdline = SETTINGS_PRIORITIES["cmdline"]
    for name in settings:
        if name.strip().lower() in ARGUMENTS and settings.getpriority(name) == cmdline:
            return f"{name.strip()} is a spider argument: use -a {name.strip().lower()}={settings.get(name)}"
    return None


def _check_kinds(given: Mapping[str, str]) -> None:
    """Start URLs, single pages and a sites file are three different crawls: one at a time."""
    first = None
    for name in given:
        if name not in KIND:
            continue
        if first is not None and KIND[name] != KIND[first]:
            raise ValueError(f"-a {first}= and -a {name}= cannot be combined: give {KIND[first]} "
                             f"or {KIND[name]}, one kind per crawl")
        first = first or name


def _urls(given: Mapping[str, str], inline: str, listed: str) -> list[str]:
    """The URLs of `-a url=` (separated by whitespace), then those of the file `-a urls=`; a page
    given twice, however spelt, is crawled once."""
    _check_not_joined(given.get(inline, ""), inline)
    urls = given.get(inline, "").split()
    for url in urls:
        if not _is_http_url(url):
            why = malformed_url(url) or f"not an http(s) URL: {url!r}"
            raise ValueError(f"{why} (-a {inline}= takes {ARGUMENTS[inline]})")
        problem = host_problem(url)
        if problem:
            raise ValueError(f"{problem} (-a {inline}= takes {ARGUMENTS[inline]})")
    if listed in given:
        _check_not_urls(given[listed], inline, listed)
        urls += load_url_list(given[listed])
    return one_per_page(urls)


def _check_not_joined(value: str, inline: str) -> None:
    """`-a article="http://a/x,http://a/y"` would fetch one URL with a comma in it (a 404)."""
    joint = URL_JOINT.search(value)
    if joint:
        separator = "commas" if joint.group(1) == "," else "semicolons"
        urls = " ".join(URL_JOINT.sub(" ", value).split())
        raise ValueError(f"-a {inline}= takes URLs separated by spaces, not by {separator}: give "
                         f"-a {inline}=\"{urls}\"")


def _check_not_urls(value: str, inline: str, listed: str) -> None:
    """`-a articles=URL`: a URL where a file of URLs is expected (and no such file)."""
    words = value.split()
    if words and all(_is_http_url(word) for word in words) and not Path(value).exists():
        given = f"\"{' '.join(words)}\"" if len(words) > 1 else words[0]
        what = "a URL" if len(words) == 1 else "URLs"
        raise ValueError(f"-a {listed}= takes {ARGUMENTS[listed]}, not {what}: to give URLs on the "
                         f"command line, use -a {inline}={given}")


def _is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a malformed IPv6 address
        return False
