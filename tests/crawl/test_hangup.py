"""A closed terminal or SSH session (SIGHUP to the crawl's process group) stops a crawl as TERM
does: pages under way finish, the summary is written and the next run goes on. Real `scrapy
crawl` runs against a real server on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FAST, REPO, read_jsonl, run_scrapy
from tests.support.faultserver import FaultServer
from tests.support.kills import wait_for_lines
from tests.support.sites.harness import finish


def _as_a_terminal_job() -> None:
    """A terminal's job: HUP not ignored, whatever the test runner was started with (`nohup`)."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["HUP", "TERM"])
def test_a_hangup_stops_the_crawl_with_its_summary_and_the_next_run_writes_the_rest_once(tmp_path: Path,
                                                                                         signum: int) -> None:
    # HUP: it died at once, exit 129, nothing on stderr, no summary (found by a stranger). Both:
    # the pool's forkserver died of it, so its workers read as crashed and their pages were
    # dropped ("extraction worker died (exit code 255)": found by a second stranger)
    out, state = tmp_path / "out.jsonl", tmp_path / "state.sqlite"
    with FaultServer("127.0.0.1", robots="allow", articles=30) as site:
        args = ["crawl", "site", "-a", f"url={site.url('/')}", "-s", f"NEWSCRAWL_STATE={state}", *FAST]
        cmd = [sys.executable, "-m", "scrapy", *args, "-O", str(out), "-s", "DOWNLOAD_DELAY=0.3"]  # paced
        # a session of its own, as a terminal's: the hangup reaches the whole group (pool workers too)
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                start_new_session=True, preexec_fn=_as_a_terminal_job)
        wait_for_lines(proc, out, 2)
        os.killpg(proc.pid, signum)
        code, err = finish(proc, timeout=120)
        stopped = read_jsonl(out)  # every line whole
        rest = run_scrapy([*args, "-o", str(out)], timeout=150)  # appending, as the stop line says
    assert code == 130, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert f"Received {signal.Signals(signum).name}, shutting down gracefully" in err, err[-3000:]
    assert "extraction worker died" not in err and "extraction_crashed" not in err, err[-3000:]
    assert (f"the crawl was stopped before it finished: {len(stopped)} articles written and recorded; "
            "run the same command again") in err, err[-3000:]
    summary = [line for line in err.splitlines() if line.startswith("summary: ")]
    assert summary and summary[0].startswith(f"summary: {len(stopped)} articles written"), err[-3000:]
    assert 2 <= len(stopped) < 30
    assert rest.returncode == 0, rest.stderr[-3000:]
    urls = sorted(article["url"] for article in read_jsonl(out))
    assert urls == sorted(site.url(f"/articles/story-{i}") for i in range(1, 31))  # each once


def test_a_crawl_started_with_nohup_keeps_going_on_a_hangup(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with FaultServer("127.0.0.1", robots="allow", articles=8) as site:
        cmd = [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={site.url('/')}", "-O", str(out),
               "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}", *FAST, "-s", "DOWNLOAD_DELAY=0.3"]
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                start_new_session=True,
                                preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
        wait_for_lines(proc, out, 2)
        os.killpg(proc.pid, signal.SIGHUP)
        code, err = finish(proc, timeout=120)
    assert code == 0, err[-3000:]
    assert {article["url"] for article in read_jsonl(out)} == {
        site.url(f"/articles/story-{i}") for i in range(1, 9)}


@pytest.mark.parametrize(("output", "state", "says"), [
    # no state: nothing recorded, and the advice to run it again wrote every article twice (a
    # stranger's find: 12 lines, 6 duplicates)
    ("out.jsonl", "none", "articles written; without a state nothing was recorded, so running it again "
                          "writes every article again: overwrite (-O) rather than append, or keep a state "
                          "(leave NEWSCRAWL_STATE unset) to go on"),
    # a JSON document takes no appended records: the advice to append (-o) was refused
    ("out.json", "state.sqlite", "articles written and recorded; {out} takes no appended records: run the "
                                 "same command again writing to a new file to get the rest"),
], ids=["no-state", "json"])
def test_the_stop_line_says_how_to_go_on_without_a_state_and_for_a_json_file(tmp_path: Path, output: str,
                                                                             state: str, says: str) -> None:
    out = tmp_path / output
    state_value = state if state == "none" else str(tmp_path / state)
    with FaultServer("127.0.0.1", robots="allow", articles=30) as site:
        cmd = [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={site.url('/')}", "-O", str(out),
               "-s", f"NEWSCRAWL_STATE={state_value}", *FAST, "-s", "DOWNLOAD_DELAY=0.3"]
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None and not (out.exists() and out.stat().st_size > 2000):
            time.sleep(0.05)  # a few articles written (a JSON file's lines are no records)
        os.killpg(proc.pid, signal.SIGTERM)
        code, err = finish(proc, timeout=120)
    assert code == 130, err[-3000:]
    assert says.format(out=out) in err, err[-3000:]
