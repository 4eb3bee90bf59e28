"""The article's headline as printed: h1 candidates weighed against the page's metadata."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from lxml.html import HtmlElement

from newscrawl.extract.document import text_of
from newscrawl.extract.metadata import PageMetadata, jsonld_text

_SITE_SUFFIX = re.compile(r"\s+[|\-–—:·•»]\s+[^|\-–—:·•»]{2,60}$")
_CHROME_ANCESTORS = {"nav", "header", "footer", "aside"}


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def similarity(a: str, b: str) -> float:
    """How alike two headlines are, ignoring case and punctuation (0..1)."""
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    if na in nb or nb in na:
        return min(len(na), len(nb)) / max(len(na), len(nb)) * 0.5 + 0.5
    return SequenceMatcher(None, na, nb, autojunk=False).ratio()


def metadata_headlines(meta: PageMetadata) -> list[str]:
    """Headline candidates the page's metadata offers, most trusted first."""
    found = []
    if meta.jsonld_article:
        for key in ("headline", "name", "alternativeHeadline"):
            text = jsonld_text(meta.jsonld_article.get(key))
            if text:
                found.append(text)
    for key in ("og:title", "twitter:title", "title", "dc.title", "sailthru.title", "parsely-title"):
        value = meta.get(key)
        if value:
            found.append(value)
    if meta.title:
        found.append(meta.title)
    return found


def strip_site_suffix(title: str, site_names: list[str] | None = None) -> str:
    """Drop a trailing " - Site" / " | Site" from a <title>-like string."""
    for name in site_names or []:
        for sep in (" - ", " | ", " – ", " — ", " :: ", " · ", " » "):
            if name and title.endswith(sep + name):
                return title[: -len(sep + name)].strip()
    stripped = _SITE_SUFFIX.sub("", title).strip()
    return stripped if len(stripped) >= 10 else title


def _in_chrome(element: HtmlElement) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in _CHROME_ANCESTORS:
            return True
        classes = (ancestor.get("class") or "").lower()
        if any(word in classes for word in ("menu", "logo", "sidebar", "widget", "footer")):
            return True
    return False


def h1_candidates(tree: HtmlElement) -> list[str]:
    """Texts of the page's h1 elements outside navigation chrome, in document order."""
    found = []
    for h1 in tree.iter("h1"):
        text = text_of(h1)
        if 3 <= len(text) <= 400 and not _in_chrome(h1):
            found.append(text)
    return found


def choose_headline(printed: list[str], meta: PageMetadata) -> str | None:
    """The printed headline that the metadata backs best; metadata alone when nothing is printed."""
    references = metadata_headlines(meta)
    site = meta.get("og:site_name", "application-name")
    if printed:
        if not references:
            return printed[0]
        return max(printed, key=lambda h: (max(similarity(h, r) for r in references), -printed.index(h)))
    if references:
        return strip_site_suffix(references[0], [site] if site else None)
    return None
