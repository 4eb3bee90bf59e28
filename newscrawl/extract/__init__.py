"""Extraction as a library: `extract_article(url, html)` needs no Scrapy engine.

The spider, the tests, `python -m benchmarks.quality` and `scrapy fixture` all call this code.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal, get_args
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from newscrawl.config.domains import site_key
from newscrawl.extract import body as body_mod
from newscrawl.extract.authors import choose_authors, in_another_story
from newscrawl.extract.classify import best_score, is_article
from newscrawl.extract.dateline import (
    Dateline,
    find_dateline,
    narrowed,
    page_language,
    parse_dateline,
    prints_day,
)
from newscrawl.extract.document import (
    decode_html,
    parse_html,
    readable,
    strip_code,
    text_of,
)
from newscrawl.extract.encoding import binary_kind
from newscrawl.extract.endings import clean_endings
from newscrawl.extract.features import (
    BODY_FEATURES,
    declares_error_page,
    declares_other_kind,
    page_features,
    record_features,
)
from newscrawl.extract.headline import (
    backed_by_metadata,
    choose_headline,
    h1_elements,
    headline_anchor,
)
from newscrawl.extract.lines import iter_lines, lines_after, lines_before
from newscrawl.extract.loaders import ArticleLoader
from newscrawl.extract.metadata import PageMetadata, jsonld_text, read_metadata
from newscrawl.extract.noise import collect_noise, strip_boilerplate
from newscrawl.extract.processors import to_iso8601
from newscrawl.extract.profiles import GENERIC, Profile, detect_profile, get_profile
from newscrawl.extract.published import choose_modified, choose_published, published_from_text
from newscrawl.extract.rules import enabled
from newscrawl.extract.vocabulary import as_of, reading_time
from newscrawl.items import Article

logger = logging.getLogger(__name__)
# the article's own nodes on any page: a widget selector must never take them as noise (two
# searches: libxml2 merges a union's node sets in time that grows with the product of their sizes)
_ARTICLE_NODES = (etree.XPath("//h1"), etree.XPath("//@itemprop[.='articleBody']/.."))


@dataclass
class ExtractedPage:
    """An extraction result: the item, and whether the page is an article (with reasons)."""

    article: Article
    is_article: bool = False
    signals: list[str] = field(default_factory=list)
    error: str | None = None
    # the named page features the decision read (newscrawl.extract.features), for debugging
    features: dict[str, float] = field(default_factory=dict)
    # what of the page was not read: its end, when it was over the size extraction reads
    # (CUT_NOTE); attributes past the most a tag keeps (CROWDED_NOTE); joined by "; "
    cut: str | None = None
    # a canonical URL (or og:url) the page declared that cannot be its address (the site's
    # root, named by a deeper page): the crawl counts it as `canonical/ignored`
    canonical_ignored: str | None = None


def fingerprint(body: str | None, headline: str | None) -> str | None:
    """A content fingerprint that ignores case, punctuation and whitespace."""
    words = re.findall(r"\w+", f"{headline or ''} {body or ''}".casefold())
    if not body:
        return None
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()


def _latest_date() -> datetime:
    """The latest date a page may carry: tomorrow (a page in a zone ahead of UTC), at midnight."""
    today = reading_time().date() + timedelta(days=2)
    return datetime(today.year, today.month, today.day)


def _dateline(tree: HtmlElement, profile: Profile, anchor: HtmlElement | None,
              latest: datetime) -> Dateline | None:
    """The printed dateline: the profile's, else the first date printed after the headline."""
    for node in profile.select("dateline", tree):
        if anchor is not None and enabled("dates-not-other-pages") and in_another_story(node, anchor):
            continue  # a theme's date markup in a related story's card: that story's date
        text = text_of(node)
        if text:
            found = Dateline(text, parse_dateline(text, latest))
            # a theme's date element may print more than the date: a second, hidden <time> (the
            # updated one, "March 4, 2025March 4, 2025"), a byline glued on
            return narrowed(found, tree, latest) if found.value else found
    if anchor is not None:
        return find_dateline(anchor, latest)
    return None


# what body a page gets that no body could make an article (its verdict is the same with any):
# "quick" one fast trafilatura pass (the default, for a caller that may keep any page); "full"
# the thorough body, for a caller that takes the page for an article whatever it reads as (a
# page named with -a article=); "none" for a caller that keeps articles only (the crawl)
NonArticleBody = Literal["quick", "full", "none"]
NON_ARTICLE_BODIES: tuple[str, ...] = get_args(NonArticleBody)


