"""The seen/fingerprint store: one small interface, SQLite by default, Redis for many machines."""

from __future__ import annotations

from newscrawl.state.base import SeenEntry, StateError, StateStore

DEFAULT_STATE = ".newscrawl/state.sqlite"
NO_STATE = ("", "none")  # NEWSCRAWL_STATE values that mean: remember nothing between runs


def stateless(settings) -> bool:
    """Whether the settings ask for a crawl with no state (NEWSCRAWL_STATE empty or "none")."""
    value = settings.get("NEWSCRAWL_STATE")
    return value is not None and not settings.get("REDIS_URL") and str(value).strip().lower() in NO_STATE


def open_state(settings) -> StateStore:
    """The store the settings ask for: Redis when REDIS_URL is set, nothing kept when
    NEWSCRAWL_STATE is empty or "none", else the SQLite file."""
    if stateless(settings):
        from newscrawl.state.memory import MemoryStateStore

        return MemoryStateStore()
    redis_url = settings.get("REDIS_URL")
    if redis_url:
        from newscrawl.state.redis import RedisStateStore

        return RedisStateStore.from_url(redis_url, prefix=settings.get("NEWSCRAWL_REDIS_PREFIX", "newscrawl"))
    from newscrawl.state.sqlite import SQLiteStateStore

    return SQLiteStateStore(settings.get("NEWSCRAWL_STATE") or DEFAULT_STATE)


__all__ = ["SeenEntry", "StateError", "StateStore", "open_state", "stateless"]
