"""Sitemaps: robots.txt `Sitemap:` lines, sitemap indexes, gzipped sitemaps and Google News
sitemaps, keeping `news:publication_date` and `news:title` (Scrapy's parser drops them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO

import lxml.etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from newscrawl.discovery.ampersands import escape_bare_ampersands
from newscrawl.discovery.entries import Discovered, absolute_url
from newscrawl.discovery.since import parse_when

# tried in this order when robots.txt names no sitemap
USUAL_SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml", "/sitemap-news.xml")
_GZIP_MAGIC = b"\x1f\x8b"
# the root elements that make a document a sitemap
SITEMAP_ROOTS = {"urlset": "an XML sitemap", "sitemapindex": "an XML sitemap index"}


class NewsSitemap(Sitemap):
    """Scrapy's streaming sitemap parser, plus the `<news:news>` block of each `<url>`."""

    def _process_sitemap_element(self, elem: lxml.etree._Element):
        news = _news_fields(elem)
        entry = super()._process_sitemap_element(elem)
        if entry is not None:
            entry.pop("news", None)
            if news:
                entry["news"] = news
        return entry


def _local(tag: object) -> str:
    return tag.partition("}")[2] or tag if isinstance(tag, str) else ""


def _news_fields(elem: lxml.etree._Element) -> dict[str, str]:
    fields: dict[str, str] = {}
    for child in elem:
        if _local(child.tag) != "news":
            continue
        for node in child.iter():
            name = _local(node.tag)
            if name in ("publication_date", "title", "name", "language", "keywords") and node.text:
                fields[name] = node.text.strip()
    return fields


@dataclass(frozen=True)
class SitemapDocument:
    """A parsed sitemap: an index of other sitemaps, or a list of page URLs."""

    kind: str  # "sitemapindex", "urlset" or "" when the body is no sitemap
    entries: tuple[Discovered, ...]


def sitemap_body(body: bytes, max_size: int = 0) -> bytes:
    """The XML of a sitemap response, gunzipped when it is a .gz file (bounded by max_size).

    Raises ValueError when a gzip body is broken or larger than max_size when unpacked.
    """
    if body[:2] == _GZIP_MAGIC:
        try:
            return gunzip(body, max_size=max_size)
        except Exception as exc:  # gunzip raises OSError, EOFError, _DecompressionMaxSizeExceeded
            raise ValueError(f"bad gzip sitemap: {type(exc).__name__}: {exc}") from None
    return body


def read_sitemap(body: bytes, max_size: int = 0, base_url: str = "") -> SitemapDocument:
    """Parse a sitemap or sitemap index (plain or gzipped); a relative `<loc>` is resolved
    against `base_url`, the sitemap's own URL, as a feed's relative links are."""
    xml = sitemap_body(body, max_size)
    if not xml.strip():
        return SitemapDocument("", ())
    try:
        sitemap = NewsSitemap(escape_bare_ampersands(xml))
    except (lxml.etree.LxmlError, StopIteration, ValueError):
        return SitemapDocument("", ())
    if sitemap.type not in SITEMAP_ROOTS:
        return SitemapDocument("", ())
    return SitemapDocument(sitemap.type, tuple(_entries(sitemap, base_url)))


def _entries(sitemap: NewsSitemap, base_url: str) -> Iterator[Discovered]:
    try:
        for entry in sitemap:
            # the protocol asks for absolute URLs, but "/news/x/" is common: fetching it
            # as given raised (Missing scheme), and the index's other sitemaps were lost
            url = absolute_url(base_url, entry.get("loc") or "")
            if url is None:
                continue
            news = entry.get("news") or {}
            yield Discovered(
                url=url,
                published=parse_when(news.get("publication_date")),
                modified=parse_when(entry.get("lastmod")),
                title=news.get("title") or None,
                source="news-sitemap" if news else "sitemap",
            )
    except lxml.etree.LxmlError:
        return  # a truncated sitemap: keep what was read


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    """The `Sitemap:` URLs in a robots.txt body, made absolute, in order, without repeats; a line
    that names no http(s) URL is skipped (as Scrapy's `sitemap_urls_from_robots` reads them, but
    an empty line named robots.txt itself, and a broken URL raised and lost the others)."""
    urls = []
    for line in BytesIO(body):
        if line.lstrip()[:8].lower() != b"sitemap:":
            continue
        value = line.partition(b":")[2].decode("utf-8", "replace")
        if (url := absolute_url(base_url, value)) is not None:
            urls.append(url)
    return list(dict.fromkeys(urls))
