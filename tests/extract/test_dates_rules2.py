"""More date rules on synthetic pages: update labels, publication after modification, JSON-LD in a
meta tag, a dateline above the headline, labels glued to the printed date."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from newscrawl.extract import extract_article
from newscrawl.extract.dateline import page_language, parse_dateline
from newscrawl.extract.document import parse_html
from newscrawl.extract.metadata import read_metadata
from newscrawl.extract.rules import disabled

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


def test_without_the_clock_rule_no_time_of_day_is_kept():
    # the rule's off switch dropped the hour and minute but kept the seconds: 00:00:15
    with disabled("dateline-clock"):
        assert parse_dateline("2026-12-02 09:30:15", LATEST) == datetime(2026, 12, 2)
        assert parse_dateline("2026-12-02 00:00:15", LATEST) == datetime(2026, 12, 2)


def test_clock_with_seconds_or_written_in_kanji_is_read():
    assert parse_dateline("2026-12-02 09:30:15", LATEST) == datetime(2026, 12, 2, 9, 30, 15)  # seconds kept
    with page_language("ja"):
        assert parse_dateline("2026年12月3日 14時05分", LATEST) == datetime(2026, 12, 3, 14, 5)
    assert parse_dateline("17.04.2024, 12:24Lesezeit: 5 Min.", LATEST) == datetime(2024, 4, 17, 12, 24)


def test_a_month_named_in_the_pages_language_is_read():
    # htmldate's patterns know no Spanish or Russian month names; dateparser reads the page's own
    header = "<h1>El Ayuntamiento aprueba el nuevo carril bici</h1><div class='meta'>{}</div>"
    for lang, line, day in (("es", "Publicado el 1 de diciembre de 2026 - 19:20 CET",
                             datetime(2026, 12, 1, 19, 20, tzinfo=timezone(timedelta(hours=1)))),
                            ("ru", "Опубликовано 3 декабря 2026, 14:05", datetime(2026, 12, 3, 14, 5)),
                            ("zh-CN", "发布时间：2026年12月3日 14:05", datetime(2026, 12, 3, 14, 5))):
        item = _article("", f"<main>{header.format(line)}<article>{STORY * 3}</article></main>", lang=lang)
        assert item.published == day.isoformat(), (lang, item.published)
        with disabled("dateline-page-language"):
            assert _article("", f"<main>{header.format(line)}<article>{STORY * 3}</article></main>",
                            lang=lang).published != day.isoformat()


def test_a_date_labelled_as_an_update_gives_way_to_the_publication_date_beside_it():
    for dates in ("<span>Aktualisiert am 04.12.2026, 09:30 Uhr</span> | <span>Erstellt am 01.12.2026, 16:45 Uhr</span>",
                  "<div>Updated Dec 4, 2026 9:10 a.m. ET<br>Published Dec 3, 2026 2:05 p.m. ET</div>"):
        body = f"<main><h1>Parking fees rise in the city centre</h1><p class='date'>{dates}</p><article>{STORY * 3}</article></main>"
        item = _article("", body, lang="de")
        assert item.published[:10] in ("2026-12-01", "2026-12-03"), item.published
        with disabled("dateline-not-updated"):
            assert _article("", body, lang="de").published[:10] == "2026-12-04"
    # an update labelled after the publication date changes nothing
    body = f"<main><h1>Parking fees rise</h1><p>Published 3 March 2025 | Updated 4 March 2025</p><article>{STORY * 3}</article></main>"
    assert _article("", body).published.startswith("2025-03-03")



def test_an_ambiguous_numeric_date_is_read_in_the_pages_locale_order():
    body = ("<main><h1>Lead pipes to be replaced by 2030</h1><p class='date'>03/04/2026 06:45 PM</p>"
            f"<article>{STORY * 3}</article></main>")
    assert _article("", body, lang="en-US").published == "2026-03-04T18:45:00"
    assert _article("", body, lang="en-GB").published == "2026-04-03T18:45:00"
    with disabled("dateline-locale-order"):
        assert _article("", body, lang="en-US").published == "2026-04-03T18:45:00"
    # a date no order can misread stays as printed
    late = body.replace("03/04/2026", "03/24/2026")
    assert _article("", late, lang="en-US").published == "2026-03-24T18:45:00"


def test_a_zone_printed_after_the_time_gives_its_offset():
    assert parse_dateline("3 December 2026 • 14:05 GMT", LATEST).isoformat() == "2026-12-03T14:05:00+00:00"
    assert parse_dateline("Dec 3, 2026 2:05 p.m. ET", LATEST).isoformat() == "2026-12-03T14:05:00-05:00"
    assert parse_dateline("Jul 3, 2026 2:05 p.m. ET", LATEST).isoformat() == "2026-07-03T14:05:00-04:00"
    with page_language("id"):
        assert parse_dateline("Kamis, 03 Des 2026 14:05 WIB", LATEST).isoformat() == "2026-12-03T14:05:00+07:00"
    # a word after the time that names no zone ("Uhr"), or a name that names several (IST)
    assert parse_dateline("03.12.2026, 14:05 Uhr", LATEST).tzinfo is None
    assert parse_dateline("3 December 2026 14:05 IST", LATEST).tzinfo is None
    with disabled("dateline-zone"):
        assert parse_dateline("3 December 2026 • 14:05 CET", LATEST).tzinfo is None
    body = ("<main><h1>Rail fares to rise in March</h1><p class='date'>3 December 2026 • 14:05 CET</p>"
            f"<article>{STORY * 3}</article></main>")
    assert _article("", body, lang="en-GB").published == "2026-12-03T14:05:00+01:00"


def test_a_zone_written_as_an_offset_after_the_time_leaves_the_date_readable():
    # htmldate's patterns took "GMT+" for a currency code and read no date in the line
    assert parse_dateline("January 26, 2024 6:00 am (GMT-7)", LATEST).isoformat() == "2024-01-26T06:00:00-07:00"
    assert parse_dateline("06/01/2026 - 14:16 UTC+1", LATEST).isoformat() == "2026-01-06T14:16:00+01:00"
    with page_language("vi"):
        assert parse_dateline("Thứ ba, 5/3/2024, 09:30 (GMT+7)", LATEST).isoformat() == "2024-03-05T09:30:00+07:00"
    with disabled("dateline-zone"):
        assert parse_dateline("January 26, 2024 6:00 am (GMT-7)", LATEST) is None


def test_what_a_second_stranger_found_in_the_dateline_rules():
    # a Korean name holding the word for "modified" (이수정) labels no update
    body = ("<main><h1>부산 해운대 빛축제 개막</h1><p>이수정 기자 2026.12.03 14:05</p>"
            f"<p>행사 사진 2025.10.04</p><article>{STORY * 3}</article></main>")
    assert _article("", body, lang="ko").published == "2026-12-03T14:05:00"
    # a caption under an update's line is a sentence, not the publication's date line
    body = ("<main><h1>Fire service names cause of blaze</h1><p>Updated March 4, 2026 at 10:12 a.m.</p>"
            f"<p>Firefighters at the warehouse on March 1, 2026.</p><article>{STORY * 3}</article></main>")
    assert _article("", body).published.startswith("2026-03-04")
    # a sentence of the text that mentions a date is no date line, in any language
    body = ("<main><h1>Vuelve el festival de jazz</h1><p>La última edición fue el 12 de marzo de 2026.</p>"
            f"<article>{STORY * 3}</article></main>")
    assert not (_article("", body, lang="es").published or "").startswith("2026-03-12")
    # the half of the day printed before the time; the clock nearest the date
    with page_language("ja"):
        assert parse_dateline("2026年12月3日 午後2時05分", LATEST) == datetime(2026, 12, 3, 14, 5)
    with page_language("es"):
        assert parse_dateline("Actualizado hoy 10:30 | Publicado: 2 de diciembre de 2026, 18:05",
                              LATEST) == datetime(2026, 12, 2, 18, 5)


def test_a_recent_posts_widget_above_the_headline_dates_other_pages_not_the_article():
    """A WordPress "Recent Posts" widget in a sidebar printed before the article: its nearest
    teaser's date became the undated article's dateline (a stranger's page). Below the headline
    such blocks were skipped already; above it they are too."""
    widget = ("<aside class='widget-area'><section id='recent-posts-2' class='widget widget_recent_entries'>"
              "<h2>Recent Posts</h2><ul><li><a href='/council-budget/'>Council sets its budget</a>"
              "<span class='post-date'>January 5, 2024</span></li><li><a href='/ferry-strike/'>Ferry strike "
              "ends</a><span class='post-date'>February 7, 2024</span></li></ul></section></aside>")
    article = f"<main><article><h1>Harbour lights return for winter</h1>{STORY * 4}</article></main>"
    for body in (widget + article, article + widget):
        undated = _article("", body)
        assert undated.published is None and undated.dateline is None, body[:60]
    with disabled("dates-not-other-pages"):
        assert _article("", widget + article).dateline == "February 7, 2024"
    # the article's own date printed above its headline still counts
    kicker = widget + article.replace("<h1>", "<p>March 3, 2024</p><h1>")
    assert _article("", kicker).published == "2024-03-03"


def test_dates_printed_in_comments_or_teasers_are_theirs_not_the_articles():
    """An undated article under which readers' comments print their dates (a stranger's page)
    has no date; a printed dateline in the article still wins over the comments'."""
    comments = "".join(f"<div class='comment'><b>reader{n}</b> <span class='date'>January {n}, 2025</span>"
                       f"<p>Shame about the library, comment {n}.</p></div>" for n in range(1, 4))
    body = (f"<article><h1>Library to close for refurbishment</h1><p class='byline'>By Dana White</p>"
            f"{STORY * 4}</article><section class='comments'><h3>Comments</h3>{comments}</section>")
    undated = _article("", body)
    assert undated.published is None and undated.dateline is None
    with disabled("dates-not-other-pages"):
        assert _article("", body).dateline == "January 1, 2025"
    dated = _article("", body.replace("By Dana White</p>", "By Dana White</p><p>March 3, 2024</p>"))
    assert dated.published == "2024-03-03" and dated.dateline == "March 3, 2024"
    teasers = body.replace("class='comments'", "class='related-posts'").replace("class='comment'", "class='post'")
    assert _article("", teasers).dateline is None
    # an author box or card prints the article's own byline and date
    boxed = body.replace("<p class='byline'>By Dana White</p>",
                         "<div class='author-box'><p>By Dana White</p><p>March 3, 2024</p></div>")
    assert _article("", boxed).dateline == "March 3, 2024"
    # a meta line classed for its comment count is one line, not comments
    counted = body.replace("<p class='byline'>By Dana White</p>",
                           "<p class='byline'>By Dana White</p><div class='post-comments'>March 3, 2024 | "
                           "<a href='#comments'>33 Comments</a></div>")
    assert _article("", counted).published == "2024-03-03"


