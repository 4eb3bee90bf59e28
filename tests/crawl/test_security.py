"""Redirects and links never leave the site or reach a protected network; nothing listens for
commands. Crawls use test host names resolved to loopback addresses (tests.support.faultserver.
LoopbackResolver) and point NEWSCRAWL_PROTECTED_NETWORKS at a loopback address, so no packet
leaves 127.0.0.0/8."""

from __future__ import annotations

import asyncio
import ipaddress
import json
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from newscrawl import settings as project_settings
from newscrawl.crawl.middlewares.network import (
    ProtectedNetworkMiddleware,
    as_address,
    parse_networks,
)
from newscrawl.crawl.middlewares.redirect import redirect_problem
from tests.conftest import FAST, read_jsonl, run_scrapy
from tests.support.faultserver import FaultServer, loopback_hosts

pytestmark = pytest.mark.timeout(180)


class NewsSpider(Spider):
    name = "news"
    allowed_domains = ["news.example"]
    start_url = "http://203.0.113.7/"  # a public (documentation) address


def middleware(networks: list[str] | None = None) -> ProtectedNetworkMiddleware:
    settings = {} if networks is None else {"NEWSCRAWL_PROTECTED_NETWORKS": networks}
    crawler = get_crawler(NewsSpider, {"NEWSCRAWL_PROTECTED_NETWORKS":
                                       project_settings.NEWSCRAWL_PROTECTED_NETWORKS, **settings})
    crawler.spider = NewsSpider.from_crawler(crawler)
    crawler.stats.open_spider()
    mw = ProtectedNetworkMiddleware.from_crawler(crawler)
    mw.spider_opened(crawler.spider)
    return mw


def refused(mw: ProtectedNetworkMiddleware, url: str, **meta) -> bool:
    try:
        asyncio.run(mw.process_request(Request(url, meta=meta)))
    except IgnoreRequest:
        return True
    return False


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://192.168.0.1/admin",
    "http://127.0.0.1:6379/", "http://[::1]:8080/", "http://[::ffff:169.254.169.254]/",
    "http://[fe80::1]/", "http://100.64.0.1/", "http://0.0.0.0/"])
def test_protected_addresses_are_refused_before_any_connection(url: str) -> None:
    mw = middleware()
    assert refused(mw, url)
    assert mw.crawler.stats.get_value("newscrawl/dropped/protected_network") == 1


def test_public_addresses_and_the_start_urls_own_network_are_allowed() -> None:
    mw = middleware()
    assert not refused(mw, "http://203.0.113.9/story")
    intranet = middleware()
    intranet.crawler.spider.start_url = "http://10.0.0.5/"
    intranet.spider_opened(intranet.crawler.spider)
    assert not refused(intranet, "http://10.20.30.40/story")  # 10.0.0.0/8 holds the start URL
    assert refused(intranet, "http://169.254.169.254/")  # another protected network


def test_a_start_url_added_after_the_start_is_trusted_too() -> None:
    """A distributed worker's spider adds a site seeded later to its start URLs (add_site):
    its network was still refused, read only when the spider opened."""
    mw = middleware()
    spider = mw.crawler.spider
    spider.start_urls = []
    mw.spider_opened(spider)
    assert refused(mw, "http://10.20.30.40/story")
    spider.start_urls.append("http://10.0.0.5/")  # as SiteSpider.add_site does
    assert not refused(mw, "http://10.20.30.40/story")
    assert refused(mw, "http://169.254.169.254/")  # another protected network


def test_a_start_request_is_trusted_but_its_redirects_are_not() -> None:
    mw = middleware()
    assert not refused(mw, "http://192.168.1.10/", is_start_request=True)
    assert not refused(mw, "http://192.168.7.7/")  # same network as a start request
    other = middleware()
    assert refused(other, "http://192.168.1.10/", is_start_request=True,
                   redirect_urls=["http://203.0.113.7/"])


def test_the_response_address_is_checked_too() -> None:
    mw = middleware()
    response = Response("http://203.0.113.9/", ip_address=ipaddress.ip_address("169.254.169.254"))
    with pytest.raises(IgnoreRequest):
        mw.process_response(Request("http://203.0.113.9/"), response)


def test_an_empty_list_turns_the_check_off_and_a_bad_network_is_named() -> None:
    with pytest.raises(NotConfigured):
        middleware([])
    with pytest.raises(ValueError, match="'10.0.0.0/33' is not a network"):
        parse_networks(["10.0.0.0/8", "10.0.0.0/33"])
    assert str(as_address("::ffff:127.0.0.1")) == "127.0.0.1"


