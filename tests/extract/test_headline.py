"""Headline rules: the printed h1, chosen and cleaned with the page's metadata as evidence."""

from __future__ import annotations

from newscrawl.extract import extract_article
from newscrawl.extract.headline import strip_site_suffix
from newscrawl.extract.rules import disabled


def _page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_printed_h1_beats_metadata_title_with_site_suffix():
    html = _page('<title>Storm hits coast | Daily Example</title>'
                 '<meta property="og:title" content="Storm hits coast | Daily Example">',
                 "<article><h1>Storm hits coast</h1><p>Text.</p></article>")
    assert extract_article("https://daily.example/a", html).headline == "Storm hits coast"


def test_h1_that_metadata_backs_wins_over_other_h1s():
    html = _page('<meta property="og:title" content="Council approves new bridge">',
                 "<header><h1>Daily Example</h1></header>"
                 "<main><h1>Weather</h1><h1>Council approves new bridge</h1></main>")
    assert extract_article("https://daily.example/b", html).headline == "Council approves new bridge"


def test_logo_h1_is_never_the_headline():
    html = _page("<title>Council approves bridge - Daily Example</title>",
                 '<div class="site-logo"><h1>Daily Example</h1></div>'
                 "<article><h2>Council approves bridge</h2><p>Text.</p></article>")
    assert extract_article("https://daily.example/c", html).headline == "Council approves bridge"


def test_kicker_line_is_split_off_when_metadata_names_the_headline():
    html = _page('<meta property="og:title" content="Nordmann dømt til livstid">',
                 '<article><h1><div class="kicker">«Evnukkmakeren»</div>'
                 "<div>Nordmann dømt til livstid</div></h1></article>")
    assert extract_article("https://db.example/d", html).headline == "Nordmann dømt til livstid"


def test_kicker_span_on_the_headlines_line_is_split_off_when_metadata_names_the_headline():
    html = _page('<meta property="og:title" content="Bundestag beschließt Reform der Schuldenbremse">',
                 '<article><h1 class="article-title"><span class="headline-intro">Haushaltsstreit</span> '
                 '<span class="headline">Bundestag beschließt Reform der Schuldenbremse</span></h1></article>')
    assert extract_article("https://nk.example/e", html).headline == "Bundestag beschließt Reform der Schuldenbremse"
    with disabled("headline-parts"):
        assert extract_article("https://nk.example/e", html).headline.startswith("Haushaltsstreit ")
    # words printed between the parts make them one headline
    html = _page('<meta property="og:title" content="Schuldenbremse">',
                 "<article><h1><span>Bundestag</span> beschließt Reform der <span>Schuldenbremse</span>"
                 "</h1></article>")
    assert extract_article("https://nk.example/f", html).headline == "Bundestag beschließt Reform der Schuldenbremse"


def test_printed_headline_kept_when_metadata_disagrees():
    html = _page('<meta property="og:title" content="An SEO title nobody sees">',
                 "<article><h1>The headline as printed</h1><p>Text.</p></article>")
    assert extract_article("https://x.example/e", html).headline == "The headline as printed"


def test_description_in_h1_loses_to_metadata_headline():
    long_h1 = ("Learn which renovations pay off. Get expert tips on how to calculate the return. "
               "We will help you learn everything you need to know about your project. " * 2)
    html = _page('<script type="application/ld+json">{"@type": "Article", '
                 '"headline": "The 10 best renovation projects"}</script>',
                 f"<article><h1>{long_h1}</h1></article>")
    assert extract_article("https://x.example/f", html).headline == "The 10 best renovation projects"


def test_metadata_only_page_strips_the_site_name():
    html = _page('<title>Budget talks stall - Example News</title>'
                 '<meta property="og:site_name" content="Example News">', "<p>No heading here.</p>")
    assert extract_article("https://news.example/g", html).headline == "Budget talks stall"


def test_strip_site_suffix_by_name_and_by_domain():
    assert strip_site_suffix("Gym workouts - Gold's Gym", ["goldsgym.com"]) == "Gym workouts"
    assert strip_site_suffix("Leadfeeder | State of SEO", ["Leadfeeder"]) == "State of SEO"
    # a dash inside the headline is not a site suffix
    assert strip_site_suffix("Die Eisheiligen 2024 - und wie das Wetter wird", ["Ruhr Nachrichten"]) \
        == "Die Eisheiligen 2024 - und wie das Wetter wird"


def test_headline_printed_in_capitals_takes_the_metadata_titles_case():
    html = _page('<title>Tips for Online Success | Example College</title>'
                 '<meta property="og:title" content="Tips for Online Success">',
                 "<article><h1>TIPS FOR ONLINE SUCCESS</h1><p>Text.</p></article>")
    assert extract_article("https://college.example/tips", html).headline == "Tips for Online Success"
    with disabled("headline-capitals-case"):
        assert extract_article("https://college.example/tips", html).headline == "TIPS FOR ONLINE SUCCESS"


def test_headline_in_capitals_stays_when_the_metadata_differs_by_more_than_case():
    # "VS." is not "vs": the metadata is another text, the printed one stays as printed
    html = _page('<meta property="og:title" content="Actuarial Consulting vs Insurance">',
                 "<article><h1>ACTUARIAL CONSULTING VS. INSURANCE</h1><p>Text.</p></article>")
    assert extract_article("https://firm.example/a", html).headline == "ACTUARIAL CONSULTING VS. INSURANCE"


def test_a_hyphen_inside_a_word_sets_no_site_name_off():
    # "REI Co" is not a site's name before a title: the hyphen is inside "Co-op"
    assert strip_site_suffix("REI Co-op Trail 25 Pack", ["rei.com", "REI Co-op"]) == "REI Co-op Trail 25 Pack"
    assert strip_site_suffix("REI Co-op | Trail 25 Pack", ["REI Co-op"]) == "Trail 25 Pack"
    # after the title a site's name may be glued on with its section
    assert strip_site_suffix("부담 커졌다-정치ㅣ한국일보", ["한국일보"]) == "부담 커졌다"


def test_a_metadata_title_in_lower_case_gives_no_case_to_a_headline_in_capitals():
    # "nasa, esa sign lunar pact" says no more about the case than the printed capitals do
    html = _page('<meta property="og:title" content="nasa, esa sign lunar pact">',
                 "<article><h1>NASA, ESA SIGN LUNAR PACT</h1><p>Text.</p></article>")
    assert extract_article("https://space.example/a", html).headline == "NASA, ESA SIGN LUNAR PACT"
