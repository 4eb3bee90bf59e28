"""The summary a finished `scrapy crawl` prints: its lines read as English for one article page
as for several. Real crawls of a real site on 127.0.0.22."""

from __future__ import annotations

from pathlib import Path

import pytest

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
