"""Date rules that weigh the printed dateline against the page's metadata (synthetic pages)."""

from __future__ import annotations

from datetime import datetime

from newscrawl.extract import extract_article
from newscrawl.extract.dateline import other_reading
from newscrawl.extract.rules import disabled


def _page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def _json_ld_published(when: str) -> str:
    return f'<script type="application/ld+json">{{"@type": "Article", "headline": "H", "datePublished": "{when}"}}</script>'


def _published(head: str, body: str, dateline: str | None = None) -> str | None:
    """The published value; `dateline`, when given, must be the dateline found (the rule ran)."""
    item = extract_article("https://news.example/story", _page(head, body))
    if dateline is not None:
        assert item.dateline == dateline
    return item.published


def test_other_reading_of_an_ambiguous_numeric_date():
    assert other_reading("8/1/2025", datetime(2025, 1, 8)) == datetime(2025, 8, 1)
    assert other_reading("Posted 09.10.2024", datetime(2024, 10, 9)) == datetime(2024, 9, 10)
    # one reading only: a day above 12, the same number twice, or no numeric date at all
    assert other_reading("25/1/2025", datetime(2025, 1, 25)) is None
    assert other_reading("3/3/2025", datetime(2025, 3, 3)) is None
    assert other_reading("January 8, 2025", datetime(2025, 1, 8)) is None


def test_ambiguous_numeric_dateline_agrees_with_metadata_in_the_other_order():
    # "8/1/2025" is 1 August in the metadata's reading: the two agree, the metadata stays
    head = _json_ld_published("2025-08-01T15:01:58Z")
    body = "<article><h1>City council approves the new budget</h1><div class='info'>8/1/2025</div><p>Text of the story.</p></article>"
    assert _published(head, body, "8/1/2025") == "2025-08-01T15:01:58+00:00"


def test_utc_timestamp_printed_as_the_next_local_day_is_the_same_date():
    # 23:00 UTC is already the 3rd in a zone ahead of UTC: no disagreement, no override
    head = _json_ld_published("2025-12-02T23:00:55Z")
    body = "<article><h1>City council approves the new budget</h1><p>Published: 03 Dec 2025</p><p>Text of the story.</p></article>"
    assert _published(head, body, "Published: 03 Dec 2025") == "2025-12-02T23:00:55+00:00"


def test_modified_time_is_the_last_resort():
    head = '<meta property="article:modified_time" content="2023-06-12T10:39:42+00:00">'
    assert _published(head, "<article><h1>City council approves the new budget</h1><p>Text of the story.</p></article>") == "2023-06-12T10:39:42+00:00"


def test_a_cms_named_publication_tag_is_read():
    head = '<meta name="w-published-date" content="2025-05-27T06:03:43Z">'
    assert _published(head, "<article><h1>City council approves the new budget</h1><p>Text of the story.</p></article>").startswith("2025-05-27T06:03:43")


def test_head_metadata_outranks_a_listing_of_microdata_dates():
    head = '<meta name="date" content="March 27, 2025">'
    cards = "".join(f'<li><a href="/s{i}">Story {i}</a><span itemprop="datePublished" '
                    f'content="2026-03-1{i}T12:00:00+00:00">Mar 1{i}, 2026</span></li>' for i in range(3))
    story = "".join(f"<p>Paragraph {i} of the story.</p>" for i in range(30))
    body = (f"<article><h1>City council approves the new budget</h1>{story}</article>"
            f"<aside><ul>{cards}</ul></aside>")
    assert _published(head, body) == "2025-03-27"


def test_dateline_printed_by_a_time_element_is_read_from_its_datetime():
    # "03/01/2017" is ambiguous; the <time> that prints it says 1 March
    body = ('<article><h1>City council approves the new budget</h1><div class="meta"><time datetime="2017-03-01T12:00:00Z">03/01/2017</time>'
            ' by A. Writer</div><p>Text of the story.</p></article>')
    assert _published("", body, "03/01/2017")  # the byline is not part of it == "2017-03-01T12:00:00+00:00"


