"""The sites file: many sites in one TOML file, each with its own options.

```toml
[defaults]                 # optional: applies to every site below
delay = 1.0

[sites.worldpress]
url = "https://worldpress.example/"
sections = ["https://worldpress.example/world/"]
feeds = ["https://worldpress.example/feed/"]
sitemaps = ["https://worldpress.example/news-sitemap.xml"]
allow = ['/20\\d\\d/']
deny = ['/video/']
profile = "tagdiv-classic"
delay = 2.0
concurrency = 1
since = "2d"
discover = true
```

A malformed file raises SitesFileError with one line that names the file and the line.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

from newscrawl.config.domains import site_key
from newscrawl.config.path_names import os_reason
from newscrawl.config.settings_check import A_DAY
from newscrawl.discovery.since import parse_since


class SitesFileError(ValueError):
    """The sites file cannot be used; the message names the file and line."""


class UrlListError(ValueError):
    """A file of URLs cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class SiteConfig:
    """One site to crawl and how."""

    name: str
    url: str
    sections: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    profile: str | None = None
    delay: float | None = None
    concurrency: int | None = None
    since: datetime | None = None
    discover: bool = True
    hosts: tuple[str, ...] = field(default=())

    @property
    def slot(self) -> str:
        """The Scrapy download slot (politeness bucket) of this site."""
        return f"site:{self.name}"

    def domains(self) -> tuple[str, ...]:
        """Host names whose pages belong to this site (subdomains included)."""
        return _domains(self.url, self.sections, self.hosts)  # asked for every link: cached


@lru_cache(maxsize=1024)
def _domains(url: str, sections: tuple[str, ...], extra: tuple[str, ...]) -> tuple[str, ...]:
    hosts = {(urlsplit(u).hostname or "").lower().removeprefix("www.") for u in (url, *sections)}
    return tuple(sorted(h for h in hosts | set(extra) if h))


# option name -> (type check, description used in error messages)
_LISTS = ("sections", "feeds", "sitemaps", "allow", "deny", "hosts")
_OPTIONS = {"url", "profile", "delay", "concurrency", "since", "discover", *_LISTS}
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def site_from_url(url: str, profile: str | None = None, since: datetime | None = None) -> SiteConfig:
    """The one site of `scrapy crawl site -a url=...` (or a seed URL), named by its `site_key`."""
    _check_url(url, "url")
    return SiteConfig(name=site_key(url) or url, url=url, profile=profile, since=since)


# a comma or a semicolon before a URL: a list written as in a spreadsheet. (A URL may hold
# `/http://` or `=http://` in its path or query, as web.archive.org's do: no other joint is refused.)
URL_JOINT = re.compile(r"(?<!\s)\s*([,;])\s*(?=https?://)", re.IGNORECASE)


# what a stream given as an input file held (`-a urls=/dev/stdin`, a named pipe), by its path
_STREAMS: dict[str, str] = {}


def read_input_file(path: str | Path) -> str:
    """The text of a URL or sites file (a UTF-8 BOM skipped). A stream, which reads empty the
    second time, is read once per process: the arguments are checked, then the spider reads them
    again, and `-a urls=/dev/stdin` found no URL in the file."""
    path = Path(path)
    if path.is_file() or not path.exists():  # a file, or the error of one that is not there
        return path.read_text("utf-8-sig")
    key = str(path.absolute())
    if key not in _STREAMS:
        _STREAMS[key] = path.read_bytes().decode("utf-8-sig")
    return _STREAMS[key]


def one_per_page(urls: Iterable[str]) -> list[str]:
    """Each page once however it is spelt (`https://a.example`, `https://a.example/` and
    `https://a.example/#top` are one page, fetched once), in the order given, as first spelt."""
    pages: dict[str, str] = {}
    for url in urls:
        try:
            key = canonicalize_url(url)
        except ValueError:  # a port out of range: the URL's own check says it
            key = url
        pages.setdefault(key, url)
    return list(pages.values())


