"""The crawl process's garbage-collector tuning (QuietGarbageCollector), in real crawls."""

from __future__ import annotations

import pytest

from tests.conftest import DEMO, free_port
from tools.devserver import serve_directory


@pytest.fixture(scope="module")
def demo_base():
    with serve_directory(DEMO, port=free_port()) as base:
        yield base


def test_the_crawl_freezes_start_up_objects_and_collects_less_often(crawl, demo_base):
    items, stats, proc = crawl("-a", f"url={demo_base}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert items, "the demo crawl found no articles"
    assert stats["newscrawl/gc/frozen_objects"] > 10_000  # Scrapy's modules alone are far more
    assert stats["newscrawl/gc/threshold"] == 10_000


def test_python_defaults_when_both_are_turned_off(crawl, demo_base):
    items, stats, proc = crawl("-a", f"url={demo_base}",
                               extra=["-s", "NEWSCRAWL_GC_FREEZE=False", "-s", "NEWSCRAWL_GC_THRESHOLD=0"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert items
    assert "newscrawl/gc/frozen_objects" not in stats
    assert "newscrawl/gc/threshold" not in stats


def test_a_negative_threshold_is_refused_before_the_crawl_starts(crawl, demo_base):
    items, _, proc = crawl("-a", f"url={demo_base}", extra=["-s", "NEWSCRAWL_GC_THRESHOLD=-5"])
    assert proc.returncode == 2
    assert "NEWSCRAWL_GC_THRESHOLD" in proc.stderr and "at least 0" in proc.stderr
    assert items == []
