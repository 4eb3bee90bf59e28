"""Discovery: robots.txt Sitemap: lines, sitemap indexes, gzipped and Google News sitemaps,
RSS/Atom feeds, since, traps, the sites file, challenge detection, health rules; and a real crawl
of two sites from one sites file with per-site options, politeness and stats."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from parsel import Selector

from newscrawl.config.sites import SitesFileError, load_sites, parse_sites
from newscrawl.crawl.challenges import is_challenge
from newscrawl.discovery.feeds import feed_links, read_feed
from newscrawl.discovery.since import parse_since, parse_when
from newscrawl.discovery.sitemaps import read_sitemap, robots_sitemaps
from newscrawl.discovery.traps import TrapGuard, is_calendar, page_number
from newscrawl.ops.health import judge_site
from tests.conftest import free_port, read_jsonl
from tests.support.faultserver import plain_article
from tests.support.sites.build import build_site, expected_urls
from tests.support.sites.harness import finish, scrapy_command, start
from tests.support.sites.server import CHALLENGE_PAGE, serve_site
from tools.devserver import serve_directory

BAY = Path(__file__).parents[1] / "support" / "sites" / "bay"
BASE = "http://127.0.0.1:8000/"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The Harbour Times test site, rendered once for the parser tests."""
    return build_site(tmp_path_factory.mktemp("site"), BASE, stage=2)


# -- sitemaps ---------------------------------------------------------------------------------

def test_robots_txt_sitemap_lines_are_read_in_order():
    body = (b"User-agent: *\nDisallow: /private/\n\nsitemap: https://a.example/one.xml\n"
            b"Sitemap: /two.xml\nSitemap: https://a.example/one.xml\n")
    assert robots_sitemaps(body, "https://a.example/robots.txt") == [
        "https://a.example/one.xml", "https://a.example/two.xml"]


def test_sitemap_index_gives_child_sitemaps_with_lastmod(built):
    document = read_sitemap((built / "sitemap_index.xml").read_bytes())
    assert document.kind == "sitemapindex"
    assert [e.url.removeprefix(BASE) for e in document.entries] == [
        "sitemap-posts.xml.gz", "sitemap-pages.xml", "sitemap-2015.xml"]
    assert document.entries[2].modified == datetime(2015, 6, 30, 8, tzinfo=UTC)


def test_gzipped_sitemap_is_unpacked_and_bounded(built):
    body = (built / "sitemap-posts.xml.gz").read_bytes()
    assert body[:2] == b"\x1f\x8b"
    document = read_sitemap(body)
    assert document.kind == "urlset"
    assert f"{BASE}stories/harbour-cranes.html" in [e.url for e in document.entries]
    assert all(e.modified is not None for e in document.entries)
    with pytest.raises(ValueError, match="gzip"):
        read_sitemap(body, max_size=100)  # unpacks to more than 100 bytes


def test_google_news_sitemap_keeps_publication_date_and_title(built):
    document = read_sitemap((built / "news-sitemap.xml").read_bytes())
    entries = {e.url.removeprefix(BASE): e for e in document.entries}
    assert set(entries) == {"stories/ferry-strike.html", "stories/storm-warning.html"}
    entry = entries["stories/ferry-strike.html"]
    assert entry.title == "Ferry crews call off weekend strike"
    assert entry.source == "news-sitemap"
    assert entry.published is not None and entry.published.tzinfo is not None
    assert entry.hints()["title"] == entry.title


def test_not_a_sitemap_and_broken_xml_give_no_entries():
    assert read_sitemap(b"<html><body>Not found</body></html>").kind == ""
    assert read_sitemap(b"").kind == ""
    truncated = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' \
                b"<url><loc>https://a.example/1</loc></url><url><loc>https://a.exa"
    # a truncated download keeps what was read (lxml's recovering parser) instead of failing
    assert [e.url for e in read_sitemap(truncated).entries][0] == "https://a.example/1"


# -- feeds ------------------------------------------------------------------------------------

