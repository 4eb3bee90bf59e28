"""The summary a finished `scrapy crawl` prints: its lines read as English for one article page
as for several. Real crawls of a real site on 127.0.0.22."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.support.faultserver import plain_article
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
    """`1 HTTP error (404)`, not `1 HTTP errors (404)`; `1 not an article`; `2 HTTP errors (404)`."""
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
                                 output="d.jsonl")}
    expected = {"one 404": "no articles written: 1 HTTP error (404)",
                "two 404s": "no articles written: 2 HTTP errors (404)",
                "not an article": "no articles written: 1 not an article",
                "network": "no articles written: 1 network error"}
    for name, line in expected.items():
        items, _, proc = runs[name]
        assert items == [] and no_articles(proc.stderr) == [line], (name, proc.stderr[-2000:])
    lines = summary(runs["two 404s"][2].stderr)  # the counts line reads `label: count` already
    assert "not articles: 0; seen in earlier runs: 0; duplicates in this run: 0; dropped: http_404=2" in lines
