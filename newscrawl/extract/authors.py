"""Author names: persons only, from JSON-LD, meta tags and the printed byline."""

from __future__ import annotations

import re
from typing import Any

from newscrawl.extract.metadata import PageMetadata, node_by_id
from newscrawl.processors import strip_byline, unique

_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bund\b|\by\b|\bet\b|\be\b|&|\|)\s*", re.IGNORECASE)
_ROLE = re.compile(
    r"\s*(?:,|\(|\s-\s|\|)?\s*\b(?:staff|staff writer|reporter|correspondent|editor|"
    r"contributor|senior writer|columnist|photographer|redaktion|redakteur(?:in)?)\b.*$",
    re.IGNORECASE,
)
_NOT_PERSON = re.compile(
    r"https?://|@|\bnews\b|\bstaff\b|\bdesk\b|\bteam\b|\bagency\b|\bagencies\b|\bpress\b|"
    r"\bmedia\b|\bassociated\b|\breuters\b|\bafp\b|\bdpa\b|\bapa\b|\bredaktion\b|\bonline\b|"
    r"\.com\b|\.org\b|\bnewsroom\b|\bwire\b",
    re.IGNORECASE,
)


def clean_names(raw: list[str]) -> list[str]:
    """Split, strip "By" and roles, drop organisations when a person is named, de-duplicate."""
    names: list[str] = []
    for value in raw:
        value = strip_byline(" ".join(value.split()))
        for part in _SPLIT.split(value):
            part = strip_byline(_ROLE.sub("", part)).strip(" .,;:-–—|")
            if 2 <= len(part) <= 60 and any(ch.isalpha() for ch in part):
                names.append(part)
    persons = [n for n in names if not _NOT_PERSON.search(n) and len(n.split()) <= 5]
    return unique(persons if persons else names[:1])


def _jsonld_names(meta: PageMetadata, value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names = []
    for item in values:
        node = node_by_id(meta, item) if isinstance(item, dict) else item
        if isinstance(node, dict):
            kind = node.get("@type")
            kinds = {kind} if isinstance(kind, str) else set(kind or [])
            name = node.get("name")
            if isinstance(name, str) and name.strip() and not (kinds & {"Organization", "NewsMediaOrganization"}):
                names.append(name)
        elif isinstance(node, str) and node.strip():
            names.append(node)
    return names


def metadata_authors(meta: PageMetadata) -> list[str]:
    """Person names the metadata gives (JSON-LD author, then meta author tags)."""
    if meta.jsonld_article and meta.jsonld_article.get("author"):
        names = _jsonld_names(meta, meta.jsonld_article["author"])
        if names:
            return names
    for key in ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author"):
        value = meta.get(key)
        if value and not value.startswith("http"):
            return [value]
    return []