def test_rss_feed_gives_links_dates_and_titles(built):
    entries = read_feed((built / "feed.rss").read_bytes(), f"{BASE}feed.rss")
    by_url = {e.url.removeprefix(BASE): e for e in entries}
    assert set(by_url) == {"stories/council-budget.html", "stories/fish-market.html", "stories/new-bridge.html"}
    assert by_url["stories/new-bridge.html"].title == "Swing bridge opens to traffic"  # from CDATA
    assert by_url["stories/new-bridge.html"].published > datetime.now(UTC) - timedelta(days=1)


def test_atom_feed_resolves_relative_links(built):
    entries = read_feed((built / "atom.xml").read_bytes(), f"{BASE}atom.xml")
    assert {e.url for e in entries} == {f"{BASE}stories/lighthouse-restored.html",
                                        f"{BASE}stories/port-expansion.html"}
    assert all(e.published and e.modified and e.source == "atom" for e in entries)


def test_rdf_feed_and_non_feeds():
    rdf = (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
           b"<item><title>T</title><link>https://a.example/x</link><dc:date>2024-05-01T10:00:00Z</dc:date>"
           b"</item></rdf:RDF>")
    [entry] = read_feed(rdf, "https://a.example/")
    assert entry.url == "https://a.example/x" and entry.published == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert read_feed(b"<html><body>soft 404</body></html>", "https://a.example/feed/") is None
    assert read_feed(b"", "https://a.example/feed/") is None
    # external entities are never resolved: no local file makes it into a URL
    [entity] = read_feed(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                         b"<rss><channel><item><link>https://a.example/&e;</link></item></channel></rss>",
                         "https://a.example/")
    assert "root:" not in entity.url


def test_feed_links_on_a_home_page_skip_comment_feeds(built):
    page = Selector(text=(built / "index.html").read_text("utf-8"))
    assert feed_links(page, BASE) == [f"{BASE}feed.rss", f"{BASE}atom.xml"]


# -- since, traps -----------------------------------------------------------------------------

def test_since_accepts_durations_and_iso_dates():
    now = datetime(2024, 5, 10, 12, tzinfo=UTC)
    assert parse_since("2d", now) == datetime(2024, 5, 8, 12, tzinfo=UTC)
    assert parse_since("12h", now) == datetime(2024, 5, 10, 0, tzinfo=UTC)
    assert parse_since("1w", now) == datetime(2024, 5, 3, 12, tzinfo=UTC)
    assert parse_since("2024-05-01") == datetime(2024, 5, 1, tzinfo=UTC)
    assert parse_since("2024-05-01T06:00:00+02:00") == datetime(2024, 5, 1, 4, tzinfo=UTC)
    with pytest.raises(ValueError, match="duration such as 2d"):
        parse_since("yesterday")
    with pytest.raises(ValueError, match="is in the future, so every article would be skipped"):
        parse_since("2024-05-11", now)  # a day after `now`: every article older (a mistyped year)
    for nothing in ("0d", "0h", "0.0w"):  # a cut-off of now skipped every article, exit 0
        with pytest.raises(ValueError, match="is no time ago, so every article would be skipped"):
            parse_since(nothing, now)
    with pytest.raises(ValueError, match="reaches back before any date"):
        parse_since("99999999d", now)  # (an OverflowError and a traceback)
    assert parse_since("700000d", now).year < 200  # far back, but a date: every article is kept
    assert parse_when("Tue, 30 Apr 2024 09:00:00 GMT") == datetime(2024, 4, 30, 9, tzinfo=UTC)
    assert parse_when("not a date") is None


