"""Body rules: boilerplate pruned by markup, link lists dropped, metadata text as a backstop."""

from __future__ import annotations

import json
from datetime import date, datetime

from newscrawl.extract import extract_article, rules
from newscrawl.extract.body import complete_from_metadata, without_header_lines
from newscrawl.extract.metadata import PageMetadata

PARAGRAPHS = [
    "The city council voted on Tuesday to approve the long-delayed bridge over the river, "
    "ending a debate that has divided the two neighbourhoods for more than a decade.",
    "Construction is expected to begin next spring and to last about two years, according to "
    "the council's transport committee, which will oversee the tender for the works.",
    "Residents on both banks said they welcomed the decision, although several shop owners "
    "worried about the noise and the closed streets during the first months of the works.",
]


def _article(extra: str = "", head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<html><head>{head}</head><body><main><article><h1>Council approves the new bridge</h1>"
            f"{body}{extra}</article></main></body></html>")


def test_teaser_cards_and_share_bars_are_pruned():
    extra = ('<div class="share-buttons"><p>Share this on social media</p></div>'
             '<a href="/other-story"><h3>Another story entirely</h3><p>Its teaser text.</p></a>')
    body = extract_article("https://x.example/a", _article(extra)).body
    assert PARAGRAPHS[0] in body and PARAGRAPHS[2] in body
    assert "Share this" not in body
    assert "Another story entirely" not in body


def test_a_block_holding_prose_is_never_pruned_by_its_class():
    html = _article().replace("<article>", '<article><div class="social-feature">', 1) \
        .replace("</article>", "</div></article>", 1)
    body = extract_article("https://x.example/b", html).body
    assert all(p in body for p in PARAGRAPHS)


def test_link_lists_are_dropped():
    links = "".join(f'<li><a href="/s{i}">Related headline number {i} here</a></li>' for i in range(5))
    body = extract_article("https://x.example/c", _article(f"<ul>{links}</ul>")).body
    assert "Related headline" not in body
    assert PARAGRAPHS[1] in body


def test_header_lines_repeated_in_the_body_are_dropped():
    body = "By Jane Doe and John Roe\n\nMarch 3, 2021\n\nThe text itself.\n\nMore text."
    got = without_header_lines(body, "Headline", "March 3, 2021", ["Jane Doe", "John Roe"])
    assert got == "The text itself.\n\nMore text."


def test_a_byline_and_dateline_printed_side_by_side_are_a_header_line():
    # a stranger's Next.js page: <span>By <a>Keisha Morgan</a></span><span>March 18, 2024, 12:42
    # p.m. ET</span>, no space between the spans (the page's CSS spaces them)
    body = "Keisha MorganMarch 18, 2024, 12:42 p.m. ET\n\nThe text itself.\n\nMore text."
    line = "By Keisha MorganMarch 18, 2024, 12:42 p.m. ET"
    day, latest = date(2024, 3, 18), datetime(2026, 12, 7)
    assert without_header_lines(body, "Headline", line, ["Keisha Morgan"], day, latest) == "The text itself.\n\nMore text."
    # a sentence that names the author and the date is the article's
    sentence = "Keisha Morgan rode the line on March 18, 2024.\n\nMore text."
    assert without_header_lines(sentence, "Headline", line, ["Keisha Morgan"], day, latest) == sentence
    # a second stranger's: the header prints <time>2024-03-18</time>, the body's line another form
    assert without_header_lines(body, "Headline", "2024-03-18", ["Keisha Morgan"], day, latest) \
        == "The text itself.\n\nMore text."
    assert without_header_lines(sentence, "Headline", "2024-03-18", ["Keisha Morgan"], day, latest) == sentence
    # another day beside the name is no header line (a letter's signature, a correction's date)
    assert without_header_lines(body, "Headline", "2024-03-19", ["Keisha Morgan"], date(2024, 3, 19), latest) == body
    with rules.disabled("header-lines"):
        assert without_header_lines(body, "Headline", "2024-03-18", ["Keisha Morgan"], day, latest) == body


def test_metadata_article_body_completes_a_partial_extraction():
    text = "\n".join(PARAGRAPHS * 3)
    meta = PageMetadata(jsonld_article={"@type": "NewsArticle", "articleBody": text})
    assert complete_from_metadata(PARAGRAPHS[0], meta).split("\n\n") == PARAGRAPHS * 3
    full = "\n\n".join(PARAGRAPHS * 3)
    assert complete_from_metadata(full, meta) == full


