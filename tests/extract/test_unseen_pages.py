"""Pages of kinds nothing was tuned on, written by a tester trying newscrawl as a stranger
(fixtures/unseen/): each failed in the way its test names before its rule. The data sets
hold no page where these rules change a check-half score (benchmarks/quality/ablation.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscrawl.extract import extract_article, extract_page
from newscrawl.extract.rules import disabled

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "unseen"
COURIER = "https://www.northerncourier.co.uk/news/local/council-approves-flood-defence-scheme-river-ouse/"


def _page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def test_a_sidebars_dated_teasers_do_not_date_the_article():
    # "Recent Posts" prints <time class="wp-block-latest-posts__post-date"> of other stories
    html = _page("02-news-dateline-only.html")
    article = extract_article(COURIER, html)
    assert article.published.startswith("2025-03-03T14:05")
    assert article.dateline == "Published 3 March 2025, 14:05 GMT"
    with disabled("dates-not-other-pages"):
        assert not extract_article(COURIER, html).published.startswith("2025-03-03")


def test_a_line_break_separates_words():
    url = "https://forum.homefix.co.uk/threads/boiler-pressure-keeps-dropping-overnight-any-ideas.661872/"
    html = _page("14-forum-thread.html")
    body = extract_page(url, html, non_article_body="full").article.body
    assert "as far as I can see. Had it serviced" in body
    with disabled("line-breaks-separate"):
        assert "as far as I can see.Had it serviced" in extract_page(url, html, non_article_body="full").article.body


@pytest.mark.parametrize(("name", "url", "rules"), [
    # a soft 404 (WordPress's body class "error404", served with 200) at a dated story URL
    ("18-soft404.html", "https://www.northerncourier.co.uk/news/local/2025/03/council-flood-scheme-approved/",
     ("error-pages",)),
    # a custom CMS's soft 404: no error class, "Page not found | Site" as its title, and a
    # "Trending now" block of other stories, whose dates are theirs: undated, the page reads as
    # no article on that alone too
    ("27-soft404-title.html", "https://northfielddailystar.example/news/2024/05/10/council-approves-new-parking-rules/",
     ("error-pages", "dates-not-other-pages")),
])
def test_a_page_that_names_itself_an_error_page_is_no_article(name, url, rules):
    html = _page(name)
    assert not extract_page(url, html).is_article
    with disabled("dates-not-other-pages"):  # the error page alone says no
        page = extract_page(url, html)
        assert not page.is_article and page.signals[-1] == "error page"
    with disabled(*rules):
        assert extract_page(url, html).is_article


def test_an_article_about_404_errors_is_an_article():
    # a second stranger's pages: a title that begins with "Error 404" beside an article's words
    # (and JSON-LD), and a soft 404 whose only sign is its h1
    prose = "".join(f"<p>One in five links in news articles from 2013 points nowhere now, study {i} "
                    "of dead links found, and archives are racing to save what is left of them.</p>"
                    for i in range(6))
    jsonld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Error 404 – The web '
              'is forgetting itself"}</script>')
    for head in (f"<title>Error 404 – The web is forgetting itself | Tech Weekly</title>{jsonld}",
                 "<title>Error 404 – The web is forgetting itself, and what archives do</title>"):
        html = (f"<html><head>{head}</head><body><article><h1>Error 404 – The web is forgetting itself</h1>"
                f"{prose}</article></body></html>")
        page = extract_page("https://techweekly.example/2024/05/20/error-404-the-web-is-forgetting-itself/", html)
        assert page.is_article and page.signals[-1] != "error page"
    html = (f"<html><head><title>Riverside Gazette</title></head><body><h1>404 - Page not found</h1>{prose}"
            "</body></html>")
    page = extract_page("https://riverside.example/news/2024/05/13/recycling-centre-hours-cut/", html)
    assert not page.is_article and page.signals[-1] == "error page"


def test_a_consent_wall_at_a_story_url_is_no_article():
    # a full-page consent dialog (role=dialog, aria-modal) served instead of the story
    url = "https://islandpost.example/news/2024/05/09/ferry-service-suspended-after-engine-fire/"
    html = _page("26-consent-wall.html")
    page = extract_page(url, html)
    assert not page.is_article and not page.article.body
    with disabled("modal-dialogs"):
        walled = extract_page(url, html)
        assert walled.is_article and walled.article.body.startswith("Island Post and our 842 partners")


def test_an_amp_ad_slots_placeholder_is_not_body_text():
    url = "https://www.surdaily.com/amp/news/heatwave-38c-seville-weekend"
    article = extract_article(url, _page("25-amp.html"))
    assert article.body.startswith("Spain's state weather agency, Aemet, has issued an orange warning")
    assert "Advertisement" not in article.body


@pytest.mark.parametrize(("name", "url", "headline"), [
    ("28-chinese-news.html", "http://news.renmin-daily.cn/n1/2026/1203/c1001-40123456.html",
     "北京今冬首场降雪 多条高速路段临时封闭"),
    ("29-japanese-news.html", "https://www.toto-shimbun.jp/articles/ASV1234ABCD1UTIL00A.html",
     "東京・渋谷で再開発ビル完成 来春に商業施設開業へ"),
    ("30-korean-news.html", "https://www.busanmaeil.kr/news/view.php?no=20261201102000",
     "부산 해운대 해수욕장, 겨울 빛축제 개막…내년 1월까지"),
])
def test_chinese_japanese_and_korean_articles_are_articles(name, url, headline):
    # a paragraph of 60 Chinese characters says what 180 Latin letters say: measured by its
    # characters alone, no paragraph of these pages read as prose and the crawl dropped them
    html = _page(name)
    page = extract_page(url, html)
    assert page.is_article
    assert page.article.headline == headline
    assert page.features["long_paragraphs"] > 0
    with disabled("wide-scripts"):
        measured_by_characters = extract_page(url, html)
    assert measured_by_characters.features["long_paragraphs"] == 0
    if name.startswith("28-"):  # the Chinese page was lost; the others kept it by their dates
        assert not measured_by_characters.is_article


GAZETTE = "https://gazette.example/news/ferry-terminal/"


def test_the_site_headers_date_is_not_the_articles():
    # the site's <header> prints a top bar's date: it was taken for the dateline, and as a date
    # the page printed it outranked the metadata's
    html = _page("31-topbar-over-metadata.html")
    article = extract_article(GAZETTE, html)
    assert article.published.startswith("2025-03-03T09:15")
    assert "2024" not in (article.dateline or "") and "2026" not in (article.dateline or "")
    # its top bar's date is widget noise too (a date in a top bar): each rule alone keeps it out
    assert article.noise == ["Friday, April 26, 2024"]
    for alone in ("dateline-not-site-frame", "widget-noise"):
        with disabled(*({"dateline-not-site-frame", "widget-noise"} - {alone})):
            assert extract_article(GAZETTE, html).published.startswith("2025-03-03T09:15"), alone
    with disabled("dateline-not-site-frame", "widget-noise"):
        assert not extract_article(GAZETTE, html).published.startswith("2025-03-03")


def test_an_ap_style_byline_line():
    # "Written by Carlos Mendes | Sept. 9, 2025 5:30 p.m. ET": "Sept" was an author; a share
    # line and the site's copyright closed the body, under the author's bio
    url = "https://valleytimes.example/local/city-tree-plan-20000-trees"
    html = _page("33-ap-style-byline-line.html")
    article = extract_article(url, html)
    assert article.authors == ["Carlos Mendes"]
    assert "Share this article" not in article.body and "All rights reserved" not in article.body
    assert article.body.endswith("died within two years.")
    with disabled("trailing-copyright"):
        assert extract_article(url, html).body.endswith("rewritten or redistributed.")


@pytest.mark.parametrize(("header", "dated"), [
    # the site's menu starts the article's header: a top bar's date above it is the site's
    ("<div class='top-bar'>Friday, April 26, 2024</div><nav><a href='/'>Home</a></nav>", False),
    ("<header><div class='top-bar'>Friday, April 26, 2024</div></header>", False),
    # a kicker's date printed between the menu and the headline, in the same wrapper, is the article's
    ("<div class='wrap'><nav><a href='/'>Home</a></nav><p class='kicker'>March 3, 2025</p></div>", True),
])
def test_the_dateline_above_the_headline_stops_at_the_sites_frame(header, dated):
    text = "<p>" + "The council met on Tuesday and agreed the plan after a long and heated debate. " * 4 + "</p>"
    html = f"<html lang='en'><head><title>Plan agreed</title></head><body>{header}<h1>Plan agreed</h1>{text}</body></html>"
    article = extract_article("https://example.com/news/plan-agreed", html)
    assert (article.published or "").startswith("2025-03-03") if dated else article.published is None


def test_an_update_printed_before_the_publication_in_sibling_spans():
    # "<span>Updated Dec 3, 2026, 4:12 p.m.</span> <span>Published Dec 1, 2026, 7:45 a.m.</span>":
    # no separator printed between them, and the page was dated by its update
    url = "https://granitestatecurrent.example/news/manchester/water-main-break-elm-street-basements/"
    article = extract_article(url, _page("34-updated-before-published.html"))
    assert article.published == "2026-12-01T07:45:00"
    assert article.dateline == "Published Dec 1, 2026, 7:45 a.m."


@pytest.mark.parametrize(("line", "day"), [
    ("Updated Dec 3, 2026 Published Dec 1, 2026", "2026-12-01"),
    ("Mis à jour le 3 décembre 2026 Publié le 1 décembre 2026", "2026-12-01"),
    # "Last updated" is one label: the line is the update's, and no other date is printed
    ("Published Dec 1, 2026 Last updated Dec 3, 2026", "2026-12-01"),
])
def test_a_dates_label_begins_an_item_of_the_meta_line(line, day):
    text = "<p>" + "The council met on Tuesday and agreed the plan after a long and heated debate. " * 4 + "</p>"
    html = (f"<html><head><title>Plan agreed</title></head><body><h1>Plan agreed</h1>"
            f"<div class='meta'>{line}</div>{text}</body></html>")
    assert (extract_article("https://example.com/news/plan-agreed", html).published or "").startswith(day)


@pytest.mark.parametrize("sentence", [
    "The developer first presented the plan on March 3, 2019, and has revised it four times since then.",
    "Acme Corp today announced financial results for the third quarter ended September 30, 2025.",
    # a dash in the sentence is no dateline's: the words before it are the sentence's
    "The plan — first presented on March 3, 2019 — was revised four times since then in response to objections.",
])
def test_a_date_the_text_tells_of_is_no_publication_date(sentence):
    # a page that prints no date of its own: htmldate's search read one in a sentence, and
    # `-a since=2d` then dropped the article as old
    text = "<p>The city council on Tuesday postponed its vote on the proposed downtown stadium plan.</p>"
    html = (f"<html lang='en'><head><title>Council delays vote</title></head><body><article>"
            f"<h1>Council delays vote</h1><p class='byline'>By Rachel Stone</p>{text}<p>{sentence}</p>"
            f"{text}</article></body></html>")
    url = "https://news.example/news/council-stadium/"
    assert extract_article(url, html).published is None
    with disabled("dates-not-in-prose"):
        assert extract_article(url, html).published is not None


@pytest.mark.parametrize(("name", "authors"), [
    # cards of other stories around the article, each a linked heading with its own "By ..."
    ("35-teaser-cards-bylines.html", ["Karen Holt"]),
    # a "trending" block above the headline; the article prints no byline
    ("36-trending-byline-above.html", []),
    # an endless page: the next story's <article>, with its byline, follows the article's
    ("37-next-article-below.html", ["Jane Doe"]),
])
def test_other_stories_bylines_are_not_the_articles(name, authors):
    url = "https://news.example/news/story/"
    html = _page(name)
    assert extract_article(url, html).authors == authors
    with disabled("authors-not-teasers"):
        assert extract_article(url, html).authors != authors


def test_an_embedded_posts_date_is_not_the_dateline():
    # a tweet's blockquote, "— Transit Fan (@transitfan) March 4, 2025", was the dateline
    text = "<p>The regional transport authority will extend night bus services to all suburban lines.</p>"
    tweet = ("<blockquote class='twitter-tweet'><p>Great news for night workers! #nightbus</p>&mdash; "
             "Transit Fan (@transitfan) March 4, 2025</blockquote>")
    html = ("<html lang='en'><head><title>Night buses</title></head><body><article><h1>Night buses</h1>"
            f"<p class='byline'>By Jane Doe</p>{text}{tweet}{text}</article></body></html>")
    article = extract_article("https://news.example/news/night-buses/", html)
    assert article.dateline is None and article.published is None
    with disabled("dates-not-other-pages"):
        assert "Transit Fan" in (extract_article("https://news.example/news/night-buses/", html).dateline or "")


@pytest.mark.parametrize(("title", "line", "text", "day"), [
    ("Москва готовится к зиме", "10 ноября 2025",
     "Городские службы Москвы начали подготовку к зимнему сезону. Коммунальщики проверяют отопление.", "2025-11-10"),
    ("東京で記録的な大雪", "2025年1月15日 午前9時30分",
     "東京都心では15日朝、記録的な大雪となり、首都圏の交通機関に大きな乱れが出ている。", "2025-01-15"),
])
def test_a_page_that_declares_no_language_is_read_in_its_scripts(title, line, text, day):
    # no <html lang>: the date line was not read, and stayed in the body
    html = (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p class='date'>{line}</p>" + f"<p>{text}</p>" * 4 + "</article></body></html>")
    article = extract_article("https://news.example/x/story-1", html)
    assert (article.published or "").startswith(day) and line not in article.body
    assert article.lang is None  # the record's language is the declared one
    with disabled("dates-script-language"):
        assert extract_article("https://news.example/x/story-1", html).published is None


@pytest.mark.parametrize(("lead", "dateline"), [
    ("Washington, March 3, 2025 —", "Washington, March 3, 2025"),
    # capitals: htmldate reads the place as a currency code; the date after the place is read
    ("WASHINGTON, March 3, 2025 —", "March 3, 2025"),
    ("WASHINGTON (AP) — March 3, 2025 —", "March 3, 2025"),
    ("Published: March 3, 2025 at 10:00 a.m.", "Published: March 3, 2025 at 10:00 a.m."),
])
def test_a_paragraph_that_opens_with_its_dateline_dates_the_article(lead, dateline):
    first = f"<p>{lead} The president said on Monday that the plan would go ahead despite objections.</p>"
    text = "<p>Officials said the measure would take effect next year and cost about twelve million dollars.</p>"
    html = ("<html lang='en'><head><title>Plan goes ahead</title></head><body><article><h1>Plan goes ahead</h1>"
            f"{first}{text}{text}</article></body></html>")
    article = extract_article("https://news.example/world/plan-goes-ahead", html)
    assert article.published[:10] == "2025-03-03" and article.dateline == dateline
    assert article.body.startswith(f"{lead} The president said")  # the paragraph stays whole


def test_a_related_card_inside_the_body_does_not_date_the_article():
    # the card's title is a heading inside its link: the card held no block of its own, and its
    # <time> became the dateline and the publication date
    card = ('<aside class="related-card"><span>Related</span><a href="/stories/fines-vote"><h4>Library board '
            'votes to drop late fees</h4></a><time datetime="2024-11-12T19:00:00-06:00">November 12, 2024</time>'
            '</aside>')
    text = "<p>The library's board voted last year to drop fines after a study of blocked accounts in the city.</p>"
    html = ("<html lang='en'><head><title>Library ends fines</title></head><body><article><h1>Library ends "
            f"fines</h1><p>By Lena Halvorsen</p>{text}{card}{text}<p>This story was published on May 20, 2025.</p>"
            "</article></body></html>")
    article = extract_article("https://news.example/stories/library-ends-fines", html)
    assert (article.published or "")[:10] == "2025-05-20" and "2024" not in (article.dateline or "")
    with disabled("dates-not-other-pages"):
        assert extract_article("https://news.example/stories/library-ends-fines", html).published[:10] == "2024-11-12"


def test_a_generic_date_tag_telling_the_update_does_not_date_the_article():
    # meta name=date and the printed "Stand:" <time> tell dateModified; JSON-LD's datePublished is
    # the publication
    ld = ('{"@context":"https://schema.org","@type":"NewsArticle","headline":"Bahn streicht Nachtzug",'
          '"datePublished":"2025-03-12T11:30:00+01:00","dateModified":"2025-03-12T14:05:00+01:00"}')
    text = "<p>Die Deutsche Bahn wird die Nachtzugverbindung zwischen Köln und Wien im Dezember einstellen.</p>"
    html = (f"<html lang='de'><head><title>Bahn streicht Nachtzug</title><meta name='date' "
            f"content='2025-03-12T14:05:00+01:00'><script type='application/ld+json'>{ld}</script></head><body>"
            "<article><h1>Bahn streicht Nachtzug</h1><div class='meta'><time datetime='2025-03-12T14:05:00+01:00'>"
            f"Stand: 12.03.2025, 14:05 Uhr</time></div>{text * 3}</article></body></html>")
    article = extract_article("https://news.example/wirtschaft/bahn-nachtzug-100.html", html)
    assert article.published == "2025-03-12T11:30:00+01:00" and article.modified == "2025-03-12T14:05:00+01:00"
    with disabled("dates-markup-not-modified"):
        assert extract_article("https://news.example/wirtschaft/bahn-nachtzug-100.html",
                               html).published == "2025-03-12T14:05:00+01:00"


def test_a_sign_up_box_in_a_themes_body_container_is_not_the_article():
    # the theme's chrome takes every <form> before its body container is read: the box lost the
    # form that told it, and "Never miss a recipe!" ended the body
    url = "https://hbkitchen.example/crispy-smashed-potatoes-garlic-yogurt/"
    article = extract_article(url, _page("38-recipe-signup-box.html"))
    assert article.extractor.startswith("wordpress/")
    assert article.body.endswith("salt and dill.\n\nCalories: 280kcal Carbohydrates: 36g")
    with disabled("sign-up-forms"):
        assert "Never miss a recipe!" in extract_article(url, _page("38-recipe-signup-box.html")).body


def test_a_fields_label_is_not_an_author():
    # Drupal prints "Release Date" as a field's label beside its value
    url = "https://www.harborcounty.example/news/2025-02-11/county-approves-ferry-terminal-upgrade"
    assert extract_article(url, _page("39-drupal-field-labels.html")).authors == []
    with disabled("authors-interface-words"):
        assert extract_article(url, _page("39-drupal-field-labels.html")).authors == ["Release Date"]


def test_a_meta_line_of_a_sentences_length_keeps_its_labelled_date():
    # the byline, the date and "4 min." run into one line that reads like a sentence: its date
    # was taken for one the text tells of, and the page had no dateline
    meta = ("<div class='meta'><span>Par <a href='/signataires/claire-dubois/'>Claire Dubois</a> (Marseille, "
            "correspondante)</span> <span>Publié le 04 février 2025 à 18h30, modifié le 05 février 2025 à "
            "07h12</span> <span>Temps de Lecture 4 min.</span></div>")
    text = "<p>Dans la cour de l’école élémentaire Bouge, les préfabriqués installés en 2019 sont toujours là.</p>"
    html = ("<html lang='fr'><head><title>Écoles en retard</title></head><body><article><h1>Écoles en retard</h1>"
            f"{meta}{text * 3}</article></body></html>")
    article = extract_article("https://news.example/societe/article/2025/02/04/ecoles_123.html", html)
    assert article.dateline == "Publié le 04 février 2025" and article.published[:10] == "2025-02-04"
    with disabled("dates-not-in-prose"):  # the line read whole, as before the rule
        assert extract_article("https://news.example/societe/article/2025/02/04/ecoles_123.html",
                               html).published[:10] == "2025-02-04"


@pytest.mark.parametrize("sentence", [
    "The report was first published on March 3, 2019 and it said a great deal about the council.",
    "Critics said the rules, published in March 2019, were never enforced by the city council at all.",
    # a label's word that opens a sentence is the text's (a reviewer's page)
    "Rents rose for years. Updated figures from June 1, 2021 show that they fell again in the centre.",
])
def test_a_date_label_in_a_sentence_begins_no_meta_item(sentence):
    from newscrawl.extract.dateline import paragraph_lead

    assert paragraph_lead(sentence) is None


def test_a_registration_wall_is_not_the_article():
    # the wall (its heading, pitch, login form and benefits) held more prose than the story's
    # one teaser paragraph, so it was taken for the story: its box is measured by its own words
    url = "https://www.hbinsider.example/news/lakeshore-health-rural-hospitals-sale"
    article = extract_article(url, _page("40-registration-wall.html"))
    assert article.body.startswith("Lakeshore Health is in advanced talks") and "subscribers only" not in article.body
    # its box is classed "regwall", a chrome word too (4de5bea): either rule keeps the wall out
    for rules in (("sign-up-forms",), ("chrome-classes",)):
        with disabled(*rules):
            assert "subscribers only" not in extract_article(url, _page("40-registration-wall.html")).body
    with disabled("sign-up-forms", "chrome-classes"):
        assert "subscribers only" in extract_article(url, _page("40-registration-wall.html")).body


def test_a_widgets_counts_before_the_text_are_not_the_article():
    # a Medium-like header: the clap and response counts printed between the subtitle and the text
    text = ("<p>Last November I volunteered to port our billing service from a ten-year-old Ruby monolith "
            "to Go, and the pitch was simple.</p>")
    html = ("<html lang='en'><head><title>I Rewrote Our Billing Service</title></head><body><article>"
            "<h1>I Rewrote Our Billing Service</h1><p>Six months, two outages, one rounding error.</p>"
            f"<div><p>2.4K</p></div><div><p>38</p></div>{text}<p>1,204</p>{text}<h2>2019</h2>{text}"
            "</article></body></html>")
    body = extract_article("https://blog.example/billing-rewrite-3f2a", html).body
    assert "2.4K" not in body and "\n\n38\n\n" not in body
    assert "1,204" in body and "2019" in body  # after the text's first sentence: the text's own
    with disabled("header-lines"):
        assert "2.4K" in extract_article("https://blog.example/billing-rewrite-3f2a", html).body


def test_a_page_without_an_h1_prints_its_headline_as_the_h2_its_title_holds():
    # a print view: no h1, "Print: <headline>" as its title; the headline kept the label, and no
    # byline or dateline was found under it
    url = "https://baysidesentinel.example/news/local/harbor-dredging-contract-awarded/article_7f3e2b1a.html?print=1"
    article = extract_article(url, _page("41-print-view-h2.html"))
    assert article.headline == "Harbor dredging contract awarded despite objections"
    assert article.authors == ["Thomas Greer"] and article.published.startswith("2026-01-16T14:41")
    with disabled("headline-metadata-backed"):
        assert extract_article(url, _page("41-print-view-h2.html")).headline.startswith("Print: ")


def test_a_comment_sections_h2_naming_the_story_is_not_its_headline():
    text = "<p>The printer's frame files are published under a new licence that allows changes.</p>"
    html = ("<html lang='en'><head><title>Open-sourcing the CAD files | Maker Blog</title></head><body>"
            f"<div class='post'>{text * 3}</div><h2>15 Replies to “Open-sourcing the CAD files”</h2>"
            "</body></html>")
    assert extract_article("https://blog.example/2025/06/cad-files/", html).headline == "Open-sourcing the CAD files"


def test_microdatas_modification_time_is_the_records_modified():
    times = ('<span><time itemprop="dateModified" datetime="2025-08-21T17:05:00-07:00">Aug. 21, 2025</time> '
             '<time itemprop="datePublished" datetime="2025-08-19T06:30:00-07:00">Aug. 19, 2025</time></span>')
    text = "<p>The county's new transit plan adds three bus lines and later service on weekends for riders.</p>"
    html = ("<html lang='en'><head><title>Transit plan</title></head><body><article itemscope "
            f"itemtype='https://schema.org/NewsArticle'><h1 itemprop='headline'>Transit plan</h1>{times}{text * 3}"
            "</article></body></html>")
    article = extract_article("https://news.example/local/transit-plan", html)
    assert article.published == "2025-08-19T06:30:00-07:00" and article.modified == "2025-08-21T17:05:00-07:00"


def test_a_polish_update_printed_before_the_publication_is_no_dateline():
    meta = ('<div class="date"><span>Aktualizacja:</span> <time datetime="2025-11-18T09:47:13+01:00">18.11.2025, '
            '09:47</time> <span>Opublikowano:</span> <time datetime="2025-11-18T06:00:00+01:00">18.11.2025, 06:00'
            '</time></div>')
    text = "<p>Budowa linii tramwajowej do Mistrzejowic opóźni się o ponad rok, a miasto tłumaczy to wykonawcą.</p>"
    html = ("<html lang='pl'><head><title>Tramwaj do Mistrzejowic</title></head><body><article><h1>Tramwaj do "
            f"Mistrzejowic</h1>{meta}{text * 3}</article></body></html>")
    article = extract_article("https://gazeta.example/krakow/tramwaj-mistrzejowice/ar/c1-123", html)
    assert article.dateline == "18.11.2025, 06:00" and article.published == "2025-11-18T06:00:00+01:00"


def test_a_live_blogs_newest_update_keeps_its_title():
    # the "Key events" list above the updates names the newest one's title: that copy was found
    # first, and the title was cut as a line of the header
    url = "https://www.northernpost.example/news/live/2025/dec/06/storm-darragh-live-updates"
    body = extract_article(url, _page("42-live-blog-key-events.html")).body
    assert body.startswith("Trains cancelled across south Wales\n\nTransport for Wales has cancelled")
    assert "Power cuts hit 80,000 homes" in body and "Key events" not in body


def test_a_period_printed_under_the_headline_does_not_date_the_page():
    # an obituary's life dates: the day of death became the dateline and the publication date
    text = "<p>Eleanor Marsh, 87, of Springfield, passed away peacefully at home, surrounded by her family.</p>"
    html = ("<html lang='en'><head><title>Eleanor Marsh</title></head><body><div class='ObitHeader'><h1>Eleanor "
            "Marsh</h1><p class='ObitDates'>March 14, 1938 - October 30, 2025</p></div>"
            f"<div class='ObitText'>{text * 3}</div></body></html>")
    article = extract_article("https://obits.example/obituaries/eleanor-marsh", html)
    assert article.dateline is None and article.published is None
    with disabled("dates-not-in-prose"):
        assert extract_article("https://obits.example/obituaries/eleanor-marsh", html).published is not None


@pytest.mark.parametrize(("line", "period"), [
    ("March 14, 1938 – October 30, 2025", True), ("03/14/2025 - 03/15/2025", True),
    ("March 3, 2025 - 10:00 am", False), ("Published March 3, 2025 - Updated March 4, 2025", False),
    ("2024 - 2025", False), ("Mar 3, 2025 — 4 min read", False),
])
def test_a_period_is_two_dates_and_a_dash(line, period):
    from datetime import datetime

    from newscrawl.extract.dateline import is_period

    assert is_period(line, datetime(2026, 12, 9)) is period


def test_a_brief_beside_a_login_form_keeps_its_text():
    # a reviewer's page: the login form's box took the brief's whole container as a wall's; a
    # page that does not declare itself gated has no wall, and its form is a field of the page
    url = "https://www.example.com/news/ferry"
    body = extract_article(url, _page("43-brief-with-login-form.html")).body
    assert body.startswith("Ferry service between the harbor") and body.endswith("until the end of the month.")


def test_an_agency_after_a_writers_name_is_the_writers_employer():
    # a TownNews site's AP story: the JSON-LD's second author is "KEVIN FREKING Associated Press",
    # read as the agency and dropped, so the story lost its second writer
    url = "https://www.tricountyherald.com/news/nation/senate-passes-stopgap-bill/article_4f2b9a3c.html"
    assert extract_article(url, _page("44-ap-wire-agency-after-name.html")).authors == ["LISA MASCARO", "KEVIN FREKING"]


@pytest.mark.parametrize(("credit", "names"), [
    ("By LISA MASCARO and KEVIN FREKING Associated Press", ["LISA MASCARO", "KEVIN FREKING"]),
    ("Jane Doe Reuters", ["Jane Doe"]), ("Jane Doe, Reuters", ["Jane Doe"]),
    ("The Associated Press", ["The Associated Press"]), ("Reuters", ["Reuters"]),
])
def test_an_agency_is_no_part_of_a_persons_name(credit, names):
    from newscrawl.extract.authors import clean_names

    assert clean_names([credit]) == names


def test_a_themes_date_markup_in_a_related_card_is_that_storys_date():
    # a block theme prints the post's own date without the classes the WordPress profile looks
    # for; the first match was a related story's card ("April 28, 2026") below the article
    url = "https://highdesertledger.org/2026/05/19/rural-hospitals-eastern-oregon-medicaid-cuts/"
    html = _page("45-related-card-theme-date.html")
    assert extract_article(url, html).dateline == "May 19, 2026"
    with disabled("dates-not-other-pages"):
        assert extract_article(url, html).dateline == "April 28, 2026"


def test_the_seconds_a_dateline_prints_are_kept():
    # a Xinhua page prints "2026 04/18 10:21:33" under its headline and has no date in its
    # metadata: the record said 10:21:00
    html = ("<html><head><title>风电项目并网发电</title></head><body><h1>我国首个深远海漂浮式风电项目全容量并网发电</h1>"
            "<div class='header-time'><span class='year'><em> 2026</em></span> <span class='day'><em> 04</em>/"
            "<em>18</em></span> <span class='time'> 10:21:33</span></div><div class='source'>来源：新华网</div>"
            f"<div id='detail'>{'<p>' + '记者从中国海油获悉，我国首个深远海漂浮式风电项目实现全容量并网发电。' * 4 + '</p>'}</div>"
            "</body></html>")
    article = extract_article("http://www.news.cn/tech/20260418/c2a9f3e1d0f8/c.html", html)
    assert article.published == "2026-04-18T10:21:33"


@pytest.mark.parametrize(("page", "url", "kind"), [
    ("46-event-page.html", "https://www.lynchburgparks.org/events/harvest-moon-jazz-night-2026/", "event"),
    ("47-job-posting.html", "https://careers.courantregister.com/jobs/metro-reporter-2026-0412", "jobposting"),
])
def test_an_events_or_a_job_openings_page_is_no_article(page, url, kind):
    # a parks department's event and a newspaper's job opening read like articles (prose, a
    # date, a site-wide og:type article) and were emitted; their JSON-LD says what they are
    html = _page(page)
    found = extract_page(url, html)
    assert not found.is_article and f"declares {kind}" in found.signals
    with disabled("declared-other-kinds"):
        assert extract_page(url, html).is_article


def test_an_article_about_an_event_is_still_an_article():
    from newscrawl.extract.document import parse_html
    from newscrawl.extract.features import declares_other_kind
    from newscrawl.extract.metadata import read_metadata

    ld = ('{"@context":"https://schema.org","@graph":[{"@type":"NewsArticle","headline":"Jazz night returns",'
          '"about":{"@type":"MusicEvent","name":"Harvest Moon Jazz Night"}}]}')
    tree = parse_html(f"<html><head><script type='application/ld+json'>{ld}</script></head><body><p>x</p></body></html>")
    assert declares_other_kind(read_metadata(tree, "https://news.example/jazz"), "Jazz night returns") is None


def test_a_story_beside_an_events_widget_is_still_an_article():
    # a local paper's story (og:type article, no JSON-LD article) beside an "upcoming events"
    # widget that writes its events' JSON-LD: the events are not what the page is about
    event = ('{"@context":"https://schema.org","@type":"Event","name":"Harvest Moon Jazz Night",'
             '"startDate":"2026-09-26T18:30:00-04:00"}')
    prose = "<p>" + "The council voted on Tuesday to expand the program after months of debate. " * 4 + "</p>"
    html = ("<html lang='en'><head><title>Council expands program | Daily Star</title>"
            "<meta property='og:type' content='article'>"
            "<meta property='article:published_time' content='2026-05-19T10:00:00Z'>"
            f"<script type='application/ld+json'>{event}</script></head><body><article>"
            f"<h1>Council expands program</h1><p class='byline'>By Jane Doe</p>{prose * 6}</article>"
            "<aside><h2>Upcoming events</h2><a href='/events/jazz'>Harvest Moon Jazz Night</a></aside>"
            "</body></html>")
    found = extract_page("https://news.example.com/2026/05/19/council-expands", html)
    assert found.is_article, found.signals


def test_a_category_heading_beside_the_date_makes_no_card():
    # a theme prints the post's category as a linked heading in its own meta line, beside the
    # date: that block was taken for another story's card, and the dateline became a sentence
    prose = "<p>" + "The council voted on Tuesday to expand the program after months of debate. " * 4 + "</p>"
    html = ("<html lang='en'><head><title>Council expands program - Valley Ledger</title>"
            "<meta name='generator' content='WordPress 6.5'></head><body class='single single-post'>"
            "<main><article class='post-12 post type-post hentry'><header class='entry-header'>"
            "<div class='entry-meta'><h4 class='cat-links'><a href='https://valleyledger.org/category/news/' "
            "rel='category tag'>News</a></h4><span class='posted-on'><time class='entry-date published' "
            "datetime='2026-05-19T08:00:00-07:00'>May 19, 2026</time></span></div>"
            "<h1 class='entry-title'>Council expands program</h1></header><div class='entry-content'>"
            f"<p>On April 2, 2026, residents first asked the council to act.</p>{prose * 6}</div></article>"
            "</main></body></html>")
    article = extract_article("https://valleyledger.org/2026/05/19/council-expands-program/", html)
    assert article.extractor.startswith("wordpress") and article.dateline == "May 19, 2026"


@pytest.mark.parametrize("line", [
    "<time>03/07/2024 às 18h42</time> · Atualizado 03/07/2024 às 21h10",
    "Atualizado 04/07/2024 às 21h10 · Publicado <time>03/07/2024 às 18h42</time>",
])
def test_a_meta_line_with_two_numeric_dates_dates_the_article(line):
    # a Brazilian paper prints both dates numerically in one line; htmldate reads no date in a
    # text that holds two, and the article went undated, its byline line the body's first
    url = "https://www.jornaldoserrado.com.br/cidades/2024/07/03/chuva-alaga-ruas-do-centro.html"
    html = _page("48-two-numeric-dates.html")
    assert extract_article(url, html).body.startswith("Uma chuva forte")
    printed = "<time>03/07/2024 às 18h42</time> · Atualizado 03/07/2024 às 21h10"
    assert extract_article(url, html.replace(printed, line)).published == "2024-07-03T18:42:00"


@pytest.mark.parametrize(("name", "url", "label"), [
    ("49-spanish-ad-slot.html",
     "https://www.diariodelsur.es/sociedad/2024/10/15/ayuntamiento-amplia-horario-bibliotecas.html", "Publicidad"),
    ("50-polish-ad-slot.html",
     "https://wiadomosci.kurierpomorski.pl/kraj/art12345,nowy-most-w-tczewie-otwarty.html", "REKLAMA"),
])
def test_an_ad_slot_named_in_the_sites_language_is_not_body_text(name, url, label):
    # an English "ad-slot" went; the same placeholder classed in the site's language
    # ("publicidad", "adv") stayed in the middle of the story, on every story of the site
    body = extract_article(url, _page(name)).body
    assert label not in body and len(body) > 400


def test_a_stories_pagination_is_not_body_text():
    # "Halaman 1 dari 1" ("page 1 of 1"): a story's own pager, printed after its last paragraph
    url = "https://www.kabarnusantara.co.id/read/2024/01/09/banjir-rob-genangi-pesisir-semarang"
    body = extract_article(url, _page("51-pagination-line.html")).body
    assert "Halaman" not in body and "Warga diminta mewaspadai rob susulan" in body


def test_switching_the_item_by_item_reading_off_and_on_is_not_remembered():
    # the item-by-item reading asked its rule inside a cached function: the first answer for a
    # line stood for the rest of the process, switched on or off (the ablation measured nothing,
    # and a page read with the rule off first stayed undated with it on)
    url = "https://www.jornaldoserrado.com.br/cidades/2024/07/03/chuva-alaga-ruas-do-centro.html"
    html = _page("48-two-numeric-dates.html").replace("03/07/2024 às 18h42", "02/07/2024 às 18h41")
    with disabled("dateline-not-updated"):
        assert extract_article(url, html).published is None
    assert extract_article(url, html).published == "2024-07-02T18:41:00"
    with disabled("dateline-not-updated"):
        assert extract_article(url, html).published is None


def test_a_paywalls_prompt_is_not_body_text():
    # "Subscribe to continue reading / You've reached your limit of free articles": the wall's
    # box after the free paragraphs, classed "paywall-prompt" (the hidden rest, classed
    # "paywalled", is the article's)
    url = "https://www.capitalstandard.com.au/politics/inside-the-1-4bn-hospital-blowout-20240611-p5jkx2.html"
    body = extract_article(url, _page("52-paywall-prompt.html")).body
    assert "Subscribe" not in body and "reached your limit" not in body
    assert body.endswith('had made the original 2025 opening date "unachievable".')


def test_a_meta_line_of_two_dates_with_day_numbers_in_german_is_no_sentence():
    # "Aktualisiert: 6. März 2024, 08:15 Uhr · Erstmals veröffentlicht: 5. März 2024, 14:30 Uhr":
    # the days' ordinal dots were read as sentence ends, the line as prose and passed over, and
    # the page was dated by the update's day (its first printed date), without a time
    url = "https://www.rheintal-kurier.de/lokales/neustadt/stadtrat-beschliesst-verkehrsversuch-hauptstrasse-autofrei-91234567.html"
    assert extract_article(url, _page("53-german-ordinal-dates.html")).published == "2024-03-05T14:30:00"


def test_commenters_in_a_talkback_block_are_no_authors():
    """Readers' comments are "talkbacks" on Israeli sites: their names, in a span classed
    tbAuthor ("דני, חיפה": Dani, Haifa), were read as the story's writers."""
    url = "https://www.boker-news.example/health/article/flu-er-visits-rise"
    html = _page("54-hebrew-talkbacks.html")
    assert extract_article(url, html).authors == ["איתי כהן"]
