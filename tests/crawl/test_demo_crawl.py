"""Real crawls of the bundled demo site, served on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import DEMO, PAGES, REPO, free_port, read_jsonl
from tools.devserver import serve_directory

MANIFEST = json.loads((DEMO / "MANIFEST.json").read_text("utf-8"))
ARTICLES = [p for p in MANIFEST if p["kind"] == "article"]


@pytest.fixture(scope="module")
def demo_port():
    return free_port()


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, demo_port):
    """Two crawls of the demo site with the same state file."""
    from tests.conftest import FAST, run_scrapy

    tmp = tmp_path_factory.mktemp("demo")
    results = []
    with serve_directory(DEMO, port=demo_port) as base:
        for run in (1, 2):
            out, stats_file = tmp / f"run{run}.jsonl", tmp / f"run{run}.stats.json"
            proc = run_scrapy(["crawl", "site", "-a", f"url={base}", "-O", str(out),
                               "-s", f"NEWSCRAWL_STATE={tmp / 'state.sqlite'}",
                               "-s", f"NEWSCRAWL_STATS_FILE={stats_file}", *FAST])
            assert proc.returncode == 0, proc.stderr[-3000:]
            results.append((read_jsonl(out), json.loads(stats_file.read_text("utf-8")), base))
    return results


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3].split("?")[0]


def test_first_run_emits_every_article_once(two_runs):
    items, stats, _ = two_runs[0]
    got = sorted(item["headline"] for item in items)
    assert got == sorted(a["headline"] for a in ARTICLES)
    assert len({item["canonical_url"] for item in items}) == len(items)
    assert stats["newscrawl/dropped/short_body"] == 1  # the stub
    assert stats.get("newscrawl/pages/not_article", 0) >= 8  # home, sections, tag, pagination, about


def test_first_run_fields_match_the_manifest(two_runs):
    items, _, _ = two_runs[0]
    by_headline = {item["headline"]: item for item in items}
    for article in ARTICLES:
        item = by_headline[article["headline"]]
        assert item["published"] == article["published"], article["path"]
        assert item["authors"] == article["authors"], article["path"]
        assert item["body"].startswith(article["body_first"]), article["path"]
        assert item["body"].endswith(article["body_last"]), article["path"]
        for text in article.get("must_not_contain", []):
            assert all(text not in str(v) for k, v in item.items() if k != "noise"), (article["path"], text)


def test_robots_txt_keeps_the_private_page_out(two_runs):
    items, stats, _ = two_runs[0]
    assert all("/private/" not in item["url"] for item in items)
    assert stats.get("robotstxt/forbidden", 0) >= 1


def test_second_run_with_the_same_state_emits_nothing_and_skips_known_articles(two_runs):
    first, _, _ = two_runs[0]
    second, stats, _ = two_runs[1]
    assert len(first) == len(ARTICLES) and second == []
    assert stats.get("newscrawl/skipped/seen_before", 0) >= len(ARTICLES) - 1


def test_make_demo_writes_the_seed_item_exactly(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "tools.demo", "--output", str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "summary: 11 articles written to" in proc.stderr and "wrote" in proc.stdout
    expected = json.loads((PAGES / "worldpress-seed" / "expected.json").read_text("utf-8"))
    items = {item["url"]: item for item in read_jsonl(tmp_path / "demo.jsonl")}
    seed = items[expected["url"]]
    for key, value in expected.items():
        if key != "must_not_contain":
            assert seed[key] == value, key
    for text in expected["must_not_contain"]:
        assert all(text not in str(v) for v in seed.values()), text
