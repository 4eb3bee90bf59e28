"""The seen/fingerprint store: one small interface, SQLite by default, Redis for many machines."""

from __future__ import annotations

from newscrawl.state.base import SeenEntry, StateError, StateStore


def open_state(settings) -> StateStore:
    """The store the settings ask for: Redis when REDIS_URL is set, else the SQLite file."""
    redis_url = settings.get("REDIS_URL")
    if redis_url:
        from newscrawl.state.redis import RedisStateStore

        return RedisStateStore.from_url(redis_url, prefix=settings.get("NEWSCRAWL_REDIS_PREFIX", "newscrawl"))
    from newscrawl.state.sqlite import SQLiteStateStore

    return SQLiteStateStore(settings.get("NEWSCRAWL_STATE", ".newscrawl/state.sqlite"))


__all__ = ["SeenEntry", "StateError", "StateStore", "open_state"]
