"""A site without robots.txt (404) is normal: everything is allowed. That 404 is no page of the
site: it is neither a dropped page nor an error, and no reason why nothing was written; a real
page's 404 still is. Real `scrapy crawl` runs against a real site on 127.0.0.23."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.faultserver import plain_article
from tests.support.sites.server import serve_site

pytestmark = pytest.mark.timeout(300)

HOST = "127.0.0.23"
STORY = "news/2024/03/01/harbour-report/"


def site_without_robots(root: Path, *links: str, story: bool = True) -> Path:
    """A home page with these links (and one article, unless story=False); no robots.txt."""
    if story:
        (root / STORY).mkdir(parents=True)
        (root / STORY / "index.html").write_bytes(plain_article("one"))
        links = (f"/{STORY}", *links)
    anchors = " ".join(f'<a href="{link}">{link}</a>' for link in links)
    root.mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_text(f"<html><head><title>Harbour Times</title></head><body>"
                                     f"<h1>Harbour Times</h1>{anchors}</body></html>", "utf-8")
    return root


def summary(stderr: str) -> list[str]:
    return [line.removeprefix("summary: ") for line in stderr.splitlines() if line.startswith("summary: ")]


def counted(stats: dict, prefix: str) -> dict:
    return {k: v for k, v in stats.items() if k.startswith(prefix)}


def test_a_missing_robots_txt_is_neither_dropped_nor_an_error(crawl, tmp_path):
    with serve_site(site_without_robots(tmp_path / "site"), host=HOST) as site:
        items, stats, proc = crawl("-a", f"url={site.base}")
    assert "/robots.txt" in site.paths(404)  # the case: the server has no robots.txt
    assert "/sitemap.xml" in site.paths()  # and the crawl still looked for sitemaps at the usual paths
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [item["url"] for item in items] == [f"{site.base}{STORY}"]
    lines = summary(proc.stderr)
    assert "not written: 0 seen in earlier runs; 0 duplicates in this run; 1 not an article" in lines, lines
    assert "errors: none" in lines, lines
    assert counted(stats, "newscrawl/dropped/") == {} and counted(stats, "newscrawl/errors/") == {}


def test_a_missing_robots_txt_is_no_reason_why_nothing_was_written(crawl, tmp_path):
    with serve_site(site_without_robots(tmp_path / "site", story=False), host=HOST) as site:
        items, stats, proc = crawl("-a", f"url={site.base}")
    assert "/robots.txt" in site.paths(404)
    assert proc.returncode == 0 and items == [], proc.stderr[-2000:]
    warnings = [line for line in proc.stderr.splitlines() if "no articles written" in line]
    assert len(warnings) == 1 and warnings[0].endswith("WARNING: no articles written: 1 not an article"), warnings


def test_a_real_page_missing_is_still_dropped_and_an_error(crawl, tmp_path):
    with serve_site(site_without_robots(tmp_path / "site", "/gone/"), host=HOST) as site:
        items, stats, proc = crawl("-a", f"url={site.base}")
    assert {"/gone/", "/robots.txt"} <= set(site.paths(404))
    assert proc.returncode == 0 and len(items) == 1, proc.stderr[-2000:]
    lines = summary(proc.stderr)
    assert any(line.endswith("; 1 HTTP error (dropped/http_404=1)") for line in lines), lines  # /gone/, not robots.txt
    assert "errors: http_404=1" in lines, lines
    assert stats["newscrawl/dropped/http_404"] == stats["newscrawl/errors/http_404"] == 1
