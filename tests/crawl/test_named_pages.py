"""A page the user named (`-a article=`, `-a articles=`) that is not written is named in one
WARNING line with why, so that a cron job logging at WARNING sees which page it lost; pages found
by following links keep their INFO lines (a crawl drops many, and that is normal). Real `scrapy
crawl` runs against real sites on 127.0.0.31 and 127.0.0.32."""

from __future__ import annotations

import re

import pytest

from newscrawl.extract import extract_page
from tests.support.faultserver import LOREM, FaultServer, article_page

pytestmark = pytest.mark.timeout(300)

HOST = "127.0.0.31"
DENYING = "127.0.0.32"  # a site whose robots.txt forbids everything
QUIET = ["-s", "LOG_LEVEL=WARNING", "-s", "RETRY_TIMES=0"]  # what cron users set; no retries: quicker
SHORT = article_page("A brief", ["Two sentences only. That is all."]).encode()
UNTITLED = ("<html><body><article>" + "".join(f"<p>{LOREM} {i}</p>" for i in range(3))
            + "</article></body></html>").encode()
ROUTES = {
    "/short": lambda h: h.send_bytes(SHORT),
    "/untitled": lambda h: h.send_bytes(UNTITLED),
    "/moved": lambda h: h.redirect("/short-elsewhere"),
    "/short-elsewhere": lambda h: h.send_bytes(SHORT),
    "/chart.png": lambda h: h.send_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64), content_type="image/png"),
    "/links": lambda h: h.send_bytes(  # a site whose home links the same broken pages
        b'<html><head><title>Fault Times</title></head><body><h1>Fault Times</h1><a href="/status/404">a</a>'
        b'<a href="/reset">b</a><a href="/articles/story-1">c</a><a href="/articles/story-1?utm_source=x">d</a>'
        b'</body></html>'),
}


def logged(stderr: str, level: str) -> list[str]:
    """The messages of the log lines at `level` (after `[logger] LEVEL: `)."""
    return [line.split(f"] {level}: ", 1)[1] for line in stderr.splitlines() if f"] {level}: " in line]


def not_written(stderr: str) -> dict[str, str]:
    """URL -> why, from the `not written: URL (why)` WARNING lines; a URL twice fails the test."""
    found: dict[str, str] = {}
    for message in logged(stderr, "WARNING"):
        match = re.fullmatch(r"not written: (\S+) \((.*)\)", message)
        if match:
            assert match[1] not in found, f"{match[1]} named twice:\n{stderr[-3000:]}"
            found[match[1]] = match[2]
    return found


def test_every_named_page_not_written_is_one_warning_with_why(crawl):
    with FaultServer(HOST, robots="allow", extra=ROUTES) as site, FaultServer(DENYING, robots="deny") as denying:
        good, duplicate = site.url("/articles/story-1"), site.url("/articles/story-1?utm_source=feed")
        failing = [site.url(path) for path in ("/status/404", "/reset", "/short", "/untitled", "/moved", "/pdf",
                                               "/chart.png", "/challenge")] + [denying.url("/articles/story-3")]
        items, stats, proc = crawl("-a", f"article={good} {duplicate} {' '.join(failing)}", extra=QUIET)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # the same story under two URLs: whichever came first is written, the other is its duplicate
    [written] = [item["url"] for item in items]
    assert written in (good, duplicate)
    short, moved = site.url("/short"), site.url("/short-elsewhere")
    too_short = "too short: {} characters, under NEWSCRAWL_MIN_BODY_CHARS=200"
    length = len(extract_page(short, SHORT, non_article_body="full").article.body)  # what the crawl saw
    assert not_written(proc.stderr) == {
        site.url("/status/404"): "HTTP 404",
        site.url("/reset"): "connection error: Connection to the other side was lost in a non-clean fashion.",
        short: too_short.format(length),
        site.url("/untitled"): "no headline found on the page",
        site.url("/moved"): f"redirected to {moved}: {too_short.format(length)}",
        site.url("/pdf"): "binary body: PDF bytes labelled text/html",
        site.url("/chart.png"): "not HTML: image/png",
        site.url("/challenge"): "a bot-challenge page, not the article: save the page from a browser and "
                                "give the file to newscrawl extract --url",
        denying.url("/articles/story-3"): "forbidden by robots.txt; -s ROBOTSTXT_OBEY=False fetches it anyway",
        ({good, duplicate} - {written}).pop(): f"a duplicate of {written} (the same canonical URL), earlier in "
                                               "this run",
    }, proc.stderr[-3000:]
    # nothing else at WARNING or above names a page; the counts are still there
    others = [m for m in logged(proc.stderr, "WARNING") if not m.startswith("not written: ")]
    assert not any(site.base in message or denying.base in message for message in others), others
    assert stats["newscrawl/dropped/http_404"] == 1 and stats["newscrawl/dropped/short_body"] == 2
    assert stats["newscrawl/dropped/duplicate_url"] == 1 and stats["newscrawl/dropped/no_headline"] == 1
    assert stats["newscrawl/dropped/challenge_page"] == 1


