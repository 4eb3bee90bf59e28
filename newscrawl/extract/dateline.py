"""The date printed with the article: the first date in the lines that follow the headline."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, tzinfo
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from lxml.html import HtmlElement

from newscrawl.extract.dates import (
    FALLBACK_LANGUAGES,
    offset_zone,
    page_languages,
    printed_zone,
    search_dates,
)
from newscrawl.extract.lines import lines_after, lines_before
from newscrawl.extract.rules import enabled
from newscrawl.extract.vocabulary import (
    CREDIT_BY,
    CREDIT_VERBS,
    DATE_LABELS,
    EARLIEST,
    SENTENCE_END,
    WEEKDAYS,
    prints_other_pages,
    reads_like_prose,
    word_count,
)

MAX_LINES = 25  # a dateline sits in the article header, within a few lines of the headline
MAX_LINES_ABOVE = 3
NEAR_LINES = 8  # the article header: headline, kicker, byline, dateline, share bar
MAX_LINE_CHARS = 120
MAX_DATELINE_CHARS = 60
HTMLDATE_READS = 52  # htmldate's date parser reads this many characters of a text (MAX_SEGMENT_LEN)
# the stretch of a longer line read around a year: a weekday, day and month before it, a
# numeric day and month or a clock after it
_BEFORE_YEAR = 30
_AFTER_YEAR = 16
# a year, or a numeric day-month-year, somewhere in the line: worth asking the date parser
_DATE_HINT = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|(?<!\d)\d{1,2}[./-]\d{1,2}[./-]\d{2}(?!\d)")
# a time of day printed beside the date: 15:25, 9:06am, 15h25, 09:30:15, 14時05分
_CLOCK = re.compile(r"(?<![\d:.])([01]?\d|2[0-3])(?::|h|時|时)([0-5]\d)(?::([0-5]\d))?(?![\d:])(?:\s*([ap])\.?\s*m?\b\.?)?",
                    re.IGNORECASE)


# the page's language tag ("es", "en-US"): the month names htmldate does not know, and the order
# of a numeric date
_LANGUAGE: ContextVar[str | None] = ContextVar("dateline_language", default=None)
# locales that print a numeric date month first ("03/04/2026" is 4 March)
_MONTH_FIRST = ("en-us",)


@contextmanager
def page_language(lang: str | None) -> Iterator[None]:
    """Datelines read inside are read in the page's language `lang` too (rules
    dateline-page-language, dateline-locale-order)."""
    token = _LANGUAGE.set(lang)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def parse_line(line: str, latest: datetime) -> datetime | None:
    """The date (and time of day, when printed) in one printed line, or None.

    The day comes from htmldate's multilingual free-text patterns (month names in many
    languages, numeric orders), else from dateparser in the page's language; a clock time in
    the same line is added when there is one.
    """
    if len(line) > MAX_LINE_CHARS or not _DATE_HINT.search(line):
        return None
    readable = _ZONE_OFFSET.sub(" ", line) if enabled("dateline-zone") else line
    found = _htmldate_day(readable, latest)
    if not found and (by_item := _htmldate_item_day(readable, latest)) and enabled("dateline-not-updated"):
        found = by_item
    lang = _LANGUAGE.get()
    languages = page_languages(lang)
    if (lang or "").lower().replace("_", "-") in _MONTH_FIRST:
        found = _month_first(line, found, latest)
    if found:
        found = _weekday_order(line, found)
    if not found and languages and languages != FALLBACK_LANGUAGES:
        # a credit after the date ("... de 2024 por María González") is the byline, not the
        # date's label; its rule asked here, not in the cached function, which would remember it
        credit = _DATED_CREDIT.search(line)
        cut = credit.start() if credit and enabled("dateline-without-credit") else None
        found = _month_name_date(line, languages, latest, cut)
        if found and not enabled("dateline-page-language"):
            found = None
    if not found:
        return None
    day = datetime.strptime(found, "%Y-%m-%d")
    # the clock nearest the date: "Actualizado hoy 10:30 | Publicado: 2 de diciembre de 2026, 18:05",
    # in the date's own item when it has one ("Published 6:46 p.m. ET Dec 5, 2026 | Updated 9:10
    # p.m. ET Dec 5, 2026": the update's clock is nearer the first date, but past a separator)
    near = _DATE_HINT.search(line).start()
    clocks = list(_CLOCK.finditer(line))
    bounds = [0, *(m.end() for m in _SEPARATOR.finditer(line)), len(line) + 1]
    start, end = next((a, b) for a, b in pairwise(bounds) if a <= near < b)
    clocks = [c for c in clocks if start <= c.start() < end] or clocks
    clock = min(clocks, key=lambda c: abs(c.start() - near), default=None)
    if clock:
        hour, minute, second = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
        meridiem = (clock.group(4) or "").lower() or _meridiem_before(line, clock.start())
        if meridiem == "p" and hour < 12:
            hour += 12
        elif meridiem == "a" and hour == 12:
            hour = 0
        day = day.replace(hour=hour, minute=minute, second=second)  # the seconds a page prints too
        zone = _zone_after(line, clock.end(), day)
        if zone is not None and enabled("dateline-zone"):
            day = day.replace(tzinfo=zone)
    return day


# Chinese, Japanese and Korean print the half of the day before the time: "下午2:05", "午後2時05分"
_MERIDIEM_BEFORE = re.compile(r"(午後|오후|下午|午前|오전|上午)\s?$")


def _meridiem_before(line: str, position: int) -> str:
    """"p" or "a" for a half of the day printed just before the clock time, else ""."""
    match = _MERIDIEM_BEFORE.search(line, max(0, position - 3), position)
    if match is None:
        return ""
    return "p" if match.group(1) in ("午後", "오후", "下午") else "a"


# a zone printed after the clock time: "14:05 CET", "19:45 WIB", "2:05 p.m. ET", "(GMT+7)"
_ZONE_AFTER = re.compile(r"(?<![ \t])[ \t]*(?:\([ \t]*)?(?:(?:UTC|GMT)[ \t]*([+-])[ \t]*(\d{1,2})(?::?([0-5]\d))?|([A-Z]{2,4}))(?![\w+-])")


def _zone_after(line: str, position: int, day: datetime) -> tzinfo | None:
    """The zone printed right after a clock time in the line, if it names one (rule dateline-zone)."""
    match = _ZONE_AFTER.match(line, position)
    if match is None:
        return None
    if match.group(4):
        return printed_zone(match.group(4), day)
    return offset_zone(match.group(1), match.group(2), match.group(3))


def _month_first(line: str, day: str | None, latest: datetime) -> str | None:
    """The line's numeric date read month first (rule dateline-locale-order): htmldate reads an
    ambiguous one ("03/04/2026") day first, and one only a month-first order can read
    ("03/24/2026") not at all."""
    match = _NUMERIC_DATE.search(line)
    if match is None:
        return day
    first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
    if day is not None:
        value = datetime.strptime(day, "%Y-%m-%d")
        if (value.day, value.month) != (first, second):
            return day
    try:
        month_first = datetime(year + 2000 if year < 100 else year, first, second)
    except ValueError:
        return day
    if not EARLIEST <= month_first <= latest or month_first.strftime("%Y-%m-%d") == day \
            or not enabled("dateline-locale-order"):
        return day
    return month_first.strftime("%Y-%m-%d")


# a weekday's name printed right before a numeric date ("Tue, 03/05/2024", "Dienstag 05.03.2024")
_WEEKDAY_OF = {name: index for index, names in enumerate(WEEKDAYS) for name in names}
_WEEKDAY_DATE = re.compile(
    r"(?<!\w)(" + "|".join(sorted(_WEEKDAY_OF, key=len, reverse=True)) + r")\.?,?\s+"
    r"(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?!\d)", re.IGNORECASE)


def _weekday_order(line: str, day: str) -> str:
    """The reading of an ambiguous numeric date ("Tue, 03/05/2024": 5 March or 3 May) whose
    weekday is the one printed before it: the printed weekday and the date name the same day,
    whatever order the locale writes. `day` (%Y-%m-%d) when the line tells nothing more."""
    match = _WEEKDAY_DATE.search(line)
    if match is None:
        return day
    value = datetime.strptime(day, "%Y-%m-%d")
    other = other_reading(match.group(0), value)
    weekday = _WEEKDAY_OF[match.group(1).lower()]
    if other is not None and other.weekday() == weekday != value.weekday():
        return other.strftime("%Y-%m-%d")
    return day


# a zone's offset after the clock ("09:30 (GMT+7)", "14:16 UTC+1"): htmldate's patterns take its
# three capitals for a currency code and read no date in the line; the zone is read apart
# (_zone_after), so the date is read without it
_ZONE_OFFSET = re.compile(r"\b(?:GMT|UTC)[ \t]*[+-][ \t]*\d{1,2}(?::?[0-5]\d)?", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _htmldate_day(line: str, latest: datetime) -> str | None:
    """The day htmldate's patterns read in the line, as %Y-%m-%d."""
    try:
        from htmldate.extractors import try_date_expr
    except ImportError:  # htmldate moved its helper: fall back to the visible-date parser
        from newscrawl.extract.dates import parse_visible

        parsed = parse_visible(line)
        return parsed.strftime("%Y-%m-%d") if parsed else None
    found = try_date_expr(line, "%Y-%m-%d", False, EARLIEST, latest)
    if not found and len(line) > HTMLDATE_READS:
        # htmldate reads only a text's first characters: a meta line's date further on
        # ("By A and B | Saturday 2 November 2024") is read from the stretch around its year
        for hint in _DATE_HINT.finditer(line):
            stretch = line[max(0, hint.start() - _BEFORE_YEAR):hint.end() + _AFTER_YEAR]
            found = try_date_expr(stretch, "%Y-%m-%d", False, EARLIEST, latest)
            if found:
                break
    return found or None


