"""Date rules: metadata cross-checked with its offset kept, the printed dateline, no traps."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import pytest

from newscrawl.extract import extract_article
from newscrawl.extract.dateline import page_language, parse_line
from newscrawl.extract.dates import parse_iso
from newscrawl.extract.published import Candidate, pick, utc_clock_errors

LATEST = datetime(2030, 1, 1)


def _page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_offset_is_kept():
    html = _page('<meta property="article:published_time" content="2023-11-07T12:12:58+01:00">',
                 "<article><h1>Headline</h1><p>Text.</p></article>")
    assert extract_article("https://x.example/a", html).published == "2023-11-07T12:12:58+01:00"


def test_topbar_today_date_is_ignored():
    html = _page("", '<div class="top-bar"><span class="td_data_time">Friday, April 29, 2022</span></div>'
                 "<article><h1>Headline</h1><p>Posted March 3, 2021</p><p>Text.</p></article>")
    item = extract_article("https://x.example/b", html)
    assert item.published == "2021-03-03"
    assert item.dateline == "Posted March 3, 2021"


def test_future_dates_are_refused():
    html = _page('<meta property="article:published_time" content="2099-01-01T10:00:00+00:00">',
                 "<article><h1>Headline</h1><p>Text.</p></article>")
    assert extract_article("https://x.example/c", html).published is None


def test_relative_dateline_is_not_a_date():
    html = _page("", '<article><h1>Headline</h1><div class="date">6 hours ago</div><p>Text.</p></article>')
    assert extract_article("https://x.example/d", html).published is None


def test_utc_clock_with_local_offset_loses_to_the_sources_that_agree():
    # JSON-LD writes the UTC clock time with the local offset; the meta tags have it right
    html = _page('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", '
                 '"datePublished": "2022-04-21T18:46:12-04:00"}</script>'
                 '<meta property="article:published_time" content="2022-04-21T18:46:12+00:00">'
                 '<meta property="article:published_time" content="2022-04-21T14:46:12-04:00">',
                 "<article><h1>H</h1><p>Text.</p></article>")
    assert extract_article("https://x.example/e", html).published == "2022-04-21T14:46:12-04:00"


def test_utc_clock_error_needs_the_same_offset():
    wrong = Candidate(datetime.fromisoformat("2022-04-21T18:46:12-04:00"), "jsonld", 0)
    right = Candidate(datetime.fromisoformat("2022-04-21T14:46:12-04:00"), "meta", 1)
    utc = Candidate(datetime.fromisoformat("2025-06-05T14:46:12+00:00"), "meta", 1)
    local = Candidate(datetime.fromisoformat("2025-06-05T14:46:12+02:00"), "jsonld", 0)
    assert utc_clock_errors([wrong, right]) == {wrong}
    # "14:46Z" beside "14:46+02:00": either could be the mistake, so neither is dropped
    assert utc_clock_errors([utc, local]) == set()


def test_local_offset_preferred_for_the_same_instant():
    utc = Candidate(datetime.fromisoformat("2024-11-26T13:27:18+00:00"), "jsonld", 0)
    local = Candidate(datetime.fromisoformat("2024-11-26T21:27:18+08:00"), "markup", 2)
    chosen = pick([utc, local], datetime(2025, 1, 1, tzinfo=UTC))
    assert chosen is local


def test_printed_time_completes_a_day_only_date():
    html = _page('<meta itemprop="datePublished" content="2025-04-01">',
                 '<article><h1>Headline</h1><span class="meta_date">erstellt: 01. April 2025, 15:25</span>'
                 "<p>Text.</p></article>")
    assert extract_article("https://x.example/f", html).published == "2025-04-01T15:25:00"


def test_printed_clock_time_never_replaces_metadata_with_offset():
    html = _page('<meta property="article:published_time" content="2024-11-26T13:27:18+00:00">',
                 "<article><h1>Headline</h1><time>Tue, 26 November 2024 9:27PM</time><p>Text.</p></article>")
    assert extract_article("https://x.example/g", html).published == "2024-11-26T13:27:18+00:00"


def test_dateline_parser_reads_many_languages():
    assert parse_line("Dienstag, 7. November 2023", LATEST) == datetime(2023, 11, 7)
    assert parse_line("Updated: January 2, 2025, 9:06am CST", LATEST) == datetime(2025, 1, 2, 9, 6)
    assert parse_line("© 2025 Example Inc.", LATEST) is None


def test_the_clock_comes_from_the_dates_own_item():
    # the update's clock sat nearer the first date, but after a separator: it is the update's
    line = "Published 6:46 p.m. ET Dec 5, 2026 | Updated 9:10 p.m. ET Dec 5, 2026"
    assert parse_line(line, LATEST).replace(tzinfo=None) == datetime(2026, 12, 5, 18, 46)
    assert parse_line("Dec 5, 2026 - 10:05", LATEST) == datetime(2026, 12, 5, 10, 5)


def test_a_printed_weekday_tells_the_order_of_an_ambiguous_numeric_date():
    # 5 March 2024 was a Tuesday, 3 May 2024 a Friday
    with page_language("en"):
        assert parse_line("Tue, 03/05/2024", LATEST) == datetime(2024, 3, 5)
        assert parse_line("Published Friday 03.05.2024 10:00", LATEST) == datetime(2024, 5, 3, 10, 0)
        # a weekday neither reading falls on (a paper's name, a typo) tells nothing
        assert parse_line("The Sun 03/05/2024", LATEST) == datetime(2024, 5, 3)
    with page_language("en-US"):  # the weekday overrules the locale's month-first order too
        assert parse_line("Fri, 03/05/2024", LATEST) == datetime(2024, 5, 3)
    with page_language("de"):
        assert parse_line("Dienstag, 03.05.2024", LATEST) == datetime(2024, 3, 5)
    body = ("<article><h1>Council passes the budget</h1><p class='date'>Tue, 03/05/2024</p>"
            f"<p>{'The council approved the budget after a long debate on Tuesday night. ' * 6}</p></article>")
    html = f"<html lang='en'><head></head><body>{body}</body></html>"
    assert extract_article("https://x.example/budget", html).published == "2024-03-05"


def test_modified_is_separate():
    html = _page('<meta property="article:published_time" content="2020-01-01T08:00:00+00:00">'
                 '<meta property="article:modified_time" content="2021-02-02T09:00:00+00:00">',
                 "<article><h1>Headline</h1><p>Text.</p></article>")
    item = extract_article("https://x.example/h", html)
    assert item.published == "2020-01-01T08:00:00+00:00"
    assert item.modified == "2021-02-02T09:00:00+00:00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 29 Apr 2024 10:00:00 CEST", "2024-04-29T10:00:00+02:00"),
        ("Tue, 10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00+00:00"),
        ("2024-04-29 10:00 EDT", "2024-04-29T10:00:00-04:00"),
        ("Mon, 29 Apr 2024 10:00:00 IST", "2024-04-29T10:00:00"),  # ambiguous zone: no offset
    ],
)
def test_zone_names_in_metadata_give_their_offset_without_a_warning(value: str, expected: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parsed = parse_iso(value)
    assert parsed is not None and parsed.isoformat() == expected