@pytest.mark.parametrize(("target", "problem"), [
    ("https://www.news.example/a", None), ("http://cdn.news.example/a", None),
    ("https://evil.example/a", "redirect_offsite"), ("http://news.example.evil.com/", "redirect_offsite"),
    ("ftp://news.example/a", "redirect_scheme"), ("file:///etc/passwd", "redirect_scheme"),
    ("javascript:alert(1)", "redirect_scheme"), ("data:text/html,hi", "redirect_scheme")])
def test_redirect_targets(target: str, problem: str | None) -> None:
    spider = NewsSpider()
    assert redirect_problem(spider, Request("http://news.example/"), target) == problem


def test_only_loopback_test_hosts() -> None:
    assert loopback_hosts("a.test=127.0.0.2, b.test=127.0.0.3") == {"a.test": "127.0.0.2", "b.test": "127.0.0.3"}
    with pytest.raises(ValueError):
        loopback_hosts("a.test=10.0.0.1")


def test_nothing_listens_for_commands() -> None:
    assert project_settings.TELNETCONSOLE_ENABLED is False
    assert project_settings.REMOTE_CONTROL_ENABLED is False


def _site(internal: FaultServer) -> dict:
    """The public site's extra routes: a redirect and a link into the internal host."""
    secret = f"http://internal.site.test:{internal.port}/articles/secret"

    def page(h) -> None:
        h.send_bytes(f'<html><body><h1>News</h1><a href="/articles/public">public</a>'
                     f'<a href="/go-internal">go</a><a href="{secret}-linked">linked</a></body></html>'.encode())

    return {"/": page, "/go-internal": lambda h: h.redirect(secret)}


def _crawl(tmp: Path, site: FaultServer, internal: FaultServer, *extra: str):
    out, stats_file = tmp / "out.jsonl", tmp / "stats.json"
    proc = run_scrapy(["crawl", "site", "-a", f"url=http://www.site.test:{site.port}/", "-O", str(out),
                       "-s", f"NEWSCRAWL_STATE={tmp / 'state.sqlite'}", "-s", f"NEWSCRAWL_STATS_FILE={stats_file}",
                       "-s", "DNS_RESOLVER=tests.support.faultserver.LoopbackResolver",
                       "-s", f"NEWSCRAWL_TEST_HOSTS=www.site.test={site.host},internal.site.test={internal.host}",
                       "-s", "NEWSCRAWL_EXTRACT_WORKERS=0", *FAST, *extra], timeout=120)
    return read_jsonl(out), json.loads(stats_file.read_text("utf-8")), proc


def test_a_redirect_or_link_into_a_protected_network_is_never_fetched(tmp_path: Path) -> None:
    with FaultServer("127.0.0.3", robots="allow", articles=1) as internal, \
            FaultServer("127.0.0.2", robots="reset", extra=_site(internal)) as site:
        # 127.0.0.3 plays the cloud metadata endpoint: protected, and not the start URL's network
        items, stats, proc = _crawl(tmp_path, site, internal, "-s", "NEWSCRAWL_PROTECTED_NETWORKS=127.0.0.3/32")
        internal_hits = dict(internal.hits)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert internal_hits == {}  # not even its robots.txt
    assert stats["newscrawl/dropped/protected_network"] >= 2  # the redirect and the link
    assert [item["url"].rsplit("/", 1)[-1] for item in items] == ["public"]
    assert stats["newscrawl/robots/unavailable"] == 1  # the site's robots.txt resets: crawled anyway
    assert "TelnetConsole" not in proc.stderr and "RemoteControl" not in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_start_urls_own_network_stays_reachable(tmp_path: Path) -> None:
    with FaultServer("127.0.0.3", robots="allow", articles=1) as internal, \
            FaultServer("127.0.0.2", robots="allow", extra=_site(internal)) as site:
        # default networks: 127.0.0.0/8 is protected, but it is also where the start URL is
        items, stats, proc = _crawl(tmp_path, site, internal)
        internal_hits = dict(internal.hits)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert internal_hits.get("/articles/secret") == 1
    assert "newscrawl/dropped/protected_network" not in stats
    assert {item["url"].rsplit("/", 1)[-1] for item in items} >= {"public", "secret", "secret-linked"}