@lru_cache(maxsize=4096)
def _htmldate_item_day(line: str, latest: datetime) -> str | None:
    """The day htmldate reads in the first of a meta line's items that reads, when it has two or
    more holding a date. htmldate reads no date in a text that holds two numeric ones
    ("03/07/2024 18h42 · Atualizado 03/07/2024 21h10"); first_date then weighs an update's
    label. Its rule (dateline-not-updated) is asked by the caller: asked in here, the first
    answer would stand for the line, rule switched on or off, and the ablation would not know."""
    try:
        from htmldate.extractors import try_date_expr
    except ImportError:  # htmldate moved its helper: _htmldate_day's fallback read the line
        return None

    items = [item for item in _SEPARATOR.split(line) if _DATE_HINT.search(item)]
    for item in items if len(items) > 1 else ():
        if found := try_date_expr(item, "%Y-%m-%d", False, EARLIEST, latest):
            return found
    return None


@lru_cache(maxsize=1024)
def _month_name_date(line: str, languages: tuple[str, ...], latest: datetime, cut: int | None = None) -> str | None:
    """A date written with a month's name in the page's language, which htmldate's patterns do
    not know ("1 de diciembre de 2026", "3 декабря 2026", "2026年12月3日"), as %Y-%m-%d (rule
    dateline-page-language). Numeric dates are left to htmldate, which reads their order.
    `cut`: where a credit after the date starts, read no further."""
    if _sentence(line):
        return None  # a sentence of the text that mentions a date ("La última edición fue el ...")
    line = line[:cut]
    for text, value in search_dates(line, languages):
        label = [word for word in line.replace(text, " ").split() if any(ch.isalpha() for ch in word)]
        if not _NUMERIC_DATE.search(text) and EARLIEST <= value <= latest \
                and word_count(" ".join(label)) <= MAX_LABEL_WORDS:
            return value.strftime("%Y-%m-%d")
    return None


