"""The Article item: one record of JSON Lines output."""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_VERSION = 2  # 2: the `warc` field


@dataclass
class Article:
    """A news article as newscrawl emits it. Every field has a default."""

    url: str = ""
    canonical_url: str | None = None
    site: str | None = None
    headline: str | None = None
    dateline: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    body: str = ""
    noise: list[str] = field(default_factory=list)
    lang: str | None = None
    description: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    fetched_at: str | None = None
    warc: dict[str, object] | None = None  # the WARC record of the page: {file, offset, record_id}
    fingerprint: str | None = None
    extractor: str | None = None
    revision: int = 1
    schema_version: int = SCHEMA_VERSION
