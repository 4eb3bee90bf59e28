"""htmldate's free-text search reads dates in the page's languages only (newscrawl/extract/dates.py):
its all-locale dateparser search cost seconds on some pages (issue 15)."""

from __future__ import annotations

from datetime import datetime

import htmldate.extractors

from newscrawl.extract.dates import bounded_htmldate, page_languages, parse_visible


def test_htmldate_still_has_the_external_parser_hook_we_bound() -> None:
    # fails if htmldate renames or drops the hook: then its search would run unbounded again
    assert callable(htmldate.extractors._external_date)
    with bounded_htmldate(("es",)):
        assert getattr(htmldate.extractors._external_date, "bounded", False)


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