def _extract_tree(url: str, tree: HtmlElement, profile: Profile | None,
                  non_article_body: NonArticleBody = "quick", *, judge: bool = True) -> ExtractedPage:
    """The page's record, and unless not `judge`, whether it is an article (the verdict needs the
    page's features, a tenth of the CPU; without it every page gets the thorough body)."""
    meta = read_metadata(tree, url)
    with page_language(meta.dates_language):  # its printed dates name months in it, in its order
        return _read_page(url, tree, meta, profile, non_article_body, judge=judge)


def _read_page(url: str, tree: HtmlElement, meta: PageMetadata, profile: Profile | None,
               non_article_body: NonArticleBody, *, judge: bool) -> ExtractedPage:
    """`_extract_tree` once the page's metadata is read."""
    error_page = declares_error_page(tree, meta, url)
    # scripts and styles are read (JSON-LD) or useless from here on; their text is never content
    strip_code(tree)
    # read before any pruning: teasers, comments and shop markup are what tell pages apart
    features, link_texts = page_features(tree, meta, url) if judge else ({}, frozenset())
    if not judge:
        non_article_body = "full"
    detected = detect_profile(tree) if profile is None else None
    profile = profile or (detected if detected and enabled("theme-profiles") else None) or GENERIC
    loader = ArticleLoader()
    loader.add_value("url", url)
    canonical, canonical_ignored = own_canonical(url, meta)
    loader.add_value("canonical_url", canonical)
    loader.add_value("site", site_key(url))
    protected = profile.select("body", tree) + [e for search in _ARTICLE_NODES for e in search(tree)]
    loader.add_value("noise", collect_noise(tree, profile, protected))

    printed = [(text_of(e), e) for e in profile.select("headline", tree)]
    printed = [(t, e) for t, e in printed if t] or h1_elements(tree)
    headline = choose_headline(printed[:6], meta, tree)
    loader.add_value("headline", headline)
    latest = _latest_date()
    anchor = headline_anchor(printed, headline, tree)
    dateline = _dateline(tree, profile, anchor, latest)
    loader.add_value("dateline", dateline.text if dateline else None)
    byline = [text_of(e) for e in profile.select("authors", tree)]
    loader.add_value("authors", choose_authors(meta, tree, anchor, byline))

    strip_boilerplate(tree, profile)
    containers = profile.select("body", tree)
    article_scope = containers[0].getparent() if containers else tree
    body_element = tree.find("body")
    # only a caller that keeps articles alone (the crawl) may leave a surely-no-article page
    # undated: any other gets every field it asks for
    defer_search = enabled("dates-only-articles") and non_article_body == "none"
    published = choose_published(
        meta, article_scope, dateline.value if dateline else None, url, meta.dates_language, tree=tree,
        dateline_text=dateline.text if dateline else None,
        # a date printed further down the article may be anything; only the header's may
        # stand for the date the page presents
        printed=(lambda day: prints_day(iter_lines(body_element if body_element is not None else tree),
                                        day, latest)) if dateline and dateline.near else None,
        above_headline_only=_above_headline_only(anchor, latest), search_text=not defer_search)
    loader.add_value("published", published)
    # the page as it is now, for the text search decided below (the body's pruning changes it)
    text_search = _TextSearch(tree, anchor) if defer_search and published is None else None
    loader.add_value("modified", choose_modified(meta, tree=tree))
    profile_body = bool(containers) and profile is not GENERIC
    thorough = non_article_body == "full" or may_be_article(
        loader.load_item(), features, profile_body, link_texts, searching=text_search is not None)
    body = None if not thorough and non_article_body == "none" \
        else body_mod.extract_body(tree, profile, containers, thorough=thorough,
                                   headline=anchor if backed_by_metadata(headline, meta) else None,
                                   gated=meta.gated)
    loader.add_value("body", body_mod.complete_from_metadata(body, meta))

    loader.add_value("lang", meta.lang)
    loader.add_value("description", meta.get("og:description", "description", "twitter:description"))
    section = jsonld_text(meta.jsonld_article.get("articleSection")) if meta.jsonld_article else None
    loader.add_value("section", section or meta.get("article:section"))
    loader.add_value("tags", _tags(meta))
    loader.add_value("image", page_address(url, meta.get("og:image", "twitter:image")))
    loader.add_value("extractor", profile.key)
    article = loader.load_item()
    article.body = body_mod.without_leading_headline(article.body, article.headline)
    # the whole printed line the dateline came from: the body may repeat it as one paragraph
    printed_line = (dateline.line or dateline.text) if dateline else None
    day = dateline.value.date() if dateline and dateline.value else None
    article.body = body_mod.without_header_lines(article.body, article.headline, printed_line,
                                                 article.authors, day, latest)
    article.body = clean_endings(article.body, article.authors)
    article.fingerprint = fingerprint(article.body, article.headline)
    if not judge:
        return ExtractedPage(article, canonical_ignored=canonical_ignored)
    page = record_features(article, features, profile_body, link_texts)
    if text_search is not None:
        # htmldate's search of the text costs a sixth of all extraction, mostly on pages that are
        # no article, where what it finds is a copyright year or today's date: it is skipped for
        # a page that even a date would leave almost surely no article
        searched = text_search.tree \
            if best_score(page, frozenset({"rec_published"})) >= MIN_DATE_SEARCH_SCORE else None
        found = published_from_text(meta, searched, url, meta.dates_language,
                                    above_headline_only=_above_headline_only(text_search.anchor, latest))
        article.published = to_iso8601(found)
        page = record_features(article, features, profile_body, link_texts)
    verdict, signals = is_article(page)
    if verdict and error_page and enabled("error-pages"):
        verdict, signals = False, [*signals, "error page"]
    other_kind = declares_other_kind(meta, article.headline) if verdict and enabled("declared-other-kinds") else None
    if other_kind:
        verdict, signals = False, [*signals, f"declares {other_kind}"]
    return ExtractedPage(article, verdict, signals, features=page, canonical_ignored=canonical_ignored)


