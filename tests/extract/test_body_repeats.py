"""A body printed twice by the layout comes out once (newscrawl/extract/body.py without_repeats)."""

from __future__ import annotations

from newscrawl.extract.body import without_repeats

SECTION = [f"Step {n}: check the {part} before you start the work." for n, part in
           enumerate(["roof", "walls", "floor", "windows", "doors", "wiring", "pipes", "boiler", "attic"], 1)]


def test_short_paragraphs_printed_again_are_kept() -> None:
    # a training plan repeats its weekly pattern: that is the text (rule repeated-runs, which
    # dropped a run of eight printed again, was pruned: it changed no page it had not seen)
    week = SECTION[:7]
    body = ["Week 1"] + week + ["Week 2"] + week
    assert without_repeats(body) == body


def test_a_long_paragraph_printed_twice_is_kept_once() -> None:
    long = "A paragraph long enough to be a copy of the layout when it is printed again. " * 3
    assert without_repeats([long, "Short.", long]) == [long, "Short."]


def test_short_lines_printed_again_with_two_long_paragraphs_are_part_of_the_copy() -> None:
    # a page printing its article twice (a desktop and a mobile layout): the copy's subheadings
    # and list items go with its long paragraphs; a short line repeated beside one long paragraph
    # alone (a product card's "Last checked" label) stays
    first = "A paragraph long enough to be a copy of the layout when it is printed again. " * 3
    second = "Another paragraph, also long enough to count as a copy when it comes back later. " * 3
    article = ["How to plan a remodel", first, "Set a budget", SECTION[0], SECTION[1], second, "Hire a contractor"]
    assert without_repeats(article + article) == article
    card = ["Last checked: 2025-10-28", first]
    assert without_repeats(["Intro."] + card + ["Middle."] + card) == ["Intro.", *card, "Middle.", "Last checked: 2025-10-28"]