def test_a_named_page_seen_in_an_earlier_run_says_so(crawl, tmp_path):
    with FaultServer(HOST, robots="allow") as site:
        page = site.url("/articles/story-2")
        listed = tmp_path / "pages.txt"
        listed.write_text(f"{page}\n", "utf-8")
        first, _, first_proc = crawl("-a", f"article={page}", extra=QUIET, output="first.jsonl")
        again, _, proc = crawl("-a", f"articles={listed}", extra=QUIET, output="again.jsonl")
    assert first_proc.returncode == 0 and [item["url"] for item in first] == [page]
    assert not_written(first_proc.stderr) == {}
    assert proc.returncode == 1 and again == []  # -a articles= that wrote nothing
    assert not_written(proc.stderr) == {
        page: "written in an earlier run, as the state records; -s NEWSCRAWL_STATE=off writes it again"}


def test_pages_found_by_following_links_keep_their_info_lines(crawl):
    with FaultServer(HOST, robots="allow", extra={**ROUTES, "/": ROUTES["/links"]}) as site:
        items, stats, proc = crawl("-a", f"url={site.url('/')}", extra=["-s", "RETRY_TIMES=0"])  # INFO
    assert proc.returncode == 0 and len(items) == 1, proc.stderr[-3000:]
    [written] = [item["url"] for item in items]
    [duplicate] = {site.url("/articles/story-1"), site.url("/articles/story-1?utm_source=x")} - {written}
    assert not_written(proc.stderr) == {}
    info = logged(proc.stderr, "INFO")
    for line in (f"request failed (http_404): {site.url('/status/404')}",
                 f"request failed (connection_error): {site.url('/reset')}",
                 f"dropped duplicate_url: {duplicate}"):
        assert line in info, proc.stderr[-3000:]
    assert not any(site.url("/status/404") in m or duplicate in m for m in logged(proc.stderr, "WARNING"))


def test_a_lost_named_page_is_said_once_whatever_the_log_and_the_run_fails(crawl, tmp_path):
    """One `not written: URL (why)` line per page on the terminal, with the log on it, with
    --nolog and with --logfile: no `no articles written:` line repeats it, and the exit is 1."""
    with FaultServer(HOST, robots="allow", extra=ROUTES) as site:
        missing, short = site.url("/status/404"), site.url("/short")
        pages = f"article={missing} {short}"
        runs = {"log": crawl("-a", pages, extra=QUIET, output="log.jsonl", state="log.sqlite"),
                "nolog": crawl("-a", pages, extra=[*QUIET, "--nolog"], output="nolog.jsonl", state="nolog.sqlite"),
                "logfile": crawl("-a", pages, extra=[*QUIET, "--logfile", str(tmp_path / "crawl.log")],
                                 output="file.jsonl", state="file.sqlite")}
    for name, (items, stats, proc) in runs.items():
        assert proc.returncode == 1 and items == [], (name, proc.stderr[-3000:])
        lines = proc.stderr.splitlines()
        for url, why in ((missing, "HTTP 404"), (short, "too short: ")):
            [line] = [line for line in lines if f"not written: {url} " in line]
            assert f"WARNING: not written: {url} ({why}" in line, (name, line)
        assert not any("no articles written" in line for line in lines), (name, proc.stderr[-3000:])
        assert stats["newscrawl/named/not_written"] == 2, name
    assert f"WARNING: not written: {missing} (HTTP 404)" in (tmp_path / "crawl.log").read_text("utf-8")


def test_named_pages_published_before_since_are_not_written_and_say_so(crawl):
    recent = article_page("A recent story", [LOREM] * 3, published="2099-01-02T08:00:00+00:00").encode()
    old = article_page("An old story", [LOREM] * 3, published="2022-02-20T08:00:00+00:00").encode()
    routes = {"/recent": lambda h: h.send_bytes(recent), "/old": lambda h: h.send_bytes(old)}
    with FaultServer(HOST, robots="allow", extra=routes) as site:
        items, stats, proc = crawl("-a", f"article={site.url('/recent')} {site.url('/old')}",
                                   "-a", "since=2024-01-01", extra=QUIET)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [item["url"] for item in items] == [site.url("/recent")]
    assert not_written(proc.stderr) == {
        site.url("/old"): "published 2022-02-20, before since= (2024-01-01 00:00 UTC)"}
    assert stats["newscrawl/dropped/older_than_since"] == 1


def test_a_since_with_an_offset_is_said_in_utc(crawl):
    """since=2025-12-14T09:00:00+02:00 is 07:00 UTC: the line said `(2025-12-14 09:00 UTC)`, a
    moment two hours later than the cut-off; and a page of that day says when it was published."""
    early = article_page("An early story", [LOREM] * 3, published="2025-12-14T08:30:00+02:00").encode()
    routes = {"/early": lambda h: h.send_bytes(early)}
    with FaultServer(HOST, robots="allow", extra=routes) as site:
        items, stats, proc = crawl("-a", f"article={site.url('/early')}", "-a", "since=2025-12-14T09:00:00+02:00",
                                   extra=QUIET)
    assert items == [] and stats["newscrawl/dropped/older_than_since"] == 1, proc.stderr[-3000:]
    assert not_written(proc.stderr) == {
        site.url("/early"): "published 2025-12-14 06:30 UTC, before since= (2025-12-14 07:00 UTC)"}


