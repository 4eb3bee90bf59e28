"""The default state store: one embedded SQLite file (WAL mode, safe across crashes)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from newscrawl.state.base import SeenEntry, StateError, StateStore

_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
    url TEXT PRIMARY KEY,
    fingerprint TEXT,
    modified TEXT,
    revision INTEGER NOT NULL DEFAULT 1,
    emitted_at REAL NOT NULL,
    etag TEXT,
    last_modified TEXT
);
CREATE INDEX IF NOT EXISTS seen_fingerprint ON seen(fingerprint);
CREATE INDEX IF NOT EXISTS seen_emitted_at ON seen(emitted_at);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""
_COLUMNS = "url, fingerprint, modified, revision, emitted_at, etag, last_modified"


class SQLiteStateStore(StateStore):
    """State in a SQLite file at `path` (created with its folder when missing)."""

    def __init__(self, path: str | Path, timeout: float = 10.0) -> None:
        self.path = Path(path)
        from newscrawl.output_guard import unwritable_reason

        reason = unwritable_reason(self.path)
        if reason:
            raise StateError(f"state file {self.path} cannot be used: {reason}; fix the path "
                             "(NEWSCRAWL_STATE) or crawl without state (-s NEWSCRAWL_STATE=)")
        try:
            self.db = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None,
                                      check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StateError(
                f"state file {self.path} cannot be used ({exc}). If it is corrupt, move it aside "
                f"(mv {self.path} {self.path}.broken) and run again: newscrawl starts a new state, "
                "and articles emitted before may be emitted once more. If it is locked, another "
                "crawl is using it: wait for it or give this one another NEWSCRAWL_STATE."
            ) from exc

    def _migrate(self) -> None:
        """Add the columns newer versions need to a state file written by an older one."""
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(seen)")}
        for name in ("etag", "last_modified"):
            if name not in columns:
                self.db.execute(f"ALTER TABLE seen ADD COLUMN {name} TEXT")

    def get(self, url: str) -> SeenEntry | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM seen WHERE url = ?", (url,)).fetchone()
        return SeenEntry(*row) if row else None

    def is_seen(self, url: str) -> bool:
        # the URL index alone answers this (no second lookup of the row): the crawl asks it per link
        return self.db.execute("SELECT 1 FROM seen WHERE url = ?", (url,)).fetchone() is not None

    def has_fingerprint(self, fingerprint: str) -> bool:
        row = self.db.execute("SELECT 1 FROM seen WHERE fingerprint = ? LIMIT 1", (fingerprint,)).fetchone()
        return row is not None

    def record(self, url: str, fingerprint: str | None, modified: str | None, revision: int,
               *, etag: str | None = None, last_modified: str | None = None) -> None:
        self.db.execute(
            f"INSERT INTO seen({_COLUMNS}) VALUES (?,?,?,?,?,?,?) "
            "ON CONFLICT(url) DO UPDATE SET fingerprint=excluded.fingerprint, "
            "modified=excluded.modified, revision=excluded.revision, emitted_at=excluded.emitted_at, "
            "etag=excluded.etag, last_modified=excluded.last_modified",
            (url, fingerprint, modified, revision, time.time(), etag, last_modified),
        )

    def prune(self, older_than_seconds: float) -> int:
        cursor = self.db.execute("DELETE FROM seen WHERE emitted_at < ?", (time.time() - older_than_seconds,))
        return cursor.rowcount

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]

    def export(self) -> list[SeenEntry]:
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM seen ORDER BY emitted_at")
        return [SeenEntry(*row) for row in rows]

    def size_bytes(self) -> int | None:
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())

    def describe(self) -> str:
        return str(self.path)

    def get_meta(self, key: str) -> str | None:
        """A small named value kept beside the entries (e.g. the output file's last offset)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a small named value."""
        self.db.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                        (key, value))

    def close(self) -> None:
        self.db.close()
