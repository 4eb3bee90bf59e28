"""Rule dates-only-articles: for the crawl (which writes articles only), htmldate's search of
the text runs for a page that may be an article, and not for a page that even a date would
leave almost surely no article. A library caller gets the searched date on every page."""

from __future__ import annotations

import re

from newscrawl.extract import MIN_DATE_SEARCH_SCORE, extract_page
from newscrawl.extract.classify import article_score
from newscrawl.extract.rules import disabled
from tests.extract.test_classify import listing, story

FOOTER = "<footer><p>Page updated 2024-03-12</p></footer></body>"


def _dated_only_in_footer(html: str) -> str:
    """The page with no machine-readable or printed date but a footer's."""
    html = re.sub(r"<time[^>]*>[^<]*</time>", "", html)
    return html.replace("</body>", FOOTER)


def test_an_article_dated_only_in_its_text_gets_the_searched_date():
    page = extract_page("https://bay.example/news/pier/", _dated_only_in_footer(story()))
    assert page.is_article
    assert page.article.published == "2024-03-12"


def test_the_crawl_does_not_search_a_listing_for_a_date():
    html = _dated_only_in_footer(listing())
    page = extract_page("https://bay.example/news/", html, non_article_body="none")
    assert not page.is_article
    assert article_score({**page.features, "rec_published": 1.0}) < MIN_DATE_SEARCH_SCORE
    assert page.article.published is None
    assert page.features["rec_published"] == 0.0
    # the search would have dated it: the rule, not a missing date, is what leaves it empty
    with disabled("dates-only-articles"):
        searched = extract_page("https://bay.example/news/", html, non_article_body="none")
    assert searched.article.published == "2024-03-12"
    assert searched.is_article == page.is_article


def test_a_library_caller_gets_the_searched_date_of_a_listing():
    html = _dated_only_in_footer(listing())
    for mode in ("quick", "full"):
        page = extract_page("https://bay.example/news/", html, non_article_body=mode)
        assert not page.is_article
        assert page.article.published == "2024-03-12"


def test_the_last_modification_still_dates_a_page_left_unsearched():
    html = _dated_only_in_footer(listing()).replace(
        "</head>", '<meta property="article:modified_time" content="2024-02-01T10:00:00+00:00"></head>')
    page = extract_page("https://bay.example/news/", html, non_article_body="none")
    assert page.article.published == "2024-02-01T10:00:00+00:00"
