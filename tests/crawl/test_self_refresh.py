"""A page whose <meta http-equiv="refresh"> points to itself (a live blog reloading) is a page to
keep, not a redirect loop: in a crawl, in `newscrawl extract URL`, and in a replay of the crawl's
WARC files. A refresh to another page is still followed, and in a replay the target is read from
its own record. Real `scrapy crawl` runs against a real site on 127.0.0.41."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, read_jsonl, run_scrapy
from tests.support.faultserver import plain_article
from tests.support.sites.server import SiteServer, serve_site

pytestmark = pytest.mark.timeout(300)

HOST = "127.0.0.41"
CLI = "import sys; from newscrawl.cli import main; main(sys.argv[1:])"  # the console script
IN_PROCESS = ["-s", "NEWSCRAWL_EXTRACT_WORKERS=0"]  # a few pages: no worker pool
# the page, and what its meta refresh says ({base}: the site's address)
REFRESHING = {
    "live.html": "60; url={base}live.html",  # absolute, as most live blogs write it
    "blog/live.html": "90;URL='/blog/live.html'",  # relative and quoted
    "moved.html": "0; url=/target.html",  # another page: followed, as before
}
KEPT = ["live.html", "blog/live.html", "target.html"]


def refreshing(slug: str, content: str) -> bytes:
    page = plain_article(slug)
    return page.replace(b"<head>", f'<head><meta http-equiv="refresh" content="{content}">'.encode(), 1)


def build(root: Path, base: str) -> None:
    """A home page linking the refreshing pages; target.html is reached by moved.html's refresh only."""
    for path, content in REFRESHING.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(refreshing(path.replace("/", "-").removesuffix(".html"),
                                             content.format(base=base)))
    (root / "target.html").write_bytes(plain_article("target"))
    links = " ".join(f'<a href="/{path}">{path}</a>' for path in REFRESHING)
    (root / "index.html").write_text(f"<html><head><title>Harbour Times</title></head><body>"
                                     f"<h1>Harbour Times</h1>{links}</body></html>", "utf-8")


def run(tmp: Path, name: str, *args: str) -> tuple[list[dict], dict, subprocess.CompletedProcess]:
    out, stats_file = tmp / f"{name}.jsonl", tmp / f"{name}.stats.json"
    proc = run_scrapy(["crawl", "site", *args, "-O", str(out), "-s", f"NEWSCRAWL_STATS_FILE={stats_file}",
                       "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", *IN_PROCESS])
    stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
    return read_jsonl(out), stats, proc


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> SiteServer:
    root = tmp_path_factory.mktemp("refresh-site")
    with serve_site(root, host=HOST) as server:
        build(root, server.base)
        yield server


@pytest.fixture(scope="module")
def live(site, tmp_path_factory):
    """A crawl of the site, archived as WARC files: (articles, stats, process, archive, hits)."""
    tmp = tmp_path_factory.mktemp("refresh-crawl")
    site.clear()
    items, stats, proc = run(tmp, "live", "-a", f"url={site.base}", "-s", f"NEWSCRAWL_STATE={tmp / 'state.sqlite'}",
                             "-s", f"NEWSCRAWL_ARCHIVE={tmp / 'archive'}")
    return items, stats, proc, tmp / "archive", list(site.paths())


def paths(items: list[dict], base: str) -> list[str]:
    return sorted(item["url"].removeprefix(base) for item in items)


def test_a_crawl_keeps_a_page_that_refreshes_itself(site, live):
    items, stats, proc, _, hits = live
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert paths(items, site.base) == sorted(KEPT), proc.stderr[-3000:]
    assert "redirect_loop" not in proc.stderr and not stats.get("newscrawl/dropped/redirect_loop")
    # a reload is not fetched again; moved.html's refresh is followed to its target
    assert hits.count("/live.html") == hits.count("/blog/live.html") == 1
    assert hits.count("/target.html") == 1
    by_path = {item["url"].removeprefix(site.base): item for item in items}
    assert by_path["live.html"]["headline"] == "Harbour report live"
    assert by_path["target.html"]["headline"] == "Harbour report target"


@pytest.mark.parametrize("path", ["live.html", "blog/live.html"])
def test_extract_writes_the_record_of_a_page_that_refreshes_itself(site, tmp_path, path):
    (tmp_path / "project").mkdir()
    shutil.copy(REPO / "scrapy.cfg", tmp_path / "project" / "scrapy.cfg")
    url = site.base + path
    proc = subprocess.run([sys.executable, "-c", CLI, "extract", url], cwd=tmp_path / "project",
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    record = json.loads(proc.stdout)
    assert record["url"] == url
    assert record["headline"] == "Harbour report " + path.replace("/", "-").removesuffix(".html")


def test_a_replay_keeps_them_and_reads_a_refresh_target_from_its_own_record(site, live, tmp_path):
    _, _, proc, archive, _ = live
    assert proc.returncode == 0, proc.stderr[-3000:]
    items, stats, proc = run(tmp_path, "replay", "-a", f"warc={archive}", "-s", "NEWSCRAWL_STATE=off")
    assert proc.returncode == 0, proc.stderr[-3000:]
    # the live crawl's articles: moved.html's record is not replayed under its target's address
    assert paths(items, site.base) == sorted(KEPT), proc.stderr[-3000:]
    assert not stats.get("newscrawl/dropped/redirect_loop")
    assert not stats.get("newscrawl/dropped/duplicate_url")
    by_path = {item["url"].removeprefix(site.base): item for item in items}
    assert by_path["target.html"]["headline"] == "Harbour report target"
    assert by_path["blog/live.html"]["headline"] == "Harbour report blog-live"
