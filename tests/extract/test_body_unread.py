"""Rule unread-regions: navigation, page footers, asides, icons and forms go before the body is
read (trafilatura deletes them from every page before its own reading, so its reading of the body
does not change; its passes over the whole page get shorter). One that holds half the page's text
is the page itself in broken markup, and stays.

The contract test pins what the rule relies on in trafilatura (pinned below its next minor): its
reading takes no text from these regions, even when they hold sentences."""

from __future__ import annotations

import copy

import lxml.html
import pytest

from newscrawl.extract import extract_article
from newscrawl.extract.body import UNREAD_REGIONS, drop_unread_regions, run_trafilatura
from newscrawl.extract.rules import disabled
from tests.extract.test_trafilatura_contract import BLOCK

# a sentence such a region may print (a site's blurb in its footer, a note in a sidebar)
REGION_SENTENCE = ("The Harbour Gazette has reported on the towns of the western bay since 1921, "
                   "and its archive of printed editions is open to readers on weekday mornings.")
ARTICLE = "".join(f"<p>{sentence}</p>" for sentence in BLOCK)


def _page(region: str) -> str:
    return (f"<html><body><{region}><p>{REGION_SENTENCE}</p></{region}>"
            f"<article><h1>Bridge to be rebuilt</h1>{ARTICLE}</article></body></html>")


@pytest.mark.parametrize("region", ["nav", "footer", "aside", "form"])
def test_trafilatura_reads_no_text_from_the_region_and_the_rule_changes_no_body(region):
    tree = lxml.html.document_fromstring(_page(region))
    trafilatura_alone = run_trafilatura(copy.deepcopy(tree), fast=True) or ""
    assert BLOCK[0] in trafilatura_alone and REGION_SENTENCE not in trafilatura_alone
    assert drop_unread_regions(tree) == 1
    assert run_trafilatura(tree, fast=True) == trafilatura_alone


def test_the_text_after_a_region_stays_and_keeps_its_words_apart():
    tree = lxml.html.document_fromstring(
        "<html><body><div>before<nav><a href='/'>Home</a></nav>after"
        "<svg><title>Share</title><path d='M0 0'/></svg></div></body></html>")
    assert drop_unread_regions(tree) == 2
    words = tree.find("body").text_content().split()
    assert words == ["before", "after"]
    assert not any(tree.iter(*UNREAD_REGIONS))


def test_a_region_that_swallowed_the_page_stays():
    # an unclosed <aside> in the header: the parser puts the whole article inside it
    html = ("<html><body><header><aside class='menu'><a href='/'>Home</a>"
            f"<h1>Bridge to be rebuilt</h1>{ARTICLE}</body></html>")
    tree = lxml.html.document_fromstring(html)
    assert drop_unread_regions(tree) == 0
    body = extract_article("https://example.org/bridge", html).body or ""
    assert BLOCK[0] in body and BLOCK[-1] in body
    with disabled("unread-regions"):
        assert extract_article("https://example.org/bridge", html).body == body


def test_regions_inside_a_removed_region_go_with_it_and_are_counted_once():
    # a footer's menu and its icons: one region out, its own regions not looked at again
    tree = lxml.html.document_fromstring(
        "<html><body><p>Bridge to be rebuilt this spring.</p><footer><nav><a href='/'>Home</a>"
        "<svg><path d='M0 0'/></svg></nav><form><button>Subscribe</button></form></footer>"
        "</body></html>")
    assert drop_unread_regions(tree) == 1
    assert tree.find("body").text_content() == "Bridge to be rebuilt this spring."
