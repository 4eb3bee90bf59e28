"""The summary a finished `scrapy crawl` prints: its lines read as English for one article page
as for several. Real crawls of a real site on 127.0.0.22."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.support.faultserver import LOREM, FaultServer, article_page, plain_article
from tests.support.sites.server import serve_site

pytestmark = pytest.mark.timeout(300)

HOST = "127.0.0.22"


def one_article_site(root: Path) -> Path:
    """A home page linking to one article; no robots.txt, no feed, no sitemap."""
    story = root / "news" / "2024" / "03" / "01" / "harbour-report"
    story.mkdir(parents=True)
    (story / "index.html").write_bytes(plain_article("one"))
    (root / "index.html").write_text(
        '<html><head><title>Harbour Times</title></head><body><h1>Harbour Times</h1>'
        '<a href="/news/2024/03/01/harbour-report/">Harbour report</a></body></html>', "utf-8")
    return root


def summary(stderr: str) -> list[str]:
    return [line.removeprefix("summary: ") for line in stderr.splitlines() if line.startswith("summary: ")]


def test_one_article_page_is_singular_in_the_coverage_line(crawl, tmp_path):
    with serve_site(one_article_site(tmp_path / "site"), host=HOST) as site:
        items, stats, proc = crawl("-a", f"url={site.base}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(items) == 1
    lines = summary(proc.stderr)
    assert "coverage: 1 article page; headline 100%, published 100%, authors 100%, body 100%" in lines, lines
    assert stats["newscrawl/site/127.0.0.22/coverage_articles"] == 1


def no_articles(stderr: str) -> list[str]:
    return [line.split("WARNING: ", 1)[1] for line in stderr.splitlines() if "WARNING: no articles written" in line]


def test_why_nothing_was_written_reads_in_the_singular_for_one_page(crawl, tmp_path):
    """`1 HTTP error (404)`, not `1 HTTP errors (404)`; `1 not an article`; `2 HTTP errors`; in
    the warning of a site's crawl, and in the summary of pages named with -a article= (whose
    own `not written: URL (why)` lines say why: no `no articles written:` line repeats them)."""
    root = tmp_path / "site"  # a home page that links nothing, and no robots.txt
    root.mkdir()
    (root / "index.html").write_text("<html><head><title>Harbour Times</title></head><body><h1>Harbour "
                                     "Times</h1><p>Coming soon.</p></body></html>", "utf-8")
    closed = f"http://{HOST}:{free_port(HOST)}/gone"
    with serve_site(root, host=HOST) as site:
        runs = {"one 404": crawl("-a", f"article={site.base}missing", state="a.sqlite", output="a.jsonl"),
                "two 404s": crawl("-a", f"article={site.base}missing {site.base}gone", state="b.sqlite",
                                  output="b.jsonl"),
                "not an article": crawl("-a", f"url={site.base}", state="c.sqlite", output="c.jsonl"),
                "network": crawl("-a", f"article={closed}", "-s", "RETRY_TIMES=0", state="d.sqlite",
                                 output="d.jsonl"),
                "site 404": crawl("-a", f"url={site.base}missing/", state="e.sqlite", output="e.jsonl"),
                "site down": crawl("-a", f"url={closed}/", "-s", "RETRY_TIMES=0", state="f.sqlite",
                                   output="f.jsonl")}
    warned = {"not an article": "no articles written: 1 not an article",
              "site 404": "no articles written: 1 HTTP error (404)",
              "site down": "no articles written: 1 network error"}
    summed = {"one 404": "; 0 not articles; 1 HTTP error (dropped/http_404=1)",
              "two 404s": "; 0 not articles; 2 HTTP errors (dropped/http_404=2)",
              "not an article": "; 1 not an article",
              "network": "; 0 not articles; 1 network error (dropped/connection_refused=1)"}
    for name, (items, _, proc) in runs.items():
        expected = [warned[name]] if name in warned else []
        assert items == [] and no_articles(proc.stderr) == expected, (name, proc.stderr[-2000:])
        if name in summed:
            [line] = [line for line in summary(proc.stderr) if line.startswith("not written: ")]
            assert line.endswith(summed[name]), (name, line)
    # a page a network error kept out is fetched by a rerun (a 404 is not): the summary says so
    told = {name for name, (_, _, proc) in runs.items()
            if any("1 page not fetched for a passing fault" in line and "run again fetches them" in line
                   for line in summary(proc.stderr))}
    assert told == {"network", "site down"}
    # a site that wrote nothing exits 0 when its pages were read (a quiet hour), 1 when none could be
    unreadable = [line for line in runs["site down"][2].stderr.splitlines() if "no page of the site" in line]
    assert len(unreadable) == 1 and "ERROR" in unreadable[0]
    assert {name: proc.returncode for name, (_, _, proc) in runs.items()} == {
        "one 404": 1, "two 404s": 1, "not an article": 0, "network": 1, "site 404": 1, "site down": 1}
    assert "no page of the site" not in runs["not an article"][2].stderr

def test_an_oversize_page_is_not_counted_as_a_fault_that_passes(crawl, tmp_path):
    """A page over DOWNLOAD_MAXSIZE is the page's fault: a rerun fetches it no better, so the
    summary's `not fetched for a passing fault` line counts the refused connection only."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "big.html").write_bytes(plain_article("big") * 40)
    closed = f"http://{HOST}:{free_port(HOST)}/gone"
    with serve_site(root, host=HOST) as site:
        _, stats, proc = crawl("-a", f"article={site.base}big.html {closed}", "-s", "RETRY_TIMES=0",
                               "-s", f"DOWNLOAD_MAXSIZE={len(plain_article('big')) * 20}")
    assert stats["newscrawl/dropped/too_large"] == 1 and stats["newscrawl/dropped/connection_refused"] == 1
    told = [line for line in summary(proc.stderr) if "not fetched for a passing fault" in line]
    assert len(told) == 1 and told[0].startswith("1 page not fetched"), summary(proc.stderr)
    [counted] = [line for line in summary(proc.stderr) if line.startswith("not written: ")]
    assert "; 1 over DOWNLOAD_MAXSIZE; 1 network error (dropped/connection_refused=1)" in counted, counted


