"""A page is read as of its fetch: no date after `fetched_at` is the page's, so a saved page
replayed later gets the record it got when it was fetched, whatever the calendar says."""

from __future__ import annotations

from datetime import UTC, datetime

from newscrawl.extract import extract_page
from newscrawl.extract.published import _htmldate_latest
from newscrawl.extract.vocabulary import as_of, plausible, reading_time

PARAGRAPH = ("<p>The council voted on the budget after a long debate that ran late into the evening, "
             "and the mayor said the result was good for the town and its schools.</p>")
PAGE = ("<html><head><title>Council passes budget</title></head><body><h1>Council passes budget</h1>"
        f"<p>May 3, 2019</p>{PARAGRAPH * 4}</body></html>")
URL = "https://news.example/politics/council-passes-budget"


def test_a_printed_date_before_the_fetch_dates_the_page():
    article = extract_page(URL, PAGE, fetched_at=datetime(2019, 5, 10, 8, tzinfo=UTC)).article
    assert article.published == "2019-05-03"
    assert article.dateline == "May 3, 2019"


def test_a_date_after_the_fetch_is_not_the_pages():
    # read as of the calendar, the date was long past and dated the page
    article = extract_page(URL, PAGE, fetched_at=datetime(2019, 4, 20, 8, tzinfo=UTC)).article
    assert article.published is None
    assert article.dateline is None
    assert article.fetched_at == "2019-04-20T08:00:00+00:00"


def test_the_moment_is_the_fetch_inside_and_the_clock_outside():
    fetched = datetime(2019, 4, 20, 12)  # naive: UTC
    with as_of(fetched):
        assert reading_time() == fetched.replace(tzinfo=UTC)
        assert not plausible(datetime(2019, 5, 3))
        assert plausible(datetime(2019, 4, 21))  # a day of slack: a zone ahead of UTC
        assert _htmldate_latest().date() == fetched.date()  # htmldate's bound too
    assert plausible(datetime(2019, 5, 3))
    assert abs((reading_time() - datetime.now(UTC)).total_seconds()) < 60


def test_one_moment_written_with_another_offset_reads_the_page_alike():
    """The fetch's day is UTC's: the same moment given with the offset -10:00 (the evening
    before, there) made the latest printed date a day earlier, and the dateline went."""
    from datetime import timedelta, timezone

    page = PAGE.replace("May 3, 2019", "May 5, 2019")
    fetched = datetime(2019, 5, 3, 6, tzinfo=UTC)
    records = [extract_page(URL, page, fetched_at=moment).article
               for moment in (fetched, fetched.astimezone(timezone(timedelta(hours=-10))))]
    assert records[0].dateline == records[1].dateline == "May 5, 2019"
    assert records[0].published == records[1].published


def test_htmldate_is_bounded_by_the_fetch_whatever_the_machines_time_zone(monkeypatch):
    """htmldate's bound was the end of the fetch's day in the machine's local time: a fixture
    replayed on a machine at UTC+14 accepted a day later than one at UTC did."""
    import time

    fetched = datetime(2019, 4, 20, 12, tzinfo=UTC)
    bounds = []
    try:
        for zone in ("UTC", "Pacific/Kiritimati", "America/Los_Angeles"):
            monkeypatch.setenv("TZ", zone)
            time.tzset()
            with as_of(fetched):
                bounds.append(_htmldate_latest())
    finally:
        monkeypatch.undo()
        time.tzset()
    assert bounds == [datetime(2019, 4, 20, 23, 59, 59, 999999)] * 3


def test_a_paragraph_opening_with_a_date_in_the_pages_language_leaves_htmldate_its_search():
    """The search's prose paragraphs were told with an aware moment, which the dateline's own
    readers (a month's name in the page's language) compare with naive dates: TypeError, and
    htmldate's search of the whole page found nothing (the page was left undated)."""
    paragraph = ("<p>El consejo votó el presupuesto después de un largo debate que se prolongó hasta bien "
                 "entrada la noche, y el alcalde dijo que el resultado era bueno para la ciudad.</p>")
    page = ("<html lang='es'><head><title>El consejo aprueba el presupuesto</title></head><body>"
            f"<h1>El consejo aprueba el presupuesto</h1>{paragraph * 30}"
            "<p>1 de diciembre de 2018 — el consejo había rechazado un plan anterior después de un "
            "largo debate en la sala.</p><footer><p>Actualizado: 2019-05-03</p></footer></body></html>")
    article = extract_page("https://noticias.example/politica/consejo", page,
                           fetched_at=datetime(2020, 1, 1, tzinfo=UTC), non_article_body="full").article
    assert article.published == "2019-05-03"


def test_a_page_without_fetched_at_is_read_as_of_its_records_fetched_at(monkeypatch):
    """Without `fetched_at` the record's fetched_at was the clock at the start and the page was
    read as of the clock at each look, later (a page read across midnight was read as of two
    days). The clock is read once: here a clock that jumps back after the record's moment is
    taken would have left the page's 2019 date in the future."""
    from newscrawl.extract import vocabulary

    class Jumped(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2000, 1, 1, tzinfo=tz)

    monkeypatch.setattr(vocabulary, "datetime", Jumped)
    article = extract_page(URL, PAGE).article
    assert article.published == "2019-05-03"
    assert article.fetched_at > "2019-05-03"