MAX_LABEL_WORDS = 4  # words besides the date in a date line: "Publicado el", "Опубликовано"


def parse_dateline(line: str, latest: datetime) -> datetime | None:
    """`parse_line` (htmldate's multilingual patterns), the time of day kept when rule
    dateline-clock is on."""
    parsed = parse_line(line, latest)
    if parsed is not None and not enabled("dateline-clock"):
        parsed = parsed.replace(hour=0, minute=0, second=0)  # the seconds are the clock's too
    return parsed


class Dateline(NamedTuple):
    """A printed date line: as printed, its date (None when unreadable), and whether it sits in
    the article header (within a few lines of the headline) rather than further down."""

    text: str
    value: datetime | None
    near: bool = True
    line: str | None = None  # the whole printed line, when `text` is the date's part of it


# a date labelled as the page's last change ("Updated", "Aktualisiert am", "Mis à jour le"),
# in the languages of news sites; Chinese, Japanese and Korean labels need no word boundary
_UPDATE_LABEL = re.compile(
    r"(?<!\w)(?:updated?|modified|aktualisiert|mis\s+à\s+jour|actualizad[oa]|atualizad[oa]|aggiornat[oa]|"
    r"bijgewerkt|zaktualizowano|aktualizacja|обновлено|güncellen\w*|diperbarui|cập\s+nhật|uppdaterad|opdateret|"
    r"oppdatert|päivitetty|ενημερώθηκε|aktualizováno)(?!\w)|(?<![^\s|·•])(?:최종)?(?:수정|업데이트|更新)(?![^\s:：|·•\d])",
    re.IGNORECASE)
