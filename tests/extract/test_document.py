"""Parsing a page into one tree (newscrawl/extract/document.py): what a browser shows is in it."""

from __future__ import annotations

import time

import lxml.html
import pytest

from newscrawl.extract import extract_article, extract_page
from newscrawl.extract.document import (
    CROWDED_NOTE,
    CUT_NOTE,
    MAX_ATTRIBUTES,
    MAX_HTML_CHARS,
    MAX_NESTING,
    bounded,
    decode_html,
    flatten_deep_nesting,
    parse_html,
    without_crowded_attributes,
    without_early_end_tags,
    without_silent,
)
from newscrawl.output.replay import load_page
from tests.conftest import PAGES
from tests.support.faultserver import article_page

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


# a page over the size extraction reads (MAX_HTML_CHARS): what prints nothing goes first
BIG_SCRIPT = "<script>var state = '" + "x" * 5_500_000 + "';</script>"
LAST = " ".join(["Work on the bridge starts in spring and should end within two years."] * 4)
BIG_PAGE = article_page("Bridge to be rebuilt", [ARTICLE, LAST]).replace("</head>", BIG_SCRIPT + "</head>")


def test_a_page_over_the_cap_with_a_big_script_in_head_keeps_its_body() -> None:
    assert len(BIG_PAGE) > 5_500_000
    page = extract_page("https://example.com/2024/03/01/bridge/", BIG_PAGE, non_article_body="full")
    assert page.article.headline == "Bridge to be rebuilt"
    assert ARTICLE[:60] in (page.article.body or "") and LAST[:60] in (page.article.body or "")
    assert page.article.published  # the JSON-LD script is kept
    assert page.cut is None  # nothing printed was left out


def test_silent_parts_go_and_the_printed_text_stays() -> None:
    filler = "<p>" + "a" * MAX_HTML_CHARS + "</p>"
    page = ("<html><head><style>p{}</style><!-- a note --><template><p>hidden</p></template>"
            '<script type="application/ld+json">{"a": 1}</script></head><body><img src="data:image/png;base64,'
            + "A" * 5000 + f'" alt="x"><p>shown</p>{filler}</body></html>')
    kept = without_silent(page, MAX_HTML_CHARS)
    assert kept.startswith("<html><head><style></style><template></template>"
                           '<script type="application/ld+json">{"a": 1}</script></head><body>'
                           '<img src="data:" alt="x"><p>shown</p><p>aaa')