def page_address(url: str, value: str | None) -> str | None:
    """A page's reference to another resource as an absolute URL: an og:image of
    "../img/dam.jpg" or "/uploads/dam.jpg" is read against the page's URL, as a browser does."""
    if not value or not value.strip():
        return None
    try:
        return urljoin(url, value.strip())
    except ValueError:  # a broken reference ("http://[x"): kept as the page wrote it
        return value.strip()


def own_canonical(url: str, meta: PageMetadata) -> tuple[str, str | None]:
    """The page's canonical address: its <link rel=canonical>, else its og:url, resolved against
    the page's URL (relative ones are common); and the first declared one passed over, if any.
    One that names the site's home page from any other page is a template's mistake, not the
    page's address (every article of such a site would be one): the page's own URL stands."""
    ignored = None
    for declared in (meta.canonical, meta.get("og:url")):
        if declared:
            resolved = urljoin(url, declared)
            if not _home_page(resolved) or _home_page(url):
                return resolved, ignored
            ignored = ignored or resolved
    return url, ignored


def _home_page(url: str) -> bool:
    """Whether a URL is a site's home page: its root, or the root's index file."""
    try:
        parts = urlsplit(url)
    except ValueError:  # a broken address ("http://[x") is no home page
        return False
    return not parts.query and parts.path.lower() in ("", "/", "/index.html", "/index.htm", "/index.php")


def may_be_article(record: Article, features: dict[str, float], profile_body: bool,
                    link_texts: frozenset[str], *, searching: bool) -> bool:
    """Whether some body could make the page an article, judged before the body is extracted
    (with the date as unknown while a text search for it may still run)."""
    if not enabled("thorough-body-only-articles"):
        return True
    unknown = BODY_FEATURES | {"rec_published"} if searching else BODY_FEATURES
    page = record_features(record, features, profile_body, link_texts)
    return best_score(page, unknown) >= MIN_THOROUGH_BODY_SCORE


# the article score that the most article-like body would give, under which the page gets a
# fast body: well under the model's threshold (0.46), so that an article the model misjudges
# by a little still gets its thorough body (on the tune halves no article was under 0.3, and
# pages under 0.2 took 63% of the extraction CPU spent on non-articles)
MIN_THOROUGH_BODY_SCORE = 0.2


# the article score (with a date) under which a page is taken for no article without searching
# its text for a date: on the tune halves no page under 0.1 had its date found by the search
MIN_DATE_SEARCH_SCORE = 0.1


class _TextSearch:
    """A copy of the page (and its headline) kept for a date search decided after the body."""

    def __init__(self, tree: HtmlElement, anchor: HtmlElement | None) -> None:
        self.tree = copy.deepcopy(tree)
        self.anchor = None
        if anchor is not None:
            # the copy has the same elements in the same order (a path would not do: lxml's
            # paths of odd tag names do not parse back)
            for original, copied in zip(tree.iter(), self.tree.iter(), strict=True):
                if original is anchor:
                    self.anchor = copied
                    break


def _above_headline_only(anchor: HtmlElement | None, latest: datetime) -> Callable[[date], bool] | None:
    """Whether a day is printed above the headline and not below it (the page header's date)."""
    if anchor is None:
        return None
    return lambda day: (prints_day(lines_before(anchor), day, latest)
                        and not prints_day(lines_after(anchor), day, latest))