UPDATE_NEIGHBOURS = 1  # the line after an update's date, where the publication's may still follow


def first_date(lines: Iterable[str], latest: datetime, max_lines: int = MAX_LINES) -> Dateline | None:
    """The first line among `lines` (at most `max_lines`) that prints a date, and that date.

    A date labelled as an update, with a date not so labelled beside it (in the same line, or
    the next line when that is a date line), gives way to that one (rule dateline-not-updated): "Aktualisiert am
    04.12.2026 | Erstellt am 01.12.2026" was published on the first."""
    update: Dateline | None = None
    update_at = 0
    for index, line in enumerate(lines):
        if index >= max_lines or (update is not None and index > update_at + UPDATE_NEIGHBOURS):
            break
        if reads_like_prose(line) and enabled("dates-not-in-prose"):
            # a date the text tells of; but a paragraph may open with its dateline, set off by a
            # dash ("WASHINGTON, March 3, 2025 — The president said ..."): that lead is read alone
            lead = lead_date(line, latest)
            if lead is None:
                continue
            line = lead
        parsed = parse_dateline(line, latest)
        if not parsed or (is_period(line, latest) and enabled("dates-not-in-prose")):
            continue
        found = Dateline(line, parsed, index < NEAR_LINES)
        first = _first_dated_item(line, latest)
        if first is None or not _UPDATE_LABEL.search(first):
            if update is not None and not is_date_line(line):
                return update  # a caption or a sentence under the update's line: no date line
            return found
        if update is not None:
            continue  # another update's date
        published = _later_date(line, first, latest)
        if published is not None and enabled("dateline-not-updated"):
            return found._replace(value=published)
        if not enabled("dateline-not-updated"):
            return found
        update, update_at = found, index
    return update


# a paragraph's opening dateline: a short lead set off by a dash (bounded: linear on any line)
LEAD_CHARS = 80  # how far into a paragraph its opening dateline may reach
_LEAD_DASH = re.compile(r"(?<!\s)\s*(?:—|–|--|\s-\s)")  # starts where a run of spaces starts: linear
# a date's label opening a paragraph, then its date up to the year and an optional clock
# ("Published: March 3, 2025 at 10:00 a.m. The council ..."); bounded, so linear on any text
_LABELLED_LEAD = re.compile(rf"(?:first\s+)?(?:{DATE_LABELS})\b[^.!?\n]{{0,40}}?\b(?:19|20)\d\d\b"
                            r"(?:,?\s*(?:at\s*)?\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?)?", re.IGNORECASE)
