"""A meta line's date past htmldate's reading length (its first 52 characters) is read, so the
article header's date is found below the headline and a top bar's "today" above it stays out."""

from __future__ import annotations

from datetime import datetime

from newscrawl.extract import extract_article
from newscrawl.extract.dateline import HTMLDATE_READS, parse_dateline

LATEST = datetime(2030, 1, 1)
URL = "https://coastal.example/news/storm-road/"
JSONLD = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
          ' "headline": "Storm closes coastal road for third day",'
          ' "datePublished": "2024-11-02T07:05:00+00:00"}</script>')
STORY = "".join(f"<p>Paragraph {n} of the story: engineers said the coastal road would stay closed "
                "while the sea wall is repaired, and drivers should use the inland route.</p>"
                for n in range(5))


def _page(meta_line: str) -> str:
    return (f"<html lang='en'><head><title>Storm closes coastal road</title>{JSONLD}</head><body>"
            "<div class='top-bar'><span class='today'>Monday, 4 November 2024</span> 9°C Dover</div>"
            "<header><a href='/'><h1 class='site-title'>The Coastal Gazette</h1></a></header>"
            "<div class='post'><h1>Storm closes coastal road for third day</h1>"
            f"{meta_line}<div class='entry-content'>{STORY}</div></div></body></html>")


def test_a_long_meta_line_gives_its_date_and_the_top_bar_stays_out():
    line = "By Tom Baker and Ana Silva | Saturday 2 November 2024 | Updated 12:40"
    assert len(line.split("Saturday")[0]) + len("Saturday 2 November 2024") > HTMLDATE_READS
    assert parse_dateline(line, LATEST).date().isoformat() == "2024-11-02"
    item = extract_article(URL, _page(f"<div class='meta'>{line}</div>"))
    assert item.published == "2024-11-02T07:05:00+00:00"
    assert "2 November 2024" in item.dateline


def test_a_long_line_without_a_date_stays_without_one():
    assert parse_dateline("By Tom Baker and Ana Silva, Senior Reporters of The Coastal Gazette",
                          LATEST) is None