def _tags(meta: PageMetadata) -> list[str]:
    keywords = meta.jsonld_article.get("keywords") if meta.jsonld_article else None
    if isinstance(keywords, str):
        return [k for k in keywords.split(",") if k.strip()]
    if isinstance(keywords, list):
        return [k for k in keywords if isinstance(k, str)]
    value = meta.get("news_keywords", "keywords")
    return [k for k in value.split(",") if k.strip()] if value else []


def extract_page(url: str, html: str | bytes, *, encoding: str | None = None,
                 profile: str | None = None, fetched_at: datetime | None = None,
                 on_tree: Callable[[HtmlElement], None] | None = None,
                 non_article_body: NonArticleBody = "quick") -> ExtractedPage:
    """Extract one page, and judge whether it is an article; a broken page never raises, it
    gives an empty item and an `error` (a wrong argument does: html that is no str or bytes, an
    unknown profile or non_article_body).

    `fetched_at` (default: now) is the record's fetched_at and the moment the page is read as of:
    no date after it is the page's, so a saved page replayed later gets the same record.
    `on_tree` is called with the parsed tree before extraction changes it, so a caller can
    read more from the page (the crawl's links) without parsing it a second time.
    `non_article_body`: what body a page gets that no body could make an article ("quick",
    "full" or "none"; see NonArticleBody). The verdict is the same with each.
    """
    if non_article_body not in NON_ARTICLE_BODIES:
        raise ValueError(f"non_article_body must be one of {', '.join(NON_ARTICLE_BODIES)}, "
                         f"not {non_article_body!r}")
    return _extract(url, html, encoding=encoding, profile=profile, fetched_at=fetched_at,
                    on_tree=on_tree, non_article_body=non_article_body, judge=True)


def extract_article(url: str, html: str | bytes, *, encoding: str | None = None,
                    profile: str | None = None, fetched_at: datetime | None = None) -> Article:
    """The article in a page, as an Article item (empty fields where the page has none).

    Every field as an article gets it, the thorough body included, whatever the page reads as:
    the record `newscrawl extract` prints and a crawl writes for a page named with -a article=.
    It does not judge whether the page is an article (that reads the page's features, about a
    tenth of the CPU): `extract_page` does. Never raises for a page; see `extract_page`.
    """
    return _extract(url, html, encoding=encoding, profile=profile, fetched_at=fetched_at,
                    on_tree=None, non_article_body="full", judge=False).article


def _extract(url: str, html: str | bytes, *, encoding: str | None, profile: str | None,
             fetched_at: datetime | None, on_tree: Callable[[HtmlElement], None] | None,
             non_article_body: NonArticleBody, judge: bool) -> ExtractedPage:
    # a caller's mistake, not a broken page: said at once, as Python does for a wrong type
    if not isinstance(html, str | bytes | bytearray):
        raise TypeError(f"html must be the page as str or bytes, not {type(html).__name__}")
    if fetched_at is not None and not isinstance(fetched_at, datetime):
        raise TypeError(f"fetched_at must be a datetime, not {type(fetched_at).__name__}")
    # one moment: the record's fetched_at is the moment its page is read as of, clock or not
    moment = fetched_at or datetime.now(UTC)
    fetched = moment.isoformat(timespec="seconds")
    # a file that is no page (a PDF, an image, gzip bytes not yet decompressed): decoded as text
    # it would give a body of garbage
    kind = None if isinstance(html, str) else \
        binary_kind(bytes(html[:4096]), (encoding or "").encode("ascii", "ignore"))
    if kind:
        return ExtractedPage(Article(url=url, fetched_at=fetched), error=f"{kind}, not an HTML page")
    try:
        text, notes = readable(decode_html(html, encoding))
        tree = parse_html(text, is_readable=True)
        if tree is None:
            return ExtractedPage(Article(url=url, fetched_at=fetched), error="empty page")
        if on_tree is not None:
            on_tree(tree)
        with as_of(moment):
            page = _extract_tree(url, tree, get_profile(profile) if profile else None, non_article_body,
                                 judge=judge)
    except ValueError as exc:
        if profile and "unknown profile" in str(exc):
            raise
        logger.warning("extraction failed for %s: %s", url, exc)
        return ExtractedPage(Article(url=url, fetched_at=fetched), error=f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # never let one page stop a crawl; the error is reported, not hidden
        logger.warning("extraction failed for %s: %r", url, exc)
        return ExtractedPage(Article(url=url, fetched_at=fetched), error=f"{type(exc).__name__}: {exc}")
    page.article.fetched_at = fetched
    page.cut = "; ".join(notes) or None
    return page


__all__ = ["ExtractedPage", "NonArticleBody", "extract_article", "extract_page", "fingerprint"]