def test_pagination_and_calendar_traps_are_bounded():
    assert page_number("https://a.example/world/page/12/") == 12
    assert page_number("https://a.example/world/?page=4&x=1") == 4
    assert page_number("https://a.example/2024/05/01/story/") is None
    assert page_number("https://a.example/?p=1234") is None  # WordPress's address of a post
    assert page_number("https://a.example/forum/viewtopic.php?p=4521") is None  # a forum's post
    assert page_number("https://a.example/news/?p=40") == 40  # a section paged through with p=
    assert is_calendar("https://a.example/events/calendar/2024-05/")
    assert is_calendar("https://a.example/2024/05/")
    assert not is_calendar("https://a.example/2024/05/01/story/")
    guard = TrapGuard(max_page=3, max_calendar=2)
    assert guard.reason("s", "https://a.example/world/page/3/") is None
    assert guard.reason("s", "https://a.example/world/page/4/") == "pagination"
    months = [f"https://a.example/events/calendar/2024-{m:02d}/" for m in (5, 4, 3)]
    assert [guard.reason("s", u) for u in months] == [None, None, "calendar"]
    assert guard.reason("s", months[0]) is None  # the same page again is no new trap step
    assert guard.reason("other", months[2]) is None  # budgets are per site


# -- the sites file ---------------------------------------------------------------------------

def test_sites_file_with_defaults_and_per_site_options(tmp_path):
    path = tmp_path / "sites.toml"
    path.write_text('[defaults]\ndelay = 2.0\n\n[sites.harbour]\nurl = "https://harbour.example/"\n'
                    'feeds = ["https://harbour.example/feed.rss"]\ndeny = ["/video/"]\nsince = "2d"\n\n'
                    '[sites.bay]\nurl = "https://www.bay.example/"\ndelay = 0.5\nconcurrency = 1\n'
                    'profile = "wordpress"\ndiscover = false\n', "utf-8")
    harbour, bay = load_sites(path)
    assert (harbour.name, harbour.delay, harbour.deny, harbour.discover) == ("harbour", 2.0, ("/video/",), True)
    assert harbour.since is not None and harbour.since < datetime.now(UTC) - timedelta(hours=47)
    assert (bay.delay, bay.concurrency, bay.profile, bay.discover) == (0.5, 1, "wordpress", False)
    assert bay.domains() == ("bay.example",)


def test_hosts_are_compared_in_lower_case():
    (site,) = parse_sites({"sites": {"a": {"url": "https://a.example/", "hosts": ["CDN.Example"]}}})
    assert site.domains() == ("a.example", "cdn.example")  # a page's host is lower case: it matched none


@pytest.mark.parametrize("given", ["[::1]", "::1", " [::1] "])
def test_an_ipv6_host_in_brackets_or_not_matches_its_pages(given: str) -> None:
    """hosts = ["[::1]"] was taken as it was written, and a page's host is the address without
    its brackets (urlsplit): it matched no page, without a word."""
    (site,) = parse_sites({"sites": {"a": {"url": "https://a.example/", "hosts": [given]}}})
    assert site.domains() == ("::1", "a.example")


