"""The stats file and the log file are files of their own: neither is the state (or a file SQLite
keeps beside it), the other one, a file the crawl reads (-a sites=, urls=, articles=, warc=), a
file in JOBDIR, the archive folder or the HTTP cache, nor an earlier output the state records.

The stats file is written whole at the end (output/whole_file.py) and the log file is appended
to from the first line: either one, given such a path, replaced or broke it with exit 0 (the
state's history, yesterday's articles, the sites file). Checked before anything is opened,
fetched or logged; the outputs of this run are checked with the outputs (guard.check_clashes).

So are Scrapy's pid file (--pidfile, written before the command runs: it replaced the articles of
the output or the state with the PID) and profile file (--profile, cProfile's statistics written
after the run), options of every command: with this run's outputs too, since the pid file is
written before the outputs are checked.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scrapy.settings import BaseSettings, get_settings_priority

from newscrawl.output.formats import DEFAULT_FORMAT, LINE_FORMATS, article_urls, named_format
from newscrawl.output.guard import (
    RECORDS_CHECKED,
    crawl_files,
    export_formats,
    output_path,
    recorded_articles,
    same_file,
    state_files,
    storage_schemes,
)
from newscrawl.output.paths import log_file
from newscrawl.output.recovery import known_output
from newscrawl.state import StateError, open_state, stateless


@dataclass(frozen=True)
class SideFile:
    """A file the crawl writes beside its outputs, and what writing it does to another file."""

    role: str  # as guard.crawl_files names it
    name: str  # as a refusal names it, before its path
    given: str  # how it was given, after its path (the log file: see log_given)
    harm: str  # what writing it does to the file it also is
    lost: str  # what writing it does to an earlier output
    fix: str


STATS = SideFile("the stats file (NEWSCRAWL_STATS_FILE)", "the stats file", "(NEWSCRAWL_STATS_FILE)",
                 "the stats written at the end would replace it",
                 "the stats written at the end would replace it, and its articles would be lost for good",
                 "give the stats another file")
LOG = SideFile("the log file", "the log file", "(LOG_FILE)", "log lines would be appended to it",
               "log lines would be appended among its articles", "give the log another file")
# Scrapy's --pidfile (written before the command runs) and --profile (cProfile's statistics,
# written after it): options of every command, given in `opts`, not in the settings
PID = SideFile("the pid file", "the pid file", "(--pidfile)", "the pid written at the start would replace it",
               "the pid written at the start would replace it, and its articles would be lost for good",
               "give --pidfile another file")
PROFILE = SideFile("the profile file", "the profile file", "(--profile)",
                   "the cProfile statistics written at the end would replace it",
                   "the cProfile statistics written at the end would replace it, and its articles would be "
                   "lost for good", "give --profile another file")
# what a refusal of each is about, for the caller (a log file that is refused gets no line)
SETTING_OF = {STATS: "NEWSCRAWL_STATS_FILE", LOG: "LOG_FILE", PID: "--pidfile", PROFILE: "--profile"}
# the first bytes of a JSON, JSON Lines or XML output: any other file (a log) is not read through
DOCUMENT_STARTS = (b"{", b"[", b"<")


def side_files(settings: BaseSettings) -> list[tuple[SideFile, Path]]:
    """The stats file and the log file the settings give, with their paths."""
    files = []
    if settings.get("NEWSCRAWL_STATS_FILE"):
        files.append((STATS, Path(settings["NEWSCRAWL_STATS_FILE"])))
    if log := log_file(settings):  # --nolog too: Scrapy writes it all the same
        files.append((LOG, Path(log)))
    return files


def process_files(opts: object) -> list[tuple[SideFile, Path]]:
    """The pid file and the profile file Scrapy's --pidfile and --profile give, with their paths."""
    return [(side, Path(path)) for side, option in ((PID, "pidfile"), (PROFILE, "profile"))
            if (path := getattr(opts, option, None))]


def process_file_clash(settings: BaseSettings, opts: object) -> str | None:
    """One line when the pid or profile file of a tool command (state, extract, parse, fixture,
    seed: none writes the crawl's outputs) is the state, a file SQLite or cron keeps beside it,
    or an earlier output of the crawl; None otherwise."""
    state = settings.get("NEWSCRAWL_STATE")
    local_state = state and not stateless(settings) and not settings.get("REDIS_URL")
    for side, path in process_files(opts):
        named = f"{side.name} {path} {side.given}"
        if local_state and any(same_file(path, kept) for kept in state_files(state)):
            return f"{named} is also the state file (NEWSCRAWL_STATE): {side.harm}; {side.fix}"
        if known := earlier_output(path, settings):
            return f"{named} is an earlier output of the crawl ({known}): {side.lost}; {side.fix}"
    return None


def crawl_folders(settings: BaseSettings, spargs: dict[str, str]) -> list[tuple[str, Path]]:
    """(what it is, path) of the folders whose files the crawl writes."""
    from newscrawl.crawl.httpcache import cache_dir

    folders = []
    if settings.get("JOBDIR"):
        folders.append(("the job folder (JOBDIR)", Path(settings["JOBDIR"])))
    if settings.get("NEWSCRAWL_ARCHIVE") and not spargs.get("warc"):  # a replay archives nothing
        folders.append(("the archive folder (NEWSCRAWL_ARCHIVE)", Path(settings["NEWSCRAWL_ARCHIVE"])))
    if settings.getbool("HTTPCACHE_ENABLED") and not stateless(settings):
        folders.append(("the HTTP cache (HTTPCACHE_DIR)", cache_dir(settings)))
    return folders


