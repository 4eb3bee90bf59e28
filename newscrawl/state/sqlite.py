"""The default state store: one embedded SQLite file (WAL mode, safe across crashes)."""

from __future__ import annotations

import os
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


class StateNotFound(StateError):
    """A command that only reads (or prunes) was pointed at a state file that does not exist."""


class StateWrongKind(StateError):
    """NEWSCRAWL_STATE names a path of the wrong kind (a folder): bad input, as `scrapy crawl`
    says of it (exit 2), not a state that cannot be used (exit 1)."""


class SQLiteStateStore(StateStore):
    """State in a SQLite file at `path` (created with its folder when missing).

    `readonly=True` opens an existing file for reading only: nothing is created, migrated or
    written (StateNotFound when the file does not exist). A crawl uses the default."""

    def __init__(self, path: str | Path, timeout: float = 10.0, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self._select = _COLUMNS
        if readonly:
            self.db = self._open_readonly(timeout)
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # the commands check the path first and say more (output/guard.py)
            raise StateError(f"state file {self.path} cannot be used: its folder cannot be made "
                             f"({exc.strerror or exc}); fix the path (NEWSCRAWL_STATE) or crawl "
                             "without state (-s NEWSCRAWL_STATE=)") from None
        try:
            self.db = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None,
                                      check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            if _disk_full(exc, self.path):
                raise StateError(f"state file {self.path} cannot be written: the disk is full ({exc}); "
                                 "free space and run again (nothing was fetched or changed)") from exc
            raise StateError(
                f"state file {self.path} cannot be used ({exc}). If it is corrupt, move it aside "
                f"(mv {self.path} {self.path}.broken) and run again: newscrawl starts a new state, "
                "and articles emitted before may be emitted once more. If it is locked, another "
                "crawl is using it: wait for it or give this one another NEWSCRAWL_STATE."
            ) from exc

    def _open_readonly(self, timeout: float) -> sqlite3.Connection:
        """A read-only connection to an existing state file (older layouts read as they are)."""
        if not self.path.exists():
            raise StateNotFound(f"no state at {self.path} (nothing was created): check the path "
                                "(-s NEWSCRAWL_STATE=PATH); a crawl creates the state")
        if self.path.is_dir():
            raise StateWrongKind(f"{self.path} is a folder, not a state file: give the file "
                             "(-s NEWSCRAWL_STATE=PATH/state.sqlite)")
        try:
            db = self._connect_existing(timeout)
            columns = [row[1] for row in db.execute("PRAGMA table_info(seen)")]
        except sqlite3.DatabaseError as exc:
            if not _disk_full(exc, self.path):
                raise StateError(f"{self.path} cannot be read as a newscrawl state ({exc})") from exc
            db, columns = self._read_on_full_disk(exc)
        if not columns:
            db.close()
            raise StateError(f"{self.path} is not a newscrawl state (it has no table of seen URLs)")
        # a state written by an older version lacks the newer columns: they read as empty
        self._select = ", ".join(name if name in columns else f"NULL AS {name}"
                                 for name in _COLUMNS.split(", "))
        return db

    def _read_on_full_disk(self, exc: sqlite3.DatabaseError) -> tuple[sqlite3.Connection, list[str]]:
        """Reading in WAL mode needs room for a shared-memory file: on a full disk, a state whose
        write-ahead log is empty (everything is in the file) is read as an immutable file, which
        needs none; one whose log holds writes cannot be read without it."""
        wal = Path(f"{self.path}-wal")
        try:
            pending = wal.exists() and wal.stat().st_size > 0
        except OSError:
            pending = True
        if not pending:
            try:
                db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                     isolation_level=None, check_same_thread=False)
                return db, [row[1] for row in db.execute("PRAGMA table_info(seen)")]
            except sqlite3.DatabaseError:
                pass
        raise StateError(f"state file {self.path} cannot be read: the disk is full ({exc}), and SQLite "
                         "needs a little room even to read it; free space and run again") from exc

    def _connect_existing(self, timeout: float) -> sqlite3.Connection:
        """Connect without creating the file. Read-write but query-only when allowed, so that
        closing the last connection removes the -wal/-shm files a read-only one would leave."""
        uri = self.path.resolve().as_uri()
        try:
            db = sqlite3.connect(f"{uri}?mode=rw", uri=True, timeout=timeout, isolation_level=None,
                                 check_same_thread=False)
        except sqlite3.OperationalError:  # a file (or folder) this user may not write
            return sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout, isolation_level=None,
                                   check_same_thread=False)
        db.execute("PRAGMA query_only = ON")
        return db

    def _migrate(self) -> None:
        """Add the columns newer versions need to a state file written by an older one."""
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(seen)")}
        for name in ("etag", "last_modified"):
            if name not in columns:
                self.db.execute(f"ALTER TABLE seen ADD COLUMN {name} TEXT")

    def get(self, url: str) -> SeenEntry | None:
        row = self.db.execute(f"SELECT {self._select} FROM seen WHERE url = ?", (url,)).fetchone()
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
        rows = self.db.execute(f"SELECT {self._select} FROM seen ORDER BY emitted_at")
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


MIN_FREE_BYTES = 1 << 20  # under this much free space, a state's I/O error is the full disk's


def _disk_full(exc: sqlite3.DatabaseError, path: Path) -> bool:
    """Whether SQLite failed for want of space: it says so (SQLITE_FULL), or it reports an I/O
    error (its shared-memory file cannot grow) on a file system with next to no space left."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL:
        return True
    if code is None or code & 0xFF != sqlite3.SQLITE_IOERR:
        return False
    try:
        stats = os.statvfs(path.parent)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < MIN_FREE_BYTES