def test_a_page_whose_printed_text_is_over_the_cap_is_cut_before_a_tag_and_says_so() -> None:
    text = "<html><body>" + "<p>word word</p>" * (MAX_HTML_CHARS // 12) + "</body></html>"
    kept, cut = bounded(text)
    assert cut and len(kept) <= MAX_HTML_CHARS and kept.endswith("</p>")
    page = extract_page("https://example.com/words", text)
    assert page.cut == CUT_NOTE == ("page over 5,000,000 characters after scripts and styles: its end was not read")


def test_a_script_that_never_ends_is_kept_as_it_is() -> None:
    text = "<html><body><p>shown</p><script>" + "x" * MAX_HTML_CHARS
    assert without_silent(text, MAX_HTML_CHARS) == text


def test_a_page_under_the_cap_is_left_as_it_is() -> None:
    text = "<script>" + "x" * 1000 + "</script><p>shown</p>"
    assert bounded(text) == (text, False)
    assert bounded(text)[0] is text


# -- a tag's attributes: at most MAX_ATTRIBUTES (libxml2 reads one tag's in quadratic time) ---------

def _names(count: int, template: str = "{}") -> str:
    return " ".join(template.format(f"a{number}") for number in range(count))


def test_a_crowded_tag_keeps_its_first_attributes_and_the_record_says_so() -> None:
    # 20,000 attributes: half a second of libxml2 (190,000: minutes, uninterruptible)
    page = f"<html><body><h1>Crowded</h1><div {_names(20_000)} id=last><p>{ARTICLE}</p></div></body></html>"
    tree = parse_html(page)
    crowded = tree.xpath("//div")[0]
    assert list(crowded.attrib) == [f"a{number}" for number in range(MAX_ATTRIBUTES)]
    assert tree.xpath("//p/text()") == [ARTICLE]
    record = extract_page("https://example.com/crowded", page)
    assert record.cut == CROWDED_NOTE == "a tag with over 256 attributes: those past the first 256 were not read"
    assert ARTICLE in record.article.body


@pytest.mark.parametrize("attribute", [
    "{}", "{}=1", '{}=">"', "{}='<p>'", "<{}", "{}=<", '{0}="x"{0}y', "{}/", '{} = " a > b "'],
    ids=["bare", "unquoted", "gt in value", "tag in value", "lt name", "lt value", "no space after quote",
         "slash", "spaced"])
def test_the_attributes_kept_are_the_first_ones_the_parser_reads(attribute: str) -> None:
    """What counts as an attribute is what libxml2 (HTML's tokenizer) reads as one: the tag cut
    to MAX_ATTRIBUTES parses to the first MAX_ATTRIBUTES of the whole tag, the rest untouched."""
    tag = f"<div {_names(MAX_ATTRIBUTES + 40, attribute)}>"
    page = f"<html><body><p>before</p>{tag}<p>after</p></div></body></html>"
    whole = lxml.html.document_fromstring(page).xpath("//div")[0]
    assert len(whole.attrib) > MAX_ATTRIBUTES
    kept, cut = without_crowded_attributes(page)
    tree = parse_html(kept, is_readable=True)
    assert cut == 1
    assert list(tree.xpath("//div")[0].attrib.items()) == list(whole.attrib.items())[:MAX_ATTRIBUTES]
    assert tree.xpath("//p/text()") == ["before", "after"]


TWO_MB = 2_000_000


def _filled(piece: str) -> str:
    return piece * (TWO_MB // len(piece))


ADVERSARIAL = {  # 2 MB each: (page, tags cut)
    "one giant tag": ("<p>x</p><div " + _names(200_000) + ">t</div>", 1),
    "gt in every value": ("<div " + _names(150_000, '{}=">"') + ">t</div>", 1),
    "lt in every name": ("<div " + _names(200_000, "<{}") + ">t</div>", 1),
    "many medium tags": (_filled("<i " + _names(300) + ">t</i>"), TWO_MB // len("<i " + _names(300) + ">t</i>")),
    "many tags just under": (_filled("<i " + _names(MAX_ATTRIBUTES) + ">t</i>"), 0),
    "unclosed quotes": (_filled('<i a="b c d '), 1),  # one tag: each quote opens what the next closes
    "lt in values": (_filled("<i a=\"<b c='<d " + "x " * 50 + "'>t</i>"), 0),
    "lt runs": (_filled("<a"), 0),
    "quote runs": (_filled('="'), 0),
    "words": (_filled("word "), 0),
    "giant tag in a comment": ("<!-- <div " + _names(200_000) + "> --><p>t</p>", 0),
    "giant tag in a script": ("<script>s = '<div " + _names(200_000) + ">';</script><p>t</p>", 0),
    "comments": (_filled("<!-- a b -->"), 0),
    "unclosed comments": (_filled("<!-- a "), 0),
    "scripts": (_filled("<script a b>x</script>"), 0),
    "a script tag at the end": ("<p>x</p><script", 0),
    # a quote opened in a comment or a script is no quote: the giant tag after it is one
    "quote in a comment": ('<!-- <x a=" --><div ' + _names(200_000) + ">t</div>", 1),
    "quote in a script": ('<script>"<x a=\\""</script><div ' + _names(200_000) + ">t</div>", 1),
}


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_the_attribute_bound_is_one_linear_scan_of_any_page(name: str) -> None:
    page, expected = ADVERSARIAL[name]
    started = time.process_time()
    kept, cut = without_crowded_attributes(page)
    spent = time.process_time() - started
    assert cut == expected
    assert spent < 3  # a fifth of a second here; a scan that went back would take hours
    if not cut:
        assert kept is page
    tree = parse_html(kept, is_readable=True)
    assert tree is None or max(len(element.attrib) for element in tree.iter()) <= MAX_ATTRIBUTES


def test_real_pages_are_left_as_they_are() -> None:
    for folder in sorted(PAGES.iterdir()):
        text = decode_html(load_page(folder).body)
        assert without_crowded_attributes(text) == (text, 0), folder.name
