"""Recorded-response tests with scrapy-mock: demo pages recorded once, replayed under CI.

scrapy-mock keeps only the body (no status, no headers), so the fixture loader in
newscrawl.output.replay stays the main replay path; these tests check that a recording of the live
demo server extracts the same article as the site's manifest says.
"""

from __future__ import annotations

import json
import os

import pytest
import vcr

from newscrawl.extract import extract_page
from tests.conftest import DEMO, FIXTURES
from tools.devserver import serve_directory

CASSETTES = FIXTURES / "cassettes"
# a fixed address, so that recorded requests match on replay
RECORD_HOST, RECORD_PORT = "127.0.0.1", 8765
BASE = f"http://{RECORD_HOST}:{RECORD_PORT}"
MANIFEST = {p["path"]: p for p in json.loads((DEMO / "MANIFEST.json").read_text("utf-8"))}
PATHS = ["/2022/02/20/biden-putin-summit-in-principle/", "/2023/01/19/chipmaker-delays-new-plant/",
         "/2023/07/21/microplastics-mountain-lakes/", "/world/"]


@pytest.fixture(scope="session")
def vcr_settings():
    """scrapy-mock's recorder, with cassettes under fixtures/cassettes; never records under CI."""
    return vcr.VCR(serializer="yaml", decode_compressed_response=True,
                   cassette_library_dir=str(CASSETTES),
                   record_mode="none" if os.getenv("CI") else "once")


@pytest.fixture(scope="module", autouse=True)
def demo_server_when_recording():
    """The live demo server, only when some cassette still has to be recorded."""
    missing = not CASSETTES.exists() or len(list(CASSETTES.glob("*.yaml"))) < len(PATHS)
    if os.getenv("CI") or not missing:
        yield
        return
    with serve_directory(DEMO, host=RECORD_HOST, port=RECORD_PORT):
        yield


@pytest.mark.parametrize("url", [BASE + p for p in PATHS])
def test_recorded_demo_page(response, url):
    page = extract_page(response.url, response.body)
    entry = MANIFEST[url.removeprefix(BASE)]
    if entry["kind"] == "article":
        assert page.is_article
        assert page.article.headline == entry["headline"]
        assert page.article.published == entry["published"]
        assert page.article.body.startswith(entry["body_first"])
    else:
        assert not page.is_article
