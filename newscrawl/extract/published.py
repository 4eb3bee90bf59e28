"""Choose publication and modification times from the page's own sources, cross-checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from lxml.html import HtmlElement

from newscrawl.extract.dates import date_from_url, parse_iso, parse_visible
from newscrawl.extract.metadata import PageMetadata, jsonld_text

PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "pubdate",
                  "publishdate", "publish-date", "dc.date.issued", "dcterms.created", "date",
                  "sailthru.date", "parsely-pub-date", "article.published", "dc.date")
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
                 "last-modified", "article.updated")


@dataclass(frozen=True)
class Candidate:
    """One source's opinion of a time."""

    value: datetime
    source: str
    rank: int  # lower is more trusted

    @property
    def has_time(self) -> bool:
        return self.value.tzinfo is not None or (self.value.hour, self.value.minute) != (0, 0)


def _instant(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _agree(a: Candidate, b: Candidate) -> bool:
    if a.has_time and b.has_time and a.value.tzinfo and b.value.tzinfo:
        return abs(_instant(a.value) - _instant(b.value)) < timedelta(minutes=2)
    return a.value.date() == b.value.date()


def _pick(candidates: list[Candidate], now: datetime) -> Candidate | None:
    valid = [c for c in candidates
             if c.value.year >= 1990 and _instant(c.value) <= now + timedelta(days=1)]
    if not valid:
        return None
    # votes: sources that agree with a candidate; ties go to the more trusted source
    def score(c: Candidate) -> tuple[int, int, int, int]:
        votes = sum(1 for other in valid if other is not c and _agree(c, other))
        local_offset = int(bool(c.value.tzinfo) and c.value.utcoffset() != timedelta(0))
        return (votes, int(c.has_time), -c.rank, local_offset)

    best = max(valid, key=score)
    # a timestamp that agrees with the best, with a local offset, reads better than UTC
    for c in valid:
        if c is not best and c.has_time and best.has_time and c.value.tzinfo and best.value.tzinfo \
                and _instant(c.value) == _instant(best.value) and c.value.utcoffset() != timedelta(0) \
                and best.value.utcoffset() == timedelta(0):
            return c
    return best


def _from_meta(meta: PageMetadata, jsonld_key: str, meta_keys: tuple[str, ...]) -> list[Candidate]:
    found = []
    if meta.jsonld_article:
        text = jsonld_text(meta.jsonld_article.get(jsonld_key))
        parsed = parse_iso(text) if text else None
        if parsed:
            found.append(Candidate(parsed, "jsonld", 0))
    for rank, key in enumerate(meta_keys, start=1):
        value = meta.get(key)
        parsed = parse_iso(value) if value else None
        if parsed:
            found.append(Candidate(parsed, key, 1 + rank / 100))
            break
    return found


def _time_elements(scope: HtmlElement) -> list[Candidate]:
    found = []
    for element in scope.iter("time"):
        value = element.get("datetime")
        parsed = parse_iso(value) if value else None
        if parsed:
            found.append(Candidate(parsed, "time", 2))
            break
    return found


def choose_published(meta: PageMetadata, scope: HtmlElement | None, dateline: str | None,
                     url: str, lang: str | None = None, now: datetime | None = None) -> datetime | None:
    """Publication time: metadata first, cross-checked; dateline next; URL date last."""
    now = now or datetime.now(UTC)
    candidates = _from_meta(meta, "datePublished", PUBLISHED_META)
    if scope is not None:
        candidates += _time_elements(scope)
    if dateline:
        languages = (lang.split("-")[0].lower(),) if lang else None
        parsed = parse_visible(dateline, languages) or parse_visible(dateline)
        if parsed:
            candidates.append(Candidate(parsed, "dateline", 3))
    url_date = date_from_url(url)
    if url_date:
        candidates.append(Candidate(url_date, "url", 4))
    chosen = _pick(candidates, now)
    return chosen.value if chosen else None


def choose_modified(meta: PageMetadata, now: datetime | None = None) -> datetime | None:
    """Last-modified time from the metadata only."""
    chosen = _pick(_from_meta(meta, "dateModified", MODIFIED_META), now or datetime.now(UTC))
    return chosen.value if chosen else None
