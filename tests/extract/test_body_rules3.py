"""Body rules, third set: recall on pages whose first extraction holds little of their prose."""

from __future__ import annotations

import lxml.html

from newscrawl.extract import extract_article
from newscrawl.extract.body import unmask_prose
from newscrawl.extract.vocabulary import prose_chars as visible_prose
from tests.extract.test_body_rules4 import PARAGRAPHS

INTRO = [
    "Gum disease is the most common cause of tooth loss among adults, and it affects nearly half of "
    "the adults over thirty in the country, many of whom never notice it until late.",
    "Problems with your teeth, gums or other parts of the mouth can raise the risk of other conditions, "
    "so small steps like regular checkups protect your health at any age.",
]
TOPICS = [
    ("Young children", "Having good oral health early in life sets your child up for good oral health as "
                       "they grow up, and the habits learned early tend to last."),
    ("Dry mouth", "Having dry mouth all or most of the time is not only uncomfortable, it can lead to "
                  "serious health problems that need a dentist's care."),
    ("Nutrition", "Consuming healthy foods and drinks helps you keep good oral health, and some foods "
                  "protect the enamel of your teeth better than others do."),
    ("Pregnancy", "Keeping good oral health is important during pregnancy or when planning one, because "
                  "hormones change how the gums react to plaque."),
    ("Older adults", "Older adults keep more of their teeth than ever before, and the care they need "
                     "changes as medicines and health conditions change too."),
]


def test_topic_cards_that_hold_most_of_the_prose_are_kept():
    """The first run keeps the intro and drops the cards as teasers (a third of the page's prose):
    the recall run over the whole page keeps the cards' paragraphs."""
    cards = "".join(
        f"<div class='col'><article class='teaser'><div class='teaser__content'>"
        f"<h3 class='teaser__title'><a href='/t{i}'>{title}</a></h3><p>{text}</p>"
        f"<p><a href='/t{i}'>Learn more about this topic</a>.</p></div></article></div>"
        for i, (title, text) in enumerate(TOPICS))
    html = ("<html><body><main><h1>Oral health</h1>" + "".join(f"<p>{p}</p>" for p in INTRO)
            + f"<h2>Oral health topics</h2><div class='grid'>{cards}</div></main></body></html>")
    body = extract_article("https://x.example/oral-health", html).body
    assert all(p in body for p in INTRO)
    assert all(text in body for _, text in TOPICS)
    assert "Learn more about this topic" not in body


def test_visible_prose_counts_paragraphs_of_some_length_only():
    tree = lxml.html.fromstring(
        f"<div><p>{INTRO[0]}</p><p>Share this page</p><p>{TOPICS[0][1]}</p><div>{INTRO[1]}</div></div>")
    assert visible_prose(tree) == len(INTRO[0]) + len(TOPICS[0][1])


TIPS = [
    "Tipping in a full service restaurant usually starts at twenty percent of the bill before tax, and "
    "more for a large party or a long evening at the table.",
    "At a counter where you order and pick up the food yourself, a smaller tip is common, and many people "
    "round up the total to the next dollar instead.",
    "Delivery drivers should get a few dollars on top of any fee the app charges, since that fee rarely "
    "reaches the driver who brought the food to your door.",
]
EMBEDDED = [
    "When splitting the bill among friends, divide the tip evenly as well, so that nobody pays more than "
    "their share of the service everyone received.",
    "Tip on the total before tax: the tax goes to the state, not to the staff, and the service you received "
    "is the same whatever the local rate is.",
    "Some restaurants add a service charge for groups of six or more, so read the bill before you add a tip, "
    "or you may end up paying for the service twice.",
]


