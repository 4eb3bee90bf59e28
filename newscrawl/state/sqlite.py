"""The default state store: one embedded SQLite file (WAL mode, safe across crashes)."""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Iterable
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
    last_modified TEXT,
    links_pending INTEGER NOT NULL DEFAULT 0,
    undated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS seen_fingerprint ON seen(fingerprint);
CREATE INDEX IF NOT EXISTS seen_emitted_at ON seen(emitted_at);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""
_COLUMNS = "url, fingerprint, modified, revision, emitted_at, etag, last_modified, links_pending, undated"
# the tables of a state: a database with one of them is a state (perhaps one cut short)
STATE_TABLES = frozenset({"seen", "meta"})
# the first 16 bytes of every SQLite database file
SQLITE_HEADER = b"SQLite format 3\x00"
# what a path that exists and is neither a file nor a folder is, for the line that refuses it
_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))


class StateNotFound(StateError):
    """A command that only reads (or prunes) was pointed at a state file that does not exist."""


class StateWrongKind(StateError):
    """NEWSCRAWL_STATE names a path of the wrong kind (a folder, a device, a file or database
    that holds something else): bad input, as `scrapy crawl` says of it (exit 2), not a state
    that cannot be used (exit 1)."""


def path_problem(path: Path) -> str | None:
    """Why `path` cannot be a state file, found without opening it as a database, or None.

    A device, a pipe or a socket is no file; a non-empty file that does not start as a SQLite
    database holds something else (the user's articles, notes): neither is a state gone bad, so
    neither gets the advice to move it aside, and SQLite never touches it. A missing or empty
    file is a new state; one that cannot be read is left to SQLite, which says why. A path that
    can name no file (a name too long, a symbolic link loop) is said in the OS's words."""
    from newscrawl.config.path_names import name_problem

    if reason := name_problem(path):
        return (f"state path {path} cannot be a file ({reason}): give NEWSCRAWL_STATE another path "
                "(a new state is created there)")
    try:
        info = path.stat()
    except OSError:
        return None
    if stat.S_ISDIR(info.st_mode):
        return (f"state path {path} is a folder: give NEWSCRAWL_STATE the path of a state file, such "
                f"as {path / 'state.sqlite'} (it is created if missing)")
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "no regular file")
        return (f"state path {path} is not a file ({kind}): give NEWSCRAWL_STATE the path of a "
                "state file (it is created if missing)")
    if not info.st_size:
        return None
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError:
        return None
    if header != SQLITE_HEADER:
        return (f"state path {path} holds something else: it is not a newscrawl state (not a SQLite "
                "database) and was left untouched; give NEWSCRAWL_STATE another path (a new state "
                "is created there)")
    return _other_database(path)