def test_a_link_to_an_ipv6_host_of_the_sites_file_is_followed(tmp_path: Path) -> None:
    """A real crawl: the link to http://[::1]:9/ is the site's (hosts = ["[::1]"]), so it is
    requested (and dropped there as a protected network, the guard's own line); before, it was
    off the site, and never requested."""
    from tests.conftest import REPO, run_scrapy
    from tests.support.faultserver import FaultServer

    def home(h) -> None:
        h.send_bytes(b"<html><body><h1>All</h1><ul><li><a href='http://[::1]:9/articles/story-9'>v6</a></li>"
                     b"<li><a href='/articles/story-1'>S1</a></li></ul></body></html>")

    with FaultServer("127.0.0.7", robots="allow", articles=1, extra={"/": home}) as site:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.a]\nurl = "{site.url("/")}"\nhosts = ["[::1]"]\n', "utf-8")
        result = run_scrapy(["crawl", "site", "-a", f"sites={sites}", "-O", str(tmp_path / "o.jsonl"),
                             "-s", "NEWSCRAWL_STATE=none", "-s", "RETRY_TIMES=0", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0",
                             "-s", "DOWNLOAD_DELAY=0"], cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "dropped protected_network: http://[::1]:9/articles/story-9" in result.stderr, result.stderr[-3000:]
    assert len(read_jsonl(tmp_path / "o.jsonl")) == 1


def test_a_url_given_as_the_sites_file_says_to_use_url() -> None:
    with pytest.raises(SitesFileError) as error:
        load_sites("http://127.0.0.1:9/news/")
    assert str(error.value) == ("-a sites= takes a sites file (TOML), not a URL: to crawl one site from its "
                                "start page, use -a url=http://127.0.0.1:9/news/")


@pytest.mark.parametrize(("text", "line", "message"), [
    ('[sites.a]\nurl = "https://a.example/"\ndelay = \n', 3, "not valid TOML"),
    ('[sites.a]\nurl = "https://a.example/"\n\n[sites.b]\nurl = "https://b.example/"\ndelya = 1\n', 6,
     "unknown option 'delya' in [sites.b]"),
    ('[sites.a]\nurl = "https://a.example/"\nallow = ["(unclosed"]\n', 3, "bad regular expression"),
    ('[sites.a]\nurl = "ftp://a.example/"\n', 2, "not an http(s) URL"),
    ('[sites.a]\nurl = "https://a.example/"\nconcurrency = 0\n', 3, "whole number, 1 or more"),
    # inf held the crawl for ever (and past a TERM); nan ran with no delay at all
    ('[sites.a]\nurl = "https://a.example/"\ndelay = inf\n', 3, "seconds from 0 to 86400"),
    ('[sites.a]\nurl = "https://a.example/"\ndelay = nan\n', 3, "seconds from 0 to 86400"),
    ('[sites.a]\nurl = "https://a.example/"\ndelay = 1e300\n', 3, "seconds from 0 to 86400"),
    ('[sites.a]\nurl = "https://a.example/"\nsince = "99999999d"\n', 3, "reaches back before any date"),
    ('[sites.a]\nurl = "https://a.example/"\nprofile = "nosuch"\n', 3, "profile"),
    ('[sites.a]\nfeeds = []\n', 1, "needs a url"),
    # an unclosed IPv6 bracket: it named line 1, the table's, not the url's
    ('[sites.a]\n\nurl = "http://[::1:8731/"\n', 3, "url: not a valid URL (Invalid IPv6 URL)"),
    ('[defaults]\ndelay = 1\n', None, "no sites"),  # no line to name: the file's name alone
    ('[defaults]\nurl = "https://a.example/"\n\n[sites.a]\nfeeds = []\n', 2,
     "url does not belong in [defaults]"),  # before: every site got that start page, without a word
    ('sites = 3\n', 1, "sites must be [sites.NAME] tables"),  # before: "no sites: add at least one"
    ('[[sites]]\nurl = "https://a.example/"\n', None, "[[sites]] is a list of tables: name each site in its "
                                                    "own [sites.NAME] table"),
    ('[sites.a]\nurl = "https://a.example/"\n\n[sites.b]\nurl = "https://a.example"\n', 5,
     "[sites.b] has the same url as [sites.a] (https://a.example): one site per start page"),
    # hosts that could match no page were taken without a word
    ('[sites.a]\nurl = "https://a.example/"\nhosts = ["https://cdn.example/"]\n', 3,
     "hosts: 'https://cdn.example/' is a URL or a path: give the host name alone ('cdn.example')"),
    ('[sites.a]\nurl = "https://a.example/"\nhosts = ["cdn.example", ""]\n', 3, "an empty host name matches no page"),
    ('[sites.a]\nurl = "https://a.example/"\nhosts = ["cdn,example"]\n', 3, "'cdn,example' is not a host name"),
    # a port: pages are matched by host name alone, so "cdn.example:8080" matched none of them
    ('[sites.a]\nurl = "https://a.example/"\nhosts = ["[::1]:8080"]\n', 3,
     "hosts: '[::1]:8080' has a port: give the host name alone ('::1')"),
    ('[sites.a]\nurl = "https://a.example/"\nhosts = ["cdn.example:8080"]\n', 3,
     "hosts: 'cdn.example:8080' has a port: give the host name alone ('cdn.example'): pages are "
     "matched by host name, whatever their port"),
    # a URL list given as the sites file: "not valid TOML" alone
    ('# my list\nhttps://a.example/one\nhttps://a.example/two\n', 2, "(a list of URLs, one per line, is given as -a urls="),
])
def test_a_malformed_sites_file_gives_one_error_naming_the_line(tmp_path, text, line, message):
    path = tmp_path / "sites.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(SitesFileError) as error:
        load_sites(path)
    assert str(error.value).startswith(f"{path}:{line}: " if line else f"{path}: ")
    assert message in str(error.value)
    assert "\n" not in str(error.value)


# -- challenge pages and health rules ---------------------------------------------------------

def test_challenge_pages_are_told_from_articles():
    assert is_challenge(200, {}, CHALLENGE_PAGE)
    assert is_challenge(403, {b"cf-mitigated": b"challenge"}, b"")
    assert is_challenge(403, {}, b"<html><head><title>Attention Required! | Cloudflare</title></head></html>")
    article = b"<html><head><title>Just a moment... with the mayor</title></head><body>" + b"x" * 70000
    assert not is_challenge(200, {}, article)
    assert not is_challenge(200, {}, b"<html><script src='/cdn-cgi/challenge-platform/scripts/jsd/main.js'>"
                                     b"</script><h1>Story</h1></html>")


def test_health_rules():
    healthy = judge_site("a", {"pages": 30, "article_pages": 10, "emitted": 10}, 0, 24)
    quiet = judge_site("a", {"pages": 30, "seen_before": 10}, 3, 24)
    assert healthy.healthy and quiet.healthy  # a quiet hour with nothing new is healthy
    assert judge_site("a", {"pages": 30, "seen_before": 10}, 24, 24).problems == [
        "no new article for 24 runs in a row"]
    assert "no article page" in judge_site("a", {"pages": 12}, 0, 24).problems[0]
    assert "most requests failed" in judge_site("a", {"pages": 3, "failed": 9, "article_pages": 1}, 0, 0).problems[0]
    assert "bot-challenge" in judge_site("a", {"challenge": 4}, 0, 0).problems[0]
    assert "bot-challenge" in judge_site("a", {"pages": 40, "article_pages": 5, "challenge": 1,
                                               "home_blocked": 1}, 0, 0).problems[0]
    assert "robots.txt forbids" in judge_site("a", {"forbidden": 5}, 0, 0).problems[0]


# -- a real crawl of two sites from one sites file --------------------------------------------

def test_sites_file_crawls_each_site_with_its_own_options_and_stats(tmp_path):
    now = datetime.now(UTC)
    with serve_site(tmp_path / "harbour") as harbour, serve_site(BAY, host="127.0.0.2", sleep=0.05) as bay:
        build_site(tmp_path / "harbour", harbour.base, stage=1, now=now)
        sites = tmp_path / "sites.toml"
        sites.write_text(
            f'[sites.harbour]\nurl = "{harbour.base}"\nsince = "2d"\ndeny = ["/stories/dredging"]\n\n'
            f'[sites.bay]\nurl = "{bay.base}"\ndiscover = false\nconcurrency = 1\ndelay = 0\n'
            'deny = ["/video/"]\n', "utf-8")
        bad = tmp_path / "bad.toml"
        bad.write_text(f'[sites.bay]\nurl = "{bay.base}"\nconcurency = 1\n', "utf-8")
        out, stats_file = tmp_path / "out.jsonl", tmp_path / "stats.json"
        crawl = start(scrapy_command("crawl", ["site", "-a", f"sites={sites}", "-O", str(out)],
                                     tmp_path / "state.sqlite",
                                     ["-s", f"NEWSCRAWL_STATS_FILE={stats_file}"]))
        refused = start(scrapy_command("cron", ["-a", f"sites={bad}", "--output-dir", str(tmp_path / "cron")],
                                       tmp_path / "state2.sqlite"))
        code, err = finish(crawl)
        bad_code, bad_err = finish(refused)
    assert code == 0, err[-3000:]
    items = read_jsonl(out)
    stats = json.loads(stats_file.read_text("utf-8"))
    by_site = {name: {i["url"] for i in items if i["site"] == name} for name in ("harbour", "bay")}
    assert by_site["harbour"] == expected_urls(harbour.base, stage=1, since_days=2) - {
        f"{harbour.base}stories/dredging-works.html"}
    assert by_site["bay"] == {f"{bay.base}stories/{s}.html" for s in ("seal-colony", "ferry-pier", "kayak-race")}
    assert len(items) == len(by_site["harbour"]) + len(by_site["bay"])
    # since: old articles skipped before fetching where a sitemap or URL gave the date
    assert "/stories/old-regatta.html" not in harbour.paths()
    assert "/sitemap-2015.xml" not in harbour.paths()
    assert "/2015/03/02/old-harbour-story/" not in harbour.paths()
    assert stats["newscrawl/dropped/older_than_since"] == 1  # old-ferry-timetable: known after fetching
    # per-site options: discover = false, deny patterns, one request at a time
    assert "/robots.txt" in bay.paths() and not {"/sitemap.xml", "/feed/"} & set(bay.paths())
    assert "/video/highlights.html" not in bay.paths()
    assert "/stories/dredging-works.html" not in harbour.paths()
    assert bay.peak == 1
    # per-site stats
    assert stats["newscrawl/site/harbour/emitted"] == len(by_site["harbour"])
    assert stats["newscrawl/site/bay/emitted"] == 3
    assert stats["newscrawl/site/harbour/sitemaps"] >= 3 and stats["newscrawl/site/harbour/feeds"] == 2
    assert "newscrawl/site/bay/feeds" not in stats
    # a malformed sites file: one clear line naming the line, before anything is crawled
    assert bad_code == 2
    assert f"{bad}:3: [sites.bay] " in bad_err or f"{bad}:3: unknown option 'concurency'" in bad_err
    assert "Traceback" not in bad_err


# -- the counts of a real crawl: each URL once, failures under the failure middleware's names ---

def test_old_urls_are_counted_once_and_errors_use_the_dropped_reasons(tmp_path, crawl):
    """A listing links each old article several times and every page links the same ones: the
    crawl counted each link ("59 older than since" of a site with 14 article pages). A refused
    connection was `errors/DownloadConnectionRefusedError` beside `dropped/connection_refused`."""
    old = [f"/2015/03/0{day}/old-story-{day}/" for day in (1, 2, 3)]
    refused = f"http://127.0.0.1:{free_port()}/news/gone"  # on the site (same host): nothing listens
    links = "".join(f'<a href="{path}">story</a> <a href="{path}">read more</a>' for path in old)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(f'<html><body>{links}<a href="/section.html">section</a></body></html>')
    (site / "section.html").write_text(f'<html><body>{links}<a href="{refused}">gone</a></body></html>')
    with serve_directory(site) as base:
        _, stats, proc = crawl("-a", f"url={base}", "-a", "since=2d", extra=["-s", "RETRY_TIMES=0"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert stats["newscrawl/skipped/older_than_since"] == len(old)  # 2 pages link each: 3 URLs
    assert stats["newscrawl/site/127.0.0.1/skipped_old"] == len(old)
    errors = {key.removeprefix("newscrawl/errors/"): value for key, value in stats.items()
              if key.startswith("newscrawl/errors/")}
    assert errors == {"connection_refused": 1}
    assert stats["newscrawl/dropped/connection_refused"] == 1


def test_a_sitemap_as_sites_write_it_loses_no_article(tmp_path, crawl):
    """A sitemap index whose first `<loc>` was relative raised `Missing scheme in request url` in
    the spider (a traceback, exit 0), and its other sitemaps were never fetched; a bare `&` in a
    `<loc>` made `?id=2&sec=world` `?id=2=world`, and the `&amp;` after it `?p=3page=2`."""
    site = tmp_path / "site"
    (site / "maps").mkdir(parents=True)
    (site / "stories").mkdir()
    (site / "index.html").write_text("<html><body><h1>The Sitemap Times</h1></body></html>")
    for slug in ("one", "two", "three"):
        (site / "stories" / f"{slug}.html").write_bytes(plain_article(slug))
    urlset = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>'
    with serve_directory(site) as base:
        (site / "robots.txt").write_text(f"User-agent: *\nSitemap: {base}maps/index.xml\n")
        (site / "maps" / "index.xml").write_text(
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>/maps/a.xml</loc></sitemap><sitemap><loc>{base}maps/b.xml</loc></sitemap>"
            "</sitemapindex>")
        (site / "maps" / "a.xml").write_text(urlset.format("<url><loc>/stories/one.html</loc></url>"))
        (site / "maps" / "b.xml").write_text(urlset.format(
            f"<url><loc>{base}stories/two.html?id=2&sec=world</loc></url>"
            f"<url><loc>{base}stories/three.html?p=3&amp;page=2</loc></url>"))
        items, stats, proc = crawl("-a", f"url={base}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert sorted(item["url"].removeprefix(base) for item in items) == [
        "stories/one.html", "stories/three.html?p=3&page=2", "stories/two.html?id=2&sec=world"]


def test_a_broken_url_in_robots_txt_or_a_feed_loses_no_other_entry(tmp_path, crawl):
    """`Sitemap: http://[broken/` in robots.txt and `<link>http://[broken/</link>` in a feed
    raised ValueError in the spider's callbacks: a traceback each, exit 0, and the sitemap named
    on the next line and the feed's other entries were never read (their articles lost)."""
    site = tmp_path / "site"
    (site / "stories").mkdir(parents=True)
    (site / "index.html").write_text('<html><head><link rel="alternate" type="application/rss+xml" '
                                     'href="/feed.xml"></head><body><h1>The Feed Times</h1></body></html>')
    for slug in ("mapped", "fed"):
        (site / "stories" / f"{slug}.html").write_bytes(plain_article(slug))
    (site / "feed.xml").write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
                                   "<item><link>http://[broken/</link></item>"
                                   "<item><link>/stories/fed.html</link></item></channel></rss>")
    with serve_directory(site) as base:
        (site / "robots.txt").write_text("User-agent: *\nSitemap: http://[broken/map.xml\n"
                                         f"Sitemap: {base}map.xml\n")
        (site / "map.xml").write_text(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{base}stories/mapped.html</loc></url></urlset>")
        items, _, proc = crawl("-a", f"url={base}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert sorted(item["url"].removeprefix(base) for item in items) == ["stories/fed.html", "stories/mapped.html"]


def test_a_home_page_whose_base_href_is_no_url_has_its_links_and_feeds_read(tmp_path, crawl):
    """`<base href="http://[broken/">` on the home page: Scrapy's selector and link extractor
    raised ValueError (Invalid IPv6 URL) in the spider's callback, a traceback, and none of its
    links or feeds was followed: 0 articles, exit 0. A browser resolves them against the page."""
    site = tmp_path / "site"
    (site / "stories").mkdir(parents=True)
    (site / "index.html").write_text(
        '<html><head><base href="http://[broken/"><link rel="alternate" type="application/rss+xml" '
        'href="/feed.xml"></head><body><h1>The Base Times</h1><a href="stories/linked.html">linked</a>'
        "</body></html>")
    for slug in ("linked", "fed"):
        (site / "stories" / f"{slug}.html").write_bytes(plain_article(slug))
    (site / "feed.xml").write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
                                   "<item><link>/stories/fed.html</link></item></channel></rss>")
    with serve_directory(site) as base:
        items, _, proc = crawl("-a", f"url={base}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "could not read the links" not in proc.stderr
    assert sorted(item["url"].removeprefix(base) for item in items) == ["stories/fed.html", "stories/linked.html"]
