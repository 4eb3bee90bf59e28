"""Choose publication and modification times from the page's own sources, cross-checked.

Order of trust: the article's metadata (JSON-LD, meta tags, microdata, <time>), cross-checked
between its sources; the dateline printed under the headline; htmldate's search of the text;
the URL. Never a date in the future, never before 1990.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from lxml.html import HtmlElement

from newscrawl.extract.dates import date_from_url, parse_iso
from newscrawl.extract.metadata import PageMetadata, jsonld_text

PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "pubdate",
                  "publishdate", "publish-date", "publish_date", "published", "dc.date.issued",
                  "dcterms.created", "dcterms.date", "date", "sailthru.date", "parsely-pub-date",
                  "article.published", "dc.date", "og:article:published_time", "article:published",
                  "originalpublicationdate", "release_date", "dateposted")
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
                 "last-modified", "article.updated", "og:article:modified_time", "lastmod")
# microdata and <time> elements that mark a publication date by their markup
_PUBLISHED_MARKUP = (
    "//*[@itemprop='datePublished'][@datetime or @content]"
    " | //time[@pubdate or contains(@class, 'publish') or contains(@class, 'entry-date')"
    " or contains(@class, 'post-date')][@datetime]"
)
SLACK = timedelta(days=1)  # a page dated "today" in a zone ahead of UTC is not in the future


@dataclass(frozen=True)
class Candidate:
    """One source's opinion of a time."""

    value: datetime
    source: str
    rank: float  # lower is more trusted

    @property
    def has_time(self) -> bool:
        return self.value.tzinfo is not None or (self.value.hour, self.value.minute) != (0, 0)

    @property
    def is_metadata(self) -> bool:
        return self.rank < 3