def test_htmldate_reads_the_page_without_other_pages_blocks_and_the_page_is_left_whole():
    from lxml import etree

    from newscrawl.extract.published import _htmldate

    html = ("<html><body><main><article><h1>Harbour lights return</h1>" + STORY * 3 + "</article></main>"
            "<section class='related-posts'><div class='post'><a href='/a'>Ferry strike ends</a>"
            "<span class='post-date'>February 7, 2024</span></div></section>"
            "<div class='site-info'>tail text</div></body></html>")
    tree = parse_html(html)
    before = etree.tostring(tree)
    assert _htmldate(tree, "https://news.example/story") == []  # the teaser's date is not read
    assert etree.tostring(tree) == before  # the block is back where it was, with what follows
    with disabled("dates-not-other-pages"):
        assert [c.value.date().isoformat() for c in _htmldate(tree, "https://news.example/story")] == ["2024-02-07"]


def test_a_credits_cut_is_not_remembered_across_its_rule_switched_off_and_on():
    # the credit after a date was cut inside a cached function that asked its rule there: the
    # first answer for a line stood for the process, rule on or off
    line = "Publicado el 1 de diciembre de 2025 por María José González Pérez de la Redacción"
    with page_language("es"):
        with disabled("dateline-without-credit"):
            assert parse_dateline(line, LATEST) is None
        assert parse_dateline(line, LATEST) == datetime(2025, 12, 1)
        with disabled("dateline-without-credit"):
            assert parse_dateline(line, LATEST) is None


def test_a_paragraph_telling_of_a_date_and_ending_in_a_small_number_is_no_dateline():
    # its last full stop, after "12", was read as a German ordinal's dot: the sentence read as no
    # prose, and its date as the page's dateline
    paragraph = ("<p>Officials said on March 5, 2024 that the number of people killed in the storm "
                 "had risen to 12.</p>")
    item = _article("<title>Storm toll rises</title>",
                    "<article><h1>Storm toll rises</h1>" + paragraph + STORY * 5 + "</article>")
    assert item.published is None
