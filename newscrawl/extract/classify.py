"""Tell article pages from listing, section, tag and author pages."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from newscrawl.extract.metadata import PageMetadata, _types

_DATED_URL = re.compile(r"/(?:19|20)\d{2}/(?:0?[1-9]|1[0-2])/|/(?:19|20)\d{2}-\d{2}-\d{2}|\d{6,}\.html?$")
_LISTING_URL = re.compile(r"/(?:tag|tags|category|categories|author|authors|topic|topics|section|"
                          r"search|page|archive|archives)/|[?&](?:page|s|q)=", re.IGNORECASE)
_LISTING_TYPES = {"collectionpage", "itemlist", "searchresultspage", "profilepage", "webpage"}
MIN_ARTICLE_CHARS = 400


def article_signals(tree: HtmlElement, meta: PageMetadata, url: str, has_profile_body: bool,
                    body_chars: int) -> list[str]:
    """The reasons to believe this page is one article (empty: it is not)."""
    signals = []
    if meta.jsonld_article is not None:
        signals.append("jsonld")
    if (meta.get("og:type") or "").lower() == "article":
        signals.append("og:type")
    if has_profile_body:
        signals.append("profile")
    articles = tree.findall(".//article")
    if len(articles) == 1 and body_chars >= 2 * MIN_ARTICLE_CHARS:
        signals.append("article-element")
    if _DATED_URL.search(url) and body_chars >= MIN_ARTICLE_CHARS:
        signals.append("dated-url")
    return signals


def listing_signals(tree: HtmlElement, meta: PageMetadata, url: str) -> list[str]:
    """The reasons to believe this page lists other pages."""
    signals = []
    if _LISTING_URL.search(url):
        signals.append("listing-url")
    page_types = set()
    for node in meta.jsonld_nodes:
        page_types |= _types(node)
    if page_types & _LISTING_TYPES - {"webpage"} and meta.jsonld_article is None:
        signals.append("jsonld-listing")
    if len(tree.findall(".//article")) >= 3 and meta.jsonld_article is None:
        signals.append("many-articles")
    return signals


def is_article(tree: HtmlElement, meta: PageMetadata, url: str, has_profile_body: bool,
               body_chars: int) -> tuple[bool, list[str]]:
    """Decide and explain: article signals must outweigh listing signals."""
    positive = article_signals(tree, meta, url, has_profile_body, body_chars)
    negative = listing_signals(tree, meta, url)
    strong = {"jsonld", "og:type"} & set(positive)
    verdict = bool(positive) and (bool(strong) or not negative) and body_chars > 0
    return verdict, positive + [f"-{n}" for n in negative]
