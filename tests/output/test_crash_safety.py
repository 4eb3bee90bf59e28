"""Lose nothing, duplicate nothing: `kill -9` mid-crawl then a rerun, a torn last line, a full
disk under the output, and a corrupt or locked state file. Real crawls against a site of 30-40
articles on 127.0.0.4, real SIGKILL, a real (small) tmpfs when the tests may mount one."""

from __future__ import annotations

import fcntl
import json
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from newscrawl.output.recovery import meta_key
from tests.conftest import FAST, REPO, read_jsonl, run_scrapy
from tests.support.faultserver import FaultServer
from tests.support.kills import kill_9_after_lines, wait_for_lines
from tests.support.schema import parse_articles

pytestmark = pytest.mark.timeout(180)

HOST = "127.0.0.4"


def crawl_args(site: FaultServer, state: Path, *output: str, pool: bool = False) -> list[str]:
    """A crawl of the article site; extraction in-process unless `pool` (quicker to start)."""
    return ["crawl", "site", "-a", f"url={site.url('/')}", *output, "-s", f"NEWSCRAWL_STATE={state}",
            *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
            *([] if pool else ["-s", "NEWSCRAWL_EXTRACT_WORKERS=0"])]


def urls(items: list[dict]) -> list[str]:
    return [item["url"].rsplit("/", 1)[-1] for item in items]


def lines_of(path: Path) -> list[dict]:
    """Every line, parsed; fails on a torn or unreadable line."""
    data = path.read_bytes()
    assert data == b"" or data.endswith(b"\n"), f"{path} ends in a torn line: {data[-80:]!r}"
    return read_jsonl(path)


def stories(n: int) -> set[str]:
    return {f"story-{i}" for i in range(1, n + 1)}


