"""Rule second-opinion-when-short: trafilatura's second opinion (readability, then justext) is
asked only when its first, fast reading is short, leaves out most of the page's prose, or is the
fallback trafilatura falls to when its extractor found nothing (bare paragraphs).

The contract tests pin what the rule relies on in trafilatura (pinned below its next minor):
its fast fallback dumps the page as bare paragraphs, and its extractor's own reading of an
article keeps links and headings."""

from __future__ import annotations

import lxml.html
import pytest
import trafilatura.external

from newscrawl.extract import extract_article
from newscrawl.extract.body import (
    MIN_BODY_CHARS,
    MIN_PROSE_SHARE,
    bare_paragraphs,
    render_body,
    trafilatura_body,
)
from newscrawl.extract.rules import disabled
from newscrawl.extract.vocabulary import prose_chars

SENTENCES = [
    "The council voted on Tuesday to rebuild the old bridge over the river, a project that has been "
    "delayed for more than a decade by disputes over money.",
    "Engineers say the new span will carry twice as much traffic and will stand up to the floods "
    "that closed the old one three times in the past five years.",
    "Residents who spoke at the meeting welcomed the decision but asked the council to keep the "
    "footpath open while the work goes on next spring.",
    "The cost of the project is to be shared between the city and the region, with a grant from "
    "the national fund for transport covering a third of the total.",
]

# an article as a CMS prints it: paragraphs, a subheading, a link
ARTICLE = (
    "<html><head><title>Bridge to be rebuilt</title></head><body><nav><a href='/'>Home</a></nav>"
    "<article><h1>Bridge to be rebuilt</h1>"
    f"<p>{SENTENCES[0]}</p><p>{SENTENCES[1]} <a href='/bridge'>The old bridge</a> opened in 1911.</p>"
    f"<h2>Who pays</h2><p>{SENTENCES[3]}</p><p>{SENTENCES[2]}</p></article>"
    "<footer><p>Copyright the Bay Chronicle</p></footer></body></html>"
)
# an old page whose text sits in <font> and <br>: trafilatura's extractor finds no block in it
FONT_PAGE = (
    "<html><head><title>Bridge to be rebuilt</title></head><body><center><font>"
    + "<br><br>".join(SENTENCES * 2) + "</font></center></body></html>"
)


def _tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def test_trafilatura_fast_fallback_is_bare_paragraphs_and_its_reading_of_an_article_is_not():
    fallback = trafilatura_body(_tree(FONT_PAGE), fast=True)
    assert fallback is not None and len(fallback) and bare_paragraphs(fallback)
    reading = trafilatura_body(_tree(ARTICLE), fast=True)
    assert reading is not None and not bare_paragraphs(reading)
    assert {child.tag for child in reading} >= {"p", "head"}


@pytest.fixture
def readability_calls(monkeypatch):
    """How many times trafilatura asks readability (the real function runs)."""
    calls = []
    real = trafilatura.external.try_readability

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(trafilatura.external, "try_readability", counted)
    return calls


def test_an_article_whose_first_reading_holds_its_prose_gets_no_second_opinion(readability_calls):
    with disabled("second-opinion-when-short"):
        asked = extract_article("https://bay.example/news/bridge", ARTICLE).body
    assert len(readability_calls) == 1
    body = extract_article("https://bay.example/news/bridge", ARTICLE).body
    assert len(readability_calls) == 1  # not asked again
    assert body == asked
    assert all(sentence in body for sentence in SENTENCES)


def test_a_fallback_reading_gets_the_second_opinion_and_the_same_body(readability_calls):
    with disabled("second-opinion-when-short"):
        asked = extract_article("https://bay.example/old/bridge", FONT_PAGE).body
    before = len(readability_calls)
    body = extract_article("https://bay.example/old/bridge", FONT_PAGE).body
    assert len(readability_calls) > before
    assert body == asked and SENTENCES[0] in body


def test_a_reading_that_leaves_out_most_of_the_prose_gets_the_second_opinion(readability_calls):
    # three paragraphs in the content block, nine more in a block classed as a sidebar:
    # trafilatura's first reading is the three alone, under half of the page's prose
    lead = "".join(f"<p>{s.replace('bridge', 'ferry')}</p>" for s in SENTENCES[:3])
    block = "".join(f"<p>{s}</p>" for s in SENTENCES * 3)
    page = (f"<html><body><div class='entry-content'>{lead}</div>"
            f"<div class='sidebar'>{block}</div></body></html>")
    first = render_body(_tree(page), trafilatura_body(_tree(page), fast=True)) or ""
    assert MIN_BODY_CHARS <= len(first) < MIN_PROSE_SHARE * prose_chars(_tree(page))
    with disabled("second-opinion-when-short"):
        asked = extract_article("https://bay.example/news/ferry", page).body
    before = len(readability_calls)
    body = extract_article("https://bay.example/news/ferry", page).body
    assert len(readability_calls) > before
    assert body == asked and SENTENCES[2] in body
