"""`scrapy state info`, `export` and `prune`, run as a user runs them, on the state a real crawl
wrote: what they print matches what the crawl emitted, and a pruned state lets the next crawl
emit the same articles again."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import FAST, read_jsonl, run_scrapy
from tests.support.faultserver import FaultServer

pytestmark = pytest.mark.timeout(300)

HOST = "127.0.0.8"


def crawl(site: FaultServer, state: Path, out: Path) -> list[dict]:
    proc = run_scrapy(["crawl", "site", "-a", f"url={site.url('/')}", "-O", str(out),
                       "-s", f"NEWSCRAWL_STATE={state}", *FAST], timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return read_jsonl(out)


def state(*args: str, path: Path) -> subprocess.CompletedProcess:
    proc = run_scrapy(["state", *args, "-s", f"NEWSCRAWL_STATE={path}"], timeout=120)
    assert proc.returncode == 0, proc.stderr
    # nothing on stderr but, after a prune that forgot something, one line on what that means
    forgot = args[0] == "prune" and proc.stderr.startswith("note: ") and proc.stderr.count("\n") == 1 \
        and "URLs forgotten: a crawl that meets their articles again writes them again" in proc.stderr
    assert proc.stderr == "" or forgot, proc.stderr
    return proc


def test_state_commands_on_the_state_a_crawl_wrote(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    started = datetime.now(UTC).replace(microsecond=0)
    with FaultServer(HOST, robots="allow", articles=3) as site:
        items = crawl(site, path, tmp_path / "first.jsonl")
        assert len(items) == 3
        finished = datetime.now(UTC)

        info = json.loads(state("info", path=path).stdout)
        assert info["state"] == str(path)
        assert info["urls"] >= 3 and info["revised"] == 0 and info["bytes"] > 0
        for key in ("oldest", "newest"):
            assert started <= datetime.fromisoformat(info[key]) <= finished, info

        export = tmp_path / "export.jsonl"
        state("export", str(export), path=path)
        rows = read_jsonl(export, articles=False)
        assert len(rows) == info["urls"]
        by_url = {row["url"]: row for row in rows}
        for item in items:  # every article is remembered by its URL, with its fingerprint
            assert by_url[item["url"]]["fingerprint"] == item["fingerprint"]
            assert by_url[item["url"]]["revision"] == item["revision"] == 1
        # to standard output, the same lines
        assert [json.loads(line) for line in state("export", path=path).stdout.splitlines()] == rows

        # nothing is older than a day; then everything is forgotten, and the next crawl emits
        # the same articles again
        assert json.loads(state("prune", "1d", path=path).stdout)["removed"] == 0
        assert crawl(site, path, tmp_path / "again.jsonl") == []  # seen before
        pruned = json.loads(state("prune", "0d", path=path).stdout)
        assert pruned["removed"] == info["urls"] and pruned["urls"] == 0
        assert json.loads(state("info", path=path).stdout)["urls"] == 0
        after = crawl(site, path, tmp_path / "after-prune.jsonl")
    assert sorted(item["url"] for item in after) == sorted(item["url"] for item in items)


def test_a_state_on_a_full_disk_is_read_and_prune_says_the_disk_is_full(tmp_path: Path, small_disk) -> None:
    """Reading a state in WAL mode needs room for SQLite's shared-memory file. Before: on a full
    disk, `info`, `export` and `prune` all said "cannot be read as a newscrawl state (disk I/O
    error)", as for a corrupt file (whose remedy, moving it aside, emits everything again)."""
    disk, mount = small_disk
    mount("512k")
    path = disk / "state.sqlite"
    with FaultServer(HOST, robots="allow", articles=3) as site:
        items = crawl(site, path, tmp_path / "first.jsonl")
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as handle:  # fill what is left, to the last block
        try:
            while handle.write(b"\0" * 4096):
                pass
        except OSError:
            pass
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)  # a closed crawl leaves none; a full disk makes none

    info = json.loads(state("info", path=path).stdout)
    assert info["urls"] >= len(items) == 3
    rows = [json.loads(line) for line in state("export", path=path).stdout.splitlines()]
    assert {row["url"] for row in rows} >= {item["url"] for item in items}
    pruned = run_scrapy(["state", "prune", "0d", "-s", f"NEWSCRAWL_STATE={path}"], timeout=120)
    assert pruned.returncode == 1
    assert pruned.stderr.strip().splitlines() == [
        f"scrapy state: state file {path} cannot be written: the disk is full (disk I/O error); "
        "free space and run again (nothing was fetched or changed)"], pruned.stderr


def _undated_page(handler) -> None:
    """An article with no publication date anywhere on its page."""
    from tests.support.faultserver import LOREM, article_page

    page = article_page("Undated harbour story", [LOREM, LOREM, "End of the undated story."])
    handler.send_bytes(page.replace('"datePublished": "2024-03-01T08:00:00+01:00", ', "").encode())


def _two_articles_home(handler) -> None:
    handler.send_bytes(b'<html><body><h1>Home</h1><a href="/articles/story-1">dated</a>'
                       b'<a href="/undated">undated</a></body></html>')


def test_info_counts_the_undated_entries_a_prune_keeps(tmp_path: Path) -> None:
    """`info` said how many URLs were remembered but not how many were undated: the entries a
    prune by age keeps, which a user deciding on one needs to know."""
    path = tmp_path / "state.sqlite"
    with FaultServer(HOST, robots="allow", extra={"/": _two_articles_home, "/undated": _undated_page}) as site:
        items = crawl(site, path, tmp_path / "first.jsonl")
    assert sorted(item["published"] is None for item in items) == [False, True]
    info = json.loads(state("info", path=path).stdout)
    assert (info["urls"], info["undated"]) == (2, 1), info
    assert json.loads(state("prune", "0d", path=path).stdout)["removed"] == 2
    assert json.loads(state("info", path=path).stdout)["undated"] == 0
