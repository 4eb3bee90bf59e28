"""The SQLite state store at 1,000,000 entries: file size and lookup time."""

from __future__ import annotations

import hashlib
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from newscrawl.state.sqlite import SQLiteStateStore


@dataclass
class StateTimes:
    """Size of the store and mean time of each lookup the crawl makes, in milliseconds."""

    entries: int
    size_bytes: int
    build_seconds: float
    get_hit_ms: float
    get_miss_ms: float
    seen_hit_ms: float
    seen_miss_ms: float
    fingerprint_hit_ms: float
    fingerprint_miss_ms: float


def url_for(n: int) -> str:
    """A realistic canonical article URL (about 90 characters)."""
    return f"https://www.site{n % 997}.example/news/2024/{n % 12 + 1:02d}/{n % 28 + 1:02d}/a-story-slug-{n}/"


def fingerprint_for(n: int) -> str:
    return hashlib.sha1(str(n).encode()).hexdigest()


def _mean_ms(function, keys: list[str]) -> float:
    start = time.perf_counter()
    for key in keys:
        function(key)
    return (time.perf_counter() - start) * 1000 / len(keys)


def measure(entries: int = 1_000_000, lookups: int = 20_000, folder: Path | None = None) -> StateTimes:
    """Fill a fresh store through its own API, then time random lookups (hits and misses)."""
    folder = folder or Path(tempfile.mkdtemp(prefix="newscrawl-state-bench-"))
    path = folder / "state.sqlite"
    for old in folder.glob("state.sqlite*"):
        old.unlink()
    store = SQLiteStateStore(path)
    store.db.execute("PRAGMA cache_size=-262144")  # the build only (a fresh store is measured)
    start = time.perf_counter()
    batch = 50_000
    for first in range(0, entries, batch):  # one transaction per batch, as a long crawl's many
        store.db.execute("BEGIN")
        for n in range(first, min(entries, first + batch)):
            store.record(url_for(n), fingerprint_for(n), "2024-05-03T14:05:00+02:00", 1)
        store.db.execute("COMMIT")
    build = time.perf_counter() - start
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    size = sum(p.stat().st_size for p in folder.glob("state.sqlite*"))

    store = SQLiteStateStore(path)  # reopened: lookups start from a cold SQLite cache
    rng = random.Random(6)
    hits = [rng.randrange(entries) for _ in range(lookups)]
    misses = [entries + rng.randrange(entries) for _ in range(lookups)]
    store.get(url_for(0))  # the first query compiles the statement
    result = StateTimes(
        entries=entries, size_bytes=size, build_seconds=build,
        get_hit_ms=_mean_ms(store.get, [url_for(n) for n in hits]),
        get_miss_ms=_mean_ms(store.get, [url_for(n) for n in misses]),
        seen_hit_ms=_mean_ms(store.is_seen, [url_for(n) for n in hits]),
        seen_miss_ms=_mean_ms(store.is_seen, [url_for(n) for n in misses]),
        fingerprint_hit_ms=_mean_ms(store.has_fingerprint, [fingerprint_for(n) for n in hits]),
        fingerprint_miss_ms=_mean_ms(store.has_fingerprint, [fingerprint_for(n) for n in misses]),
    )
    store.close()
    for old in folder.glob("state.sqlite*"):
        old.unlink()
    return result