def test_jsonld_article_body_used_on_a_page_that_hides_its_text():
    text = " ".join(PARAGRAPHS * 3)
    head = '<script type="application/ld+json">' + json.dumps(
        {"@type": "NewsArticle", "headline": "Council approves the new bridge", "articleBody": text}) + "</script>"
    html = f"<html><head>{head}</head><body><h1>Council approves the new bridge</h1><div id='app'></div></body></html>"
    assert extract_article("https://x.example/d", html).body == text


def test_a_linked_sentence_is_the_article_citing_a_source_not_navigation():
    cited = "A new law is set to stop any future government from sidelining the budget office."
    html = _article().replace(f"<p>{PARAGRAPHS[1]}</p>", (
        f'<p><a href="/news/budget-law">{cited}</a></p>'
        '<p><a href="/news/other">Budget office: what the new watchdog rules mean</a></p>'
        '<p><a href="#after-embed">Skip the content embedded from another site.</a></p>'
        f"<p>{PARAGRAPHS[1]}</p>"))
    body = extract_article("https://x.example/g", html).body
    assert cited in body and PARAGRAPHS[2] in body
    assert "what the new watchdog rules mean" not in body  # a headline: no sentence
    assert "Skip the content" not in body  # a link within the page: its interface
    with rules.disabled("linked-sentences"):
        assert cited not in extract_article("https://x.example/g", html).body


def test_a_line_break_before_a_link_parts_the_words():
    """"Kelsey Tran<br><a>press@...</a>": two lines as printed, never "Tranpress@"."""
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = (f"<html><body><article><h1>Acme opens a plant</h1>{paragraphs}"
            "<p>Media contact<br>Kelsey Tran<br><a href='mailto:press@acme.example'>press@acme.example</a>"
            "<br>412-555-0142</p></article></body></html>")
    body = extract_article("https://news.example/acme-plant", html).body
    assert "Kelsey Tran press@acme.example 412-555-0142" in body
    with rules.disabled("line-breaks-separate"):
        assert "Kelsey Tranpress@acme.example" in extract_article("https://news.example/acme-plant", html).body


def test_paragraphs_in_a_table_cell_are_separate_words():
    # a 2000s page laid out in a table: trafilatura keeps the cell's paragraphs inside one cell,
    # whose text ran the sentences together ("outside her shop.Angharad Llyr")
    from lxml import etree

    from newscrawl.extract.body import _cell_text

    cell = etree.fromstring("<cell>News &gt; <ref>Local</ref><p>Tables allowed outside her shop.</p>"
                            "<p>Angharad <hi>Llyr</hi> was <hi>de</hi>lighted.</p><table><row><cell>Print"
                            "</cell><cell>E-mail</cell></row></table></cell>")
    assert _cell_text(cell) == ("News > Local Tables allowed outside her shop. Angharad Llyr was delighted. "
                                "Print E-mail")


def test_a_nested_list_is_lines_of_its_own_printed_once():
    """An item holding a list: its own words one line, each nested item a line after it (not
    glued onto the item's line and then printed again); an item's paragraphs parted by a space."""
    steps = ('<ol><li>Choose the site for the new bridge<ul><li>Survey the north bank</li>'
             '<li>Survey the south bank</li></ul>then publish the surveys</li>'
             '<li><p>Put the works out to tender.</p><p>Award the contract.</p></li></ol>')
    body = extract_article("https://x.example/lists", _article(steps)).body
    lines = body.split("\n\n")
    assert lines[3:8] == ["Choose the site for the new bridge", "Survey the north bank",
                          "Survey the south bank", "then publish the surveys",
                          "Put the works out to tender. Award the contract."], lines
    assert body.count("Survey the north bank") == 1


def test_the_words_a_quote_opens_with_before_its_paragraphs_are_kept():
    quote = ("<blockquote>The engineer told the council:<p>The river bed is sound.</p>"
             "<p>We can start in spring.</p></blockquote>")
    lines = extract_article("https://x.example/quote", _article(quote)).body.split("\n\n")
    assert lines[3:6] == ["The engineer told the council:", "The river bed is sound.",
                          "We can start in spring."], lines