def _other_database(path: Path) -> str | None:
    """The line for a SQLite database of something else (tables, none of seen URLs), read as an
    immutable file (no lock, no -wal or -shm file made); None when it is a state, or when it
    cannot be read so (damage is the real open's to report; tables only in a write-ahead log
    are found when the state is opened)."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            return other_tables_line(path, db)
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return None


def other_tables_line(path: Path, db: sqlite3.Connection) -> str | None:
    """The line for a database whose tables are none of a state's (a crawl would add its own)."""
    tables = sorted(row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    if not tables or STATE_TABLES & set(tables):
        return None
    return (f"state path {path} holds another SQLite database (tables {', '.join(tables[:3])}): it "
            "is not a newscrawl state and was left untouched; give NEWSCRAWL_STATE another path (a "
            "new state is created there)")


def unusable_line(path: Path, exc: BaseException) -> str:
    """The line for a state file SQLite cannot open or read (corrupt, locked): what to do about
    it, for the crawl and the `state` commands alike."""
    return (f"state file {path} cannot be used ({exc}). If it is corrupt, move it aside "
            f"(mv {path} {path}.broken) and run again: newscrawl starts a new state, "
            "and articles emitted before may be emitted once more. If it is locked, another "
            "crawl is using it: wait for it or give this one another NEWSCRAWL_STATE.")


class SQLiteStateStore(StateStore):
    """State in a SQLite file at `path` (created with its folder when missing).

    `readonly=True` opens an existing file for reading only: nothing is created, migrated or
    written (StateNotFound when the file does not exist). A crawl uses the default. A path that
    is no file, or a file that holds something else, is StateWrongKind, and is left untouched."""

    def __init__(self, path: str | Path, timeout: float = 10.0, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self._select = _COLUMNS
        if readonly and os.path.isdir(self.path):  # False for a name too long: path_problem says it  # said as before: the state commands' folder line
            raise StateWrongKind(f"{self.path} is a folder, not a state file: give the file "
                                 "(-s NEWSCRAWL_STATE=PATH/state.sqlite)")
        if problem := path_problem(self.path):
            raise StateWrongKind(problem)
        if readonly:
            self.db = self._open_readonly(timeout)
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # the commands check the path first and say more (output/guard.py)
            raise StateError(f"state file {self.path} cannot be used: its folder cannot be made "
                             f"({exc.strerror or exc}); fix the path (NEWSCRAWL_STATE) or crawl "
                             "without state (-s NEWSCRAWL_STATE=none)") from None
        try:
            self.db = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None,
                                      check_same_thread=False)
            self._refuse_other_database(self.db)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            if _disk_full(exc, self.path):
                raise StateError(f"state file {self.path} cannot be written: the disk is full ({exc}); "
                                 "free space and run again (nothing was fetched or changed)") from exc
            raise StateError(unusable_line(self.path, exc)) from exc

    def _refuse_other_database(self, db: sqlite3.Connection) -> None:
        """StateWrongKind for a SQLite database of something else, which a crawl would add its
        tables to (path_problem finds most before; this, the rest). Only read."""
        if line := other_tables_line(self.path, db):
            db.close()
            raise StateWrongKind(line)

    def _open_readonly(self, timeout: float) -> sqlite3.Connection:
        """A read-only connection to an existing state file (older layouts read as they are)."""
        if not self.path.exists():
            raise StateNotFound(f"no state at {self.path} (nothing was created): check the path "
                                "(-s NEWSCRAWL_STATE=PATH); a crawl creates the state")
        if self.path.is_file() and not self.path.stat().st_size:  # a crawl makes it a state
            raise StateNotFound(f"{self.path} is an empty file, no state yet (nothing was changed): a crawl "
                                "with -s NEWSCRAWL_STATE=PATH makes it one, or check the path")
        try:
            db = self._connect_existing(timeout)
            columns = [row[1] for row in db.execute("PRAGMA table_info(seen)")]
        except sqlite3.DatabaseError as exc:
            if not _disk_full(exc, self.path):
                raise StateError(unusable_line(self.path, exc)) from exc  # the crawl's advice, for `state` too
            db, columns = self._read_on_full_disk(exc)
        if not columns:
            self._refuse_other_database(db)
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
        if "links_pending" not in columns:  # an older state's articles had their links followed
            self.db.execute("ALTER TABLE seen ADD COLUMN links_pending INTEGER NOT NULL DEFAULT 0")
        if "undated" not in columns:  # an older state's entries are pruned by age, as they were
            self.db.execute("ALTER TABLE seen ADD COLUMN undated INTEGER NOT NULL DEFAULT 0")

    def get(self, url: str) -> SeenEntry | None:
        row = self.db.execute(f"SELECT {self._select} FROM seen WHERE url = ?", (url,)).fetchone()
        return _entry(row) if row else None

    def is_seen(self, url: str) -> bool:
        # the URL index alone answers this (no second lookup of the row): the crawl asks it per link
        return self.db.execute("SELECT 1 FROM seen WHERE url = ?", (url,)).fetchone() is not None

    def has_fingerprint(self, fingerprint: str) -> bool:
        row = self.db.execute("SELECT 1 FROM seen WHERE fingerprint = ? LIMIT 1", (fingerprint,)).fetchone()
        return row is not None

    def record(self, url: str, fingerprint: str | None, modified: str | None, revision: int,
               *, etag: str | None = None, last_modified: str | None = None,
               links_pending: bool = False, undated: bool = False) -> None:
        self.db.execute(
            f"INSERT INTO seen({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(url) DO UPDATE SET fingerprint=excluded.fingerprint, "
            "modified=excluded.modified, revision=excluded.revision, emitted_at=excluded.emitted_at, "
            "etag=excluded.etag, last_modified=excluded.last_modified, "
            "links_pending=excluded.links_pending, undated=MAX(seen.undated, excluded.undated)",
            (url, fingerprint, modified, revision, time.time(), etag, last_modified, int(links_pending),
             int(undated)),
        )

    def forget(self, urls: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM seen WHERE url = ?", ((url,) for url in urls))

    def mark_links_followed(self, urls: Iterable[str]) -> None:
        self.db.execute("BEGIN")  # one transaction: a run's thousands of articles in one write
        try:
            self.db.executemany("UPDATE seen SET links_pending = 0 WHERE url = ? AND links_pending",
                                ((url,) for url in urls))
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def prune(self, older_than_seconds: float) -> int:
        if older_than_seconds <= 0:
            return self.db.execute("DELETE FROM seen").rowcount
        cursor = self.db.execute("DELETE FROM seen WHERE emitted_at < ? AND NOT undated",
                                 (time.time() - older_than_seconds,))
        return cursor.rowcount

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]

    def export(self) -> list[SeenEntry]:
        rows = self.db.execute(f"SELECT {self._select} FROM seen ORDER BY emitted_at")
        return [_entry(row) for row in rows]

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


def _entry(row: tuple) -> SeenEntry:
    *fields, links_pending, undated = row
    # NULL in an older state's file
    return SeenEntry(*fields, links_pending=bool(links_pending), undated=bool(undated))


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