def _instant(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _agree(a: Candidate, b: Candidate) -> bool:
    if a.has_time and b.has_time and bool(a.value.tzinfo) == bool(b.value.tzinfo):
        return abs(_instant(a.value) - _instant(b.value)) < timedelta(minutes=2)
    return a.value.date() == b.value.date()


def utc_clock_errors(candidates: list[Candidate]) -> set[Candidate]:
    """Candidates that print UTC clock time with a local offset.

    Some CMSs write the UTC time of day followed by the site's offset in one of their sources
    (18:46-04:00 where another says 14:46-04:00, which is 18:46 UTC). When a source with the
    same offset reads exactly that UTC clock time, the first one is the error. ("14:46Z" beside
    "14:46+02:00" could be either mistake, so different offsets decide nothing.)
    """
    wrong = set()
    for a in candidates:
        if not (a.value.tzinfo and a.has_time and a.value.utcoffset()):
            continue
        for b in candidates:
            if b is a or not b.value.tzinfo or b.value.utcoffset() != a.value.utcoffset():
                continue
            if a.value.replace(tzinfo=None) == b.value.astimezone(UTC).replace(tzinfo=None):
                wrong.add(a)
    return wrong


def valid_candidates(candidates: Iterable[Candidate], now: datetime) -> list[Candidate]:
    """Candidates that are neither before 1990 nor in the future."""
    return [c for c in candidates if c.value.year >= 1990 and _instant(c.value) <= now + SLACK]


def _more_precise(c: Candidate, best: Candidate) -> bool:
    """Whether `c` tells the same moment as `best` with more: a time of day or a local offset."""
    if c.has_time and not best.has_time:
        return c.value.date() == best.value.date()
    return (c.has_time and best.has_time and bool(c.value.tzinfo) and bool(best.value.tzinfo)
            and _instant(c.value) == _instant(best.value)
            and c.value.utcoffset() != timedelta(0) and best.value.utcoffset() == timedelta(0))


def pick(candidates: list[Candidate], now: datetime) -> Candidate | None:
    """The candidate most sources agree with (ties: the most trusted), at its most precise."""
    valid = valid_candidates(candidates, now)
    wrong = utc_clock_errors(valid)
    valid = [c for c in valid if c not in wrong]
    if not valid:
        return None

    def score(c: Candidate) -> tuple[int, int, float]:
        votes = sum(1 for o in valid if o is not c and o.source != c.source and _agree(c, o))
        return (votes, int(c.has_time), -c.rank)

    # printed dates vote, but metadata speaks first: a printed clock time has no offset
    electable = [c for c in valid if c.is_metadata] or valid
    best = max(electable, key=score)
    for c in sorted(valid, key=lambda c: c.rank):
        if c is not best and _agree(c, best) and _more_precise(c, best):
            best = c
    return best


def _parse_all(values: Iterable[tuple[str | None, str, float]]) -> list[Candidate]:
    found = []
    for value, source, rank in values:
        parsed = parse_iso(value) if value else None
        if parsed:
            found.append(Candidate(parsed, source, rank))
    return found


def from_metadata(meta: PageMetadata, jsonld_key: str, meta_keys: tuple[str, ...]) -> list[Candidate]:
    """The metadata's opinions: the JSON-LD article, other JSON-LD nodes, every meta tag."""
    values: list[tuple[str | None, str, float]] = []
    if meta.jsonld_article:
        values.append((jsonld_text(meta.jsonld_article.get(jsonld_key)), "jsonld", 0))
    for node in meta.jsonld_nodes:
        if node is not meta.jsonld_article and node.get(jsonld_key):
            values.append((jsonld_text(node.get(jsonld_key)), "jsonld-other", 1.5))
            break
    for rank, key in enumerate(meta_keys, start=1):
        for index, value in enumerate(meta.all(key)[:3]):
            values.append((value, f"{key}#{index}" if index else key, 1 + rank / 100))
    return _parse_all(values)


def from_markup(tree: HtmlElement, scope: HtmlElement | None) -> list[Candidate]:
    """Microdata and <time> elements: those marked as the publication date, then the first
    <time> of the article."""
    values = [(e.get("datetime") or e.get("content"), "markup", 2.0)
              for e in tree.xpath(_PUBLISHED_MARKUP)[:3]]
    if scope is not None:
        for element in scope.iter("time"):
            if element.get("datetime"):
                values.append((element.get("datetime"), "time", 2.5))
                break
    return _parse_all(values)


def choose_published(meta: PageMetadata, scope: HtmlElement | None, dateline: datetime | None,
                     url: str, lang: str | None = None, now: datetime | None = None,
                     tree: HtmlElement | None = None,
                     printed: Callable[[date], bool] | None = None) -> datetime | None:
    """Publication time: metadata first, cross-checked; dateline next; URL date last.

    `dateline` is the date printed under the headline; `printed(day)` tells whether the page
    prints a calendar day (asked only when needed). When the metadata's publication day is printed nowhere
    and the dateline shows another day, the page presents itself with the dateline's date
    (typically "Updated ..."), and that is the date returned.
    """
    now = now or datetime.now(UTC)
    candidates = from_metadata(meta, "datePublished", PUBLISHED_META)
    if tree is not None:
        candidates += from_markup(tree, scope)
    line = Candidate(dateline, "dateline", 3) if dateline else None
    chosen = pick(candidates + ([line] if line else []), now)
    if line and chosen and chosen.is_metadata and valid_candidates([line], now) \
            and not _agree(line, chosen) and printed is not None \
            and not printed(chosen.value.date()):
        chosen = line
    if chosen is None and tree is not None:
        chosen = pick(_htmldate(tree, url), now)
    if chosen is None:
        url_date = date_from_url(url)
        chosen = pick([Candidate(url_date, "url", 4)], now) if url_date else None
    return chosen.value if chosen else None


def _htmldate(tree: HtmlElement, url: str) -> list[Candidate]:
    """htmldate's search of the page, for pages whose markup dates nothing."""
    from htmldate import find_date

    try:
        found = find_date(tree, extensive_search=True, original_date=True, url=url,
                          outputformat="%Y-%m-%dT%H:%M:%S%z")
    except Exception:  # htmldate raises assorted errors on odd trees
        return []
    parsed = parse_iso(found) if found else None
    if parsed is None:
        return []
    if parsed.tzinfo is None and (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0):
        if (parsed.month, parsed.day) == (1, 1):
            return []  # a bare year (a copyright line) guessed as 1 January
        parsed = datetime(parsed.year, parsed.month, parsed.day)
    return [Candidate(parsed, "htmldate", 3.5)]


def choose_modified(meta: PageMetadata, now: datetime | None = None) -> datetime | None:
    """Last-modified time from the metadata only."""
    chosen = pick(from_metadata(meta, "dateModified", MODIFIED_META), now or datetime.now(UTC))
    return chosen.value if chosen else None