def inside(path: Path, folder: Path) -> bool:
    """Whether `path` is in `folder` (or below it), however either is spelled."""
    try:
        return folder.resolve() in path.resolve().parents
    except (OSError, RuntimeError):  # a symbolic link loop: compared as spelled
        return folder.absolute() in path.absolute().parents


def log_given(settings: BaseSettings, logfile: str | None = None) -> str:
    """How the log file was given, as a refusal says it after its path: with --logfile
    (`logfile`: that option's value, when it is the settings' LOG_FILE), with -s LOG_FILE=, or
    in the settings (LOG_FILE)."""
    if logfile and settings.get("LOG_FILE") == logfile:
        return "(--logfile)"
    if (settings.getpriority("LOG_FILE") or 0) >= get_settings_priority("cmdline"):
        return "(-s LOG_FILE)"
    return LOG.given


def side_file_clash(settings: BaseSettings, spargs: dict[str, str],
                    extra: Iterable[tuple[str, Path]] = (),
                    log_how: str | None = None,
                    process: Iterable[tuple[SideFile, Path]] = ()) -> tuple[str, str] | None:
    """(the setting or option, one line) when the stats file or the log file, or a file of
    `process` (the pid and profile files, `process_files`), is another file of the crawl
    (`extra`: files of a command's own, such as cron's status file), or None. `log_how`: how the
    log file was given, as log_given says it (by default as the settings tell: -s or not)."""
    others = [*crawl_files(settings, spargs), *extra]
    for side, path in [*side_files(settings), *process]:
        setting = SETTING_OF[side]
        given = (log_how or log_given(settings)) if side is LOG else side.given
        named = f"{side.name} {path} {given}"
        for what, other in others:
            if what != side.role and same_file(path, other):
                return setting, f"{named} is also {what}: {side.harm}; {side.fix}"
        for what, folder in crawl_folders(settings, spargs):
            if inside(path, folder):
                return setting, f"{named} is in {what} {folder}: {side.harm}; {side.fix}"
        if side in (PID, PROFILE) and (output := run_output(path, settings)):
            # the output checks come after Scrapy has written the pid file: said here
            return setting, f"{named} is also the output {output}: {side.harm}; {side.fix}"
        if any(same_file(path, output) for output in run_outputs(settings)):
            continue  # an output of this run too: the output checks name that clash
        if known := earlier_output(path, settings):
            return setting, f"{named} is an earlier output of the crawl ({known}): {side.lost}; {side.fix}"
    return None


def run_output(path: Path, settings: BaseSettings) -> Path | None:
    """The output of this run that `path` is, or None."""
    return next((output for output in run_outputs(settings) if same_file(path, output)), None)


def run_outputs(settings: BaseSettings) -> list[Path]:
    """The local files this run's outputs (FEEDS, which -o and -O fill) name, read as the output
    checks read them (guard.output_path), their names' placeholders as they are. An output those
    checks refuse (a remote URI, a name of no file) names none here: they say why, later."""
    storages, paths = storage_schemes(settings), []
    for uri in settings.getdict("FEEDS"):
        with contextlib.suppress(ValueError):  # RemoteOutput, OutputName
            if (path := output_path(str(uri), storages)) is not None:
                paths.append(path)
    return paths


def earlier_output(path: Path, settings: BaseSettings) -> str | None:
    """How `path` is known as an output of an earlier crawl: the crawl's state (its SQLite file
    or Redis) remembers the file or records the articles in it as written, or, with no such state
    to ask (none, one not made yet, a Redis that cannot be reached), its first records are
    articles. None otherwise. Read only: a state that cannot be read is said by the crawl itself."""
    try:
        if not path.is_file() or not path.stat().st_size:
            return None  # nothing in it to lose
    except OSError:
        return None
    known = None if stateless(settings) else state_knows(path, settings)
    if known:
        return known
    try:
        return "it holds articles" if first_article_urls(path, settings) else None
    except OSError:  # one it cannot read is said where it is opened
        return None


def state_knows(path: Path, settings: BaseSettings) -> str | None:
    """How the crawl's state knows `path` as an earlier output, or None. A Redis state is asked
    too: not asked, an output whose records name no URL was replaced by the stats."""
    errors = _state_errors()
    try:
        store = open_state(settings, readonly=True)
    except errors:  # no state yet, or one the crawl refuses itself
        return None
    try:
        where = store.describe()
        if known_output(store, path):
            return f"the state {where} remembers writing it"
        fmt = output_format(path, settings)
        if fmt is not None and recorded_articles(path, fmt, store):
            return f"the state {where} records its articles as written"
    except errors:
        return None
    finally:
        with contextlib.suppress(*errors):
            store.close()
    return None


def _state_errors() -> tuple[type[BaseException], ...]:
    """What opening or reading a state raises when it cannot be (SQLite, Redis, the OS)."""
    try:
        from redis import RedisError
    except ImportError:
        return StateError, OSError, sqlite3.Error
    return StateError, OSError, sqlite3.Error, RedisError


def output_format(path: Path, settings: BaseSettings) -> str | None:
    """The format a file is read in as an output: the one its name says, JSON Lines if none.
    None for a file of JSON Lines, JSON or XML by its name that does not start as a JSON or XML
    document (a log is not read through)."""
    fmt = named_format(path.name, export_formats(settings)) or DEFAULT_FORMAT
    if fmt in LINE_FORMATS | {"json", "xml"}:
        with path.open("rb") as handle:
            start = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        if not start.startswith(DOCUMENT_STARTS):
            return None
    return fmt


def first_article_urls(path: Path, settings: BaseSettings) -> list[str]:
    """The URLs of the first records of a file read as an output (`output_format`): a stats
    file's JSON names none, and a file that is no such output none."""
    fmt = output_format(path, settings)
    return [] if fmt is None else list(article_urls(path, fmt, RECORDS_CHECKED))
