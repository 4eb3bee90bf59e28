"""Symbols that are not text: a heading's permalink ("#", "¶": rule heading-permalinks) and a
line with no letter or digit at either end of the body (a press release's "###": rule
symbol-lines). The benchmarks' scorers skip punctuation, so only these tests see them."""

from __future__ import annotations

from newscrawl.extract import extract_article
from newscrawl.extract.document import parse_html
from newscrawl.extract.rules import disabled
from tests.extract.test_body_rules4 import PARAGRAPHS

URL = "https://blog.example/posts/river-sensors-in-rust/"


def _page(blocks: str) -> str:
    return (f"<html><body><article><h1>Moving our river sensors to embedded Rust</h1>{blocks}"
            "</article></body></html>")


def test_a_headings_permalink_is_not_part_of_its_words():
    # Hugo's and Sphinx's anchors beside every heading
    html = _page(f"<p>{PARAGRAPHS[0]}</p>"
                 "<h2 id='why'>Why we did it<a class='anchor' href='#why' aria-hidden='true'>#</a></h2>"
                 f"<p>{PARAGRAPHS[1]}</p>"
                 "<h2 id='how'>How it went <a class='headerlink' href='#how'>¶</a></h2>"
                 f"<p>{PARAGRAPHS[2]}</p>")
    lines = extract_article(URL, html).body.split("\n\n")
    assert "Why we did it" in lines and "How it went" in lines
    with disabled("heading-permalinks"):
        assert "Why we did it#" in extract_article(URL, html).body


def test_a_heading_that_links_to_its_own_anchor_is_a_heading():
    # a second stranger's Sphinx page: <h2><a href="#methods">Methods</a></h2> was read as a link
    # block and left out
    html = _page(f"<p>{PARAGRAPHS[0]}</p><section id='methods'><h2><a href='#methods'>Methods</a></h2>"
                 f"<p>{PARAGRAPHS[1]}</p></section><h2><a href='/other/'>Other stories</a></h2>")
    lines = extract_article(URL, html).body.split("\n\n")
    assert "Methods" in lines and "Other stories" not in lines
    with disabled("heading-permalinks"):
        assert "Methods" not in extract_article(URL, html).body.split("\n\n")


def test_a_link_in_a_heading_that_has_words_stays():
    tree = parse_html("<html><body><h2><a href='#tools'>Tools we used</a></h2>"
                      "<h2>Costs <a href='/pricing/'>§</a></h2></body></html>")
    assert [h.text_content() for h in tree.iter("h2")] == ["Tools we used", "Costs §"]


def test_a_closing_mark_is_not_text_but_a_section_break_stays():
    html = _page("".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2]) + "<p>* * *</p>"
                 + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:]) + "<p>Media contact: Jordan Park</p><p>###</p>")
    body = extract_article(URL, html).body
    assert body.endswith("Media contact: Jordan Park")
    assert "\n\n* * *\n\n" in body
    with disabled("symbol-lines"):
        assert extract_article(URL, html).body.endswith("###")


def test_an_end_mark_closes_the_body_and_a_mark_with_text_after_it_is_a_break():
    # a stranger's press release: "###", then the media contact and the wire's "SOURCE" line
    release = "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + (
        "<p style='text-align:center'>###</p><p><b>Media contact:</b><br>Jordan Park<br>press@river.example</p>"
        "<p>SOURCE River Sensors Cooperative</p>")
    body = extract_article(URL, _page(release)).body
    assert body.endswith(PARAGRAPHS[-1])
    with disabled("end-marks"):
        assert "Media contact" in extract_article(URL, _page(release)).body
    # "-30-" as the last line, which a symbol line's test does not see (it holds digits)
    closing = "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "<p>-30-</p>"
    assert extract_article(URL, _page(closing)).body.endswith(PARAGRAPHS[-1])
    # most of the text after the mark: a writer's section break, not the end
    essay = f"<p>{PARAGRAPHS[0]}</p><p>###</p>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[1:])
    body = extract_article(URL, _page(essay)).body
    assert "\n\n###\n\n" in body and body.endswith(PARAGRAPHS[-1])
