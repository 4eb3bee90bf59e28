"""Body rules, third set: recall on pages whose first extraction holds little of their prose."""

from __future__ import annotations

import lxml.html

from newscrawl.extract import extract_article
from newscrawl.extract.body import visible_prose

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