def test_sidebar_time_loses_to_the_header_dateline():
    # the page's first <time> sits in a sidebar list printed before the article
    body = ('<main><aside><ul><li><time datetime="2025-01-31T12:00:00Z">01/31/2025</time> Other story</li>'
            '</ul></aside><article><h1>City council approves the new budget</h1>'
            '<p class="date">March 3, 2017</p><p>Text of the story.</p></article></main>')
    assert _published("", body, "March 3, 2017") == "2017-03-03"


def test_theme_time_that_tells_the_modification_is_not_the_publication():
    # a theme prints the modified time in <time class="entry-date published updated">
    head = ('<meta property="article:published_time" content="2015-05-12T06:05:27+00:00">'
            '<meta property="article:modified_time" content="2026-01-25T19:56:29+00:00">')
    body = ('<article><h1>City council approves the new budget</h1><time class="entry-date published updated" '
            'datetime="2026-01-25T12:56:29-07:00">January 25, 2026</time><p>Text of the story.</p></article>')
    assert _published(head, body, "January 25, 2026") == "2015-05-12T06:05:27+00:00"


def test_declared_publication_survives_a_later_updated_dateline():
    head = ('<meta property="article:published_time" content="2020-12-16T11:36:18+00:00">'
            '<meta property="article:modified_time" content="2026-02-27T08:05:25+00:00">')
    body = "<article><h1>City council approves the new budget</h1><span class='byline-date'>Updated Feb 27, 2026</span><p>Text of the story.</p></article>"
    assert _published(head, body, "Updated Feb 27, 2026") == "2020-12-16T11:36:18+00:00"


def test_earlier_printed_date_beats_a_republication_tag():
    # the page was first published in 2013 and re-published (migrated) in 2024
    head = '<meta property="article:published_time" content="2024-08-07T12:01:51+00:00">'
    body = "<article><h1>City council approves the new budget</h1><p class='date'>Dec 30, 2013</p><p>Text of the story.</p></article>"
    assert _published(head, body, "Dec 30, 2013") == "2013-12-30"


def test_json_ld_date_alone_yields_to_a_later_printed_update():
    # without a dedicated publication tag the page presents itself with its printed date
    head = _json_ld_published("2021-08-12T19:35:44Z")
    body = "<article><h1>City council approves the new budget</h1><div class='updated'>Last Updated: 2025-02-22</div><p>Text of the story.</p></article>"
    assert _published(head, body, "Last Updated: 2025-02-22") == "2025-02-22"


def test_theme_time_with_the_modified_clock_under_another_offset_is_not_the_publication():
    # the head writes the modified wall-clock time with +00:00, the theme with the site's offset
    head = ('<meta property="article:published_time" content="2020-03-10T15:30:00+00:00">'
            '<meta property="article:modified_time" content="2025-02-12T13:28:34+00:00">')
    body = ('<article><h1>City council approves the new budget</h1><time class="entry-date published '
            'updated" datetime="2025-02-12T13:28:34+05:30">12th February 2025</time>'
            '<p>Text of the story.</p></article>')
    assert _published(head, body, "12th February 2025") == "2020-03-10T15:30:00+00:00"


def test_a_month_guessed_as_its_first_day_is_no_date():
    # an undated article whose only date is an upload folder's month: htmldate gave 1 November,
    # a day the page never printed (rule dates-no-new-year: a bare year or month is no day)
    html = ("<html lang='en'><head><title>Smoke alert for three counties | Summit Wire</title>"
            "<meta property='og:type' content='article'></head><body>"
            "<main><h1>Smoke alert for three counties</h1><p class='meta'>By Kelsey Morgan · 5 hours ago</p>"
            "<p>State health officials issued an air quality alert on Sunday for three counties as smoke "
            "drifted east.</p><img src='/wp-content/uploads/2025/11/smoke.jpg' alt='Smoke'>"
            "<p>The alert is in effect through Tuesday, and schools will hold recess indoors, officials "
            "said.</p></main></body></html>")
    url = "https://www.summitwire.example/local/smoke-alert/"
    assert extract_article(url, html).published is None
    with disabled("dates-no-new-year"):
        assert extract_article(url, html).published == "2025-11-01"
    # a first of the month that the address prints in full is a day of its own (it went too)
    assert extract_article("https://www.summitwire.example/2025/11/01/smoke-alert/", html).published \
        == "2025-11-01"
