"""The record's shape (issue 15, item 5): `published` keeps the page's seconds and offset, a page
that dates no article gets no date, `dateline` is the date line alone, each `noise` string one
printed item."""

from __future__ import annotations

from pathlib import Path

from newscrawl.extract import extract_article

REPO = Path(__file__).resolve().parents[2]
TEXT = "<p>" + "The board met on Wednesday and agreed the plan after a long debate. " * 8 + "</p>"


def _page(head: str, body: str) -> str:
    return f"<html lang='en'><head><title>Plan agreed</title>{head}</head><body>{body}</body></html>"


def test_published_keeps_the_seconds_and_offset_of_the_source_that_gives_them() -> None:
    # JSON-LD has the local time with its offset; one meta tag writes the same wall clock as UTC,
    # another without any offset: the wall clocks agree, and only JSON-LD tells the moment
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Plan agreed", '
            '"datePublished": "2025-01-29T18:10:07.780602-0500"}</script>'
            '<meta property="article:published_time" content="2025-01-29T18:10:00Z">'
            '<meta name="sailthru.date" content="2025-01-29 18:10">')
    article = extract_article("https://example.com/plan", _page(head, f"<article><h1>Plan agreed</h1>{TEXT}</article>"))
    assert article.published == "2025-01-29T18:10:07-05:00"


def test_a_time_without_offset_stays_as_the_page_gives_it() -> None:
    head = '<meta property="article:published_time" content="2025-01-29T18:10:07">'
    article = extract_article("https://example.com/plan", _page(head, f"<article><h1>Plan agreed</h1>{TEXT}</article>"))
    assert article.published == "2025-01-29T18:10:07"


def test_a_top_bar_date_above_the_headline_is_no_publication_date() -> None:
    # (a date one or two lines above the headline is a kicker's: the top bar sits above the menu)
    body = ("<div class='top-bar'><div>Friday, April 26, 2024</div></div><nav><ul><li>Home</li><li>World</li>"
            f"<li>Business</li><li>Sport</li></ul></nav><h1>About us</h1>{TEXT}")
    assert extract_article("https://example.com/about/", _page("", body)).published is None


def test_a_date_printed_below_the_headline_is_still_found() -> None:
    body = ("<div class='top-bar'><div>Friday, April 26, 2024</div></div>"
            f"<h1>Plan agreed</h1>{TEXT}<p>Filed on March 3, 2024 by the desk.</p>")
    article = extract_article("https://example.com/plan", _page("", body))
    assert (article.published or "").startswith("2024-03-03")


def test_the_demo_sites_about_page_has_no_date_and_its_articles_keep_theirs() -> None:
    about = (REPO / "fixtures" / "demo" / "about" / "index.html").read_text("utf-8")
    assert extract_article("https://demo.example/about/", about).published is None
    path = REPO / "fixtures" / "demo" / "2023" / "03" / "09" / "ferry-operator-adds-third-vessel" / "index.html"
    story = extract_article("https://demo.example/2023/03/09/ferry-operator-adds-third-vessel/", path.read_text("utf-8"))
    assert story.published == "2023-03-09T11:10:00-05:00"
