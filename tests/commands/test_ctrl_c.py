"""A Ctrl-C while a command loads is not lost to a library that swallows KeyboardInterrupt: a
real SIGINT, in a fresh interpreter (the test changes its signal handlers)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

SWALLOWED = (
    "import os, signal, time\n"
    "from newscrawl.commands._ctrl_c import stop_if_seen, watch\n"
    "watch()\n"
    "try:\n"  # as an import with a broad except does: the KeyboardInterrupt is gone
    "    os.kill(os.getpid(), signal.SIGINT)\n"
    "    time.sleep(1)\n"
    "except BaseException:\n"
    "    pass\n"
    "try:\n"
    "    stop_if_seen()\n"
    "    print('ran on')\n"
    "except KeyboardInterrupt:\n"
    "    print('stopped')\n")


def test_a_ctrl_c_that_an_import_swallowed_still_stops_the_command() -> None:
    """`newscrawl crawl` stopped by Ctrl-C about 60 ms after it started crawled on to its end and
    exited 0 (one of the libraries Scrapy loads caught the KeyboardInterrupt)."""
    proc = subprocess.run([sys.executable, "-c", SWALLOWED], capture_output=True, text=True, timeout=60,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    assert proc.stdout.strip() == "stopped", proc.stdout + proc.stderr[-2000:]


def test_ctrl_c_ignored_by_the_caller_stays_ignored() -> None:
    """A job started with Ctrl-C ignored (in the background) keeps ignoring it."""
    script = ("import signal\n"
              "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
              "from newscrawl.commands._ctrl_c import watch\n"
              "watch()\n"
              "print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    assert proc.stdout.strip() == "True", proc.stdout + proc.stderr[-2000:]


IN_A_CALLBACK = (
    "import os, signal, time, weakref\n"
    "from newscrawl.commands._ctrl_c import stop_if_seen, watch\n"
    "watch()\n"
    "class Lock: pass\n"
    "def released(_):\n"  # as import's module-lock weakref callback: Python can only report it
    "    os.kill(os.getpid(), signal.SIGTERM)\n"
    "    time.sleep(1)\n"
    "lock = Lock()\n"
    "ref = weakref.ref(lock, released)\n"
    "del lock\n"
    "try:\n"
    "    stop_if_seen()\n"
    "    print('ran on')\n"
    "except KeyboardInterrupt:\n"
    "    print('stopped')\n"
    "def other(_): raise ValueError('a real fault')\n"  # any other unraisable error is still reported
    "thing = Lock()\n"
    "ref2 = weakref.ref(thing, other)\n"
    "del thing\n")


def test_a_ctrl_c_inside_a_callback_stops_the_command_without_pythons_report() -> None:
    """A TERM that landed in import's weakref callback printed "Exception ignored in: <function
    _get_module_lock...>" and a traceback before the command's one line (a flaky test in CI)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", IN_A_CALLBACK], capture_output=True, text=True, env=env,
                          timeout=60, check=False)
    assert done.stdout.strip() == "stopped"
    assert "KeyboardInterrupt" not in done.stderr
    assert "ValueError: a real fault" in done.stderr
