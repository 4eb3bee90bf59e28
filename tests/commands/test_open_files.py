"""A low open-file limit (`ulimit -n`): a soft one is raised, a hard one too low is one line.

Real `scrapy crawl` and `scrapy cron` runs under a real RLIMIT_NOFILE (set in the child before
it starts), against an article site on 127.0.0.1."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FAST, REPO, read_jsonl
from tests.support.faultserver import FaultServer

pytestmark = pytest.mark.timeout(240)


def run_limited(args: list[str], soft: int, hard: int, cwd: Path) -> subprocess.CompletedProcess:
    """A scrapy command whose process may hold at most `soft` open files (`hard` if it raises)."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=180, check=False,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard)))


def test_a_low_soft_limit_is_raised_and_the_crawl_gets_everything(tmp_path: Path) -> None:
    """Before: with 20 open files the extraction pool could not start: two tracebacks, no
    article, and "no page of the site could be read"."""
    out = tmp_path / "out.jsonl"
    with FaultServer("127.0.0.1", robots="allow", articles=12) as site:
        result = run_limited(["crawl", "site", "-a", f"url={site.url('/')}", "-o", str(out),
                              "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}", *FAST],
                             soft=20, hard=4096, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert len(read_jsonl(out)) == 12


@pytest.mark.parametrize("command", ["crawl", "cron"])
def test_a_hard_limit_too_low_is_one_line_and_nothing_is_fetched(tmp_path: Path, command: str) -> None:
    target = ["crawl", "site", "-o", str(tmp_path / "out.jsonl")] if command == "crawl" \
        else ["cron", "--output-dir", str(tmp_path / "cron")]
    with FaultServer("127.0.0.1", robots="allow", articles=12) as site:
        result = run_limited([*target, "-a", f"url={site.url('/')}",
                              "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}", *FAST],
                             soft=30, hard=30, cwd=tmp_path)
        fetched = sum(site.hits.values())
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    problem = [line for line in result.stderr.splitlines() if "open files are allowed" in line]
    assert len(problem) == 1, result.stderr[-3000:]
    assert "only 30 open files are allowed (ulimit -n 30)" in problem[0] and "needs 48" in problem[0]
    assert fetched == 0
