"""Body rules, fifth set: subheadings kept with their paragraphs, reading-time lines left out
(rules subheadings, reading-time-lines)."""

from __future__ import annotations

import lxml.html
from lxml import etree

from newscrawl.extract import extract_article, rules
from newscrawl.extract.body import restore_subheadings, run_trafilatura
from tests.extract.test_body_rules4 import PARAGRAPHS

SECTIONS = ("Why the first workload matters", "What a quarter of measurements shows")


def _sectioned_page(wrapper: str = "div class='richtext'") -> str:
    """An article whose container trafilatura does not know (its fallback collects paragraphs
    only), a subheading before each paragraph after the first."""
    parts = [f"<p>{PARAGRAPHS[0]}</p>"]
    for heading, paragraph in zip(SECTIONS, PARAGRAPHS[1:], strict=False):
        parts.append(f"<h3><strong>{heading}</strong></h3><p>{paragraph}</p>")
    parts.append(f"<p>{PARAGRAPHS[-1]}</p>")  # the closing paragraph, under the last section
    tag = wrapper.split()[0]
    return (f"<html><body><div class='grid'><h1>What cloud computing means for a small business</h1>"
            f"<{wrapper}>{''.join(parts)}</{tag}></div></body></html>")


def _xml_body(blocks: str) -> etree._Element:
    """A body as trafilatura gives it (XML: <p>, <head>, <list>)."""
    return etree.fromstring(f"<body>{blocks}</body>")


def test_subheadings_trafilatura_leaves_out_come_back_before_their_paragraphs():
    body = extract_article("https://x.example/cloud", _sectioned_page()).body
    paragraphs = body.split("\n\n")
    for heading, paragraph in zip(SECTIONS, PARAGRAPHS[1:], strict=False):
        assert paragraphs.index(heading) + 1 == paragraphs.index(paragraph)
    with rules.disabled("subheadings"):
        without = extract_article("https://x.example/cloud", _sectioned_page()).body
    assert not any(heading in without for heading in SECTIONS)


def test_a_heading_alone_in_its_wrapper_or_above_a_subheading_finds_its_paragraph():
    tree = lxml.html.fromstring(
        f"<html><body><div><p>{PARAGRAPHS[0]}</p>"
        f"<div class='title'><h2>Where it began</h2></div><p>{PARAGRAPHS[1]}</p>"
        f"<h2>Strengths</h2><h3>One bill a month</h3><p>{PARAGRAPHS[2]}</p>"
        f"<p>{PARAGRAPHS[3]}</p></div></body></html>")
    body = _xml_body("".join(f"<p>{p}</p>" for p in PARAGRAPHS[:4]))
    assert restore_subheadings(tree, body) == 3
    assert [e.text for e in body if e.tag == "head"] == ["Where it began", "Strengths", "One bill a month"]


def test_a_teaser_title_a_heading_already_there_and_the_last_paragraph_get_none():
    tree = lxml.html.fromstring(
        f"<html><body><div><h2>Kept already</h2><p>{PARAGRAPHS[0]}</p>"
        f"<h3><a href='/other-story'>Another story</a></h3><p>{PARAGRAPHS[1]}</p>"
        f"<h2>Take the next step</h2><p>{PARAGRAPHS[2]}</p></div></body></html>")
    body = _xml_body("<head>Kept already</head>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:3]))
    assert restore_subheadings(tree, body) == 0


def test_a_reading_time_line_is_no_body_text():
    page = ("<html><body><article><h1>What cloud computing means for a small business</h1>"
            "<p>6 min read</p>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article></body></html>")
    body = extract_article("https://x.example/cloud", page).body
    assert body.split("\n\n")[0] == PARAGRAPHS[0]
    with rules.disabled("reading-time-lines"):
        assert extract_article("https://x.example/cloud", page).body.startswith("6 min read")


def test_trafilatura_alone_still_drops_the_subheadings():
    """The reason for rule subheadings: if trafilatura's fallback ever keeps headings itself, the
    rule has nothing to do (and this test says so)."""
    tree = lxml.html.document_fromstring(_sectioned_page())
    with rules.disabled("subheadings"):
        body = run_trafilatura(tree) or ""
    assert PARAGRAPHS[1] in body and SECTIONS[0] not in body


def _wordpress_post(author_box: str) -> str:
    """A WordPress post (the wordpress profile's entry-content), with what a plugin adds after the
    text inside that container."""
    text = "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    return ("<html><body class='single-post'><article class='post type-post'>"
            "<h1 class='entry-title'>What cloud computing means for a small business</h1>"
            f"<div class='entry-content'>{text}{author_box}</div></article></body></html>")


