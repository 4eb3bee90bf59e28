"""The page's own metadata: JSON-LD (including Yoast-style @graph), OpenGraph, meta tags."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from newscrawl.extract.lines import UNPRINTED_TAGS
from newscrawl.extract.rules import enabled
from newscrawl.extract.vocabulary import SCRIPT_SAMPLE, script_language

ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting",
    "scholarlyarticle", "techarticle", "report", "socialmediaposting", "posting",
    "askpublicnewsarticle", "satiricalarticle", "advertisercontentarticle", "medicalscholarlyarticle",
}


@dataclass
class PageMetadata:
    """Everything the page says about itself outside the visible text."""

    jsonld_article: dict[str, Any] | None = None
    jsonld_nodes: list[dict[str, Any]] = field(default_factory=list)
    # the graph's nodes by their @id, built at the first reference resolved (node_by_id)
    nodes_by_id: dict[str, dict[str, Any]] | None = field(default=None, repr=False, compare=False)
    meta: dict[str, str] = field(default_factory=dict)
    # every value of a repeated tag (article:author, article:published_time twice, ...)
    repeated: dict[str, list[str]] = field(default_factory=dict)
    canonical: str | None = None
    lang: str | None = None
    # the language the page's script names when it declares none (its dates are read in it)
    written_in: str | None = None
    title: str | None = None
    url: str | None = None

    @property
    def dates_language(self) -> str | None:
        """The language the page's printed dates are read in: declared, else its script's."""
        return self.lang or self.written_in

    @property
    def gated(self) -> bool:
        """Whether the article declares itself not free to read (schema.org isAccessibleForFree,
        as paywalled and registration-walled sites mark it for search engines)."""
        value = self.jsonld_article.get("isAccessibleForFree") if self.jsonld_article else None
        return str(value).strip().lower() == "false"

    def get(self, *names: str) -> str | None:
        """First non-empty meta value among `names` (property or name, lower-cased)."""
        for name in names:
            value = self.meta.get(name)
            if value:
                return value
        return None

    def all(self, name: str) -> list[str]:
        """Every value of a meta tag that the page repeats (in document order)."""
        return self.repeated.get(name, [])

    @property
    def is_article(self) -> bool:
        """Whether the metadata itself declares an article."""
        if self.jsonld_article is not None:
            return True
        return (self.get("og:type") or "").lower() in {"article", "news", "newsarticle"}


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    if isinstance(kind, str):
        return {kind.lower()}
    if isinstance(kind, list):
        return {str(k).lower() for k in kind}
    return set()


def _walk(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 8:
        return
    if isinstance(data, list):
        for item in data:
            _walk(item, out, depth + 1)
    elif isinstance(data, dict):
        out.append(data)
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in data:
                _walk(data[key], out, depth + 1)


def _load_json(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
    try:
        return json.loads(text)
    except RecursionError:  # nested past Python's stack (a thousand levels): no metadata, the page stays
        return None
    except ValueError:
        # some CMSs emit raw newlines or trailing commas inside JSON-LD strings
        repaired = re.sub(r",\s*([}\]])", r"\1", text.replace("\n", " ").replace("\t", " "))
        try:
            return json.loads(repaired)
        except (ValueError, RecursionError):
            return None


def _article_score(node: dict[str, Any]) -> int:
    score = 0
    for key in ("headline", "datePublished", "author", "articleBody"):
        if node.get(key):
            score += 1
    if "newsarticle" in _types(node) or "reportagenewsarticle" in _types(node):
        score += 1
    return score


def read_metadata(tree: HtmlElement, url: str | None = None) -> PageMetadata:
    """Collect JSON-LD nodes, meta tags, the canonical link and the language."""
    meta = PageMetadata(url=url)
    nodes: list[dict[str, Any]] = []
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        data = _load_json(script.text or "")
        if data is not None:
            _walk(data, nodes)
    for tag in tree.iterfind(".//meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").strip().lower()
        value = tag.get("content")
        if key == "script:ld+json" and value:
            # JSON-LD written into a meta tag by a front-end framework's meta API
            data = _load_json(value)
            if data is not None:
                _walk(data, nodes)
            continue
        if key and value and value.strip():
            meta.repeated.setdefault(key, []).append(value.strip())
            meta.meta.setdefault(key, value.strip())
    meta.jsonld_nodes = nodes
    articles = [n for n in nodes if _types(n) & ARTICLE_TYPES]
    if articles:
        meta.jsonld_article = max(articles, key=_article_score)
    for link in tree.iterfind(".//link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href") and not meta.canonical:
            meta.canonical = link.get("href").strip()
    html = tree if tree.tag == "html" else tree.getroottree().getroot()
    meta.lang = (html.get("lang") or html.get("xml:lang") or meta.get("og:locale") or "") or None
    if meta.lang is None and enabled("dates-script-language"):
        meta.written_in = script_language(_visible_text(html, SCRIPT_SAMPLE))
    title = tree.find(".//title")
    meta.title = title.text_content().strip() if title is not None else None
    return meta


def _visible_text(root: Any, limit: int) -> str:
    """The first `limit` characters of the text the page prints (no script, style or head)."""
    parts: list[str] = []
    size = 0
    body = root.find("body")
    for element in (body if body is not None else root).iter():
        if not isinstance(element.tag, str) or element.tag in UNPRINTED_TAGS:
            continue
        for text in (element.text, element.tail):
            if text and text.strip():
                parts.append(text)
                size += len(text)
        if size >= limit:
            break
    return " ".join(parts)


def node_by_id(meta: PageMetadata, ref: Any) -> dict[str, Any] | None:
    """Resolve a JSON-LD {"@id": ...} reference inside the page's graph (the first node with
    that @id that says more than its @id)."""
    if isinstance(ref, dict) and set(ref) <= {"@id"} and ref.get("@id"):
        wanted = ref["@id"]
        if isinstance(wanted, str):
            # indexed once per page: a graph may hold thousands of nodes and as many references
            if meta.nodes_by_id is None:
                meta.nodes_by_id = {}
                for node in meta.jsonld_nodes:
                    key = node.get("@id")
                    if isinstance(key, str) and len(node) > 1:
                        meta.nodes_by_id.setdefault(key, node)
            return meta.nodes_by_id.get(wanted)
        return next((node for node in meta.jsonld_nodes
                     if node.get("@id") == wanted and len(node) > 1), None)
    return ref if isinstance(ref, dict) else None


def jsonld_text(value: Any) -> str | None:
    """A JSON-LD value as text ("name" of an object, first of a list)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("url")
    if isinstance(value, (str, int, float)):
        text = str(value).strip()
        return text or None
    return None
