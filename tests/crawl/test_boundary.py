"""One extraction boundary: a crawl writes what `extract_page` returns for the same page, no
text changed on the way (the pipelines only validate, dedupe and write)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newscrawl.extract import extract_page
from tests.conftest import FAST, REPO, read_jsonl, run_scrapy
from tests.support.faultserver import FaultHandler, FaultServer

pytestmark = pytest.mark.timeout(180)

SAVED = REPO / "fixtures" / "pages" / "wordpress-techcrunch" / "page.html.gz"
PARAGRAPHS = [
    "The council voted on Tuesday to rebuild the old bridge over the river, a project that has been "
    "delayed for more than a decade by disputes over money and over the route of the approach roads.",
    "Engineers say the new span will carry twice as much traffic and will stand up to the floods "
    "that closed the old one three times in the past five years, at a cost shared with the region.",
]
# a page whose body ends with what extraction's last step cuts (a comment form, a related block)
ENDINGS = (
    "<!DOCTYPE html><html lang='en'><head><title>Bridge to be rebuilt</title>"
    "<meta property='og:type' content='article'>"
    "<meta property='article:published_time' content='2025-03-04T09:30:00+01:00'></head><body>"
    "<article><h1>Bridge to be rebuilt</h1><p>By Jane Doe</p>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "<h3>Related news</h3><p>Ferry fares rise in spring</p><p>New school opens in the north</p>"
    "<h3>Leave a Reply</h3><p>Please enter your comment!</p></article></body></html>"
).encode()
PAGES = {"/articles/saved-page": gzip.decompress(SAVED.read_bytes()), "/articles/endings": ENDINGS}


def _serve(body: bytes):
    def handler(h: FaultHandler) -> None:
        h.send_bytes(body)
    return handler


def _home(h: FaultHandler) -> None:
    links = "".join(f"<li><a href='{path}'>{path}</a></li>" for path in PAGES)
    h.send_bytes(f"<html><head><title>Home</title></head><body><h1>Home</h1><ul>{links}</ul></body></html>"
                 .encode())


def _json(value: object) -> object:
    return json.loads(json.dumps(value, ensure_ascii=False))


def test_crawled_record_is_extract_pages_output(tmp_path: Path) -> None:
    routes = {"/": _home, **{path: _serve(body) for path, body in PAGES.items()}}
    out = tmp_path / "out.jsonl"
    with FaultServer("127.0.0.4", robots="allow", extra=routes) as site:
        proc = run_scrapy(["crawl", "site", "-a", f"url={site.url('/')}", "-O", str(out),
                           "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}", *FAST])
        base = site.base
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = {record["url"].removeprefix(base): record for record in read_jsonl(out)}
    assert set(records) == set(PAGES)
    assert records["/articles/endings"]["body"] == "\n\n".join(PARAGRAPHS)  # the endings were cut
    for path, body in PAGES.items():
        expected = _json(extract_page(base + path, body).article.__dict__)
        record = records[path]
        for name, value in expected.items():
            if name in ("fetched_at", "site"):
                continue  # the time of the fetch; the crawl names the site by its key
            assert record.get(name, value if not value else None) == value, (path, name)
