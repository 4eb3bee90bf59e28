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
from tests.extract.test_trafilatura_contract import BLOCK, LEAD

# the contract test's paragraphs about a bridge
SENTENCES = [*BLOCK, LEAD[1]]

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


def _without_and_with_rule(url: str, page: str, calls: list) -> tuple[str | None, str | None, int]:
    """The body without the rule and with it, and how often readability was asked with it."""
    with disabled("second-opinion-when-short"):
        without = extract_article(url, page).body
    before = len(calls)
    return without, extract_article(url, page).body, len(calls) - before


def test_an_article_whose_first_reading_holds_its_prose_gets_no_second_opinion(readability_calls):
    without, body, asked = _without_and_with_rule("https://bay.example/news/bridge", ARTICLE,
                                                  readability_calls)
    assert len(readability_calls) == 1  # asked without the rule...
    assert asked == 0  # ...not with it
    assert body == without
    assert all(sentence in body for sentence in SENTENCES)


def test_a_fallback_reading_gets_the_second_opinion_and_the_same_body(readability_calls):
    without, body, asked = _without_and_with_rule("https://bay.example/old/bridge", FONT_PAGE,
                                                  readability_calls)
    assert asked
    assert body == without and SENTENCES[0] in body


def test_a_reading_that_leaves_out_most_of_the_prose_gets_the_second_opinion(readability_calls):
    # three paragraphs in the content block, nine more in a block classed as a sidebar:
    # trafilatura's first reading is the three alone, under half of the page's prose
    lead = "".join(f"<p>{s.replace('bridge', 'ferry')}</p>" for s in SENTENCES[:3])
    block = "".join(f"<p>{s}</p>" for s in SENTENCES * 3)
    page = (f"<html><body><div class='entry-content'>{lead}</div>"
            f"<div class='sidebar'>{block}</div></body></html>")
    first = render_body(_tree(page), trafilatura_body(_tree(page), fast=True)) or ""
    assert MIN_BODY_CHARS <= len(first) < MIN_PROSE_SHARE * prose_chars(_tree(page))
    without, body, asked = _without_and_with_rule("https://bay.example/news/ferry", page,
                                                  readability_calls)
    assert asked
    assert body == without and SENTENCES[2] in body