def test_kill_9_mid_crawl_then_rerun_holds_every_article_once(tmp_path: Path) -> None:
    state, run1, run2 = tmp_path / "state.sqlite", tmp_path / "run1.jsonl", tmp_path / "run2.jsonl"
    with FaultServer(HOST, robots="allow", articles=40, delay=0.1) as site:
        proc = subprocess.Popen([sys.executable, "-m", "scrapy", *crawl_args(site, state, "-O", str(run1), pool=True)],
                                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_9_after_lines(proc, run1, 6)
        first = urls(lines_of(run1))  # every line written before the kill parses ...
        assert 6 <= len(first) < 40
        site.delay = 0.0
        second_run = run_scrapy(crawl_args(site, state, "-O", str(run2)), timeout=120)
        assert second_run.returncode == 0, second_run.stderr[-2000:]
        second = urls(lines_of(run2))
        first = urls(lines_of(run1))  # ... and still does after the rerun cut any torn tail
    assert sorted(first + second) == sorted(stories(40))  # every article, exactly once


def test_written_but_unrecorded_lines_and_a_torn_tail_are_reconciled(tmp_path: Path) -> None:
    """The exact state a kill leaves: 2 lines written after the last recorded offset, then half
    a line. The rerun appends to the same file (-o): it ends with every article once."""
    state, out = tmp_path / "state.sqlite", tmp_path / "articles.jsonl"
    with FaultServer(HOST, robots="allow", articles=8) as site:
        done = run_scrapy(crawl_args(site, state, "-o", str(out)), timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        raw = out.read_bytes().splitlines(keepends=True)
        assert len(raw) == 8
        lost = parse_articles(b"".join(raw[-3:]).decode("utf-8"), str(out))
        recorded_end = sum(len(line) for line in raw[:-3])
        out.write_bytes(b"".join(raw[:-1]) + raw[-1][: len(raw[-1]) // 2])  # torn last line
        with sqlite3.connect(state) as db:  # the kill came before these three were recorded
            for item in lost:
                db.execute("DELETE FROM seen WHERE url IN (?, ?)", (item["url"], item["canonical_url"]))
            db.execute("UPDATE meta SET value = ? WHERE key = ?",
                       (json.dumps({"offset": recorded_end}), meta_key(out)))
        stats_file = tmp_path / "stats.json"
        rerun = run_scrapy([*crawl_args(site, state, "-o", str(out)), "-s", f"NEWSCRAWL_STATS_FILE={stats_file}"],
                           timeout=120)
        assert rerun.returncode == 0, rerun.stderr[-2000:]
    items = urls(lines_of(out))
    assert sorted(items) == sorted(stories(8))  # the torn one fetched again, the other two not
    stats = json.loads(stats_file.read_text("utf-8"))
    assert stats["newscrawl/recovered/articles"] == 2
    assert stats["newscrawl/recovered/torn_bytes"] > 0
    assert f"{out} holds 2 articles this state had not recorded (an interrupted crawl, or another writer): " \
           "marked as emitted; ended in" in rerun.stderr and "Traceback" not in rerun.stderr


@pytest.mark.parametrize("line_break", [False, True], ids=["no-final-line-break", "final-line-break"])
def test_a_file_rewritten_since_the_crawl_loses_no_record(tmp_path: Path, line_break: bool) -> None:
    """The user rewrote the output (a field added to every record), so the state's offset falls
    inside its last line: that line was cut as torn (a whole record lost), or called unreadable.
    Now the file is left as it is; a last record without a line break gets one."""
    state, out = tmp_path / "state.sqlite", tmp_path / "a.jsonl"
    with FaultServer(HOST, robots="allow", articles=3) as site:
        first = run_scrapy(crawl_args(site, state, "-o", str(out)), timeout=120)
        assert first.returncode == 0, first.stderr[-2000:]
        reviewed = [dict(item, note="reviewed") for item in lines_of(out)]
        rewritten = "\n".join(json.dumps(item, ensure_ascii=True) for item in reviewed)
        out.write_text(rewritten + ("\n" if line_break else ""), encoding="utf-8")
        again = run_scrapy(crawl_args(site, state, "-o", str(out)), timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "Traceback" not in again.stderr
    assert out.read_text(encoding="utf-8") == rewritten + "\n"  # every record whole, none again
    assert f"{out} was changed since a crawl of this state wrote it" in again.stderr
    assert "no complete JSON line" not in again.stderr and "unreadable line" not in again.stderr


def test_a_second_crawl_writing_the_same_file_is_refused_and_the_first_loses_nothing(tmp_path: Path) -> None:
    """Two crawls on one output (two workers with the same -O, two states appending to one
    file) wrote at their own offsets over each other's lines. The second is refused before it
    fetches anything, the file untouched; the first writes every article once."""
    out, log = tmp_path / "articles.jsonl", tmp_path / "first.log"
    with FaultServer(HOST, robots="allow", articles=12, delay=3.0) as site, log.open("w") as stderr:
        first = subprocess.Popen([sys.executable, "-m", "scrapy", *crawl_args(site, tmp_path / "a.sqlite", "-o", str(out))],
                                 cwd=REPO, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            wait_for_lines(first, out, 2)
            # its next pages take long, so it is still writing while the second starts, however
            # slowly a loaded machine starts a process (it had finished under load: no refusal)
            site.delay = 30.0
            assert first.poll() is None, "the first crawl ended too soon"
            before, robots = out.read_bytes(), site.hits["/robots.txt"]
            second = run_scrapy(crawl_args(site, tmp_path / "b.sqlite", "-O", str(out)), timeout=120)
            during, robots_fetched = out.read_bytes(), site.hits["/robots.txt"] - robots
            site.delay = 0.0
            first.wait(timeout=120)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait(timeout=30)
    assert second.returncode == 1, second.stderr[-2000:]
    assert f"{out} is being written by another crawl (pid {first.pid}): give each crawl its own output file" in one_error(second)
    assert during.startswith(before)  # not emptied by the refused -O, nothing of it written
    assert not (tmp_path / "b.sqlite").exists()
    assert robots_fetched == 0  # the second fetched nothing, not even robots.txt
    assert first.returncode == 0, log.read_text("utf-8")[-2000:]
    assert sorted(urls(lines_of(out))) == sorted(stories(12))  # every article, once, whole


def test_a_file_another_crawl_is_writing_is_not_reconciled_under_it(tmp_path: Path) -> None:
    """A state's earlier output that another process now holds (a crawl with another state
    appending to it): its line under way is no torn line to cut; a start after that crawl's end
    reconciles it."""
    state, shared, own = tmp_path / "state.sqlite", tmp_path / "shared.jsonl", tmp_path / "own.jsonl"
    under_way = b'{"url": "http://127.0.0.4/articles/half'
    with FaultServer(HOST, robots="allow", articles=2) as site:
        first = run_scrapy(crawl_args(site, state, "-o", str(shared)), timeout=120)
        assert first.returncode == 0, first.stderr[-2000:]
        with shared.open("ab") as writer:
            fcntl.flock(writer.fileno(), fcntl.LOCK_EX)  # as a crawl writing it holds it
            writer.write(under_way)
            writer.flush()
            held = shared.read_bytes()
            during = run_scrapy(crawl_args(site, state, "-o", str(own)), timeout=120)
            left = shared.read_bytes()
        after = run_scrapy(crawl_args(site, state, "-o", str(own)), timeout=120)
    assert (during.returncode, after.returncode) == (0, 0), during.stderr[-2000:]
    assert left == held  # not cut under the writer
    assert f"{shared} is being written by another crawl: what it holds past this state's last " \
           "recorded line is reconciled at a later start" in during.stderr
    assert shared.read_bytes() == held[:-len(under_way)]  # the writer gone: a torn line, cut
    assert f"{shared} ended in {len(under_way)} bytes that are no complete JSON line" in after.stderr


def test_a_full_disk_stops_the_crawl_and_damages_nothing(tmp_path: Path, small_disk) -> None:
    disk, mount = small_disk
    mount("12k")  # room for about eight articles
    state, out, rest = tmp_path / "state.sqlite", disk / "articles.jsonl", tmp_path / "rest.jsonl"
    with FaultServer(HOST, robots="allow", articles=20) as site:
        full = run_scrapy(crawl_args(site, state, "-O", str(out)), timeout=120)
        written = urls(lines_of(out))  # whole lines only, all readable
        assert 0 < len(written) < 20
        assert full.returncode == 1
        errors = [line for line in full.stderr.splitlines() if "] ERROR:" in line]
        assert len(errors) == 1 and "No space left on device" in errors[0], errors
        assert "Traceback" not in full.stderr
        # the state holds exactly what the file holds: the rerun brings the rest, once
        again = run_scrapy(crawl_args(site, state, "-O", str(rest)), timeout=120)
        assert again.returncode == 0, again.stderr[-2000:]
    assert sorted(written + urls(lines_of(rest))) == sorted(stories(20))


@pytest.fixture(scope="module")
def failed_starts(tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess, Path]]:
    """The crawls that must stop with one error line, run side by side (the locked one waits
    out SQLite's 10 s busy timeout)."""
    folders = {name: tmp_path_factory.mktemp(name) for name in ("unwritable", "corrupt", "damaged", "locked")}
    (folders["corrupt"] / "state.sqlite").write_bytes(b"SQLite format 3\x00" + b"\xff" * 8192)
    damaged = folders["damaged"] / "state.sqlite"
    with sqlite3.connect(damaged) as db:
        db.execute("CREATE TABLE seen (url TEXT PRIMARY KEY, fingerprint TEXT, modified TEXT, "
                   "revision INTEGER NOT NULL DEFAULT 1, emitted_at REAL NOT NULL)")
        db.executemany("INSERT INTO seen VALUES (?, ?, NULL, 1, 0)",
                       [(f"http://127.0.0.4/{i}", f"{i:040x}") for i in range(3000)])
    data = bytearray(damaged.read_bytes())
    for page in range(3 * 4096, len(data), 4096):  # damage every b-tree page after the schema
        data[page:page + 16] = b"\xff" * 16
    damaged.write_bytes(bytes(data))
    holder = sqlite3.connect(folders["locked"] / "state.sqlite", isolation_level=None, timeout=1)
    holder.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    holder.execute("BEGIN EXCLUSIVE")  # as a long write by another process would
    holder.execute("INSERT INTO meta VALUES ('holder', 'test')")
    try:
        with FaultServer(HOST, robots="allow", articles=3) as site:
            def run(name: str) -> tuple[subprocess.CompletedProcess, Path]:
                state = folders[name] / "state.sqlite"
                if name == "unwritable":
                    return run_scrapy(crawl_args(site, state, "-O", "/dev/full:jsonl"), timeout=120), state
                return run_scrapy(["crawl", "site", "-a", "url=http://127.0.0.4:9/",
                                   "-s", f"NEWSCRAWL_STATE={state}"], timeout=90), state

            with ThreadPoolExecutor(max_workers=4) as pool:
                return dict(zip(folders, pool.map(run, folders), strict=True))
    finally:
        holder.rollback()
        holder.close()


def one_error(result: subprocess.CompletedProcess) -> str:
    """The run's only ERROR line (and no traceback)."""
    errors = [line for line in result.stderr.splitlines() if "] ERROR:" in line]
    assert len(errors) == 1, errors
    assert "Traceback" not in result.stderr
    return errors[0]


def test_an_unwritable_output_is_one_error_line_and_exit_1(failed_starts) -> None:
    result, state = failed_starts["unwritable"]
    assert result.returncode == 1
    assert "cannot write to /dev/full" in one_error(result)
    with sqlite3.connect(state) as db:
        assert db.execute("SELECT COUNT(*) FROM seen").fetchone()[0] == 0  # nothing was written


def test_a_corrupt_state_says_how_to_recover(failed_starts) -> None:
    result, state = failed_starts["corrupt"]
    assert result.returncode == 1
    assert f"mv {state} {state}.broken" in one_error(result)


def test_a_damaged_state_is_caught_before_the_crawl(failed_starts) -> None:
    result, state = failed_starts["damaged"]
    assert result.returncode == 1
    line = one_error(result)
    assert "is corrupt" in line and f"{state}.broken" in line


def test_a_locked_state_says_who_to_wait_for(failed_starts) -> None:
    result, _ = failed_starts["locked"]
    assert result.returncode == 1
    line = one_error(result)
    assert "locked" in line and "NEWSCRAWL_STATE" in line


