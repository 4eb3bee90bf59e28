"""htmldate's free-text search reads dates in the page's languages only (newscrawl/extract/dates.py):
its all-locale dateparser search cost seconds on some pages (issue 15)."""

from __future__ import annotations

from datetime import datetime

import htmldate.extractors

from newscrawl.extract.dates import bounded_htmldate, page_languages, parse_visible


def test_htmldate_still_has_the_hooks_we_bound() -> None:
    # fails if htmldate renames or drops them: then its search would run unbounded again
    import inspect

    import htmldate.core

    assert callable(htmldate.extractors._external_date)
    assert "search_page(htmlstring" in inspect.getsource(htmldate.core.find_date)
    with bounded_htmldate(("es",)):
        assert getattr(htmldate.extractors._external_date, "bounded", False)
        assert getattr(htmldate.core.search_page, "bounded", False)


def test_the_page_search_reads_the_start_and_the_end_of_a_long_page() -> None:
    from newscrawl.extract.dates import SEARCH_HEAD_CHARS, SEARCH_TAIL_CHARS, _search_text

    short = "x" * 1000
    assert _search_text(short) == short
    long = "<head>2024-05-01</head>" + "y" * 10 * (SEARCH_HEAD_CHARS + SEARCH_TAIL_CHARS) + "<footer>© 2025</footer>"
    text = _search_text(long)
    assert len(text) <= SEARCH_HEAD_CHARS + SEARCH_TAIL_CHARS + 1 and text.startswith("<head>2024-05-01") and text.endswith("© 2025</footer>")


def test_inside_the_bound_dateparser_reads_the_page_language_only() -> None:
    with bounded_htmldate(("es",)):
        assert htmldate.extractors._external_date("3 de mayo de 2024").date() == datetime(2024, 5, 3).date()
    with bounded_htmldate(None):  # no language known: dateparser is not asked at all
        assert htmldate.extractors._external_date("3 de mayo de 2024") is None


def test_outside_the_bound_htmldate_behaves_as_shipped() -> None:
    with bounded_htmldate(None):
        pass
    found = htmldate.extractors._external_date("3 de mayo de 2024")
    assert found is not None and (found.year, found.month, found.day) == (2024, 5, 3)


def test_page_languages() -> None:
    assert page_languages("de-AT") == ("de",)
    assert page_languages("en_US") == ("en",)
    assert page_languages(None) is None
    assert page_languages("x") is None


def test_a_printed_date_without_known_languages_is_read_in_english_only() -> None:
    assert parse_visible("March 5, 2024") == datetime(2024, 3, 5)
    assert parse_visible("5 mars 2024", ("fr",)) == datetime(2024, 3, 5)
