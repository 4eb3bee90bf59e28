"""Rule thorough-body-only-articles: a page that no body could make an article gets one fast
trafilatura pass for its body; the verdict on every page is the one the thorough body gives."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from newscrawl.extract import MIN_THOROUGH_BODY_SCORE, extract_article, extract_page, may_be_article
from newscrawl.extract.classify import article_score, best_score, load_model
from newscrawl.extract.features import BODY_FEATURES
from newscrawl.extract.rules import disabled
from tests.extract.test_classify import listing, product, story

PAGES = [("https://bay.example/news/pier/", story()), ("https://bay.example/news/", listing()),
         ("https://shop.example/p/kettle", product())]


@pytest.mark.parametrize(("url", "html"), PAGES)
def test_the_best_score_bounds_every_body_the_page_could_have(url, html):
    features = extract_page(url, html).features
    model = load_model()
    bound = best_score(features, BODY_FEATURES)
    assert bound >= article_score(features)
    # any body: each body feature anywhere in its range, corners included
    names = sorted(BODY_FEATURES)
    for corner in itertools.islice(itertools.product((0, 1), repeat=len(names)), 256):
        trial = dict(features)
        for name, end in zip(names, corner, strict=True):
            trial[name] = model["high"][name] if end else model["low"][name]
        assert article_score(trial) <= bound + 1e-12


def test_a_story_gets_the_thorough_body_and_a_listing_the_fast_one():
    story_page = extract_page(*PAGES[0])
    assert story_page.is_article and best_score(story_page.features, BODY_FEATURES) >= MIN_THOROUGH_BODY_SCORE
    listing_page = extract_page(*PAGES[1])
    assert not listing_page.is_article
    assert best_score(listing_page.features, BODY_FEATURES | {"rec_published"}) < MIN_THOROUGH_BODY_SCORE


@pytest.mark.parametrize(("url", "html"), PAGES)
def test_the_verdict_is_the_one_the_thorough_body_gives(url, html):
    fast = extract_page(url, html)
    with disabled("thorough-body-only-articles"):
        thorough = extract_page(url, html)
    assert fast.is_article == thorough.is_article
    assert fast.article.headline == thorough.article.headline
    assert fast.article.published == thorough.article.published


def test_the_decision_and_the_rule_switched_off():
    page = extract_page(*PAGES[1])
    assert not may_be_article(page.article, page.features, False, frozenset(), searching=True)
    with disabled("thorough-body-only-articles"):
        assert may_be_article(page.article, page.features, False, frozenset(), searching=True)


def test_what_body_a_page_no_body_could_make_an_article_gets():
    url, html = PAGES[1]  # the listing
    quick = extract_page(url, html)
    none = extract_page(url, html, non_article_body="none")
    full = extract_page(url, html, non_article_body="full")
    with disabled("thorough-body-only-articles"):
        thorough = extract_page(url, html)
    # the crawl, which writes articles only, spends nothing on it; a caller that names it as an
    # article gets the thorough body; the verdict and the header fields are the same with each
    assert not none.article.body and quick.article.body and full.article.body == thorough.article.body
    assert len({quick.is_article, none.is_article, full.is_article}) == 1 and not quick.is_article
    assert none.article.headline == full.article.headline == quick.article.headline


@pytest.mark.parametrize("effort", ["none", "full"])
def test_an_article_gets_the_same_record_whatever_a_non_article_would_get(effort):
    url, html = PAGES[0]  # the story
    when = datetime(2024, 5, 1, tzinfo=UTC)  # fetched_at is the clock's otherwise
    assert extract_page(url, html, non_article_body=effort, fetched_at=when).article \
        == extract_page(url, html, fetched_at=when).article


def test_an_unknown_effort_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="non_article_body must be one of quick, full, none, not 'fast'"):
        extract_page(*PAGES[1], non_article_body="fast")


def test_a_page_that_is_no_text_is_a_callers_mistake_said_at_once():
    # not a broken page (which gives an item with an error): None is no page at all
    with pytest.raises(TypeError, match="^html must be the page as str or bytes, not NoneType$"):
        extract_page(PAGES[1][0], None)
    with pytest.raises(TypeError, match="^fetched_at must be a datetime, not str$"):
        extract_article(*PAGES[1], fetched_at="2024-01-01")


@pytest.mark.parametrize(("url", "html"), PAGES)
def test_extract_article_is_the_record_a_named_page_gets_without_the_verdict(url, html):
    # extract_article does not judge the page (it skips the page's features): every page gets
    # the record a page named with -a article= gets, the thorough body included
    when = datetime(2024, 5, 1, tzinfo=UTC)
    named = extract_page(url, html, non_article_body="full", fetched_at=when).article
    assert extract_article(url, html, fetched_at=when) == named
    assert named.body


def test_extract_article_takes_no_body_effort():
    with pytest.raises(TypeError, match="non_article_body"):
        extract_article(*PAGES[1], non_article_body="quick")
