"""Reading a page's on-site links: Scrapy's LinkExtractor, with offsite links let go early.

A news page carries 150-300 links, most of them to other sites (social buttons, ads, partners)
or, on a page with a `<base href>` elsewhere, all of them. Scrapy's LinkExtractor visits every
element of the tree in Python and resolves every link with `urljoin` before `process_value`
can drop it; on a 200 KB page that is several milliseconds, as much as a fifth of extracting the
article. `site_link_extractor` keeps Scrapy's LinkExtractor and everything it does to the links
it returns (allow/deny, extensions, unique, Link text, nofollow); only its element walk is
narrowed to the link tags, and a link whose host is plainly off the site is skipped before it is
resolved. The result equals the plain LinkExtractor's with the same `process_value`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.linkextractors.lxmlhtml import LxmlParserLinkExtractor
from w3lib.html import strip_html5_whitespace

from newscrawl.config.domains import host_on_domains

# scheme://host followed by a port, path, query, fragment or the end; anything else goes to urlsplit
_PLAIN_HOST = re.compile(r"https?://([A-Za-z0-9.-]+)(?=[:/?#]|$)")
_PROTOCOL_RELATIVE_HOST = re.compile(r"//([A-Za-z0-9.-]+)(?=[:/?#]|$)")
_HAS_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def keep_on_site(url: str, domains: tuple[str, ...]) -> str | None:
    """The URL if its host is one of `domains` or under one (or cannot be judged yet), else None.

    A LinkExtractor `process_value`: module-level, so extraction workers can unpickle it.
    """
    match = _PLAIN_HOST.match(url)
    # most links are plain http(s)://host/...: a regex reads those cheaply (this runs per link)
    host = match.group(1).lower() if match else (urlsplit(url).hostname or "").lower()
    if not host.isascii():  # judged after Scrapy's IDNA encoding, by follow_links
        return url
    return url if host_on_domains(host, domains) else None


class _OnSiteParser(LxmlParserLinkExtractor):
    """Scrapy's lxml link parser, walking only the link tags and skipping plainly offsite links."""

    def __init__(self, *args: Any, tags: Iterable[str], attrs: Iterable[str], domains: tuple[str, ...],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tags = tuple(tags)
        self.attrs = tuple(attrs)
        self.domains = domains
        self._relative_on_site = True

    def _extract_links(self, selector: Any, response_url: str, response_encoding: str,
                       base_url: str) -> list:
        # a relative link lands on the host of the page's base URL
        self._relative_on_site = keep_on_site(base_url, self.domains) is not None
        return super()._extract_links(selector, response_url, response_encoding, base_url)

    def _plainly_offsite(self, value: str) -> bool:
        """True only when resolving `value` certainly gives a host off the site."""
        value = strip_html5_whitespace(value)
        match = _PLAIN_HOST.match(value) or _PROTOCOL_RELATIVE_HOST.match(value)
        if match:
            host = match.group(1).lower()
            return host.isascii() and not host_on_domains(host, self.domains)
        if value.startswith("//") or _HAS_SCHEME.match(value):
            return False  # other schemes and unusual hosts: Scrapy's own path decides
        return not self._relative_on_site

    def _iter_links(self, document: Any) -> Iterator[tuple[Any, str, str]]:
        for element in document.iter(*self.tags):
            for attr in self.attrs:
                value = element.get(attr)
                if value is not None and not self._plainly_offsite(value):
                    yield element, attr, value


_BASE_TAG = re.compile(rb"<base\b[^>]*>", re.IGNORECASE)


class _SiteLinkExtractor(LinkExtractor):
    """Scrapy's LinkExtractor, reading a page whose `<base href>` is no URL (`http://[broken/`)
    as a browser does, against the page's own URL: Scrapy raised ValueError (Invalid IPv6 URL),
    and none of the page's links was followed (a home page's: a crawl of no article, exit 0)."""

    def extract_links(self, response: Any) -> list:
        try:
            return super().extract_links(response)
        except ValueError:
            # a plain response (the worker's own type holds the parsed tree, with its <base>)
            page = HtmlResponse(response.url, body=_BASE_TAG.sub(b"", response.body), encoding=response.encoding)
            return super().extract_links(page)


def site_link_extractor(domains: tuple[str, ...], allow: Iterable[str] = (), deny: Iterable[str] = (),
                        tags: tuple[str, ...] = ("a", "area"), attrs: tuple[str, ...] = ("href",)) -> LinkExtractor:
    """A LinkExtractor returning the unique links of a page whose host is one of `domains`."""
    keep = partial(keep_on_site, domains=domains)
    extractor = _SiteLinkExtractor(allow=tuple(allow), deny=tuple(deny), unique=True, tags=tags, attrs=attrs,
                                   process_value=keep)
    old = extractor.link_extractor
    extractor.link_extractor = _OnSiteParser(tag=old.scan_tag, attr=old.scan_attr, process=keep,
                                             unique=old.unique, strip=old.strip, canonicalized=True,
                                             tags=tags, attrs=attrs, domains=domains)
    return extractor

