"""More date rules on synthetic pages: update labels, publication after modification, JSON-LD in a
meta tag, a dateline above the headline, labels glued to the printed date."""

from __future__ import annotations

from datetime import datetime

from newscrawl.extract import extract_article
from newscrawl.extract.dateline import parse_dateline
from newscrawl.extract.document import parse_html
from newscrawl.extract.metadata import read_metadata

LATEST = datetime(2030, 1, 1)
STORY = "<p>The council met on Tuesday evening and approved the plan after a long debate.</p>"


def _article(head: str, body: str, lang: str = "en"):
    html = f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'
    return extract_article("https://news.example/story", html)


def _jsonld(fields: str) -> str:
    return f'<script type="application/ld+json">{{"@type": "Article", "headline": "H", {fields}}}</script>'


def test_publication_later_than_the_last_modification_is_no_publication():
    head = ('<meta name="published-time" content="2024-03-09T08:45:32.183Z">'
            '<meta name="published-date" content="2021-02-16">'
            '<meta name="modified-time" content="2024-01-15T17:15:00Z">')
    item = _article(head, "<article><h1>City council approves the new budget</h1>" + STORY + "</article>")
    assert item.published.startswith("2021-02-16")


def test_publication_before_the_modification_stays():
    head = ('<meta name="published-time" content="2024-03-09T08:45:32Z">'
            '<meta name="modified-time" content="2024-03-10T17:15:00Z">')
    item = _article(head, "<article><h1>City council approves the new budget</h1>" + STORY + "</article>")
    assert item.published.startswith("2024-03-09T08:45")


def test_jsonld_written_into_a_meta_tag_is_read():
    value = ('{&quot;@type&quot;:&quot;Article&quot;,&quot;headline&quot;:&quot;H&quot;,'
             '&quot;datePublished&quot;:&quot;2025-11-17T09:00:00-05:00&quot;}')
    html = f'<html><head><meta name="script:ld+json" content="{value}"></head><body><p>x</p></body></html>'
    meta = read_metadata(parse_html(html))
    assert meta.jsonld_article is not None
    assert meta.jsonld_article["datePublished"] == "2025-11-17T09:00:00-05:00"
    assert "script:ld+json" not in meta.meta
    item = _article(f'<meta name="script:ld+json" content="{value}">',
                    "<article><h1>City council approves the new budget</h1>" + STORY + "</article>")
    assert item.published == "2025-11-17T09:00:00-05:00"


def test_date_above_the_headline_outranks_a_date_down_in_the_text():
    text = "".join(f"<p>Paragraph {n} of the article about the coming year's events.</p>" for n in range(10))
    body = ("<main><div class='header'><div>October 13, 2025</div><h1>Biggest tech events next year</h1></div>"
            f"<article>{text}<h2>1. A trade fair</h2><p>Date: 16-19 March 2026</p>{STORY}</article></main>")
    item = _article("", body)
    assert item.dateline == "October 13, 2025"
    assert item.published.startswith("2025-10-13")


def test_date_right_after_the_headline_still_wins_over_one_above():
    body = ("<main><div>October 13, 2025</div><h1>Biggest tech events next year</h1>"
            f"<div>By Jane Roe, November 2, 2025</div><article>{STORY}</article></main>")
    item = _article("", body)
    assert item.published.startswith("2025-11-02")


def test_clock_time_beside_the_printed_date_is_read():
    assert parse_dateline("Sep 17, 2025 at 6:26 pm", LATEST) == datetime(2025, 9, 17, 18, 26)
