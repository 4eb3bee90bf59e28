"""Paragraphs a body ends with that the page prints outside the article's container (rule
trailing-outside-container)."""

from __future__ import annotations

import lxml.html

from newscrawl.extract import extract_article, outside, rules
from newscrawl.extract.outside import without_outside_ends
from tests.extract.test_body_rules4 import PARAGRAPHS as OPENING

# an article several times longer than the boxes around it, as articles are
PARAGRAPHS = [
    *OPENING[:-1],
    "Costs are the first surprise. A server bought outright is paid for once, while a rented one "
    "is paid for every month, so the cheaper choice depends on how long the machine would have "
    "stayed in service and how busy it would have been on an ordinary Tuesday afternoon.",
    "Security is the second. Providers patch their own hardware quickly, but the settings a "
    "customer chooses remain the customer's job, and most breaches in the reports we read began "
    "with a storage bucket that somebody had left open to the whole internet by mistake.",
    "Then there is the question of leaving. Moving data out of a provider costs money per "
    "gigabyte, and services that have no twin elsewhere tie a business to one vendor for years, "
    "which is why the owners we spoke to keep their most important records in plain formats.",
    "None of this argues against the move. It argues for doing it slowly, with numbers in hand, "
    "and with one person in the company who understands the monthly bill line by line.",
    OPENING[-1],
]

# a site-wide box after the article's column: a pitch for donations, then promo cards, each a
# heading and a line (no class of it names chrome, so the pruning by markup leaves it)
SUPPORT = [
    "Liked this story? Help us write the next one.",
    "We are an independent newsroom paid for by our readers, with no paywall and no owner to "
    "please; a small monthly gift keeps every story free for everyone who needs to read it.",
]
CARDS = [
    ("Write for us", "Pitch a story to our editors and get paid for every piece we publish."),
    ("The weekly letter", "Every Friday, the five stories our readers liked best, in one email."),
]


def _page() -> str:
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    support = f"<div class='panel'><h3>{SUPPORT[0]}</h3><p>{SUPPORT[1]}</p></div>"
    cards = "".join(f"<div class='card'><h3>{h}</h3><p>{line}</p></div>" for h, line in CARDS)
    return ("<html><body><div class='page'><div class='column'>"
            "<h1>What cloud computing means for a small business</h1>"
            f"<div class='story-text'>{article}</div></div>"
            f"<div class='bottom'>{support}<div class='grid'>{cards}</div></div></div></body></html>")


def test_a_box_printed_after_the_article_container_is_not_the_article():
    body = extract_article("https://x.example/cloud", _page()).body
    assert body.split("\n\n")[-1] == PARAGRAPHS[-1]
    assert not any(line in body for line in [*SUPPORT, *(h for h, _ in CARDS)])
    with rules.disabled("trailing-outside-container"):
        without = extract_article("https://x.example/cloud", _page()).body
    assert SUPPORT[1] in without  # the rule, not some other, kept it out


