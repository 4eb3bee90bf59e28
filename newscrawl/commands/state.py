"""`scrapy state info | export [FILE] | prune [AGE]`: look after the seen-before store.

- `info`: where the state is, how many URLs it remembers (how many of them undated: a prune
  by age keeps those), its size, the oldest and newest entry, and the size of the feed/sitemap cache beside it;
- `export [FILE]`: every entry as JSON Lines (to a new or empty FILE, or standard output);
- `prune [AGE]`: forget entries emitted longer ago than AGE (90d, 12h, 30m, 45s: a unit is
  required; default the NEWSCRAWL_STATE_MAX_AGE setting, in seconds) and cached feeds/sitemaps
  not revalidated for as long.

Each first runs the integrity check a crawl runs on start: a corrupt state is refused (exit 1).
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import re
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from scrapy.commands import ScrapyCommand

from newscrawl.commands._cli import (
    EXIT_FAILED,
    EXIT_USAGE,
    ExitsOnLogFileFailure,
    check_logging,
    check_process_files,
    fail,
    log_level_help,
    pid_file_held,
    quiet_logs,
    settle_process_files,
    setup_parser,
    standard_output,
    start_logging,
    without_end_of_options,
)
from newscrawl.commands.crawl import check_command_settings
from newscrawl.crawl.httpcache import cache_dir, cache_size, prune_cache
from newscrawl.ops.summary import plural
from newscrawl.output.paths import PIPE_REASON
from newscrawl.output.recovery import check_integrity
from newscrawl.output.whole_file import write_whole
from newscrawl.state import StateError, StateNotFound, StateStore, StateWrongKind, open_state

# a unit is required: `prune 90` once meant 90 seconds, which forgot a whole state meant to keep 90 days
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.IGNORECASE)
# an age written as negative (`-1d`, `- 2h`): said so, not as "not an age" (`prune -- -1d`)
_NEGATIVE = re.compile(r"^\s*-\s*\d+(?:\.\d+)?\s*[smhdw]?\s*$", re.IGNORECASE)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_USE = "give info, export [FILE] or prune AGE (e.g. scrapy state prune 90d)"
_SYNTAX = {"info": "scrapy state info", "export": "scrapy state export [FILE]",
           "prune": "scrapy state prune [AGE]"}


class AgeError(ValueError):
    """Not an age."""


def parse_age(value: str) -> float:
    """"30d", "12h", "90m", "45s", "1w", "0d" (everything) -> seconds; a bare number is refused."""
    match = _AGE.match(value)
    if not match and _NEGATIVE.match(value):
        raise AgeError(f"age {value!r} is negative: give how long ago, e.g. "
                       f"{value.replace('-', '', 1).strip()} (0d forgets everything); nothing was pruned")
    if not match:
        raise AgeError(f"not an age: {value!r} (use e.g. 90d, 12h, 30m, 45s, or 0d for all)")
    number, unit = match.groups()
    if not unit:
        raise AgeError(f"age {value!r} has no unit: give one, e.g. {number}d, {number}h, {number}m "
                       f"or {number}s (0d forgets everything); nothing was pruned")
    return float(number) * _SECONDS[unit.lower()]


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


class Command(ExitsOnLogFileFailure, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "info | export [FILE] | prune [AGE]"

    def short_desc(self) -> str:
        return "Show the size of the seen-before state, export it, or prune old entries"

    def long_desc(self) -> str:
        return (f"{self.short_desc()}. info and export never create or change a state; prune "
                "forgets entries emitted longer ago than AGE, which needs a unit (90d, 12h, 30m, 45s; 0d "
                "forgets all; default NEWSCRAWL_STATE_MAX_AGE, in seconds). export writes to "
                "standard output (no FILE, or -) or to a FILE that does not exist or is empty: it "
                "never replaces a file with content. Exit 2 for a bad argument, a FILE with "
                "content or a state that does not exist (or is a folder), 1 when the state (corrupt, "
                "locked) or FILE cannot be used.")

    def add_options(self, parser) -> None:
        super().add_options(parser)
        setup_parser(parser, "state")
        log_level_help(parser, "WARNING")

    def process_options(self, args: list[str], opts) -> None:
        check_process_files(opts, "state")
        with pid_file_held(opts):  # written once it is known to be neither the state nor an output
            super().process_options(args, opts)
        settle_process_files(self.settings, opts, "state")
        quiet_logs(self.settings)  # WARNING: the project's settings.py logs at INFO
        check_logging(self.settings, "state")  # --logfile as the other commands check it
        start_logging(self.settings)  # no crawler process here to do it

    def run(self, args: list[str], opts) -> None:
        assert self.settings is not None
        check_command_settings(self.settings, "state")
        args = without_end_of_options(args)  # `prune -- -1d`: `--` ends the options, is no argument
        if not args or args[0] not in _SYNTAX:
            fail("state", f"{_USE}, not {args[0]!r}" if args else _USE, EXIT_USAGE)
        action, rest = args[0], args[1:]
        if len(rest) > _SYNTAX[action].count("["):
            fail("state", f"unexpected argument {rest[-1]!r}: use {_SYNTAX[action]}", EXIT_USAGE)
        age = self._age(rest) if action == "prune" else None
        store = self._open(readonly=action != "prune")
        try:
            if action == "info":
                self._info(store)
            elif action == "export":
                self._export(store, rest[0] if rest else "-")
            else:
                self._prune(store, age)
        except _store_errors() as exc:
            hint = ("; another process holds it (a crawl still running?): run again when it is done"
                    if "locked" in str(exc) else
                    "; free space and run again (nothing was changed)" if "full" in str(exc) else "")
            fail("state", f"the state {store.describe()} cannot be used ({exc}){hint}", EXIT_FAILED)
        finally:
            store.close()

    def _age(self, args: list[str]) -> float:
        """The age to prune: the argument, else NEWSCRAWL_STATE_MAX_AGE (0 there means unset)."""
        if args:
            try:
                return parse_age(args[0])
            except AgeError as exc:
                fail("state", str(exc), EXIT_USAGE)
        try:
            age = self.settings.getfloat("NEWSCRAWL_STATE_MAX_AGE", 0)
        except ValueError:
            fail("state", "invalid setting NEWSCRAWL_STATE_MAX_AGE="
                 f"{self.settings.get('NEWSCRAWL_STATE_MAX_AGE')!r}: expected seconds", EXIT_USAGE)
        if age <= 0:
            fail("state", "give an age (scrapy state prune 90d; 0d forgets everything) or set "
                 "NEWSCRAWL_STATE_MAX_AGE", EXIT_USAGE)
        return age

    def _open(self, readonly: bool) -> StateStore:
        """The existing state, checked as a crawl checks it: never one created by this command."""
        try:
            store = open_state(self.settings, create=False, readonly=readonly)
        except (StateNotFound, StateWrongKind) as exc:  # a mistyped path: bad input, as for a crawl
            fail("state", str(exc), EXIT_USAGE)
        except StateError as exc:
            fail("state", str(exc), EXIT_FAILED)
        self._check(store)
        return store

    def _check(self, store: StateStore) -> None:
        """Refuse a corrupt state as `crawl` and `cron` do: damage in the middle of the file
        left `info` and `export` reading what they could (a full count, a partial export
        reported as whole) and `prune` deleting in it, all with exit 0."""
        if not self.settings.getbool("NEWSCRAWL_STATE_CHECK", True):
            return
        try:
            check_integrity(store)
        except StateError as exc:
            store.close()
            fail("state", str(exc), EXIT_FAILED)

    def _info(self, store: StateStore) -> None:
        entries = store.export()
        size = store.size_bytes()
        cached, cached_bytes = cache_size(cache_dir(self.settings))
        info = {
            "state": store.describe(),
            "urls": len(entries),  # an article may be remembered under its canonical and fetched URL
            "bytes": size,
            "oldest": _iso(min(e.emitted_at for e in entries)) if entries else None,
            "newest": _iso(max(e.emitted_at for e in entries)) if entries else None,
            "revised": sum(1 for e in entries if e.revision > 1),
            "undated": sum(1 for e in entries if e.undated),  # what a prune by age keeps
            "feed_cache": {"dir": str(cache_dir(self.settings)), "responses": cached, "bytes": cached_bytes},
        }
        with standard_output("state"):
            print(json.dumps(info, indent=2))

    def _export(self, store: StateStore, target: str) -> None:
        path = None if target == "-" else Path(target)
        if path is not None:
            _check_export_target(path, store)
        pipe = _pipe_writer(path) if path is not None else None
        lines = []
        for entry in store.export():
            row = dataclasses.asdict(entry)
            row["emitted_at"] = _iso(entry.emitted_at)
            lines.append(json.dumps(row, ensure_ascii=False) + "\n")
        if path is None:
            with standard_output("state"):  # `| head` ends as SIGPIPE would, a full disk exit 1
                sys.stdout.writelines(lines)
            return
        try:
            write_whole(path, "".join(lines))
        except OSError as exc:
            fail("state", f"cannot write {target}: {exc.strerror or exc}; nothing was exported "
                 "(give a FILE in a writable folder, or - for standard output)", EXIT_FAILED)
        finally:
            if pipe is not None:
                os.close(pipe)

    def _prune(self, store: StateStore, age: float | None) -> None:
        assert age is not None
        removed = store.prune(age)
        cached = prune_cache(cache_dir(self.settings), age)
        with standard_output("state"):
            print(json.dumps({"removed": removed, "removed_cached_responses": cached,
                              "urls": store.count()}))
        if removed:  # what forgetting means for the outputs, said where a script's JSON is not
            print(f"note: {plural(removed, 'URL')} forgotten: a crawl that meets their articles again writes "
                  "them again (appending to the same output repeats them)", file=sys.stderr)


def _store_errors() -> tuple[type[BaseException], ...]:
    """What a state backend raises when it cannot do what it was asked (locked, gone away)."""
    errors: list[type[BaseException]] = [sqlite3.Error]
    try:
        import redis
    except ImportError:
        return tuple(errors)
    return (*errors, redis.RedisError)


def _same_file(path: Path, store: StateStore) -> bool:
    """Whether `path` is the SQLite state file or one of the files kept beside it (SQLite's
    -wal, -shm and -journal, cron's .lock)."""
    from newscrawl.output.guard import same_file, state_files

    state = getattr(store, "path", None)
    if state is None:
        return False
    return any(same_file(path, kept) for kept in state_files(state))


def _pipe_writer(path: Path) -> int | None:
    """For a named pipe, a write end opened without waiting, kept open until the export is
    written (closed before, the reader would see the end of its input); None for anything else.
    One line, exit 2, when nobody reads the pipe: the export waited for a reader for ever."""
    try:
        if not path.is_fifo():
            return None
        return os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno != errno.ENXIO:  # anything else: the write says it
            return None
    fail("state", f"cannot write to {path}: {PIPE_REASON}, and nothing reads it: start its reader first, "
         "or export to standard output (scrapy state export -) and pipe that; nothing was exported", EXIT_USAGE)


def _check_export_target(path: Path, store: StateStore) -> None:
    """Refuse (exit 2) a folder, the state, or a file with content: an export never replaces one
    (it may be a crawl's output, or an export kept from before a prune)."""
    if path.is_dir():  # `.` has no name to write beside (a traceback), `..` said "Device busy"
        fail("state", f"{path} is a folder: give a FILE to export to (or - for "
             "standard output); nothing was exported", EXIT_USAGE)
    if _same_file(path, store):
        fail("state", f"{path} is the state itself: give another FILE to export to", EXIT_USAGE)
    try:
        kept = path.is_file() and path.stat().st_size > 0
    except OSError:  # unreadable: the write below says why
        kept = False
    if kept:
        fail("state", f"refusing to replace {path}: it exists and is not empty, and an export "
             "never replaces a file; remove it first, or give a new FILE (or - for standard "
             "output)", EXIT_USAGE)
