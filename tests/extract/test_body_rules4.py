"""Body rules, fourth set: precision, blocks that are not the article kept out of the body."""

from __future__ import annotations

import lxml.html

from newscrawl.extract import extract_article
from newscrawl.extract.boilerplate import prune_boilerplate
from tests.extract.test_body_rules2 import PARAGRAPHS as ARTICLE_START

PARAGRAPHS = [
    *ARTICLE_START,  # the second set's article, one paragraph longer
    "A careful team starts with one workload, measures what it costs for a quarter, and only "
    "then moves the systems its customers depend on every day.",
]
FOREIGN = [
    "Jane Roe has written about technology and small business for fifteen years, first for a "
    "regional daily and then for trade magazines; she lives in Leeds with two cats and far too "
    "many old laptops, and she teaches a weekly evening class on spreadsheets for beginners.",
    "When she is not writing, Jane volunteers at a repair cafe where neighbours bring broken "
    "radios, lamps and toasters, and she is still proud of the first kettle she brought back.",
]


def _page(after: str) -> str:
    """A page no profile knows (no article container): the generic pruning by markup runs."""
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return ("<html><body><div class='wrap'><div class='post'><h1>What cloud computing means for a small "
            f"business</h1>{paragraphs}{after}</div></div></body></html>")


def test_an_author_box_holding_prose_is_left_out():
    box = "".join(f"<p>{p}</p>" for p in FOREIGN)
    body = extract_article("https://x.example/cloud", _page(f"<div class='saboxplugin-wrap'><div class='saboxplugin-desc'>{box}</div></div>")).body
    assert all(p in body for p in PARAGRAPHS)
    assert "repair cafe" not in body and "Leeds" not in body


def test_blocks_of_teasers_or_comments_go_even_with_prose_but_an_id_slug_is_no_mark():
    prose = "".join(f"<p>{p}</p>" for p in FOREIGN)
    tree = lxml.html.fromstring(
        f"<div><h1>Cloud</h1><p>{PARAGRAPHS[0]}</p>"
        f"<section id='teasers' class='trending-stories'><div><h3>Another story</h3>{prose}</div></section>"
        f"<div id='thread' class='comments-area'>{prose}</div>"
        # an id is often the slug of the article's own heading ("why-trending-costs-matter")
        f"<div id='why-trending-costs-matter'><h2>Why trending costs matter</h2>{prose}</div>"
        f"<div id='ad-note' class='ad-note'>{prose}</div></div>")
    prune_boilerplate(tree)
    assert {d.get("id") for d in tree.iter() if d.get("id")} == {"why-trending-costs-matter", "ad-note"}


def test_an_overlay_block_goes_even_with_prose_but_a_link_that_opens_one_stays():
    prose = "".join(f"<p>{p}</p>" for p in FOREIGN)
    link = "<a class='external-popup' href='/go'>TurboTax</a>"
    tree = lxml.html.fromstring(
        f"<div><h1>Cloud</h1><p>{link} is one of the programs. {PARAGRAPHS[0]}</p>"
        f"<div id='contact' class='elementor-popup-modal'><div>{prose}</div></div>"
        f"<section id='consent' class='cookie modal'>{prose}</section></div>")
    prune_boilerplate(tree)
    assert {d.get("id") for d in tree.iter() if d.get("id")} == set()
    assert "TurboTax is one of the programs" in " ".join(tree.text_content().split())


def test_a_table_of_contents_and_other_short_aids_go_but_a_long_block_so_classed_stays():
    tree = lxml.html.fromstring(
        f"<div><h1>Cloud</h1><div id='toc' class='ez-toc-container'><p class='title'>Table of Contents</p>"
        f"<ul><li>What it is</li><li>Benefits</li></ul></div><p>{PARAGRAPHS[0]}</p>"
        f"<div id='donate' class='donation-box'><h3>Enjoyed this piece?</h3><p>Support us.</p></div>"
        f"<div id='recent' class='recent-posts-wrapper'><h3>Read This Next</h3></div>"
        f"<div id='toc_faq'><h2>FAQ</h2></div>"
        # a wrapper of the article whose class happens to name its table of contents
        f"<div id='kept' class='grid-toc-content'><div>{FOREIGN[0]}</div><div>{FOREIGN[1]}</div>"
        f"<div>{PARAGRAPHS[1]}</div></div></div>")
    prune_boilerplate(tree)
    assert {d.get("id") for d in tree.iter() if d.get("id")} == {"toc_faq", "kept"}


def test_a_guestbook_goes_even_with_prose_inside_a_themes_container():
    paragraphs = [f"<p>{p}</p>" for p in PARAGRAPHS]
    html = ("<html><body class='single-post'><article class='post'><h1 class='entry-title'>What cloud computing "
            f"means for a small business</h1><div class='entry-content'>{''.join(paragraphs)}"
            "</div></article></body></html>")
    # an obituary's guestbook: readers' condolences, as comments are
    book = ("<section class='guestbook'><h2>Guestbook</h2><div class='gb-entry'><p>Margaret cared for all "
            "three of our children when they were born, and we will never forget her kindness.</p>"
            "<p>— Donna P.</p></div></section>")
    body = extract_article("https://x.example/cloud", html.replace("</div></article>", f"{book}</div></article>")).body
    assert "Donna" not in body and "kindness" not in body and PARAGRAPHS[-1] in body
    # the same as "guest-book" and "condolences" (a second stranger's obituary): its signers,
    # marked gb-author, are no authors of the article
    wall = ("<section class='guest-book'><div class='guest-book-entry'><p>Harold coached my son for three "
            "seasons and never once raised his voice, and our deepest sympathies go to the family.</p>"
            "<p class='gb-author'>Linda Mazur</p></div></section><section class='condolences tribute-wall'>"
            "<div class='condolence'><p>So sorry to hear of his passing; he always had a kind word for "
            "everyone at the club, and we are thinking of you all.</p><p>Janet Gagnon</p></div></section>")
    article = extract_article("https://x.example/cloud", html.replace("</div></article>", f"{wall}</div></article>"))
    assert "sympathies" not in article.body and "kind word" not in article.body
    assert article.authors == []