def test_paragraphs_inside_the_container_stay_whatever_they_say():
    # the same pitch inside the article's own container: the container tells, not the words
    paragraphs = [*PARAGRAPHS, SUPPORT[1]]
    tree = lxml.html.fromstring(
        "<html><body><div class='column'><div class='story-text'>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + f"</div></div><div class='bottom'><p>{CARDS[0][1]}</p></div></body></html>")
    assert without_outside_ends(tree, [*paragraphs, CARDS[0][1]]) == paragraphs


def test_notes_under_a_listing_belong_to_it():
    # the bulk in one list: its container is the block around it, which holds the notes too
    events = [f"{day} June: {p}" for day, p in zip(range(1, 6), PARAGRAPHS, strict=False)]
    note = "Dates may change; each event's own site has the latest."
    tree = lxml.html.fromstring(
        "<html><body><div class='events'><ul>" + "".join(f"<li>{e}</li>" for e in events)
        + f"</ul><p>{note}</p></div></body></html>")
    assert without_outside_ends(tree, [*events, note]) == [*events, note]


def test_a_paragraph_not_found_in_the_page_ends_the_search():
    tree = lxml.html.fromstring(
        "<html><body><div class='story-text'>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + f"</div><div class='bottom'><p>{CARDS[0][1]}</p></div></body></html>")
    rendered = [*PARAGRAPHS, "A | B", CARDS[0][1]]  # a table row as rendered: not in the page's text
    assert without_outside_ends(tree, rendered) == [*PARAGRAPHS, "A | B"]
    assert without_outside_ends(tree, [*PARAGRAPHS, CARDS[0][1]]) == PARAGRAPHS


def test_searches_for_paragraphs_the_page_does_not_print_are_bounded(monkeypatch):
    # a page of megabytes whose body it does not print as is would cost a search of the whole
    # text per paragraph: once the searches reach the budget, the rest are not searched for
    text = "".join(f"paragraph{i}saysthis" for i in range(1000))
    missing = [f"never printed {i}" for i in range(5)]
    monkeypatch.setattr(outside, "SEARCH_BUDGET", 3 * len(text))
    found = outside._locate(text, [*missing, "paragraph7saysthis"])
    assert found[:5] == [None] * 5 and found[5] is None  # printed, but searched for no more
    monkeypatch.setattr(outside, "SEARCH_BUDGET", 10 * len(text))
    assert outside._locate(text, [*missing, "paragraph7saysthis"])[5] is not None


# the header printed before the article's container: a kicker, the headline, a date label, and
# a standfirst of a sentence's length
KICKER, LABEL = "Analysis", "Published:"
STANDFIRST = ("Renting servers instead of buying them changes what a small firm pays for, and when: "
              "the owners we asked found the bill easier to plan than the move.")


def _headed_page(standfirst: str = "") -> str:
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    lead = f"<p class='dek'>{standfirst}</p>" if standfirst else ""
    return ("<html><head><title>Cloud computing for a small business | The Daily</title></head>"
            f"<body><div class='page'><div class='top'><p>{KICKER}</p>"
            f"<h1>What cloud computing means for a small business</h1><p>{LABEL}</p>{lead}</div>"
            f"<div class='story-text'>{article}</div></div></body></html>")


def test_short_lines_printed_before_the_article_container_are_the_header():
    body = extract_article("https://x.example/cloud", _headed_page()).body
    assert body.split("\n\n")[0] == PARAGRAPHS[0]
    with rules.disabled("leading-outside-container"):
        without = extract_article("https://x.example/cloud", _headed_page()).body
    assert without.split("\n\n")[:2] == [KICKER, LABEL]  # the rule, not some other, took them


def test_a_standfirst_of_a_sentence_length_before_the_container_stays():
    # the lead printed in the header is the article's first paragraph: only the short lines
    # before it go, and the search stops at it
    body = extract_article("https://x.example/cloud", _headed_page(STANDFIRST)).body
    assert body.split("\n\n")[:2] == [STANDFIRST, PARAGRAPHS[0]]
    assert KICKER not in body.split("\n\n") and LABEL not in body.split("\n\n")


def test_short_lines_inside_the_container_stay_and_the_head_is_not_printed():
    # the container's own first subheading, whose words the document's <title> also holds: the
    # <title> is not where the page prints it, so it is found inside the container
    heading = "Getting started"
    tree = lxml.html.fromstring(
        f"<html><head><title>{heading}</title></head><body><div class='top'><p>{KICKER}</p></div>"
        f"<div class='story-text'><h2>{heading}</h2>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div></body></html>")
    assert without_outside_ends(tree, [heading, *PARAGRAPHS]) == [heading, *PARAGRAPHS]
    assert without_outside_ends(tree, [KICKER, heading, *PARAGRAPHS]) == [heading, *PARAGRAPHS]


def test_a_leading_paragraph_not_found_in_the_page_ends_the_search_from_the_start():
    tree = lxml.html.fromstring(
        f"<html><body><div class='top'><p>{KICKER}</p><p>{LABEL}</p></div><div class='story-text'>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + f"</div><div class='bottom'><p>{CARDS[0][1]}</p>"
        "</div></body></html>")
    assert without_outside_ends(tree, [KICKER, "A | B", LABEL, *PARAGRAPHS]) == ["A | B", LABEL, *PARAGRAPHS]
    # both ends in one call, from one placing of the paragraphs
    assert without_outside_ends(tree, [KICKER, LABEL, *PARAGRAPHS, CARDS[0][1]]) == PARAGRAPHS