def reasons(line: str, separator: str) -> dict[str, int]:
    """`2 HTTP errors (...)` parts of a line -> {"HTTP errors": 2}, the ones not 0."""
    parts = (re.fullmatch(r"(\d+) (.+?)(?: \(.*\))?", part) for part in line.split(separator))
    return {m[2]: int(m[1]) for m in parts if m and int(m[1])}


def test_the_summary_counts_every_page_not_written_as_the_warning_does(crawl, tmp_path):
    """The summary's `not written:` counts are the `no articles written:` ones, robots.txt's too,
    and say which stats a reason adds up (13 not fetched again + 1 fetched = 14 seen)."""
    root = one_article_site(tmp_path / "site")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", "utf-8")
    brief = root / "news" / "2024" / "03" / "02" / "brief"
    brief.mkdir(parents=True)
    (brief / "index.html").write_bytes(article_page("A brief", ["Two sentences only. That is all."]).encode())
    (root / "index.html").write_text(
        '<html><head><title>Harbour Times</title></head><body><h1>Harbour Times</h1>'
        '<a href="/news/2024/03/01/harbour-report/">Harbour report</a><a href="/news/2024/03/02/brief/">'
        'Brief</a><a href="/private/tips/">Tips</a></body></html>', "utf-8")
    with serve_site(root, host=HOST) as site:
        first, _, first_proc = crawl("-a", f"url={site.base}", output="first.jsonl")
        again, stats, proc = crawl("-a", f"url={site.base}", output="again.jsonl")
    assert len(first) == 1 and again == [] and proc.returncode == 0, proc.stderr[-2000:]
    assert ("not written: 0 seen in earlier runs; 0 duplicates in this run; 1 not an article; 1 too short; "
            "1 forbidden by robots.txt") in summary(first_proc.stderr), summary(first_proc.stderr)
    [line] = [line for line in summary(proc.stderr) if line.startswith("not written: ")]
    [warning] = no_articles(proc.stderr)
    counts = reasons(line.removeprefix("not written: "), "; ")
    assert counts == reasons(warning.removeprefix("no articles written: "), ", "), (line, warning)
    assert counts == {"seen in earlier runs": 1, "not an article": 1, "too short": 1,
                      "forbidden by robots.txt": 1}, line
    seen = {k.removeprefix("newscrawl/"): v for k, v in stats.items()
            if k in ("newscrawl/skipped/seen_before", "newscrawl/dropped/seen_in_earlier_run") and v}
    assert f"1 seen in earlier runs ({', '.join(f'{k}={v}' for k, v in sorted(seen.items()))})" in line, line


