"""One crawl per output file: each output file is held under an exclusive flock(2) from before
anything is fetched until the crawl ends.

Two processes writing one file (two distributed workers with the same `-O`, two crawls appending
with different states) each write at their own offset: lines overwrite and tear each other, and
articles recorded as written are lost. The second crawl is refused instead, before it fetches or
writes anything (exit 1).

The lock is on the output file itself (its inode), so every spelling of it, a hard link or a
symlink meets the same lock, nothing is left beside the output, and a killed crawl's lock goes
with it. A file the lock had to create is removed again when the crawl never opened it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from newscrawl.output.guard import FeedTarget, OutputError, check_output_writable
from newscrawl.output.paths import _missing_folders, _remove

PROC_LOCKS = Path("/proc/locks")
# the file may be replaced between its open and its lock (a crawl ending removes a file it
# created): lock again, a bounded number of times
ATTEMPTS = 5


# (device, inode) of the output files this process holds: its own start's recovery reads them
_HELD: set[tuple[int, int]] = set()


class OutputLocked(OutputError):
    """Another crawl holds an output this crawl would write (exit 1)."""


@dataclass
class OutputLock:
    """An output file held by this crawl; `fd` keeps the lock."""

    path: Path
    fd: int
    created: bool  # the lock made the file: it did not exist before the crawl
    folders: list[Path]  # the folders made for it (deepest first)

    def release(self, opened: bool) -> None:
        """Drop the lock; a file it created and the crawl never opened is removed (as before the
        lock, a crawl that never started leaves no output behind)."""
        if self.fd < 0:
            return
        if self.created and not opened:
            with contextlib.suppress(OSError):
                if os.fstat(self.fd).st_size == 0:
                    self.path.unlink()  # still locked: no other crawl is writing it
                    _remove(self.folders)
        _HELD.discard(_identity(self.fd))
        os.close(self.fd)
        self.fd = -1


def lock_holder(fd: int) -> int | None:
    """The process that holds a flock on the file open as `fd`, read from /proc/locks (Linux;
    None elsewhere or when it cannot be told)."""
    stat = os.fstat(fd)
    exact, same_inode = set(), set()
    try:
        lines = PROC_LOCKS.read_text("ascii", "replace").splitlines()
    except OSError:
        return None
    for line in lines:
        # "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"; a waiter's line has "->" after "1:"
        fields = line.split()
        if len(fields) < 6 or fields[1] != "FLOCK" or not fields[4].isdigit():
            continue
        major, minor, inode = (fields[5].split(":") + ["", "", ""])[:3]
        if not inode.isdigit() or int(inode) != stat.st_ino:
            continue
        same_inode.add(int(fields[4]))
        with contextlib.suppress(ValueError):
            if (int(major, 16), int(minor, 16)) == (os.major(stat.st_dev), os.minor(stat.st_dev)):
                exact.add(int(fields[4]))
    # overlay filesystems report another device than stat(2): an inode alone then, if unique
    found = exact or same_inode
    return next(iter(found)) if len(found) == 1 else None


def _open(path: Path) -> tuple[int, bool]:
    """The file open for appending (never truncated here), and whether this open created it."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    try:
        return os.open(path, flags | os.O_EXCL, 0o666), True
    except FileExistsError:
        return os.open(path, flags), False


def lock_output(path: Path) -> OutputLock | None:
    """Hold `path` for this crawl (None for what is no regular file: a device, a pipe), or raise
    OutputLocked when another crawl holds it. The file's content is never changed."""
    if path.exists() and not path.is_file():
        return None
    folders = _missing_folders(path.parent)
    for _ in range(ATTEMPTS):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # as the feed storage would
            fd, created = _open(path)
        except OSError as exc:  # checked writable before: something changed since
            _remove(folders)
            raise OutputError(f"cannot write to {path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            busy = exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN)
            holder = lock_holder(fd) if busy else None
            os.close(fd)
            if not busy:  # a filesystem without locks: written as before, unguarded
                if created:
                    path.unlink(missing_ok=True)
                    _remove(folders)
                return None
            pid = f" (pid {holder})" if holder else ""
            raise OutputLocked(f"{path} is being written by another crawl{pid}: give each crawl its "
                               "own output file (nothing was fetched or written)") from exc
        if _still_named(path, fd):
            _HELD.add(_identity(fd))
            return OutputLock(path, fd, created, folders)
        os.close(fd)  # the name now points at another file: lock that one
    raise OutputLocked(f"{path} keeps being replaced by another process: give this crawl its own "
                       "output file (nothing was fetched or written)")


def _identity(fd: int) -> tuple[int, int]:
    stat = os.fstat(fd)
    return stat.st_dev, stat.st_ino


def written_elsewhere(fd: int) -> bool:
    """Whether another process holds the lock on the file open as `fd`. Otherwise this process
    holds it (on `fd`, until it is closed) or its own crawl does: what it does to the file
    cannot tear another crawl's line."""
    if _identity(fd) in _HELD:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        return exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN)
    return False


def _still_named(path: Path, fd: int) -> bool:
    """Whether `path` still names the file open as `fd`."""
    try:
        now, held = os.stat(path), os.fstat(fd)
    except OSError:
        return False
    return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)


def lock_outputs(targets: list[FeedTarget]) -> list[OutputLock]:
    """Hold every output file the crawl writes (standard output and /dev/null need none); on a
    refusal, the ones taken already are released."""
    locks: list[OutputLock] = []
    try:
        for target in targets:
            if target.path is None or not target.keeps or target.per_run:  # its name is known as it opens
                continue
            check_output_writable(target)  # the reason in one line, not what opening it says
            lock = lock_output(target.path)
            if lock is not None:
                locks.append(lock)
    except OutputError:
        for lock in locks:
            lock.release(opened=False)
        raise
    return locks
