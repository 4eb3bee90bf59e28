"""The body's last text step (newscrawl/extract/endings.py): interface labels anywhere, and the
blocks pages print after the article's last paragraph."""

from __future__ import annotations

from newscrawl.extract.endings import clean_endings
from newscrawl.extract.rules import disabled

PARAGRAPH = "A real paragraph of the article that says something about the news of the day. " * 3


def test_comment_form_and_trailing_related_block_go():
    body = "\n\n".join([PARAGRAPH, "Second real paragraph.", "Related news", "Some other story",
                        "Another story", "LEAVE A REPLY", "Please enter your comment!",
                        "Please enter your name here"])
    assert clean_endings(body) == PARAGRAPH + "\n\nSecond real paragraph."


def test_a_real_paragraph_after_a_heading_is_never_cut():
    body = "\n\n".join([PARAGRAPH, "Read more", PARAGRAPH + " It continues at length, well past any teaser."])
    assert clean_endings(body) == body


def test_share_labels_go_anywhere_and_each_rule_can_be_switched_off():
    body = "\n\n".join([PARAGRAPH, "Share", PARAGRAPH, "LEAVE A REPLY"])
    assert clean_endings(body) == PARAGRAPH + "\n\n" + PARAGRAPH
    with disabled("interface-lines"):
        assert clean_endings(body) == body