def load_url_list(path: str | Path) -> list[str]:
    """The URLs of a URL file (`-a urls=FILE`): one http(s) URL per line; blank lines and
    comments (from a `#` at the start of a line or after a space) are ignored; a UTF-8 BOM (how
    Windows Notepad saves UTF-8) is skipped. Raises UrlListError naming the file, and the line,
    on any problem."""
    try:
        text = read_input_file(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise UrlListError(f"{path}: cannot read the URL file ({os_reason(exc)})") from None
    urls = []
    for number, line in enumerate(text.splitlines(), 1):
        words = re.sub(r"(^|\s)#.*", "", line).split()  # a URL's own #fragment follows no space
        if len(words) > 1:
            raise UrlListError(f"{path}:{number}: one URL per line, not {len(words)}: {line.strip()!r}")
        if words and URL_JOINT.search(words[0]):  # "http://a/x,http://a/y": one URL would 404
            raise UrlListError(f"{path}:{number}: one URL per line, not several joined by commas or "
                               f"semicolons: {words[0]!r}")
        if words:
            malformed = malformed_url(words[0])
            if malformed:
                raise UrlListError(f"{path}:{number}: {malformed}")
            try:
                _check_url(words[0], "url")
            except ValueError:  # _OptionError, or a malformed IPv6 address
                raise UrlListError(f"{path}:{number}: not an http(s) URL: {words[0]!r}") from None
            urls.append(words[0])
    if not urls:
        raise UrlListError(f"{path}: no URL in the file (give one http(s) URL per line; blank lines "
                           "and # comments are ignored)")
    return urls


def load_sites(path: str | Path) -> list[SiteConfig]:
    """Read and check a sites file (a UTF-8 BOM is skipped); raises SitesFileError naming the
    line on any problem."""
    given = str(path)
    path = Path(path)
    if re.match(r"https?://", given, re.IGNORECASE) and not path.exists():
        raise SitesFileError(f"-a sites= takes a sites file (TOML), not a URL: to crawl one site from its "
                             f"start page, use -a url={given}")
    try:
        text = read_input_file(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise SitesFileError(f"{path}: cannot read the sites file ({os_reason(exc)})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        if _lists_urls(text):
            message += f" (a list of URLs, one per line, is given as -a urls={path})"
        raise SitesFileError(f"{path}:{line or '?'}: not valid TOML: {message}") from None
    return parse_sites(data, text, str(path))


def _lists_urls(text: str) -> bool:
    """Whether a file's first line with words is a URL: a URL list given where a sites file goes."""
    first = next((line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")
    return first.lower().startswith(("http://", "https://"))


def parse_sites(data: dict[str, Any], text: str = "", origin: str = "sites file") -> list[SiteConfig]:
    """Check parsed TOML and build the site list."""

    def fail(message: str, table: str | None = None, key: str | None = None) -> SitesFileError:
        line = _line_of(text, table, key)
        return SitesFileError(f"{origin}:{line}: {message}" if line else f"{origin}: {message}")

    unknown = set(data) - {"defaults", "sites"}
    if unknown:
        key = sorted(unknown)[0]
        raise fail(f"unknown top-level key {key!r}: use [defaults] and [sites.NAME] tables", None, key)
    defaults = data.get("defaults", {})
    sites = data.get("sites")
    if not isinstance(defaults, dict):
        raise fail("[defaults] must be a table", None, "defaults")
    if "url" in defaults:  # merged into every site, it would give them all one start page
        raise fail("url does not belong in [defaults]: each site has its own start page, in its "
                   "[sites.NAME] table", "defaults", "url")
    if sites is not None and not isinstance(sites, dict | list):
        raise fail("sites must be [sites.NAME] tables, e.g. [sites.example] with url = "
                   "\"https://example.com/\", not a value", None, "sites")
    if isinstance(sites, list):
        raise fail("[[sites]] is a list of tables: name each site in its own [sites.NAME] table, "
                   "e.g. [sites.example] with url = \"https://example.com/\"", "sites")
    if not isinstance(sites, dict) or not sites:
        raise fail("no sites: add at least one [sites.NAME] table with a url")
    result = []
    for name, options in sites.items():
        table = f"sites.{name}"
        if not isinstance(options, dict):
            raise fail(f"sites.{name} must be a table", "sites", name)
        if not _NAME.match(name):
            raise fail(f"site name {name!r} may use letters, digits, '.', '_' and '-' only", table)
        merged = {**defaults, **options}
        for key in merged:
            if key not in _OPTIONS:
                where = table if key in options else "defaults"
                raise fail(f"unknown option {key!r} in [{where}] (known: {', '.join(sorted(_OPTIONS))})",
                           where, key)
        if "url" not in merged:
            raise fail(f"[{table}] needs a url", table)
        try:
            site = _site(name, merged)
        except ValueError as exc:
            key = getattr(exc, "key", None)
            where = table if key is None or key in options else "defaults"
            raise fail(f"[{where}] {exc}", where, key) from None
        # a start page is fetched once per crawl: the second site would get none of its pages,
        # and every article would be counted under the first
        first = next((other for other in result if canonicalize_url(other.url) == canonicalize_url(site.url)), None)
        if first is not None:
            raise fail(f"[{table}] has the same url as [sites.{first.name}] ({site.url}): one site per "
                       "start page; put what both need (sections, feeds, sitemaps) in one table", table, "url")
        result.append(site)
    return result


class _OptionError(ValueError):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key


def _site(name: str, options: dict[str, Any]) -> SiteConfig:
    url = options["url"]
    if not isinstance(url, str):
        raise _OptionError("url", "must be a string")
    _check_url(url, "url")
    lists = {}
    for key in _LISTS:
        value = options.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _OptionError(key, "must be a list of strings")
        lists[key] = tuple(value)
    for key in ("sections", "feeds", "sitemaps"):
        for value in lists[key]:
            _check_url(value, key)
    for host in lists["hosts"]:
        problem = host_name_problem(host)
        if problem:
            raise _OptionError("hosts", problem)
    # compared with a page's host as urlsplit gives it: "CDN.example" and "[::1]" matched no page
    lists["hosts"] = tuple(host_name(host) for host in lists["hosts"])
    for key in ("allow", "deny"):
        for pattern in lists[key]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise _OptionError(key, f"bad regular expression {pattern!r}: {exc}") from None
    profile = options.get("profile")
    if profile is not None:
        if not isinstance(profile, str):
            raise _OptionError("profile", "must be a string")
        from newscrawl.extract.profiles import get_profile

        try:
            get_profile(profile)
        except ValueError as exc:
            raise _OptionError("profile", str(exc)) from None
    delay = options.get("delay")
    if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int | float)
                              or not 0 <= delay <= A_DAY):  # (nan fails both comparisons)
        raise _OptionError("delay", f"must be a number of seconds from 0 to {A_DAY} (a day)")
    concurrency = options.get("concurrency")
    if concurrency is not None and (isinstance(concurrency, bool) or not isinstance(concurrency, int)
                                    or concurrency < 1):
        raise _OptionError("concurrency", "must be a whole number, 1 or more")
    since = options.get("since")
    if since is not None:
        try:
            since = parse_since(since if isinstance(since, str) else since.isoformat())
        except (ValueError, AttributeError) as exc:
            raise _OptionError("since", str(exc)) from None
    discover = options.get("discover", True)
    if not isinstance(discover, bool):
        raise _OptionError("discover", "must be true or false")
    return SiteConfig(name=name, url=url, profile=profile, since=since, discover=discover,
                      delay=float(delay) if delay is not None else None, concurrency=concurrency,
                      **lists)


def _check_url(url: str, key: str) -> None:
    malformed = malformed_url(url)
    if malformed:
        raise _OptionError(key, malformed)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _OptionError(key, f"not an http(s) URL: {url!r}")
    problem = host_problem(url)
    if problem:
        raise _OptionError(key, problem)


def malformed_url(url: str) -> str | None:
    """Why a URL cannot be parsed at all (an unclosed "[", a port that is no number from 0 to
    65535), or None."""
    try:
        parts = urlsplit(url)
        parts.hostname  # noqa: B018 (read for its ValueError)
        parts.port  # noqa: B018
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range 0-65535", ...
        return f"not a valid URL ({exc}): {url!r}"
    return None


def host_problem(url: str) -> str | None:
    """What is wrong with a URL's host or port, if it could be no host name or IP address: a typo
    such as a comma for a dot ("example,com") names no host, an unclosed "[" no IPv6 address, and
    a port that is no number from 0 to 65535 none (fetching any of them fails)."""
    malformed = malformed_url(url)
    if malformed:
        return malformed
    host = urlsplit(url).hostname or ""
    bare = host.strip("[]")  # an IPv6 address
    if bare and all(ch.isalnum() or ch in ".-_:" for ch in bare):
        return None
    return f"{host!r} is not a host name (letters, digits, dots and hyphens): {url!r}"


def _unbracketed(host: str) -> str:
    """A host without the brackets around an IPv6 address ("[::1]" -> "::1")."""
    host = host.strip()
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def _ipv6(host: str) -> bool:
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return False
    return True


def host_name(host: str) -> str:
    """A `hosts` entry as a page's host is compared with it (urlsplit's `hostname`): lower case,
    an IPv6 address without its brackets."""
    return _unbracketed(host).lower()


def host_name_problem(host: str) -> str | None:
    """Why a `hosts` entry names no host a page could be on (empty, a URL where the host name
    alone belongs, no host name), or None."""
    if not host.strip():
        return "an empty host name matches no page: give host names such as \"cdn.example.com\""
    if "/" in host:
        name = urlsplit(host).hostname if "://" in host else host.split("/", 1)[0]
        return f"{host!r} is a URL or a path: give the host name alone ({name or 'cdn.example.com'!r})"
    if _ipv6(_unbracketed(host)):  # "[::1]" or "::1": a page's host is the address without brackets
        return None
    if host_problem(f"http://{host.strip()}/"):
        return f"{host!r} is not a host name (letters, digits, dots and hyphens)"
    name = urlsplit(f"http://{host.strip()}/").hostname or ""
    if name != host.strip().lower().strip("[]"):  # "cdn.example:8080": compared whole, matched no page
        return (f"{host!r} has a port: give the host name alone ({name!r}): pages are matched by "
                "host name, whatever their port")
    return None


def _line_from_message(message: str) -> int | None:
    match = re.search(r"at line (\d+)", message)
    return int(match.group(1)) if match else None


def _line_of(text: str, table: str | None, key: str | None) -> int | None:
    """The line of `key` inside `[table]` (or of the table header, or of a top-level key)."""
    if not text:
        return None
    lines = text.splitlines()
    header = re.compile(r"^\s*\[\s*" + re.escape(table or "") + r"\s*\]") if table else None
    start = 0
    if header:
        for number, line in enumerate(lines):
            if header.match(line):
                start = number
                break
        else:
            return None
        if key is None:
            return start + 1
    key_line = re.compile(r"^\s*[\"']?" + re.escape(key or "") + r"[\"']?\s*=") if key else None
    for number in range(start + (1 if header else 0), len(lines)):
        line = lines[number]
        if header and re.match(r"^\s*\[", line):
            break
        if key_line and key_line.match(line):
            return number + 1
        if not header and key and re.match(r"^\s*\[\s*" + re.escape(key) + r"\b", line):
            return number + 1
    return start + 1 if header else None
