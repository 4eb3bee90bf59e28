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


def test_a_themes_date_element_with_a_hidden_updated_time_gives_the_date_once():
    # WordPress themes print the published and the updated <time> side by side and hide the
    # second with CSS: the line as lxml reads it is "March 4, 2025March 4, 2025"
    meta = ("<div class='entry-meta'><span class='byline'>By <a href='/author/rt/'>Rebecca Thornton</a></span> "
            "<span class='posted-on'><a href='/2025/03/04/water-bill/' rel='bookmark'>"
            "<time class='entry-date published' datetime='2025-03-04T06:12:44+00:00'>March 4, 2025</time>"
            "<time class='updated' datetime='2025-03-04T09:30:01+00:00'>March 4, 2025</time></a></span></div>")
    page = ("<html lang='en'><head><title>Senate passes water bill</title></head><body class='single-post'>"
            "<main><div class='post type-post'><header class='entry-header'><h1 class='entry-title'>"
            f"Senate passes water bill</h1>{meta}</header><div class='entry-content'>{STORY}</div>"
            "</div></main></body></html>")
    item = extract_article("https://ledger.example/2025/03/04/water-bill/", page)
    assert item.extractor == "wordpress/v3"
    assert item.dateline == "March 4, 2025"


def test_a_headline_set_in_an_h3_under_the_sites_h1_anchors_the_date_line_below_it():
    # a Korean news template: the site's name is the h1, the story's title an h3; the date line
    # under the title was never searched, and the top bar's "today" dated the page
    page = ("<html lang='ko'><head><title>서울 지하철 요금 150원 인상 - 한빛일보</title>"
            "<meta property='og:title' content='서울 지하철 요금 150원 인상'></head><body>"
            "<div class='top-bar'>2024년 8월 13일 화요일</div><h1 class='logo'>한빛일보</h1>"
            "<div class='article-head'><h3 class='heading'>서울 지하철 요금 150원 인상</h3>"
            "<ul class='info'><li>김민지 기자</li><li>입력 2024.08.12 14:22</li></ul></div>"
            f"<div class='article-body'>{STORY}</div></body></html>")
    item = extract_article("https://www.hanbit.example/news/articleView.html?idxno=204518", page)
    assert item.published == "2024-08-12T14:22:00"
    assert item.dateline == "입력 2024.08.12 14:22"


def test_an_abbr_marked_as_the_publication_gives_the_time_its_title_holds():
    # Blogger's classic template (hAtom): <abbr class="published" itemprop="datePublished"
    # title="2025-12-19T15:18:00-05:00">December 19, 2025</abbr>; its printed day alone lost the
    # time and the offset
    page = ("<html lang='en'><head><title>Small adventures</title></head><body>"
            "<h1 class='title'>Engora notes</h1><h2 class='date-header'><span>Friday, December 19, 2025</span></h2>"
            "<div class='post'><h3 class='post-title'>Small adventures</h3>"
            "<div class='post-header'>Posted by Mike at <abbr class='published' itemprop='datePublished' "
            "title='2025-12-19T15:18:00-05:00'>December 19, 2025</abbr></div>"
            f"<div class='post-body'>{STORY}</div></div></body></html>")
    assert extract_article("https://blog.engora.example/2025/12/small.html", page).published == "2025-12-19T15:18:00-05:00"


def test_a_top_stories_h3_of_the_same_story_does_not_anchor_before_the_h2_that_prints_it():
    # the h3 anchor (932137f) was looked for with the h1s and h2s in the page's order, not after
    # them: a teaser of this very story in a list above it anchored, and dated the page by its day
    page = ("<html><head><title>Council approves budget | Daily</title>"
            "<meta property='og:title' content='Council approves budget'></head><body>"
            "<header><h1 class='site-logo'><a href='/'>The Daily Gazette</a></h1></header>"
            "<div class='top-stories'><ul><li><h3><a href='/a'>Council approves budget</a></h3>"
            "<span>March 1, 2024</span></li><li><h3><a href='/b'>Storm hits coast</a></h3>"
            "<span>February 28, 2024</span></li></ul></div>"
            f"<main><h2>Council approves budget</h2><p>March 5, 2024</p>{STORY}</main></body></html>")
    item = extract_article("https://x.example/news/council-approves-budget", page)
    assert item.published == "2024-03-05" and item.dateline == "March 5, 2024"
