"""Parsing a page into one tree (newscrawl/extract/document.py): what a browser shows is in it."""

from __future__ import annotations

from newscrawl.extract import extract_article
from newscrawl.extract.document import parse_html, without_early_end_tags

ARTICLE = " ".join(["The council approved the new budget after a long debate on Tuesday night."] * 6)
EARLY_END = (
    "<html><head><title>Budget passes</title></head><body><header><nav><a href='/'>Home</a></nav>"
    "</header>\n</body>\n</html>\n"  # the template closes the document here...
    f"<main><article><h1>Budget passes</h1><p>{ARTICLE}</p><p>{ARTICLE}</p></article></main>"  # ...and goes on
    "</body></html>"
)


def test_markup_after_an_early_end_of_document_stays_in_the_tree() -> None:
    tree = parse_html(EARLY_END)
    assert tree is not None
    assert tree.xpath("//article/h1/text()") == ["Budget passes"]
    article = extract_article("https://example.com/budget", EARLY_END)
    assert article.headline == "Budget passes"
    assert ARTICLE[:60] in (article.body or "")


def test_a_page_that_ends_normally_is_left_as_it_is() -> None:
    page = f"<html><body><p>{ARTICLE}</p></body>\n</html>\n<!-- served in 12 ms -->\n"
    assert without_early_end_tags(page) == page
    assert without_early_end_tags("<p>no end tags at all</p>") == "<p>no end tags at all</p>"


def test_only_the_end_tags_are_removed() -> None:
    assert without_early_end_tags("<p>a</p></BODY ></html><p>b</p>") == "<p>a</p><p>b</p>"