def test_links_past_depth_limit_are_counted_in_the_summary(crawl, tmp_path):
    """A chain of stories, each linking the next: past DEPTH_LIMIT the crawl stops following
    them, and the summary says how many links it left (Scrapy logs it at DEBUG only)."""
    root = tmp_path / "site"
    for number in range(1, 5):
        story = root / "news" / "2024" / "03" / "01" / f"story-{number}"
        story.mkdir(parents=True)
        page = plain_article(f"story-{number}").decode()
        link = f'<a href="/news/2024/03/01/story-{number + 1}/">Next story</a>' if number < 4 else ""
        (story / "index.html").write_text(page.replace("</article>", f"{link}</article>"), "utf-8")
    (root / "index.html").write_text(
        '<html><head><title>Harbour Times</title></head><body><h1>Harbour Times</h1>'
        '<a href="/news/2024/03/01/story-1/">Story one</a></body></html>', "utf-8")
    with serve_site(root, host=HOST) as site:
        items, stats, proc = crawl("-a", f"url={site.base}", "-s", "DEPTH_LIMIT=2")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert sorted(item["headline"] for item in items) == ["Harbour report story-1", "Harbour report story-2"]
    assert stats["depth/request_ignored_count"] == 1
    lines = summary(proc.stderr)
    assert any(line.startswith("1 link not followed: past DEPTH_LIMIT") for line in lines), lines

    with serve_site(root, host=HOST) as site:
        items, stats, proc = crawl("-a", f"url={site.base}", "-s", "DEPTH_LIMIT=0", state="all.sqlite",
                                   output="all.jsonl")
    assert proc.returncode == 0 and len(items) == 4
    assert not any("not followed: past DEPTH_LIMIT" in line for line in summary(proc.stderr))


def _error_lines(stderr: str) -> list[str]:
    return [line.split(" ERROR: ", 1)[1] for line in stderr.splitlines() if " ERROR: " in line]


def test_pages_fetched_but_not_extracted_are_blamed_on_the_extraction_and_counted_as_errors(crawl, tmp_path):
    """Every extraction over NEWSCRAWL_EXTRACT_TIMEOUT: the last line blamed the site (`check the
    address, and whether the site is up`) and the summary said `errors: none` beside
    `1 extraction failed`."""
    with serve_site(one_article_site(tmp_path / "site"), host=HOST) as site:
        items, _, proc = crawl("-a", f"url={site.base}", "-s", "NEWSCRAWL_EXTRACT_TIMEOUT=0.0001",
                               "-s", "NEWSCRAWL_EXTRACT_WORKERS=1")
    assert items == [] and proc.returncode == 1, proc.stderr[-3000:]
    assert _error_lines(proc.stderr)[-1] == (
        "1 page was fetched but none could be extracted (extraction timed out: "
        "NEWSCRAWL_EXTRACT_TIMEOUT=0.0001 s; give it more time, or leave it unset)")
    assert "errors: extraction_timeout=1" in summary(proc.stderr)


def test_a_start_page_redirected_off_the_site_says_to_give_the_address_it_redirects_to(crawl, tmp_path):
    """127.0.0.1 -> localhost: the redirect is not followed (another host), and the last line
    said to check the address and whether the site is up."""
    server = FaultServer(robots="allow", extra={"/": lambda h: h.redirect(f"http://localhost:{server.port}/")})
    with server:
        items, _, proc = crawl("-a", f"url={server.base}/", "-s", "RETRY_TIMES=0")
    assert items == [] and proc.returncode == 1, proc.stderr[-3000:]
    assert _error_lines(proc.stderr)[-1] == (
        f"the start URL {server.base}/ redirects to http://localhost:{server.port}/, off the site, and the "
        f"crawl does not follow it: give that address (-a url=http://localhost:{server.port}/)")


def test_the_summary_says_how_many_undated_articles_passed_since(crawl, tmp_path):
    """An article with no date always passes -a since= (nothing to compare): a replay with
    since=2d wrote exactly the undated pages, and nothing said so."""
    root = one_article_site(tmp_path / "site")  # its article is of 2024-03-01: older than 2d
    undated = root / "news" / "undated-report"
    undated.mkdir(parents=True)
    (undated / "index.html").write_text(
        article_page("Harbour report undated", [f"Report undated. {LOREM}", LOREM], published=""), "utf-8")
    (root / "index.html").write_text(
        '<html><head><title>Harbour Times</title></head><body><h1>Harbour Times</h1>'
        '<a href="/news/2024/03/01/harbour-report/">Harbour report</a>'
        '<a href="/news/undated-report/">Undated report</a></body></html>', "utf-8")
    with serve_site(root, host=HOST) as site:
        items, stats, proc = crawl("-a", f"url={site.base}", "-a", "since=2d")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [item["headline"] for item in items] == ["Harbour report undated"]
    assert stats["newscrawl/since/undated"] == 1
    assert summary(proc.stderr)[0].endswith("; 1 undated article passed since= (no date to compare)")
