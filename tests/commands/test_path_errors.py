"""A path the user gives that can name no file: a name too long for the filesystem (ENAMETOOLONG,
which Path.is_dir() and exists() raise instead of answering), or a symbolic link loop (which
Path.resolve() turns into a RuntimeError on Python 3.11). Every command that takes a path
refuses it in one line that names the path and the cause, as bad input (exit 2), before anything
is fetched or created; none prints a traceback, and none blames another cause (`File exists`).

Real `scrapy crawl`, `scrapy cron`, `scrapy state` and `scrapy fixture` processes, a real site
on 127.0.0.1, a real name too long, real symbolic link loops in a folder of their own."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, run_scrapy
from tests.support.faultserver import FaultServer

pytestmark = pytest.mark.timeout(300)

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0"]
LONG = "x" * 300  # longer than any filesystem's NAME_MAX (255)
TOO_LONG = os.strerror(errno.ENAMETOOLONG)  # "File name too long"
LOOP = os.strerror(errno.ELOOP)  # "Too many levels of symbolic links"
PAGE = "https://www.example-news.com/2024/05/01/story/"


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
    return run_scrapy(list(args), cwd=cwd, env=env, timeout=120)


def loops(folder: Path) -> set[str]:
    """loop -> loop, and loop1 <-> loop2: real symbolic link loops, in `folder`."""
    (folder / "loop").symlink_to("loop")
    (folder / "loop1").symlink_to("loop2")
    (folder / "loop2").symlink_to("loop1")
    return {"loop", "loop1", "loop2"}


def refused(cwd: Path, ending: str, *args: str) -> None:
    """The command exits 2 with one line on stderr ending with `ending`, and leaves the folder as
    it was (nothing created: no output, no state, no log)."""
    before = sorted(p.name for p in cwd.iterdir())
    result = run(cwd, *args)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr and len(lines) == 1, result.stderr[-3000:]
    assert lines[0].endswith(ending), lines[0]
    assert result.returncode == 2, result.stderr[-3000:]
    assert sorted(p.name for p in cwd.iterdir()) == before


CRAWL_CASES = {
    "output": (["-O", f"{LONG}.jsonl"], f"ERROR: cannot write to {LONG}.jsonl: {TOO_LONG}; give the output another name"),
    "output in a folder": (["-O", f"out/{LONG}.jsonl"],
                           f"ERROR: cannot write to out/{LONG}.jsonl: {TOO_LONG}; give the output another name"),
    "state": (["-s", f"NEWSCRAWL_STATE={LONG}.sqlite"],
              f"ERROR: invalid setting NEWSCRAWL_STATE='{LONG}.sqlite': {TOO_LONG}; give another path"),
    "state in a folder": (["-s", f"NEWSCRAWL_STATE={LONG}/state.sqlite"],
                          f"ERROR: invalid setting NEWSCRAWL_STATE='{LONG}/state.sqlite': {TOO_LONG}; give another path"),
    "log file": (["--logfile", f"{LONG}.log"], f"ERROR: invalid setting LOG_FILE='{LONG}.log': {TOO_LONG}; give another path"),
    "archive": (["-s", f"NEWSCRAWL_ARCHIVE={LONG}"],
                f"ERROR: invalid setting NEWSCRAWL_ARCHIVE='{LONG}': {TOO_LONG}; give another path"),
    "stats file": (["-s", f"NEWSCRAWL_STATS_FILE={LONG}"],
                   f"ERROR: invalid setting NEWSCRAWL_STATS_FILE='{LONG}': {TOO_LONG}; give another path"),
    "output loop": (["-O", "loop"], f"ERROR: cannot write to loop: {LOOP}; give the output another name"),
    "output under a loop": (["-O", "loop1/x.jsonl"], f"ERROR: cannot write to loop1/x.jsonl: {LOOP}; give the output another name"),
    "state loop": (["-s", "NEWSCRAWL_STATE=loop"], f"ERROR: invalid setting NEWSCRAWL_STATE='loop': {LOOP}; give another path"),
    "log file loop": (["--logfile", "loop"], f"ERROR: invalid setting LOG_FILE='loop': {LOOP}; give another path"),
    "archive loop": (["-s", "NEWSCRAWL_ARCHIVE=loop"], f"ERROR: invalid setting NEWSCRAWL_ARCHIVE='loop': {LOOP}; give another path"),
    "stats file loop": (["-s", "NEWSCRAWL_STATS_FILE=loop2"],
                        f"ERROR: invalid setting NEWSCRAWL_STATS_FILE='loop2': {LOOP}; give another path"),
}


@pytest.mark.parametrize("case", CRAWL_CASES)
def test_a_crawl_refuses_a_path_that_can_name_no_file_in_one_line(tmp_path: Path, case: str) -> None:
    loops(tmp_path)
    args, ending = CRAWL_CASES[case]
    if "-O" not in args:
        args = [*args, "-O", "articles.jsonl"]
    with FaultServer("127.0.0.1", robots="allow", articles=2) as site:
        refused(tmp_path, ending, "crawl", "site", "-a", f"url={site.url('/')}", *args, *FAST)
        assert sum(site.hits.values()) == 0


@pytest.mark.parametrize(("name", "reason"), [(f"{LONG}.warc", TOO_LONG), ("loop", LOOP)])
def test_a_replay_refuses_a_warc_path_that_can_name_no_file(tmp_path: Path, name: str, reason: str) -> None:
    loops(tmp_path)  # before: "no such file or folder" for the loop
    refused(tmp_path, f"ERROR: -a warc={name}: {reason}; give a .warc or .warc.gz file, a folder of them, "
            "or a glob (quoted)", "crawl", "site", "-a", f"warc={name}", "-O", "articles.jsonl")


@pytest.mark.parametrize(("folder", "reason"), [(LONG, TOO_LONG), ("loop", LOOP), ("loop1/runs", LOOP)])
def test_cron_refuses_an_output_folder_that_can_name_no_folder(tmp_path: Path, folder: str, reason: str) -> None:
    loops(tmp_path)  # before: a traceback for the long name, "cron.log: File exists" for the loop
    with FaultServer("127.0.0.1", robots="allow", articles=2) as site:
        refused(tmp_path, f"scrapy cron: cannot write to the output folder {folder}: {reason}; give --output-dir "
                "another folder", "cron", "-a", f"url={site.url('/')}", "--output-dir", folder,
                "-s", "NEWSCRAWL_STATE=state.sqlite", *FAST)
        assert sum(site.hits.values()) == 0


@pytest.mark.parametrize(("state", "reason"), [(LONG, TOO_LONG), ("loop", LOOP)])
@pytest.mark.parametrize("command", [["state", "info"], ["cron", "-a", "url=http://127.0.0.1:9/"]])
def test_state_and_cron_refuse_a_state_path_that_can_name_no_file(tmp_path: Path, command: list[str],
                                                                   state: str, reason: str) -> None:
    loops(tmp_path)
    refused(tmp_path, f"invalid setting NEWSCRAWL_STATE='{state}': {reason}; give another path",
            *command, "-s", f"NEWSCRAWL_STATE={state}")


@pytest.mark.parametrize(("name", "reason"), [(LONG, TOO_LONG), ("loop", LOOP)])
def test_fixture_refuses_a_saved_file_that_can_name_no_file(tmp_path: Path, name: str, reason: str) -> None:
    loops(tmp_path)  # before: a traceback for the long name, "no such file" for the loop
    refused(tmp_path, f"scrapy fixture: cannot read {name}: {reason}", "fixture", name, "--url", PAGE)


@pytest.mark.parametrize(("name", "reason"), [(LONG, TOO_LONG), ("loop", LOOP)])
def test_a_log_file_that_can_name_no_file_is_one_line_for_every_command(tmp_path: Path, name: str,
                                                                         reason: str) -> None:
    loops(tmp_path)
    refused(tmp_path, f"scrapy state: cannot write the log file {name}: {reason}; give --logfile another path",
            "state", "info", "--logfile", name)