# a date's label in capitals inside a line: a meta line's item ("By Jane Doe Published: ..."),
# where a sentence writes "was published on" in lower case (and one that opens a sentence,
# "... for years. Updated figures from June 1 show ...", is a word of the text)
_ITEM_LABEL = re.compile(rf"(?<=\s)(?:{DATE_LABELS})(?!\w)", re.IGNORECASE)


def paragraph_lead(text: str) -> str | None:
    """A paragraph's opening dateline, or None: a lead set off by a dash that holds digits (the
    place and date, "WASHINGTON, March 3, 2025 —", "WASHINGTON (AP) — March 3, 2025 —"), or a
    date's label and its date ("Published: March 3, 2025 at 10:00 a.m.")."""
    head = text[:LEAD_CHARS]
    for dash in _LEAD_DASH.finditer(head):
        lead = head[:dash.start()].strip()
        if len(lead) >= 4 and _DIGIT.search(lead):
            return lead
        if _LOWER_WORD.search(lead):
            break  # a sentence's words before the dash ("The plan — first presented ..."): no dateline
    labelled = _LABELLED_LEAD.match(head)
    if labelled is None:  # a meta line printed as one line: its capitalised label begins an item
        label = next((m for m in _ITEM_LABEL.finditer(text, 0, LEAD_CHARS) if m.group(0)[0].isupper()
                      and not _sentence(text[:m.start()])), None)
        labelled = _LABELLED_LEAD.match(text, label.start()) if label else None
    return labelled.group(0) if labelled else None


_LOWER_WORD = re.compile(r"(?<![\w(])[a-z]\w*")


_PLACE_END = re.compile(r",\s|(?<!\s)\s*(?:—|–|--|\s-\s)\s*")


# a period's dash between its two dates ("March 14, 1938 – October 30, 2025")
_PERIOD_DASH = re.compile(r"(?<!\s)\s*[-–—]\s*(?=\S)")


def is_period(line: str, latest: datetime) -> bool:
    """Whether a line prints a period, two dates and only a dash between them (a life's, an
    event's, a season's): no date of a publication, which is one moment."""
    if len(line) > MAX_DATELINE_CHARS or _ITEM_LABEL.search(f" {line}"):
        return False
    parts = [part for part in _PERIOD_DASH.split(line) if part.strip()]
    # each a date with its year (a life's first may be older than any publication)
    return len(parts) == 2 and all(_DATE_HINT.search(part) for part in parts) \
        and parts[0].strip() != parts[1].strip() and parse_dateline(parts[1], latest) is not None


def lead_date(text: str, latest: datetime) -> str | None:
    """The part of a paragraph's opening dateline that prints its date: the whole lead, or what
    follows its place ("WASHINGTON, March 3, 2025": htmldate reads a word in capitals as a
    currency's code and no date beside it), or None."""
    lead = paragraph_lead(text)
    if lead is None:
        return None
    if parse_dateline(lead, latest):
        return lead
    place = _PLACE_END.search(lead)
    rest = lead[place.end():] if place else ""
    return rest if rest and parse_dateline(rest, latest) else None


def opens_with_dateline(text: str, latest: datetime) -> bool:
    """Whether a paragraph opens with its dateline (`lead_date`)."""
    return lead_date(text, latest) is not None


def is_date_line(line: str) -> bool:
    """Whether a dated line is a date line, not a sentence that mentions a date (a caption's)."""
    return len(line.strip()) <= MAX_DATELINE_CHARS and not _sentence(line)


def _sentence(line: str) -> bool:
    """Whether a line ends as a sentence does (a time's "a.m." is no full stop)."""
    text = _MERIDIEM_END.sub("", line.rstrip())
    return bool(text) and bool(SENTENCE_END.search(text[-1]))


_MERIDIEM_END = re.compile(r"[ap]\.m\.$", re.IGNORECASE)


def _first_dated_item(line: str, latest: datetime) -> str | None:
    """The first of the line's separated items that prints a date, up to its date."""
    for item in _SEPARATOR.split(line):
        if parse_dateline(item.strip(), latest):
            hint = _DATE_HINT.search(item)
            return item[:hint.start()] if hint else item
    return None