def test_a_storys_own_donation_box_and_a_donations_tag_on_its_wrapper_stay():
    # a second stranger's pages: "donate" names the topic here, not the site's appeal
    how = ("<div class='how-to-donate'><h3>How to help</h3><p>The food bank most needs canned protein, peanut "
           "butter, cereal and nappies. Donations can be dropped off at 12 Mill Lane from 9 a.m. to 4 p.m. on "
           "weekdays, or at the collection bins in all three supermarkets in town.</p>"
           "<p>The food bank is also looking for volunteers to sort donations on weekday mornings.</p></div>")
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    body = extract_article("https://x.example/cloud", _page(how)).body
    assert "12 Mill Lane" in body and all(p in body for p in PARAGRAPHS)
    html = ("<html><body><h1>What cloud computing means for a small business</h1>"
            f"<div class='story story--tag-donations'>{paragraphs}</div></body></html>")
    assert all(p in extract_article("https://x.example/cloud", html).body for p in PARAGRAPHS)


def test_a_modal_dialog_goes_with_its_title_but_the_article_stays():
    dialog = ("<div class='signup' role='dialog' aria-modal='true'><h1>Get our newsletter</h1>"
              f"<p>{FOREIGN[0]}</p></div><dialog open><h2>Before you go</h2><p>{FOREIGN[1]}</p></dialog>")
    body = extract_article("https://x.example/cloud", _page(dialog)).body
    assert all(p in body for p in PARAGRAPHS)
    assert FOREIGN[0] not in body and FOREIGN[1] not in body


def test_a_story_shown_as_an_overlay_stays():
    # a deep link rendered as a modal over the front page: the dialog holds the headline the
    # metadata names, so it is the article
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = ("<html><head><meta property='og:title' content='What cloud computing means for a small business'>"
            "</head><body><header><a href='/'>Coast Times</a></header>"
            "<div class='story-overlay' role='dialog' aria-modal='true'><h1>What cloud computing means for a "
            f"small business</h1>{paragraphs}</div></body></html>")
    body = extract_article("https://x.example/cloud", html).body
    assert all(p in body for p in PARAGRAPHS)
    # a hidden "republish this story" tool holding a copy of it, headline and all, is no overlay
    # the page shows: it goes
    tool = ("<div id='republication-tracker-tool-modal' style='display:none;' role='dialog' aria-modal='true'>"
            "<h2>Republish this article</h2><p>This work is licensed under a Creative Commons licence, and "
            "we encourage you to republish our articles for your audience, with credit.</p>"
            f"<h1>What cloud computing means for a small business</h1>{paragraphs}</div>")
    html = ("<html><head><meta property='og:title' content='What cloud computing means for a small business'>"
            f"</head><body><div class='post'><h2 class='title'>What cloud computing means for a small business</h2>"
            f"{paragraphs}</div>{tool}</body></html>")
    body = extract_article("https://x.example/cloud", html).body
    assert all(p in body for p in PARAGRAPHS) and "Republish" not in body and "Creative Commons" not in body


def test_a_short_disclaimer_goes():
    tree = lxml.html.fromstring(
        f"<div><h1>Cloud</h1><p>{PARAGRAPHS[0]}</p>"
        "<div id='note' class='post-disclaimer'><strong>Disclaimer:</strong> Not advice.</div>"
        f"<div id='kept'><p>{PARAGRAPHS[1]}</p></div></div>")
    prune_boilerplate(tree)
    assert {d.get("id") for d in tree.iter() if d.get("id")} == {"kept"}


def test_a_consent_banner_goes_by_its_vendors_id_or_its_class_even_with_prose():
    # OneTrust marks its banner by id only ("otFlat" says nothing); the policy text is prose
    policy = ("We and our partners store and/or access information on a device, such as cookies, and "
              "process personal data for personalised ads and content measurement.")
    tree = lxml.html.fromstring(
        f"<div><h1>Cloud</h1><p>{PARAGRAPHS[0]}</p>"
        f"<div id='onetrust-banner-sdk' class='otFlat'><div><p id='onetrust-policy-text'>{policy}</p>"
        "<button>Accept all</button></div></div>"
        f"<div class='cookie-notice'><p>{policy}</p></div>"
        f"<div id='kept' class='cookie-recipes'><p>{PARAGRAPHS[1]}</p></div></div>")
    prune_boilerplate(tree)
    assert {d.get("id") for d in tree.iter() if d.get("id")} == {"kept"}
    assert "partners store" not in tree.text_content()


def test_a_long_block_named_for_consent_is_an_article_about_it_not_a_banner():
    # WordPress puts a post's tags in its class ("tag-cookie-banners"); a story on consent law
    # may be classed "topic-consent": a long block so named is the article, not an overlay
    story = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    tree = lxml.html.fromstring(
        f"<div><h1>Cloud</h1><div id='post' class='post type-post tag-consent tag-cookie-banners tag-gdpr'>"
        f"{story}</div><section id='law' class='story-body topic-consent'>{story}</section></div>")
    assert min(len(block.text_content()) for block in tree.iter("div", "section") if block.get("id")) > 600
    prune_boilerplate(tree)
    assert {d.get("id") for d in tree.iter() if d.get("id")} == {"post", "law"}
