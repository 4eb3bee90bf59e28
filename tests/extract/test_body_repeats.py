"""A body printed twice by the layout comes out once (newscrawl/extract/body.py without_repeats)."""

from __future__ import annotations

from newscrawl.extract.body import REPEAT_RUN, without_repeats

SECTION = [f"Step {n}: check the {part} before you start the work." for n, part in
           enumerate(["roof", "walls", "floor", "windows", "doors", "wiring", "pipes", "boiler", "attic"], 1)]


def test_a_run_of_short_paragraphs_printed_again_is_dropped() -> None:
    body = ["Intro paragraph."] + SECTION + ["Closing words."] + SECTION  # a second, mobile copy
    assert without_repeats(body) == ["Intro paragraph."] + SECTION + ["Closing words."]


def test_a_short_run_repeated_is_kept() -> None:
    week = SECTION[:REPEAT_RUN - 1]  # a training plan repeats its weekly pattern: that is the text
    body = ["Week 1"] + week + ["Week 2"] + week
    assert without_repeats(body) == body


def test_a_long_paragraph_printed_twice_is_kept_once() -> None:
    long = "A paragraph long enough to be a copy of the layout when it is printed again. " * 3
    assert without_repeats([long, "Short.", long]) == [long, "Short."]