def _later_date(line: str, first: str, latest: datetime) -> datetime | None:
    """The date of an item after `first` in the line that is not labelled as an update."""
    items = [item.strip() for item in _SEPARATOR.split(line)]
    seen = False
    for item in items:
        if not seen:
            seen = item.startswith(first.strip())
            continue
        parsed = parse_dateline(item, latest)
        if parsed and not _UPDATE_LABEL.search(item):
            return parsed
    return None


def other_pages_block(element: HtmlElement) -> bool:
    """Whether a block prints other pages' teasers or comments (`prints_other_pages`): the dates
    printed in it are theirs, not the article's (rule dates-not-other-pages)."""
    return prints_other_pages(element) and enabled("dates-not-other-pages")


# the site's frame around every article: its header (a top bar printing today's date), its
# navigation and its footer ("© 2026"). The search never enters the headline's ancestors, so a
# <header> met is another's than the article's
_FRAME_ABOVE = frozenset({"header", "nav", "footer"})
_FRAME_BELOW = frozenset({"nav", "footer"})  # an article's meta line may be a <header> under its title
_FRAME_ROLES = frozenset({"banner", "navigation", "contentinfo"})


def _site_frame(element: HtmlElement, tags: frozenset[str]) -> bool:
    return element.tag in tags or element.get("role") in _FRAME_ROLES


def _above_frame(element: HtmlElement) -> bool:
    """Whether a block above the headline is the site's frame (rule dateline-not-site-frame): the
    article's header starts below it, and a date printed in it or above it (a top bar over the
    menu) is the site's."""
    return _site_frame(element, _FRAME_ABOVE) and enabled("dateline-not-site-frame")


def _not_below(element: HtmlElement) -> bool:
    """Blocks below the headline whose dates are not the article's: other pages' teasers and
    comments, and the site's navigation and footer (rule dateline-not-site-frame)."""
    return other_pages_block(element) or (_site_frame(element, _FRAME_BELOW) and enabled("dateline-not-site-frame"))


def find_dateline(anchor: HtmlElement, latest: datetime) -> Dateline | None:
    """The printed dateline of the headline element `anchor`.

    The lines after the headline first; then the few lines just above it (a kicker line with
    the date), never further up where top bars print today's date, nor in the site's header,
    navigation or footer (see _above_frame, _not_below). A date printed just above
    the headline also outranks the first one after it when that is not in the article header
    but down in the text (a date the article talks about).
    """
    after = first_date(lines_after(anchor, skip=_not_below), latest)
    if after is not None and not enabled("dateline-below-headline"):
        after = None
    if after is None or not after.near:
        above = first_date(lines_before(anchor, skip=other_pages_block, stop=_above_frame), latest,
                           max_lines=MAX_LINES_ABOVE)
        if above is not None and enabled("dateline-above-headline"):
            after = above
    return narrowed(after, anchor.getroottree().getroot(), latest) if after else None


MAX_NARROWING = 4  # element levels above a text that may still be the date's own element


def narrowed(dateline: Dateline, root: HtmlElement, latest: datetime) -> Dateline:
    """The dateline as the smallest element that prints the same date and time: a printed line
    joins inline elements, and a byline, a reading time or a relative time glued to the date
    ("By Jane DoePublished: Jan 29, 2025", "Jan 29, 2025 • Updated 1 hour ago • 4 min read")
    sits in elements of its own. A date split over several elements keeps the whole line."""
    line = dateline.text
    best = line
    for element in root.iter():
        text = element.text if isinstance(element.tag, str) else None
        if not text or not _DIGIT.search(text) or " ".join(text.split()) not in line:
            continue
        for level, node in enumerate((element, *element.iterancestors())):
            shown = " ".join(node.text_content().split())
            if level > MAX_NARROWING or len(shown) >= len(best) or shown not in line:
                break
            if parse_dateline(shown, latest) == dateline.value:
                best = shown
                break
    best = _without_credit(_date_items(best, dateline.value, latest), dateline.value, latest)
    return dateline if best == line else dateline._replace(text=best, line=line)


