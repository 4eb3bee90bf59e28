"""`seen_before` counts only articles an earlier run emitted: on a first run with a fresh state it
is 0, though the demo site's pages link to each other; links back to an article this run
emitted already are `emitted_this_run`."""

from __future__ import annotations

import json

from tests.conftest import DEMO, FAST, free_port, read_jsonl, run_scrapy
from tools.devserver import serve_directory

MANIFEST = json.loads((DEMO / "MANIFEST.json").read_text("utf-8"))
ARTICLES = [p for p in MANIFEST if p["kind"] == "article"]


def test_seen_before_counts_earlier_runs_only(tmp_path):
    runs = []
    with serve_directory(DEMO, port=free_port()) as base:
        for run in (1, 2):
            out, stats_file = tmp_path / f"run{run}.jsonl", tmp_path / f"run{run}.stats.json"
            proc = run_scrapy(["crawl", "site", "-a", f"url={base}", "-O", str(out),
                               "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}",
                               "-s", f"NEWSCRAWL_STATS_FILE={stats_file}", *FAST])
            assert proc.returncode == 0, proc.stderr[-3000:]
            runs.append((read_jsonl(out), json.loads(stats_file.read_text("utf-8"))))
    (first, first_stats), (second, second_stats) = runs
    site = first[0]["site"]
    assert site == "127.0.0.1"
    # first run, fresh state: every article written once, nothing seen before, the links back
    # to this run's own articles counted under their own name and not fetched again
    assert len(first) == len(ARTICLES)
    assert first_stats.get("newscrawl/skipped/seen_before", 0) == 0
    assert first_stats.get(f"newscrawl/site/{site}/seen_before", 0) == 0
    assert first_stats["newscrawl/skipped/emitted_this_run"] > 0
    assert first_stats[f"newscrawl/site/{site}/emitted_this_run"] == first_stats["newscrawl/skipped/emitted_this_run"]
    # second run, same state: nothing new, the articles the first run wrote are seen before
    assert second == []
    assert second_stats["newscrawl/skipped/seen_before"] >= len(ARTICLES) - 1
    assert second_stats[f"newscrawl/site/{site}/seen_before"] == second_stats["newscrawl/skipped/seen_before"]
    assert second_stats.get("newscrawl/skipped/emitted_this_run", 0) == 0
