"""The site link extractor returns exactly what Scrapy's LinkExtractor returns, offsite links skipped early."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlsplit

import pytest
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from newscrawl.crawl.pool import ExtractJob, run_job
from newscrawl.crawl.spider import DENY
from newscrawl.discovery.links import keep_on_site, site_link_extractor
from newscrawl.output.replay import load_page
from tests.conftest import PAGES

SAVED = sorted(p.name for p in PAGES.iterdir() if p.is_dir())


def scrapys_own(domains: tuple[str, ...]) -> LinkExtractor:
    return LinkExtractor(deny=DENY, unique=True, process_value=partial(keep_on_site, domains=domains))


def both(url: str, body: bytes, domains: tuple[str, ...]) -> tuple[list, list]:
    response = HtmlResponse(url, body=body, encoding="utf-8")
    return scrapys_own(domains).extract_links(response), site_link_extractor(domains, deny=DENY).extract_links(response)


@pytest.mark.parametrize("name", SAVED)
def test_same_links_as_scrapy_on_saved_pages(name):
    page = load_page(PAGES / name)
    own = ((urlsplit(page.url).hostname or "").removeprefix("www."),)
    expected, got = both(page.url, page.body, own)
    assert got == expected
    assert len(got) > 0 or name == "worldpress-seed"
    foreign_expected, foreign = both(page.url, page.body, ("127.0.0.9",))
    assert foreign == foreign_expected == []


def test_every_kind_of_href_is_judged_as_scrapy_would():
    hrefs = ["/a", "b/c?x=1#f", "  /spaced  ", "//news.example/d", "//other.example/e", "HTTPS://News.Example/F",
             "https://sub.news.example/g", "https://news.example.evil.example/h", "http://other.example/i",
             "mailto:x@news.example", "javascript:void(0)", "tel:123", "ftp://news.example/j", "#top", "?page=2",
             "https://news.example:8080/k", "https://xn--bcher-kva.example/l", "https://bücher.example/m",
             "/wp-admin/n", "https://news.example/o.pdf", "http:/p", "data:text/html,q", ""]
    anchors = "".join(f'<a href="{h}">link {i}</a>' for i, h in enumerate(hrefs)) + '<area href="/map">'
    for base in ("", '<base href="https://elsewhere.example/x/">', '<base href="https://news.example/deep/">'):
        body = f"<html><head>{base}</head><body><p>{anchors}</p></body></html>".encode()
        for domains in (("news.example",), ("elsewhere.example",), ("bücher.example", "news.example")):
            expected, got = both("https://news.example/page", body, domains)
            assert got == expected, (base, domains)


def test_offsite_base_keeps_relative_links_out():
    body = (b'<html><head><base href="https://elsewhere.example/"></head><body>'
            b'<a href="/rel">r</a><a href="https://news.example/abs">a</a></body></html>')
    links = site_link_extractor(("news.example",)).extract_links(HtmlResponse("https://news.example/", body=body))
    assert [link.url for link in links] == ["https://news.example/abs"]


def test_worker_reads_the_same_links_from_its_tree():
    page = load_page(PAGES / "wpnews-elpais")
    domains = ((urlsplit(page.url).hostname or "").removeprefix("www."),)
    extractor = site_link_extractor(domains, deny=DENY)
    result = run_job(ExtractJob(page.url, page.body, "utf-8", link_extractor=extractor))
    tree_free = extractor.extract_links(HtmlResponse(page.url, body=page.body, encoding="utf-8"))
    assert result.links == tree_free and len(tree_free) > 20