# a credit printed in the same text as the date, after it ("Posted on March 3, 2024 by Jane Doe",
# "am 3. März 2024 von Anna Huber", "... at 9:14 am by Jane Doe") or before it up to a comma or
# "on" ("By Jane Doe, March 3, 2024", Drupal's "Submitted by Jane Doe on Wed, 03/20/2024 - 09:15")
_DATED_CREDIT = re.compile(rf"(?:(?<=\d)|(?<=[\d\s][ap]m)|(?<=[ap]\.m\.)),?\s+(?:{CREDIT_BY})\s+(?=\S)",
                           re.IGNORECASE)
_LEADING_CREDIT = re.compile(rf"^(?:(?:{CREDIT_VERBS})\s+)?(?:{CREDIT_BY})\s+"
                             r"[^,.\d]{1,60}?(?:,|\son\b)\s*", re.IGNORECASE)


def _without_credit(text: str, value: datetime | None, latest: datetime) -> str:
    """The line without a credit printed before or after its date, when what is left prints the
    same date."""
    if value is None:
        return text
    shown = text
    after = _DATED_CREDIT.search(shown)
    if after and parse_dateline(shown[:after.start()], latest) == value:
        shown = shown[:after.start()]
    before = _LEADING_CREDIT.match(shown)
    if before and parse_dateline(shown[before.end():], latest) == value:
        shown = shown[before.end():]
    return shown if shown != text and enabled("dateline-without-credit") else text


_DIGIT = re.compile(r"\d")
# a printed separator between the items of a meta line: a bullet, a middle dot, a bar, a dash
# between spaces ("Jan 29, 2025 · 4 min read", "By Jane Doe | Jan 29, 2025", "Essay - Published: ...")
# (no quantified spaces around it: linear on any text; the items are stripped instead); or a
# date's label after a space, which begins an item of its own when the theme parts items by
# markup alone ("<span>Updated Dec 3</span> <span>Published Dec 1</span>"), not "Last updated"
_SEPARATOR = re.compile(rf"[·•●|]|(?<=\s)[-–—](?=\s)|(?<=\s)(?<!last\s)(?<!first\s)(?=(?:{DATE_LABELS})(?!\w))",
                        re.IGNORECASE)


def _date_items(text: str, value: datetime | None, latest: datetime) -> str:
    """The shortest run of the line's separated items that prints the same date and time."""
    items = [item.strip() for item in _SEPARATOR.split(text) if item.strip()]
    if len(items) < 2 or value is None:
        return text
    runs = sorted(((i, j) for i in range(len(items)) for j in range(i + 1, len(items) + 1) if j - i < len(items)),
                  key=lambda run: sum(len(item) for item in items[run[0]:run[1]]))
    for start, end in runs:
        # the items as printed, separators and all, from the first to the last of the run
        first = text.index(items[start])
        last = text.index(items[end - 1], first) + len(items[end - 1])
        shown = text[first:last]
        if parse_dateline(shown, latest) == value:
            return shown
    return text


_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?!\d)")


def other_reading(line: str, value: datetime) -> datetime | None:
    """The other order of an ambiguous numeric date ("8/1/2025": 8 January or 1 August).

    None when the line prints no numeric day-month pair that could be read both ways, or
    when `value` is not one of its two readings.
    """
    match = _NUMERIC_DATE.search(line)
    if not match:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    if first == second or not (1 <= first <= 12 and 1 <= second <= 12):
        return None
    if (value.month, value.day) not in {(first, second), (second, first)}:
        return None
    try:
        return value.replace(month=value.day, day=value.month)
    except ValueError:
        return None


def prints_day(lines: Iterable[str], day: date, latest: datetime) -> bool:
    """Whether one of `lines` prints the calendar day `day` (read as datelines are).

    Only lines holding the day's year (four digits, or two after a separator) are parsed.
    """
    year = str(day.year)
    short = re.compile(rf"[./\-\s']{year[2:]}(?!\d)")
    for line in lines:
        if year not in line and not short.search(line):
            continue
        parsed = parse_dateline(line, latest)
        if parsed is not None and parsed.date() == day:
            return True
    return False
