"""Can the crawl write there? One reason per path, checked before anything is fetched, leaving
nothing behind (a folder made to test it is removed again)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from scrapy.settings import BaseSettings

from newscrawl.config.path_names import name_problem, os_reason


def log_file(settings: BaseSettings) -> str | None:
    """The file the command's log goes to: LOG_FILE (--logfile) whenever it is set, --nolog or
    not. Scrapy's handler (scrapy.utils.log._get_handler) opens LOG_FILE before it looks at
    LOG_ENABLED: --nolog with --logfile keeps the log off the terminal, not out of the file."""
    return settings.get("LOG_FILE") or None


def _missing_folders(folder: Path) -> list[Path]:
    """The folders from `folder` up that do not exist yet (deepest first)."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _remove(folders: list[Path]) -> None:
    for folder in folders:  # deepest first; one that is no longer empty stays
        try:
            folder.rmdir()
        except OSError:
            return


PIPE_REASON = "it is a named pipe, not a file"


def unwritable_reason(path: Path, keep_folders: bool = False) -> str | None:
    """Why `path` cannot be opened for writing, or None when it can. A file or folder the check
    created is removed again, unless `keep_folders` (the log file's: logging does not make it).
    A name too long or a symbolic link loop is said in the OS's words (name_problem), as is any
    error of looking at the path (a folder on the way that cannot be searched), never raised."""
    if reason := name_problem(path):
        return reason
    try:
        missing = _missing_folders(path.parent)
        ancestor = missing[-1].parent if missing else path.parent
        if ancestor.exists() and not ancestor.is_dir():
            return f"{ancestor} is a file, not a folder"
        if path.is_dir():
            return "it is a folder"
        if path.is_fifo() or path.is_socket():
            # opening a pipe nobody reads waits for ever, and the check's own open and close would
            # end the reader's input before the crawl writes a line
            return PIPE_REASON
        existed = path.exists()
    except OSError as exc:
        return os_reason(exc)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666))
    except OSError as exc:
        return exc.strerror or str(exc)
    finally:
        if not existed and path.is_file():
            path.unlink(missing_ok=True)  # the crawl creates it when it writes
        if not keep_folders:
            _remove(missing)
    return None


def full_disk_reason(path: Path) -> str | None:
    """"No space left on device" when the filesystem `path` is on has no free block: a file can
    be created there, empty, but the first line written to it fails (a log file would fail at
    the command's first log line). For a file that is created and written later, where a
    crawl's output is checked as it is written."""
    try:
        folder = path if path.is_dir() else path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        stats = os.statvfs(folder)
    except OSError:
        return None
    free = stats.f_bfree if os.geteuid() == 0 else stats.f_bavail  # root writes into the reserve
    if stats.f_blocks and not free:  # no blocks at all: /proc and the like, not a disk
        return os.strerror(errno.ENOSPC)
    return None


def unwritable_folder_reason(folder: Path) -> str | None:
    """Why files cannot be created in `folder`, or None when they can (nothing is left behind)."""
    if reason := name_problem(folder):  # a loop is no folder that exists, and cannot be made
        return reason
    try:
        if folder.exists() and not folder.is_dir():
            return "it is a file, not a folder"
        missing = _missing_folders(folder)
    except OSError as exc:
        return os_reason(exc)
    try:
        return unwritable_reason(folder / f".newscrawl-write-check-{os.getpid()}", keep_folders=True)
    finally:
        _remove(missing)


def process_file_problems(opts: object) -> list[str]:
    """One line per file of Scrapy's --profile FILE and --pidfile FILE (options of every command)
    that cannot be written. A missing folder is made, as for the log file: Scrapy makes none."""
    problems = []
    for option, what in (("profile", "the profile file"), ("pidfile", "the pid file")):
        path = getattr(opts, option, None)
        reason = path and (unwritable_reason(Path(path), keep_folders=True) or full_disk_reason(Path(path)))
        if reason:
            problems.append(f"cannot write {what} {path}: {reason}")
    return problems


def path_problems(settings: BaseSettings, command: str = "crawl") -> list[str]:
    """One line per file or folder outside FEEDS that the crawl writes and cannot: the log file,
    the state file, Scrapy's JOBDIR and the HTTP cache (checked before logging is set up)."""
    from newscrawl.crawl.httpcache import cache_dir
    from newscrawl.state import stateless

    problems = []
    log = log_file(settings)
    if log and (reason := unwritable_reason(Path(log), keep_folders=True) or full_disk_reason(Path(log))):
        problems.append(f"cannot write the log file {log}: {reason}")
    state = settings.get("NEWSCRAWL_STATE")
    local_state = state and not stateless(settings) and not settings.get("REDIS_URL")
    if local_state and (reason := unwritable_reason(Path(state))):
        hint = "" if command == "cron" else " or crawl without state (-s NEWSCRAWL_STATE=none)"
        problems.append(f"state file {state} cannot be used: {reason}; fix the path "
                        f"(NEWSCRAWL_STATE){hint}")
        return problems  # the HTTP cache lives beside it: one line says it all
    folders = {"JOBDIR": settings.get("JOBDIR"),
               "the archive folder (NEWSCRAWL_ARCHIVE)": settings.get("NEWSCRAWL_ARCHIVE")}
    if settings.getbool("HTTPCACHE_ENABLED") and not stateless(settings):
        folders["the HTTP cache (HTTPCACHE_DIR)"] = str(cache_dir(settings))
    for what, folder in folders.items():
        if folder and (reason := unwritable_folder_reason(Path(folder))):
            problems.append(f"cannot write {what} {folder}: {reason}")
    return problems
