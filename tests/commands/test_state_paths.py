"""NEWSCRAWL_STATE naming something that is no newscrawl state: a device, a named pipe, a socket,
the user's own articles file, another program's SQLite database. Every command that opens the
state refuses it in one line as bad input (exit 2), before anything is fetched or created, and
leaves it as it was; only a real SQLite file that fails is called corrupt and gets the advice to
move it aside (`mv /dev/null /dev/null.broken`, run as root, broke the system).

Real `scrapy crawl`, `scrapy cron` and `scrapy state` processes, a real site on 127.0.0.1, real
files, a real FIFO and a real listening Unix socket."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, run_scrapy
from tests.support.faultserver import FaultServer

pytestmark = pytest.mark.timeout(300)

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0"]
NOT_A_FILE = "is not a file ({kind}): give NEWSCRAWL_STATE the path of a state file (it is created if missing)"
SOMETHING_ELSE = ("holds something else: it is not a newscrawl state (not a SQLite database) and was left "
                  "untouched; give NEWSCRAWL_STATE another path (a new state is created there)")


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
    return run_scrapy(list(args), cwd=cwd, env=env, timeout=120)


def one_line(proc: subprocess.CompletedProcess) -> str:
    """The one line a refused command printed on stderr (never a traceback)."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return lines[0]


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "state.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        sock.listen()
        yield path


def other_database(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("INSERT INTO notes VALUES ('a note of another program')")
    return path


def kinds(tmp_path: Path, unix_socket: Path) -> dict[str, tuple[Path, str]]:
    """(path, what the line says after the path) of every kind of path that is no state."""
    fifo = tmp_path / "state.fifo"
    os.mkfifo(fifo)
    articles = tmp_path / "a1.jsonl"
    articles.write_text('{"url": "http://127.0.0.1/a", "headline": "mine"}\n' * 50)
    return {
        "device": (Path(os.devnull), NOT_A_FILE.format(kind="a character device")),
        "fifo": (fifo, NOT_A_FILE.format(kind="a named pipe")),
        "socket": (unix_socket, NOT_A_FILE.format(kind="a socket")),
        "articles": (articles, SOMETHING_ELSE),
        "database": (other_database(tmp_path / "other.db"),
                     "holds another SQLite database (tables notes): it is not a newscrawl state and was "
                     "left untouched; give NEWSCRAWL_STATE another path (a new state is created there)"),
    }


def snapshot(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def test_a_state_path_that_is_no_state_is_refused_by_every_command_and_left_as_it_was(
        tmp_path: Path, unix_socket: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    beside_devnull = {p for p in Path(os.devnull).parent.glob("null*")}
    with FaultServer("127.0.0.1", robots="allow", articles=2) as site:
        for name, (state, says) in kinds(tmp_path, unix_socket).items():
            before = snapshot(state)
            beside = [Path(f"{state}{suffix}") for suffix in (".lock", "-journal", "-wal", "-shm")]
            existed = [path.exists() for path in beside]
            expected = f"state path {state} {says}"
            crawl = run(work, "crawl", "site", "-a", f"url={site.url('/')}", "-O", "out.jsonl",
                        "-s", f"NEWSCRAWL_STATE={state}", *FAST)
            assert crawl.returncode == 2, (name, crawl.stderr[-3000:])
            assert one_line(crawl).endswith(f"ERROR: {expected}"), (name, crawl.stderr)
            cron = run(work, "cron", "-a", f"url={site.url('/')}", "--output-dir", "cron",
                       "-s", f"NEWSCRAWL_STATE={state}", *FAST)
            assert (cron.returncode, one_line(cron)) == (2, f"scrapy cron: {expected}"), name
            actions = [["info"], ["export"], ["prune", "0d"]] if name == "articles" else [["info"]]
            for action in actions:
                proc = run(work, "state", *action, "-s", f"NEWSCRAWL_STATE={state}")
                assert (proc.returncode, one_line(proc), proc.stdout) == (2, f"scrapy state: {expected}", ""), \
                    (name, action)
            assert snapshot(state) == before, name  # not a byte changed
            assert [path.exists() for path in beside] == existed, name  # no lock, no journal made
        assert sum(site.hits.values()) == 0  # refused before the first request
    assert list(work.iterdir()) == []  # no output, no cron folder, no HTTP cache
    assert {p for p in Path(os.devnull).parent.glob("null*")} == beside_devnull  # no /dev/null.lock
    still_states(tmp_path)


def still_states(tmp_path: Path) -> None:
    """What stays as it was: a SQLite file that cannot be read is a state gone bad, said to be
    unusable with the advice to move it aside (exit 1); an empty file (`touch state.sqlite`)
    is a new state, which the crawl fills."""
    state = tmp_path / "state.sqlite"
    state.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    before = state.read_bytes()
    proc = run(tmp_path, "crawl", "site", "-a", "url=http://127.0.0.1:9/", "-O", "out.jsonl",
               "-s", f"NEWSCRAWL_STATE={state}", "--nolog", *FAST)  # found once logging is set up
    assert proc.returncode == 1, proc.stderr[-3000:]
    line = one_line(proc)
    assert f"move it aside (mv {state} {state}.broken)" in line, line
    assert state.read_bytes() == before
    state.write_bytes(b"")
    for command in (["info"], ["export"], ["prune", "1d"]):  # reading it: no state yet, exit 2
        proc = run(tmp_path, "state", *command, "-s", f"NEWSCRAWL_STATE={state}")
        assert proc.returncode == 2, proc.stderr[-3000:]
        assert "is an empty file, no state yet (nothing was changed): a crawl with" in one_line(proc)
        assert state.read_bytes() == b""
    with FaultServer("127.0.0.1", robots="allow", articles=2) as site:
        proc = run(tmp_path, "crawl", "site", "-a", f"url={site.url('/')}", "-O", "out.jsonl",
                   "-s", f"NEWSCRAWL_STATE={state}", *FAST)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with sqlite3.connect(state) as db:
        assert db.execute("SELECT COUNT(*) FROM seen").fetchone()[0] >= 2
