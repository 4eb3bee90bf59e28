"""The seen/fingerprint store: one small interface, SQLite by default, Redis for many machines."""

from __future__ import annotations

import difflib
from pathlib import Path

from newscrawl.state.base import SeenEntry, StateError, StateStore
from newscrawl.state.sqlite import StateNotFound, StateWrongKind, path_problem

DEFAULT_STATE = ".newscrawl/state.sqlite"
# NEWSCRAWL_STATE values that mean: remember nothing between runs (the usual "off" words too: a
# state file named "false" beside the project, with its "false.httpcache/", is never what was meant)
NO_STATE = ("", "none", "null", "false", "off", "no", "0")
# other bare words that say "no state": taken as a file name, `-s NEWSCRAWL_STATE=disabled` made a
# state file named "disabled" without a word
OFF_WORDS = ("disabled", "disable", "nil", "nothing", "never", "nostate", "no-state", "no_state", "without")


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
    return off_word_problem(str(settings.get("NEWSCRAWL_STATE") or "")) or path_problem(
        Path(settings.get("NEWSCRAWL_STATE") or DEFAULT_STATE))


def off_word_problem(value: str) -> str | None:
    """The line for a NEWSCRAWL_STATE that looks meant as "no state" (`disabled`, `nope`,
    `flase`) rather than as a file: a bare word, with no suffix and no folder, that is an OFF_WORDS
    word or close to a NO_STATE one. A name with a suffix or a slash is a path (`./disabled` keeps
    a file of that name)."""
    word = value.strip()
    if not word or "/" in word or Path(word).suffix:
        return None
    lower = word.lower()
    close = difflib.get_close_matches(lower, [w for w in NO_STATE if len(w) > 1], n=1, cutoff=0.75)
    if lower not in OFF_WORDS and not close:
        return None
    meant = close[0] if close else "none"
    return (f"NEWSCRAWL_STATE={word} would create a state file named {word}: did you mean {meant} (a crawl "
            f"without state)? For a state file of that name, give -s NEWSCRAWL_STATE=./{word}")


def open_state(settings, *, create: bool = True, readonly: bool = False) -> StateStore:
    """The store the settings ask for: Redis when REDIS_URL is set, else the SQLite file.

    A crawl opens it with the defaults (the SQLite file and its folder are created when missing).
    Commands that only look at the state pass `readonly=True` (an existing file, opened read-only)
    and those that change an existing state `create=False`: both raise StateNotFound, naming the
    path, instead of creating an empty state at a mistyped path (in Redis: a database or key
    prefix that holds none of a state's keys).
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
        return _open_redis(redis_url, settings.get("NEWSCRAWL_REDIS_PREFIX", "newscrawl"), readonly or not create)
    from newscrawl.state.sqlite import SQLiteStateStore

    path = Path(settings.get("NEWSCRAWL_STATE") or DEFAULT_STATE)
    if readonly or not create:
        existing = SQLiteStateStore(path, readonly=True)  # is there, and is a state: else one line
        if readonly:
            return existing
        existing.close()
    return SQLiteStateStore(path)


def _open_redis(url: str, prefix: str, existing: bool) -> StateStore:
    """The Redis state; `existing`: StateNotFound when none of its keys are there (the wrong
    database, a mistyped prefix), as for a SQLite path with no state, instead of an empty one."""
    from newscrawl.config.redis_url import safe_url
    from newscrawl.state.redis import RedisStateStore

    store = RedisStateStore.from_url(url, prefix=prefix)
    if existing and not store.exists():
        store.close()
        raise StateNotFound(f"no state in {safe_url(url)} (keys {prefix}:*; nothing was created): check the "
                            "database in REDIS_URL and NEWSCRAWL_REDIS_PREFIX; a crawl creates the state")
    return store


__all__ = ["SeenEntry", "StateError", "StateNotFound", "StateStore", "StateWrongKind", "open_state", "state_path_problem",
           "stateless"]
