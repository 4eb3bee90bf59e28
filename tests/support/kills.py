"""A crawl killed the hard way once it has written some lines: what a crash leaves behind."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.conftest import lines_in


def wait_for_lines(proc: subprocess.Popen, path: Path, lines: int, timeout: float = 90) -> None:
    """Until the running `proc` has written `lines` lines to `path` (or ended, or `timeout`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if lines_in(path) >= lines:
            return
        time.sleep(0.02)


def kill_9_after_lines(proc: subprocess.Popen, path: Path, lines: int) -> None:
    """SIGKILL `proc` once it has written `lines` lines to `path`; it must still be running."""
    try:
        wait_for_lines(proc, path, lines)
        assert proc.poll() is None, "the crawl ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
