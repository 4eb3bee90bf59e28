"""robots.txt holds for every request that waits for it: Scrapy 2.19's own middleware gave the
parser to the first waiters only, and a page named third while robots.txt was on its way was
fetched and written although robots.txt forbids it (found by a stranger). A real `scrapy crawl`
and `scrapy extract` against a real server on 127.0.0.27 whose robots.txt takes a moment."""

from __future__ import annotations

import time

import pytest

from tests.conftest import run_scrapy
from tests.support.faultserver import FaultServer, plain_article

pytestmark = pytest.mark.timeout(300)

HOST = "127.0.0.27"
PAGES = ("/news/a", "/news/b", "/news/c", "/news/d")
FORBIDDEN = "/private/insider-report"


def _slow_robots(handler) -> None:
    time.sleep(1.0)  # every named page is waiting for it by now
    handler.send_bytes(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")


def _story(handler) -> None:
    handler.send_bytes(plain_article(handler.path.strip("/").replace("/", "-")))


def _server() -> FaultServer:
    routes = {"/robots.txt": _slow_robots, FORBIDDEN: _story, **{path: _story for path in PAGES}}
    return FaultServer(HOST, extra=routes)


def test_a_forbidden_page_named_after_others_is_not_fetched(crawl):
    with _server() as site:
        named = " ".join(site.url(path) for path in (*PAGES[:3], FORBIDDEN, PAGES[3]))
        items, stats, proc = crawl("-a", f"article={named}")
        hits = dict(site.hits)
    assert FORBIDDEN not in hits, proc.stderr[-3000:]
    assert hits["/robots.txt"] == 1
    assert sorted(item["url"] for item in items) == sorted(site.url(path) for path in PAGES)
    assert stats["robotstxt/forbidden"] == 1
    assert f"not written: {site.url(FORBIDDEN)} (forbidden by robots.txt" in proc.stderr
    assert proc.returncode == 0  # the others were written (exit 1 is for a run that writes none)


def test_extract_does_not_fetch_a_forbidden_page_named_third():
    with _server() as site:
        proc = run_scrapy(["extract", *(site.url(path) for path in (*PAGES[:2], FORBIDDEN))], timeout=120)
        hits = dict(site.hits)
    assert FORBIDDEN not in hits, proc.stderr[-3000:]
    assert proc.returncode == 1
    assert len(proc.stdout.splitlines()) == 2
