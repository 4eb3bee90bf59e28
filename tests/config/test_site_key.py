"""One `site` key: the sites file's name, else the start URL's host without "www." (no port),
the same in records, stats, the cron summary and cron-status.json, and in the library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscrawl.config.domains import site_key
from newscrawl.config.sites import parse_sites, site_from_url
from newscrawl.extract import extract_article
from newscrawl.output.replay import load_page
from tests.conftest import PAGES, read_jsonl
from tests.support.sites.build import build_site, expected_urls
from tests.support.sites.harness import cron_result, finish, scrapy_command, start
from tests.support.sites.server import serve_site


@pytest.mark.parametrize(("url", "key"), [
    ("https://www.worldpress.example/2022/02/20/story/", "worldpress.example"),
    ("https://worldpress.example/", "worldpress.example"),
    ("HTTPS://WWW.WorldPress.Example:8443/a?b=c", "worldpress.example"),
    ("https://journeytocollege.mo.gov/2609-2/", "journeytocollege.mo.gov"),  # not mo.gov
    ("https://news.bbc.co.uk/sport/", "news.bbc.co.uk"),
    ("https://www.bbc.co.uk/news", "bbc.co.uk"),
    ("https://www2.example.com/", "www2.example.com"),
    ("https://example.com./", "example.com"),
    ("http://127.0.0.2:8080/", "127.0.0.2"),
    ("http://[::1]:8080/", "::1"),
    ("/relative/path", None),
    ("http://[::1/", None),
])
def test_the_key_is_the_host_without_www_and_port(url: str, key: str | None):
    assert site_key(url) == key


def test_a_start_url_and_a_sites_file_name_their_site():
    assert site_from_url("https://www.news.harbour.example:8080/world/").name == "news.harbour.example"
    [site] = parse_sites({"sites": {"harbour": {"url": "https://www.news.harbour.example/"}}})
    assert site.name == "harbour"


def test_the_library_gives_the_host_without_www():
    seed = load_page(PAGES / "worldpress-seed")
    assert extract_article(seed.url, seed.body).site == "worldpress.example"
    assert extract_article(seed.url.replace("://", "://www."), seed.body).site == "worldpress.example"
    imperva = load_page(PAGES / "wcxb-dev-0015")
    assert extract_article(imperva.url, imperva.body).site == "journeytocollege.mo.gov"


# -- real runs: a named host served on 127.0.0.4 through the test resolver ----------------------

HOST = "www.news.harbour.test"
KEY = "news.harbour.test"


@pytest.fixture
def harbour(tmp_path: Path):
    with serve_site(tmp_path / "site", host="127.0.0.4") as server:
        base = f"http://{HOST}:{server.base.rsplit(':', 1)[1]}"
        build_site(tmp_path / "site", base, stage=1)
        yield base


def _resolve(extra: list[str] | None = None) -> list[str]:
    return ["-s", "DNS_RESOLVER=tests.support.faultserver.LoopbackResolver",
            "-s", f"NEWSCRAWL_TEST_HOSTS={HOST}=127.0.0.4", *(extra or [])]


def _site_stats(stats: dict) -> set[str]:
    return {key.split("/")[2] for key in stats if key.startswith("newscrawl/site/")}


def test_a_start_url_gives_one_key_in_records_stats_summary_and_cron_status(tmp_path, harbour):
    out_dir = tmp_path / "cron"
    stats_file = tmp_path / "stats.json"
    code, err = finish(start(scrapy_command(
        "cron", ["-a", f"url={harbour}", "--output-dir", str(out_dir)], tmp_path / "state.sqlite",
        _resolve(["-s", f"NEWSCRAWL_STATS_FILE={stats_file}"]))))
    run = cron_result(code, err, out_dir, set())
    assert run.code == 0, err[-3000:]
    assert {item["url"] for item in run.articles} == expected_urls(harbour, stage=1)
    assert {item["site"] for item in run.articles} == {KEY}
    stats = json.loads(stats_file.read_text("utf-8"))
    assert _site_stats(stats) == {KEY}
    assert stats[f"newscrawl/site/{KEY}/emitted"] == len(run.articles)
    assert list(run.summary["sites"]) == [KEY]
    assert run.summary["sites"][KEY]["emitted"] == len(run.articles)
    status = json.loads((out_dir / "cron-status.json").read_text("utf-8"))
    assert status["quiet_runs"] == {KEY: 0}


def test_a_sites_file_name_is_the_key_everywhere(tmp_path, harbour):
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[sites.harbour]\nurl = "{harbour}"\n', "utf-8")
    out, stats_file = tmp_path / "out.jsonl", tmp_path / "stats.json"
    code, err = finish(start(scrapy_command(
        "crawl", ["site", "-a", f"sites={sites}", "-O", str(out)], tmp_path / "state.sqlite",
        _resolve(["-s", f"NEWSCRAWL_STATS_FILE={stats_file}"]))))
    assert code == 0, err[-3000:]
    items = read_jsonl(out)
    assert {item["url"] for item in items} == expected_urls(harbour, stage=1)
    assert {item["site"] for item in items} == {"harbour"}
    stats = json.loads(stats_file.read_text("utf-8"))
    assert _site_stats(stats) == {"harbour"}
    assert stats["newscrawl/site/harbour/emitted"] == len(items)