def test_prose_in_a_block_whose_class_says_embed_is_kept():
    """trafilatura discards any block whose class contains "embed"; prose in one stays."""
    html = ("<html><body><div class='blog'><h1>A guide to tipping</h1><div class='rich-text'>"
            + "".join(f"<p>{p}</p>" for p in TIPS)
            + "<div class='w-embed'>" + "".join(f"<p>{p}</p>" for p in EMBEDDED) + "</div>"
            + "<p>Whatever you decide, a short thank you to the staff goes a long way at any restaurant, "
              "large or small.</p></div></div></body></html>")
    body = extract_article("https://x.example/tipping", html).body
    assert all(p in body for p in TIPS + EMBEDDED)


def test_unmasking_spares_chrome_and_takes_the_components_sharing_a_prose_blocks_class():
    paragraphs = "".join(f"<p>{p}</p>" for p in EMBEDDED)
    tree = lxml.html.fromstring(
        "<div><div class='pb-widget-container' id='text'>" + paragraphs + "</div>"
        "<div class='pb-widget-container' id='heading'><h2>Group dining</h2></div>"
        "<div class='other-widget' id='label'><span>Label</span></div>"
        "<section class='widget widget_text' id='side'>" + paragraphs + "</section></div>")

    assert unmask_prose(tree) == 2
    classes = {e.get("id"): e.get("class") for e in tree.iter() if e.get("id")}
    assert classes == {"text": "pb-WIDGET-container", "heading": "pb-WIDGET-container",
                       "label": "other-widget", "side": "widget widget_text"}


STEPS = [
    "Gather twelve months of electric bills before you ask for quotes, so that installers size the "
    "system from what your home really uses rather than from a guess.",
    "Check the roof: its shade, its angle towards the sun and its age decide how much power the panels "
    "will make, and an old roof is best replaced before they go up.",
    "Compare at least three quotes, and look at the warranty and the price per watt rather than the "
    "total alone, since systems of different sizes are hard to compare otherwise.",
]


MODAL = ("Sign up to get our best guides by email every week, with the savings our readers found and "
         "the offers of our partners, and leave whenever you like.")


def test_prose_in_collapsed_accordion_panels_is_kept():
    """A guide whose steps sit in accordion panels hidden until a click keeps the steps."""
    panels = "".join(
        f"<div class='accordion-item'><button aria-controls='p{i}'>Step {i + 1}</button>"
        f"<div id='p{i}' role='region' style='display:none;'><p>{text}</p><p>{text} (Step {i + 1}.)</p>"
        f"<p>{text} (Again.)</p></div></div>"
        for i, text in enumerate(STEPS[:2]))
    visible = TIPS + EMBEDDED + INTRO + [text for _, text in TOPICS]
    html = ("<html><body><main><h1>How to install solar panels</h1>" + "".join(f"<p>{p}</p>" for p in visible)
            + f"<div class='accordion-list'>{panels}</div>"
            "<div class='modal' style='display:none'><p>" + MODAL + "</p></div></main></body></html>")
    body = extract_article("https://x.example/solar", html).body
    assert all(text in body for text in STEPS[:2] + visible)
    assert MODAL not in body


def test_prose_in_a_block_whose_class_says_icon_is_kept_inside_a_themes_body_container():
    """A WordPress post (the wordpress profile's entry-content) whose guide sits in an accordion
    block classed by its icon ("acc-icon-arrow"): trafilatura discards any block whose class
    holds "-icon", and the theme's container is read as the whole page is."""
    guide = ("<div class='acc-wrap acc-icon-arrow'><div class='acc-pane'>"
             + "".join(f"<p>{p}</p>" for p in EMBEDDED) + "</div></div>")
    text = [*TIPS, *PARAGRAPHS]
    page = ("<html><body class='single-post'><article class='post type-post'>"
            "<h1 class='entry-title'>A guide to tipping</h1><div class='entry-content'>"
            + "".join(f"<p>{p}</p>" for p in text[:3]) + guide
            + "".join(f"<p>{p}</p>" for p in text[3:]) + "</div></article></body></html>")
    article = extract_article("https://x.example/2024/05/tipping/", page)
    assert article.extractor.startswith("wordpress/")
    assert all(p in article.body for p in text + EMBEDDED)
