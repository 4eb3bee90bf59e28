"""Parsing a page into one tree (newscrawl/extract/document.py): what a browser shows is in it."""

from __future__ import annotations

from newscrawl.extract import extract_article
from newscrawl.extract.document import (
    MAX_NESTING,
    flatten_deep_nesting,
    parse_html,
    without_early_end_tags,
)

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


def _paragraph(index: int) -> str:
    return (f"<p>Item {index}: the council voted on the budget after a long debate about roads, schools "
            "and the parks that the city has promised to keep open all year.</p>")


def test_a_page_nested_past_libxml2s_bound_keeps_its_article() -> None:
    """libxml2 stops at 256 levels and drops the rest of the page; browsers show it all."""
    wrapped = ("<html><head><title>T</title></head><body>" + "<div>" * 300
               + "<h1>Council passes budget</h1>" + "".join(_paragraph(i) for i in range(30))
               + "</div>" * 300 + "</body></html>")
    unclosed = ("<html><head><title>T</title></head><body><h1>Council passes budget</h1>"
                + "".join("<font>" + _paragraph(i) for i in range(400)) + "</body></html>")
    for page, paragraphs in ((wrapped, 30), (unclosed, 400)):
        tree = parse_html(page)
        assert tree is not None and len(tree.findall(".//p")) == paragraphs
        depth = max(len(list(element.iterancestors())) for element in tree.iter())
        assert depth <= 2 * MAX_NESTING + 2  # under libxml2's usual bound, for what reads the tree next
        article = extract_article("https://x.example/2024/01/01/council-passes-budget/", page)
        assert article.headline == "Council passes budget"
        body = article.body or ""
        assert f"Item {paragraphs - 1}:" in body and body.count("the council voted") == paragraphs


def test_flattening_keeps_text_and_the_elements_that_make_paragraphs_and_links() -> None:
    tree = parse_html("<html><body>" + "<div><span>" * 8 + "<p>one <a href='/x'>link</a></p>"
                      + "<ul><li>two</li></ul>three" + "</span></div>" * 8 + "</body></html>")
    assert tree is not None
    before = tree.text_content()
    assert flatten_deep_nesting(tree, limit=4) == 1
    assert tree.text_content() == before
    assert tree.xpath("//p/a/@href") == ["/x"] and tree.xpath("//ul/li/text()") == ["two"]
    assert len(tree.xpath("//div | //span")) == 3  # the wrappers above the limit; none below
