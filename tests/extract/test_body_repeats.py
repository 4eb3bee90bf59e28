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
