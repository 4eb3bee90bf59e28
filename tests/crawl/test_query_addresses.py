"""A site whose posts are named by an id in the query (WordPress's default "plain" permalinks,
/?p=1234): every post is fetched, judged an article and written."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tests.conftest import FAST, REPO, read_jsonl, run_scrapy
from tests.support.faultserver import FaultHandler, FaultServer

pytestmark = pytest.mark.timeout(180)

PAGES = REPO / "fixtures" / "pages"
# real WordPress posts (a WCXB blog post, a theme page of wpnews), served at /?p=ID
POSTS = {"1234": PAGES / "wcxb-dev-0128" / "page.html.gz", "5678": PAGES / "wpnews-fargomom" / "page.html.gz"}


def _root(h: FaultHandler) -> None:
    """The front page, or the post its ?p= names (WordPress answers both at /)."""
    post = (h.query.get("p") or [None])[0]
    if post in POSTS:
        h.send_bytes(gzip.decompress(POSTS[post].read_bytes()))
    elif h.query:
        h.send_bytes(b"<html><body><h1>Not found</h1></body></html>", status=404)
    else:
        links = "".join(f"<li><a href='/?p={post}'>Post {post}</a></li>" for post in POSTS)
        h.send_bytes(f"<html><head><title>Home</title></head><body><h1>Latest posts</h1><ul>{links}</ul>"
                     "</body></html>".encode())


def test_every_post_at_a_plain_permalink_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with FaultServer("127.0.0.5", robots="allow", extra={"/": _root}) as site:
        proc = run_scrapy(["crawl", "site", "-a", f"url={site.url('/')}", "-O", str(out),
                           "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}", *FAST])
        fetched = site.hits["/"]
    assert proc.returncode == 0, proc.stderr[-2000:]
    written = sorted(item["url"].rsplit("=", 1)[1] for item in read_jsonl(out))
    assert written == sorted(POSTS), (written, fetched, proc.stderr[-3000:])
