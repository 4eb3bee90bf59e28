"""Choose publication and modification times from the page's own sources, cross-checked.

Order of trust: the article's metadata (JSON-LD, meta tags, microdata, <time>), cross-checked
between its sources; the dateline printed under the headline; htmldate's search of the text;
the last modification. Never a date in the future, never before the web (vocabulary.EARLIEST).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from lxml import etree
from lxml.html import HtmlElement

from newscrawl.extract.dateline import (
    is_period,
    opens_with_dateline,
    other_pages_block,
    other_reading,
)
from newscrawl.extract.dates import bounded_htmldate, page_languages, parse_iso
from newscrawl.extract.metadata import PageMetadata, jsonld_text
from newscrawl.extract.rules import enabled
from newscrawl.extract.vocabulary import (
    OTHER_PAGES,
    SLACK,
    marks,
    may_print_other_pages,
    plausible,
    reading_time,
    reads_like_prose,
)

PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "pubdate",
                  "publishdate", "publish-date", "publish_date", "published", "dc.date.issued",
                  "dcterms.created", "dcterms.date", "date", "sailthru.date", "parsely-pub-date",
                  "article.published", "dc.date", "og:article:published_time", "article:published",
                  "originalpublicationdate", "release_date", "dateposted")
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
                 "last-modified", "article.updated", "og:article:modified_time", "lastmod")
# microdata publication dates and every machine-readable <time> (the microdata found from its
# attribute: testing every element's attributes costs libxml2 twice as much)
_MARKUP = etree.XPath("//@itemprop[.='datePublished']/parent::*[@datetime or @content or self::abbr[@title]] | //time[@datetime]")
_PUBLISHED_CLASSES = ("publish", "entry-date", "post-date")
MAX_PRINTED_TIMES = 30  # <time> elements whose printed text may be the dateline


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
    """Candidates that are neither before the web nor in the future."""
    return [c for c in candidates if plausible(c.value, now)]


def _more_precise(c: Candidate, best: Candidate) -> bool:
    """Whether `c` tells the same moment as `best` with more: a time of day, a local offset
    (a time without one is a wall clock: `c` with an offset and the same clock to the minute
    tells that moment exactly), or seconds."""
    if c.has_time and not best.has_time:
        return c.value.date() == best.value.date()
    if c.has_time and c.value.tzinfo and best.has_time and not best.value.tzinfo:
        return _clock(c.value) == _clock(best.value)
    return (c.has_time and best.has_time and bool(c.value.tzinfo) and bool(best.value.tzinfo)
            and _instant(c.value) == _instant(best.value)
            and c.value.utcoffset() != timedelta(0) and best.value.utcoffset() == timedelta(0))


def _clock(value: datetime) -> tuple:
    """The wall-clock time to the minute, without offset."""
    return (value.year, value.month, value.day, value.hour, value.minute)


def pick(candidates: list[Candidate], now: datetime) -> Candidate | None:
    """The candidate most sources agree with (ties: the most trusted), at its most precise."""
    valid = valid_candidates(candidates, now)
    wrong = utc_clock_errors(valid)
    if wrong and not enabled("dates-utc-clock-error"):
        wrong = set()
    valid = [c for c in valid if c not in wrong]
    if not valid:
        return None

    def score(c: Candidate) -> tuple[int, int, int, float]:
        votes = sum(1 for o in valid if o is not c and o.source != c.source and _agree(c, o))
        if votes and not enabled("dates-vote"):
            votes = 0
        # the head's metadata (JSON-LD, meta tags) outranks body markup that no source backs,
        # even when only the markup has a time of day: body markup may be a listing's
        return (votes, int(c.rank < 2 and mixed and enabled("dates-head-over-markup")), int(c.has_time), -c.rank)

    # printed dates vote, but metadata speaks first: a printed clock time has no offset
    electable = [c for c in valid if c.is_metadata] or valid
    mixed = any(c.rank < 2 for c in electable) and any(c.rank >= 2 for c in electable)
    best = max(electable, key=score)
    for c in sorted(valid, key=lambda c: c.rank):
        if c is not best and _agree(c, best) and _more_precise(c, best) and enabled("dates-precise"):
            best = c
    return best


def _parse_all(values: Iterable[tuple[str | None, str, float]]) -> list[Candidate]:
    found = []
    for value, source, rank in values:
        parsed = parse_iso(value) if value else None
        if parsed:
            found.append(Candidate(parsed, source, rank))
    return found


def from_metadata(meta: PageMetadata, jsonld_key: str, meta_keys: tuple[str, ...],
                  word: str | None = None) -> list[Candidate]:
    """The metadata's opinions: the JSON-LD article, every meta tag (and any other tag whose
    name holds `word`). Other JSON-LD nodes (a WebPage's dates) are not read: rule
    dates-other-jsonld moved no check score and was pruned."""
    values: list[tuple[str | None, str, float]] = []
    if meta.jsonld_article:
        values.append((jsonld_text(meta.jsonld_article.get(jsonld_key)), "jsonld", 0))
    for rank, key in enumerate(meta_keys, start=1):
        for index, value in enumerate(meta.all(key)[:3]):
            values.append((value, f"{key}#{index}" if index else key, 1 + rank / 100))
    if word:
        # a CMS's own name for the tag ("w-published-date", "content_publish_time")
        cms = [(meta.meta[key], key, 1.6) for key in meta.meta
               if word in key and "publisher" not in key and key not in meta_keys][:2]
        if cms and enabled("dates-cms-tags"):
            values += cms
    return _parse_all(values)


def _marks_publication(element: HtmlElement) -> bool:
    if element.get("itemprop") == "datePublished":
        return True
    classes = element.get("class") or ""
    return element.tag == "time" and (element.get("pubdate") is not None
                                      or any(name in classes for name in _PUBLISHED_CLASSES))


def dates_other_page(element: HtmlElement) -> bool:
    """Whether a date element sits in a block classed as other pages' teasers or comments
    ("recent posts", "related", "comments"): it dates another page or a comment, not this one
    (rule dates-not-other-pages)."""
    for block in element.iterancestors():
        if (block.get("class") or block.get("id")) and OTHER_PAGES.search(marks(block)):
            return enabled("dates-not-other-pages")
    return False


def from_markup(tree: HtmlElement, scope: HtmlElement | None,
                elements: list[HtmlElement] | None = None) -> list[Candidate]:
    """Microdata and <time> elements: those marked as the publication date, then the first
    <time> of the article, leaving out those that date other pages. `elements` are the tree's
    markup dates when already found."""
    if elements is None:
        elements = _MARKUP(tree)
    marked = [e for e in elements if _marks_publication(e) and not dates_other_page(e)][:3]
    if marked and not enabled("dates-markup"):
        marked = []
    # (an <abbr> gives its reading in its title: hAtom's <abbr class="published" title="2025-...">)
    values = [(e.get("datetime") or e.get("content") or (e.get("title") if e.tag == "abbr" else None),
               "markup", 2.0) for e in marked]
    if scope is not None:
        for element in scope.iter("time"):
            if element.get("datetime") and not dates_other_page(element) and enabled("dates-first-time"):
                values.append((element.get("datetime"), "time", 2.5))
                break
    return _parse_all(values)


def _printed_time(text: str, elements: list[HtmlElement]) -> datetime | None:
    """The machine-readable time of the <time> element that prints the dateline `text`: the
    page's own reading of a date printed ambiguously ("03/01/2017") or without its year."""
    for element in elements[:MAX_PRINTED_TIMES]:
        if element.tag != "time":
            continue
        shown = " ".join(element.text_content().split())
        if len(shown) >= 6 and any(ch.isdigit() for ch in shown) and shown in text:
            return parse_iso(element.get("datetime") or "")
    return None


def choose_published(meta: PageMetadata, scope: HtmlElement | None, dateline: datetime | None,
                     url: str, lang: str | None = None, now: datetime | None = None,
                     tree: HtmlElement | None = None,
                     printed: Callable[[date], bool] | None = None,
                     dateline_text: str | None = None,
                     above_headline_only: Callable[[date], bool] | None = None,
                     search_text: bool = True) -> datetime | None:
    """Publication time: metadata first, cross-checked; dateline next; htmldate's search last.

    `dateline` is the date printed under the headline (`dateline_text` as printed; a <time>
    element that prints it gives its machine-readable value); `printed(day)` tells whether the
    page prints a calendar day (asked only when needed). When the metadata's publication day is
    printed nowhere and the dateline shows another day, the page presents itself with the
    dateline's date (typically "Updated ..."), and that is the date returned, unless the two
    tell the same date (a UTC timestamp's local day, an ambiguous numeric date's other order)
    or OpenGraph's article:published_time declares an earlier day. Markup that tells the
    metadata's modification time is no publication date; the modification time is the last
    resort. A day htmldate finds in the text is dropped when `above_headline_only(day)`: printed
    above the headline and not below it, it is the page header's (a top bar's "today"), and a
    page that dates nothing else has no article date. Without `search_text`, a page that its
    metadata, markup and dateline do not date gets None: the caller decides whether the text
    search (`published_from_text`) is worth running.
    """
    now = now or reading_time()
    candidates = from_metadata(meta, "datePublished", PUBLISHED_META, "publish")
    if tree is not None:
        elements = _MARKUP(tree)
        candidates += from_markup(tree, scope, elements)
        printed_time = _printed_time(dateline_text, elements) if dateline and dateline_text else None
        if printed_time and enabled("dates-time-element"):
            dateline = printed_time
        kept = _without_modifications(candidates, meta)
        if len(kept) != len(candidates) and enabled("dates-markup-not-modified"):
            candidates = kept
    kept = _not_after_modification(candidates, meta)
    if len(kept) != len(candidates) and enabled("dates-not-after-modified"):
        candidates = kept
    line = Candidate(dateline, "dateline", 3) if dateline else None
    chosen = pick(candidates + ([line] if line else []), now)
    if line and chosen and chosen.is_metadata and valid_candidates([line], now) \
            and not (_same_date(line.value, chosen, dateline_text) and enabled("dates-same-date")) \
            and printed is not None \
            and not (line.value.date() > chosen.value.date() and _declared(chosen, candidates)
                     and enabled("dates-declared-og")) \
            and ((_unbacked_time(chosen, candidates) and enabled("dates-unbacked-time"))
                 or not printed(chosen.value.date())) \
            and enabled("dates-printed-over-unprinted"):
        chosen = line
    if chosen is not None:
        return _to_second(chosen.value)
    return published_from_text(meta, tree, url, lang, now, above_headline_only) if search_text else None


def published_from_text(meta: PageMetadata, tree: HtmlElement | None, url: str,
                        lang: str | None = None, now: datetime | None = None,
                        above_headline_only: Callable[[date], bool] | None = None) -> datetime | None:
    """The date of a page whose metadata, markup and dateline date nothing: htmldate's search of
    the page (without `tree`: no search), else its last modification."""
    now = now or reading_time()
    chosen = None
    if tree is not None and enabled("dates-htmldate"):
        found = _htmldate(tree, url, lang)
        if above_headline_only is not None:
            found = [c for c in found if not above_headline_only(c.value.date())]
        chosen = pick(found, now)
    if chosen is None:
        # a page that dates nothing else: its last modification is the best date it gives
        chosen = pick(from_metadata(meta, "dateModified", MODIFIED_META), now)
        if chosen is not None and not enabled("dates-modified-last"):
            chosen = None
    return _to_second(chosen.value) if chosen else None


def _to_second(value: datetime) -> datetime:
    """The time to the second: fractions of a second are a CMS's clock, not the page's date."""
    return value.replace(microsecond=0)


# tags that name a date without saying which: a CMS fills them with its last change as often
_GENERIC_DATE_TAGS = frozenset({"date", "dc.date", "dcterms.date"})


def _without_modifications(candidates: list[Candidate], meta: PageMetadata) -> list[Candidate]:
    """The candidates without body markup that tells the metadata's modification time and
    none of its publication times (a theme's "entry-date published updated" <time>), nor a
    generic date tag that does so beside a dedicated publication date (a "date" tag and a
    "Stand: 14:05" <time> that tell the dateModified, where JSON-LD's datePublished says 11:30)."""
    head = [c for c in candidates if c.rank < 2]
    modified = from_metadata(meta, "dateModified", MODIFIED_META)
    if not head or not modified:
        return candidates
    dedicated = [c for c in head if c.source.split("#")[0] not in _GENERIC_DATE_TAGS]
    if dedicated and len(dedicated) < len(head):
        head = [c for c in head if c in dedicated or not any(_tells(c, m) for m in modified)
                or any(_agree(c, d) for d in dedicated)]
    return [c for c in candidates if (c.rank < 2 and c in head) or c.rank >= 2 and (
            not any(_tells(c, m) for m in modified) or any(_agree(c, h) for h in head))]


def _not_after_modification(candidates: list[Candidate], meta: PageMetadata) -> list[Candidate]:
    """The candidates without those later than the page's last modification (by more than a
    day): a publication after the last change is a render or a feed time, not the article's.
    All are kept when none would remain."""
    modified = [_instant(c.value) for c in from_metadata(meta, "dateModified", MODIFIED_META, "modified")]
    if not modified:
        return candidates
    last = max(modified) + SLACK
    kept = [c for c in candidates if _instant(c.value) <= last]
    return kept or candidates


def _tells(a: Candidate, b: Candidate) -> bool:
    """The same moment, or the same wall-clock time to the second under another offset (one of
    them written with the wrong offset, as UTC clock errors are)."""
    return _agree(a, b) or (a.has_time and b.has_time and a.value.second + b.value.second > 0
                            and a.value.replace(tzinfo=None) == b.value.replace(tzinfo=None))


def _declared(chosen: Candidate, candidates: list[Candidate]) -> bool:
    """Whether the head's dedicated publication tag (OpenGraph article:published_time) tells
    the chosen day: a deliberate declaration that a later printed date (an update) does not
    overrule, where a JSON-LD date alone may be a template's. (An earlier printed date still
    does: the page was first published then, and re-published since.)"""
    return any(c.source.startswith("article:published_time") and c.value.date() == chosen.value.date()
               for c in candidates)


def _unbacked_time(chosen: Candidate, candidates: list[Candidate]) -> bool:
    """Whether `chosen` is only the first <time> of the page, which no other source backs: it
    may be a sidebar's, and the dateline under the headline knows better."""
    return chosen.source == "time" and not any(
        c is not chosen and c.source != "time" and _agree(c, chosen) for c in candidates)


def _local_day(printed: date, instant: datetime) -> bool:
    """Whether a UTC timestamp can be the printed day in the site's zone (UTC-12 to UTC+14):
    "2025-12-02T23:00Z" is printed "3 Dec 2025" in Paris."""
    if instant.tzinfo is None or instant.utcoffset() != timedelta(0) or instant.time() == time():
        return False  # a local time, or a bare day written as UTC midnight
    return (instant - timedelta(hours=12)).date() <= printed <= (instant + timedelta(hours=14)).date()


def _same_date(printed: datetime, chosen: Candidate, text: str | None) -> bool:
    """Whether the printed dateline tells the chosen metadata's date: the same day, the local
    day of a UTC timestamp, or the other reading of an ambiguous numeric date."""
    readings = [printed]
    other = other_reading(text, printed) if text else None
    if other is not None:
        readings.append(other)
    return any(_agree(Candidate(r, "dateline", 3), chosen) or _local_day(r.date(), chosen.value)
               for r in readings)


def _htmldate(tree: HtmlElement, url: str, lang: str | None = None) -> list[Candidate]:
    """htmldate's search of the page, for pages whose markup dates nothing (its free-text
    search reads dates in the page's language only: all of dateparser's cost seconds)."""
    from htmldate import find_date

    try:
        # htmldate copies the tree first: what it must not read is out only while it copies
        with bounded_htmldate(page_languages(lang)), _set_aside(_other_pages_blocks(tree) + _prose_paragraphs(tree)):
            found = find_date(tree, extensive_search=True, original_date=True, url=url,
                              outputformat="%Y-%m-%dT%H:%M:%S%z", max_date=_htmldate_latest())
    except Exception:  # htmldate raises assorted errors on odd trees
        return []
    parsed = parse_iso(found) if found else None
    if parsed is None:
        return []
    if parsed.tzinfo is None and (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0):
        if parsed.day == 1 and not _url_prints_first(url, parsed) and enabled("dates-no-new-year"):
            # a bare year (a copyright line) guessed as 1 January, a month ("December 2026", an
            # upload folder "/2026/12/") as its first day: a day nobody printed
            return []
        parsed = datetime(parsed.year, parsed.month, parsed.day)
    return [Candidate(parsed, "htmldate", 3.5)]


def _htmldate_latest() -> datetime:
    """The last moment htmldate may date a page: the end of the (UTC) day it is read as of,
    naive as htmldate wants it. Not the machine's local day (htmldate's default): a saved page
    replayed on a machine in another time zone gets the same record."""
    moment = reading_time().astimezone(UTC).replace(tzinfo=None)
    return moment.replace(hour=23, minute=59, second=59, microsecond=999999)


def _prose_paragraphs(tree: HtmlElement) -> list[HtmlElement]:
    """The paragraphs of running text (rule dates-not-in-prose): "first presented the plan on
    March 3, 2019", "the quarter ended September 30" are dates the article tells of. One that
    opens with a dateline ("WASHINGTON, March 3, 2025 — ...") stays, for its lead. A paragraph
    that prints a period ("March 14, 1938 - October 30, 2025") goes too."""
    if not enabled("dates-not-in-prose"):
        return []
    found = []
    # naive, as the dateline's readers compare it (an aware one raised TypeError on a date they
    # read themselves, a month's name in the page's language or a month-first numeric date, and
    # htmldate's whole search of the page was lost)
    latest = reading_time().astimezone(UTC).replace(tzinfo=None)
    for paragraph in tree.iter("p"):
        text = " ".join(paragraph.text_content().split())
        if reads_like_prose(text) and not opens_with_dateline(text, latest) or is_period(text, latest):
            found.append(paragraph)
    return found


def _other_pages_blocks(tree: HtmlElement) -> list[HtmlElement]:
    """The outermost blocks of other pages' teasers or of comments (rule dates-not-other-pages):
    the dates htmldate would read in them ("Recent Posts" with a date under each) are theirs. A
    block that holds half the page's text is the page itself, whatever its class says (a theme
    names its layout in the body's class: "woo-related-columns-4")."""
    found: dict[HtmlElement, None] = {}  # in document order
    half = None
    for element in tree.iter():
        cls, ident = element.get("class"), element.get("id")
        if (cls or ident) and may_print_other_pages(cls or "", ident or "") and other_pages_block(element) \
                and not any(block in found for block in element.iterancestors()):
            half = len(tree.text_content()) / 2 if half is None else half
            if len(element.text_content()) < half:
                found[element] = None
    return list(found)


@contextmanager
def _set_aside(elements: list[HtmlElement]) -> Iterator[None]:
    """The elements out of their tree for a while, then back where they were, tails and all."""
    placed = []
    for element in elements:
        parent = element.getparent()
        if parent is not None:
            placed.append((parent, parent.index(element), element))
            parent.remove(element)
    try:
        yield
    finally:
        for parent, index, element in reversed(placed):
            parent.insert(index, element)


def _url_prints_first(url: str, day: datetime) -> bool:
    """Whether the page's address holds the first of `day`'s month as a whole date
    ("/2026/12/01/", "2026-12-01", "20261201"): a day of its own, not a month's guess."""
    return re.search(rf"(?<!\d){day.year}(?:([/_.-])0?{day.month}\1|{day.month:02d})0?1(?!\d)", url) is not None


# microdata's modification time, an article's metadata written into its markup
_MICRODATA_MODIFIED = etree.XPath("//@itemprop[.='dateModified']/parent::*[@datetime or @content]")


def _of_headlined_item(element: HtmlElement) -> bool:
    """Whether microdata belongs to the item that holds the page's h1: a related story's card
    is an item of its own, with its own dates."""
    item = next((a for a in element.iterancestors() if a.get("itemscope") is not None), None)
    return item is not None and next(item.iter("h1"), None) is not None


def choose_modified(meta: PageMetadata, now: datetime | None = None,
                    tree: HtmlElement | None = None) -> datetime | None:
    """Last-modified time from the metadata: the head's, else microdata's in `tree`."""
    candidates = from_metadata(meta, "dateModified", MODIFIED_META)
    if not candidates and tree is not None:
        candidates = _parse_all((e.get("datetime") or e.get("content"), "microdata", 2.0)
                                for e in _MICRODATA_MODIFIED(tree) if _of_headlined_item(e))[:1]
    chosen = pick(candidates, now or reading_time())
    return _to_second(chosen.value) if chosen else None
