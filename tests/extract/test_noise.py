"""Removing a profile's boilerplate: each block once, the text around it kept."""

from __future__ import annotations

from lxml.html import document_fromstring

from newscrawl.extract.noise import strip_boilerplate
from newscrawl.extract.profiles.base import Profile


def test_a_block_inside_another_removed_block_is_not_removed_again():
    tree = document_fromstring(
        "<html><body><article><p>The story.</p></article>"
        "<div class='related'><ul><li>Other story</li><li>Another</li></ul></div> after"
        "<div class='related'>More</div></body></html>")
    profile = Profile(name="test", version=1, detect=(), boilerplate=(".related", ".related li"))
    assert strip_boilerplate(tree, profile) == 2  # the two blocks; their items went with the first
    assert " ".join(tree.text_content().split()) == "The story. after"
