"""Helpers for the discovery, incremental and cron tests: run `scrapy cron` / `scrapy crawl`
against the test sites and read what they wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO, read_jsonl

# fast and bounded: no politeness delay against the local test servers, small trap budgets, and
# extraction in-process (a worker pool costs more than it saves on a 30-page site; the pool has
# its own tests)
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "NEWSCRAWL_MAX_PAGE_NUMBER=3", "-s", "NEWSCRAWL_MAX_CALENDAR_PAGES=2",
        "-s", "NEWSCRAWL_EXTRACT_WORKERS=0"]


@dataclass
class CronRun:
    """What one `scrapy cron` run left behind."""

    code: int
    stderr: str
    articles: list[dict]
    summary: dict
    files: list[Path]


def scrapy_command(command: str, args: list[str], state: Path, extra: list[str] | None = None,
                   ) -> list[str]:
    return [sys.executable, "-m", "scrapy", command, *args, "-s", f"NEWSCRAWL_STATE={state}",
            *FAST, *(extra or [])]


def start(cmd: list[str]) -> subprocess.Popen:
    """Start a scrapy command in the project (its own reactor), output captured."""
    return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ})


def finish(proc: subprocess.Popen, timeout: float = 150) -> tuple[int, str]:
    """Wait for a started command (bounded); returns (exit code, stderr)."""
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        raise
    return proc.returncode, err


def cron_result(code: int, stderr: str, out_dir: Path, before: set[Path]) -> CronRun:
    """The articles and summary of the run that just ended (files that were not there before)."""
    new = sorted(set(out_dir.glob("articles-*")) - before)
    articles_files = [p for p in new if p.name.endswith(".jsonl")]
    summaries = [p for p in new if p.name.endswith(".summary.json")]
    own = [p for p in summaries if not json.loads(p.read_text("utf-8")).get("recovered_from_killed_run")]
    summary = json.loads(own[-1].read_text("utf-8")) if own else {}
    run_file = out_dir / summary["articles_file"] if summary.get("articles_file") else None
    return CronRun(code, stderr, read_jsonl(run_file) if run_file else [], summary,
                   [p for p in articles_files if p != run_file])


def run_cron(args: list[str], state: Path, out_dir: Path, extra: list[str] | None = None,
             timeout: float = 150) -> CronRun:
    """Run `scrapy cron` to the end."""
    before = set(out_dir.glob("articles-*")) if out_dir.exists() else set()
    code, err = finish(start(scrapy_command("cron", [*args, "--output-dir", str(out_dir)], state, extra)),
                       timeout)
    return cron_result(code, err, out_dir, before)
