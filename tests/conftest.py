"""Shared test helpers: paths, free ports on loopback, real crawls in a subprocess."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.schema import parse_articles

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
FIXTURES = REPO / "fixtures"
PAGES = FIXTURES / "pages"
DEMO = FIXTURES / "demo"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def run_scrapy(args: list[str], cwd: Path = REPO, timeout: float = 180, env: dict | None = None,
               ) -> subprocess.CompletedProcess:
    """Run a `scrapy` command of this project in a subprocess (a fresh reactor each time)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=full_env, check=False)


def lines_in(path: Path) -> int:
    """Line breaks in a file a running crawl writes (0 while it does not exist: the crawl's check
    that an output can be written creates it and removes it again, before the crawl makes it)."""
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def read_jsonl(path: Path, *, articles: bool = True) -> list[dict]:
    """Every line of a JSON Lines file, parsed (a torn line fails the test); lines of a crawl's
    output are checked against the article JSON Schema (`articles=False` for other files)."""
    if not path.exists():
        return []
    text = path.read_text("utf-8")
    if articles:
        return parse_articles(text, str(path))
    return [json.loads(line) for line in text.splitlines() if line.strip()]


FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO"]


@pytest.fixture
def crawl(tmp_path):
    """Run `scrapy crawl site` with a state file in tmp_path; returns (items, stats, process)."""

    def _crawl(*args: str, output: str = "out.jsonl", state: str = "state.sqlite",
               extra: list[str] | None = None, timeout: float = 180):
        out = tmp_path / output
        stats_file = tmp_path / f"{output}.stats.json"
        proc = run_scrapy(["crawl", "site", *args, "-O", str(out), "-s", f"NEWSCRAWL_STATE={tmp_path / state}",
                           "-s", f"NEWSCRAWL_STATS_FILE={stats_file}", *FAST, *(extra or [])],
                          timeout=timeout)
        stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
        return read_jsonl(out), stats, proc

    return _crawl


@pytest.fixture
def small_disk(tmp_path: Path):
    """A folder on a file system of the size asked for (a tmpfs: root only), and a function that
    gives it more room."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a small file system is a tmpfs, which only root can mount")

    def mount(size: str, *options: str) -> None:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join([*options, f"size={size}"]), "tmpfs",
                               str(folder)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"root, and cannot mount a tmpfs here: {done.stderr.strip()}")

    try:
        yield folder, mount
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True, check=False)
