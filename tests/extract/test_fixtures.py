"""Replay every saved page through extract_article and through the spider callback."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.utils.test import get_crawler

from newscrawl.crawl.spider import SiteSpider
from newscrawl.extract import extract_article
from newscrawl.output.replay import fixture_folders, load_page
from tests.conftest import PAGES
from tests.support.fixture_checks import problems

FOLDERS = [f for f in fixture_folders(PAGES) if (f / "expected.json").exists()]
# pages that still miss a field; strict, so a fix shows up as XPASS and the entry is removed
KNOWN_GAPS: dict[str, str] = {}


def _params():
    return [pytest.param(f, id=f.name, marks=pytest.mark.xfail(reason=KNOWN_GAPS[f.name], strict=True))
            if f.name in KNOWN_GAPS else pytest.param(f, id=f.name) for f in FOLDERS]


@pytest.mark.parametrize("folder", _params())
def test_extract_article_matches_fixture(folder):
    page = load_page(folder)
    item = extract_article(page.url, page.body, profile=page.profile, fetched_at=page.fetched_time())
    assert problems(item, page.expected) == []


async def _collect(results):
    return [item async for item in results]


@pytest.mark.parametrize("folder", _params())
def test_spider_callback_matches_fixture(folder):
    page = load_page(folder)
    # in-process extraction (no worker pool): the callback must give exactly what the library gives
    crawler = get_crawler(SiteSpider, {"NEWSCRAWL_EXTRACT_WORKERS": 0})
    spider = SiteSpider.from_crawler(crawler, article=page.url, **({"profile": page.profile} if page.profile else {}))
    items = asyncio.run(_collect(spider.parse_article(page.response())))
    assert len(items) == 1
    assert problems(items[0], page.expected) == []


def test_there_are_enough_fixtures():
    names = {f.name for f in FOLDERS}
    passing = [n for n in names if n.startswith("wpnews-") and n not in KNOWN_GAPS]
    assert len(passing) >= 6
