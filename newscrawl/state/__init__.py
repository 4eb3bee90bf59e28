"""The seen/fingerprint store: one small interface, SQLite by default, Redis for many machines."""

from __future__ import annotations

from pathlib import Path

from newscrawl.state.base import SeenEntry, StateError, StateStore
from newscrawl.state.sqlite import StateNotFound, StateWrongKind, path_problem

DEFAULT_STATE = ".newscrawl/state.sqlite"
# NEWSCRAWL_STATE values that mean: remember nothing between runs (the usual "off" words too: a
# state file named "false" beside the project, with its "false.httpcache/", is never what was meant)
NO_STATE = ("", "none", "null", "false", "off", "no", "0")


def stateless(settings) -> bool:
    """Whether the settings ask for a crawl with no state (NEWSCRAWL_STATE empty, "none", "null", "false",
    "off", "no" or "0", in any case)."""
    value = settings.get("NEWSCRAWL_STATE")
    return value is not None and not settings.get("REDIS_URL") and str(value).strip().lower() in NO_STATE


def state_path_problem(settings) -> str | None:
    """Why the state file the settings name cannot be one (a device, a folder, a file that holds
    something else: newscrawl/state/sqlite.py path_problem), or None; for the commands to refuse
    it before they open it or create anything beside it (its lock, its HTTP cache)."""
    if stateless(settings) or settings.get("REDIS_URL"):
        return None
    return path_problem(Path(settings.get("NEWSCRAWL_STATE") or DEFAULT_STATE))


def open_state(settings, *, create: bool = True, readonly: bool = False) -> StateStore:
    """The store the settings ask for: Redis when REDIS_URL is set, else the SQLite file.

    A crawl opens it with the defaults (the SQLite file and its folder are created when missing).
    Commands that only look at the state pass `readonly=True` (an existing file, opened read-only)
    and those that change an existing state `create=False`: both raise StateNotFound, naming the
    path, instead of creating an empty state at a mistyped path. Redis has no such case.
    """
    if stateless(settings):
        if readonly or not create:
            value = str(settings.get("NEWSCRAWL_STATE")).strip()
            said = f"is {value!r}" if value else "is empty"
            raise StateNotFound(f"no state: NEWSCRAWL_STATE {said}, which means a crawl without "
                                "state; give the state file (-s NEWSCRAWL_STATE=PATH)")
        from newscrawl.state.memory import MemoryStateStore

        return MemoryStateStore()
    redis_url = settings.get("REDIS_URL")
    if redis_url:
        from newscrawl.state.redis import RedisStateStore

        return RedisStateStore.from_url(redis_url, prefix=settings.get("NEWSCRAWL_REDIS_PREFIX", "newscrawl"))
    from newscrawl.state.sqlite import SQLiteStateStore

    path = Path(settings.get("NEWSCRAWL_STATE") or DEFAULT_STATE)
    if readonly or not create:
        existing = SQLiteStateStore(path, readonly=True)  # is there, and is a state: else one line
        if readonly:
            return existing
        existing.close()
    return SQLiteStateStore(path)


__all__ = ["SeenEntry", "StateError", "StateNotFound", "StateStore", "StateWrongKind", "open_state", "state_path_problem",
           "stateless"]
