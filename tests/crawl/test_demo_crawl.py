"""Real crawls of the bundled demo site, served on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import DEMO, PAGES, REPO, free_port, lines_in, read_jsonl
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


def test_make_demo_with_an_output_folder_it_cannot_write_is_one_line(tmp_path):
    """It was a NotADirectoryError traceback."""
    (tmp_path / "afile").write_text("x")
    proc = subprocess.run([sys.executable, "-m", "tools.demo", "--output", str(tmp_path / "afile" / "x")],
                          cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [f"demo: cannot write to the output folder {tmp_path / 'afile' / 'x'}: "
                                        f"{tmp_path / 'afile'} is a file, not a folder (give --output a "
                                        "writable folder)"]


@pytest.mark.parametrize("when", ["loading", "crawling"])
def test_make_demo_stopped_by_ctrl_c_ends_with_130_and_no_traceback(tmp_path, when):
    """Ctrl-C in a terminal reaches the process group of `make demo`: the demo said
    KeyboardInterrupt twice over, and killed the crawl, whose workers then printed
    BrokenPipeError tracebacks. Now the crawl stops as a Ctrl-C'd crawl does, and says so."""
    # a slower crawl: the first article is written seconds before the last (at the default
    # delay, a fast machine wrote them all in a burst, and a Ctrl-C came after the crawl's end)
    demo = subprocess.Popen([sys.executable, "-m", "tools.demo", "--output", str(tmp_path), "--delay", "0.2"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True,
                            # a terminal's job takes SIGINT (a runner in the background passes it on ignored)
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        time.sleep(0.3)  # Python has started: "loading" is while Scrapy loads, a second or more
        deadline = time.monotonic() + 60
        # "crawling": once the first article is written (the output file itself is made, empty,
        # before the crawl starts, while its workers are still being started)
        output = tmp_path / "demo.jsonl"
        while when == "crawling" and not lines_in(output) \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(demo.pid, signal.SIGINT)  # as the terminal does: to the whole foreground group
        out, err = demo.communicate(timeout=120)
    finally:
        demo.kill()
    assert demo.returncode == 130, err[-3000:]
    assert "Traceback" not in err and "Error" not in err, err[-3000:]
    lines = [line for line in err.splitlines() if not line.startswith("summary: ")]
    assert lines[-1] in ("demo: interrupted", "newscrawl crawl: interrupted") or \
        "the crawl was stopped before it finished" in lines[-1], err[-3000:]


def test_make_demo_with_a_delay_that_is_not_seconds_is_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "tools.demo", "--output", str(tmp_path), "--delay", "fast"],
                          cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1].endswith("argument --delay: 'fast' is not a number of seconds from 0 to 60")
    assert not (tmp_path / "demo.jsonl").exists()