def test_a_named_page_over_the_size_extraction_reads_loses_what_prints_nothing_first(crawl):
    """A 5.5 MB article whose <head> holds a 5.5 MB script is written whole (its body was cut
    off before, and it was not written); a page whose printed text is over the size says so, in
    its `not written:` line when it is not written."""
    script = "<script>var state = '" + "x" * 5_500_000 + "';</script>"
    big = article_page("A big page", [LOREM] * 3).replace("</head>", script + "</head>").encode()
    wordy = article_page("A wordy page", [LOREM] * 3).replace(
        "<header>", "<nav>" + "menu " * 1_100_000 + "</nav><header>").encode()
    aside = article_page("An aside page", [LOREM] * 3).replace(
        "<header>", "<aside>" + "menu " * 1_100_000 + "</aside><header>").encode()
    routes = {"/big": lambda h: h.send_bytes(big), "/wordy": lambda h: h.send_bytes(wordy),
              "/aside": lambda h: h.send_bytes(aside)}
    with FaultServer(HOST, robots="allow", extra=routes) as site:
        items, stats, proc = crawl("-a", f"article={site.url('/big')} {site.url('/wordy')} {site.url('/aside')}",
                                   extra=QUIET)
    assert proc.returncode == 0, proc.stderr[-3000:]
    written = {item["url"]: item for item in items}
    assert LOREM[:50] in written[site.url("/big")]["body"], proc.stderr[-3000:]
    # the wordy page's article is past the cut: said, whatever its record became
    cut = "page over 5,000,000 characters after scripts and styles: its end was not read"
    warnings = logged(proc.stderr, "WARNING")
    assert f"{site.url('/wordy')}: {cut}" in warnings, proc.stderr[-3000:]
    assert f"{site.url('/big')}: {cut}" not in warnings, proc.stderr[-3000:]
    # a page that is not written because of the cut says so in its one `not written:` line
    assert not_written(proc.stderr) == {
        site.url("/aside"): f"too short: 0 characters, under NEWSCRAWL_MIN_BODY_CHARS=200; {cut}"}, proc.stderr[-3000:]
    assert stats["newscrawl/extract/cut_pages"] == 2


FEED = (b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>F</title>'
        + b"".join(b"<item><title>Story %d</title><link>http://127.0.0.31/articles/story-%d</link></item>" % (i, i)
                   for i in range(40)) + b"</channel></rss>")
SITEMAP = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           + b"".join(b"<url><loc>http://127.0.0.31/articles/story-%d</loc></url>" % i for i in range(40))
           + b"</urlset>")


def test_a_named_feed_sitemap_or_json_is_not_written_and_says_what_it_is(crawl):
    """A feed served as application/xml was written as an article (headline "F", a body of
    URLs), exit 0; an XHTML article served so is still one."""
    xhtml = ('<?xml version="1.0" encoding="utf-8"?>\n'
             + article_page("An XHTML story", [LOREM] * 3).replace("<!DOCTYPE html>", "")).encode()
    routes = {"/feed.xml": lambda h: h.send_bytes(FEED, content_type="application/xml"),
              "/sitemap.xml": lambda h: h.send_bytes(SITEMAP, content_type="text/xml"),
              "/data.json": lambda h: h.send_bytes(b'{"headline": "F", "items": []}', content_type="application/json"),
              "/story.xhtml": lambda h: h.send_bytes(xhtml, content_type="application/xml")}
    with FaultServer(HOST, robots="allow", extra=routes) as site:
        feed, sitemap, data = site.url("/feed.xml"), site.url("/sitemap.xml"), site.url("/data.json")
        items, stats, proc = crawl("-a", f"article={feed} {sitemap} {data}", extra=QUIET, output="none.jsonl")
        xhtml_items, _, xhtml_proc = crawl("-a", f"article={site.url('/story.xhtml')}", extra=QUIET,
                                           output="xhtml.jsonl", state="xhtml.sqlite")
    assert (proc.returncode, items) == (1, []), proc.stderr[-3000:]
    how = "list it under {} in a sites file (-a sites=FILE), or give the site's home page as -a url="
    assert not_written(proc.stderr) == {
        feed: f"an RSS feed, not an HTML page: {how.format('feeds')}",
        sitemap: f"an XML sitemap, not an HTML page: {how.format('sitemaps')}",
        data: "JSON, not an HTML page",
    }, proc.stderr[-3000:]
    assert stats["newscrawl/dropped/not_html"] == 3
    assert xhtml_proc.returncode == 0, xhtml_proc.stderr[-3000:]
    assert [item["headline"] for item in xhtml_items] == ["An XHTML story"]