def test_an_author_box_inside_a_themes_body_container_is_left_out():
    box = ("<div class='saboxplugin-wrap'><div class='saboxplugin-desc'><p>Jean-Luc started this site "
           "in 2010 as a part-time endeavour, before quitting his job to write about embedded "
           "systems full time. He lives in Thailand with his family.</p></div></div>")
    page = _wordpress_post(box)
    article = extract_article("https://x.example/2024/05/cloud/", page)
    assert article.extractor.startswith("wordpress/") and PARAGRAPHS[-1] in article.body
    assert "Jean-Luc started" not in article.body
    with rules.disabled("theme-container-pruned"):
        assert "Jean-Luc started" in extract_article("https://x.example/2024/05/cloud/", page).body


def _signup_page(box: str) -> str:
    return (f"<html><body><main><h1>Heat pumps held up in a cold winter</h1><p>{PARAGRAPHS[0]}</p>"
            f"<p>{PARAGRAPHS[1]}</p>{box}<p>{PARAGRAPHS[2]}</p><p>{PARAGRAPHS[3]}</p></main></body></html>")


def test_a_sign_up_box_goes_with_its_pitch_whatever_its_classes():
    # a stranger's Tailwind page: utility classes only, no word that names a newsletter box
    box = ("<div class='not-prose my-8 rounded-lg bg-emerald-50 p-6'><p class='text-sm font-semibold'>"
           "The Signal, in your inbox</p><p class='mt-1 text-gray-700'>Clear reporting on the energy "
           "transition, twice a week.</p><form class='mt-3 flex gap-2'><input type='email' "
           "placeholder='you@example.com'><button>Sign up</button></form></div>")
    url = "https://signal.example/climate/heat-pumps-cold-climate"
    body = extract_article(url, _signup_page(box)).body
    assert "in your inbox" not in body and "twice a week" not in body
    assert body.startswith(PARAGRAPHS[0]) and body.endswith(PARAGRAPHS[3])
    with rules.disabled("sign-up-forms"):
        assert "twice a week" in extract_article(url, _signup_page(box)).body
    # a second stranger's: a brief beside its own sign-up form is the article, and a form that
    # wraps the whole page (ASP.NET's one form) is no sign-up box
    brief = (f"<html><body><main><h1>Elm Street bridge closes for repairs</h1><div class='story-body'>"
             f"<p>{PARAGRAPHS[0]}</p><form><p>Get traffic alerts by email:</p><input type='email'>"
             "<button>Subscribe</button></form></div></main></body></html>")
    assert PARAGRAPHS[0] in extract_article(url, brief).body
    whole = _signup_page(box).replace("<body>", "<body><form id='aspnetForm'>").replace("</body>", "</form></body>")
    body = extract_article(url, whole).body
    assert body.startswith(PARAGRAPHS[0]) and body.endswith(PARAGRAPHS[3]) and "twice a week" not in body
    # a form without an email field (a search box, a poll) is not a sign-up box
    poll = box.replace("type='email'", "type='text'")
    assert "twice a week" in extract_article(url, _signup_page(poll)).body


def test_a_short_aside_inside_a_themes_body_container_is_left_out():
    # a stranger's recipe post opened with its plugin's affiliate disclosure
    disclosure = "<p class='disclosure'>This post may contain affiliate links. Read our disclosure policy.</p>"
    page = _wordpress_post("").replace("<div class='entry-content'>", f"<div class='entry-content'>{disclosure}")
    article = extract_article("https://x.example/2024/05/cloud/", page)
    assert article.extractor.startswith("wordpress/") and article.body.startswith(PARAGRAPHS[0])
    with rules.disabled("short-aside-classes"):
        assert "affiliate links" in extract_article("https://x.example/2024/05/cloud/", page).body


def test_a_block_removed_between_two_runs_of_text_leaves_the_words_apart() -> None:
    """An ad slot between two runs of text in one block (a stranger's page): its words go, and
    the sentences either side stay two words apart, as a browser prints them on two lines."""
    sentence = "The council sentence adds ordinary reporting words to make the body long enough for a story."
    page = ("<html><body><article><h1>Council passes the budget</h1>"
            f"<div class='content'>{sentence} {sentence}<div class='ad-slot'>Advertisement</div>"
            f"Sentence number three. {sentence}</div></article></body></html>")
    body = extract_article("https://x.example/2024/05/budget", page).body or ""
    assert "a story. Sentence number three." in body
    assert "story.Sentence" not in body and "Advertisement" not in body
