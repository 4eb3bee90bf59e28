"""Ctrl-C while a command loads, recorded: an import that swallows its KeyboardInterrupt (a
library's broad `except`) must not let the command run on as if it had not come."""

from __future__ import annotations

import signal
import sys
from typing import Any

_seen = False


def _take(signum: int, frame: Any) -> None:
    global _seen
    _seen = True
    raise KeyboardInterrupt


def _unraisable(unraisable: Any) -> None:
    """Python's report of an error it could not raise, except a Ctrl-C already recorded: one
    that lands in a callback while a module is imported (its lock's weakref) printed
    "Exception ignored in: <function _get_module_lock...>" and a traceback before the command's
    one line. The command stops on it all the same (stop_if_seen)."""
    if _seen and isinstance(unraisable.exc_value, KeyboardInterrupt):
        return
    sys.__unraisablehook__(unraisable)


def watch() -> None:
    """Record Ctrl-C from now on, and raise KeyboardInterrupt as Python does (not when Ctrl-C is
    ignored: a job started in the background). A TERM or a HUP (a closed terminal) while the
    command loads is taken the same way: they died silently (exit 143, 129), where the commands,
    once loaded, stop on them as on Ctrl-C (exit 130, one line)."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _take)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) == signal.SIG_DFL:  # (nohup's ignored HUP stays ignored)
            signal.signal(signum, _take)
    sys.unraisablehook = _unraisable


def stop_if_seen() -> None:
    """KeyboardInterrupt when a Ctrl-C came while loading, whatever caught it since; called just
    before a command installs its own handling of Ctrl-C."""
    if _seen:
        raise KeyboardInterrupt


def interrupted(exc: BaseException) -> bool:
    """Whether an error is a Ctrl-C in disguise: one that came while loading, raised where
    Python wraps what it catches (Python 3.11's `__set_name__` turns it into a RuntimeError)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return _seen
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False
