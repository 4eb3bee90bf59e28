"""`scrapy cron -a url=... | -a sites=sites.toml [-a since=2d]`: one unattended run.

- refuses to start while another run on the same state holds the lock (exit 75, EX_TEMPFAIL);
  the lock is flock(2) on `<NEWSCRAWL_STATE>.lock` beside the file the state really is (a link to
  it shares the lock), so a killed run never leaves a stale lock;
- writes the run's articles to `<dir>/articles-<UTC time>.jsonl.part` and renames it to
  `articles-<UTC time>.jsonl` when the crawl is over, so the file appears only when complete;
  the part file is created exclusively (`-2`, `-3`, ... when a run of another state took that
  second's name in the same folder) and flocked while the run writes it;
  a part file left by a killed run of the same state (no flock on it) is recovered first
  (complete lines kept, a torn tail cut, its articles marked as emitted in the state, then
  published); one that a run of another state wrote is left to that state's next run;
- writes `articles-<UTC time>.summary.json` beside it: counts, drops and errors by reason,
  duration, per site, health verdict;
- exits 0 when every site was healthy and 1 when not (see newscrawl/ops/health.py), 130 when
  Ctrl-C or a TERM signal stopped it (not healthy: what it wrote is published and recorded, and
  the next run goes on);
- logs to `<dir>/cron.log` (or --logfile) and logs a progress line every
  NEWSCRAWL_CRON_PROGRESS_INTERVAL seconds (also printed when stderr is a terminal).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from scrapy.commands import BaseRunSpiderCommand
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings

from newscrawl.commands._cli import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    ExitsOnLogFileFailure,
    argument_problem,
    as_typed,
    check_logging,
    check_process_files,
    fail,
    pid_file_held,
    run_with_stop_notice,
    setup_parser,
    write_pid_file,
)
from newscrawl.commands._open_files import open_files_problem
from newscrawl.commands.crawl import error_line, remove_frontier, when_failed
from newscrawl.config.path_names import name_problem
from newscrawl.ops.cron import (
    acquire_lock,
    free_name,
    hold_part,
    lock_holder,
    lock_taken,
    reserve_run_file,
    state_lock,
    summarize,
    update_quiet_runs,
    write_json,
)
from newscrawl.ops.summary import plural, stopping_line, written
from newscrawl.output.guard import local_feed_uri, same_file, storage_schemes
from newscrawl.output.identity import output_names
from newscrawl.output.paths import path_problems, unwritable_reason
from newscrawl.output.recovery import PART, check_state, recover_part, remembers_output
from newscrawl.output.side_files import (
    SideFile,
    log_given,
    process_files,
    side_file_clash,
    side_files,
)
from newscrawl.output.storage import LOST_STAT, OUTPUT_ERROR_STAT
from newscrawl.state import StateError, StateWrongKind, open_state, state_path_problem, stateless
from newscrawl.state.crawler import STATE_ERROR_STAT

logger = logging.getLogger(__name__)


def say(line: str) -> None:
    """One line on stderr (cron mails what a job prints)."""
    print(as_typed(line), file=sys.stderr)

EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
USAGE = "scrapy cron [site] -a url=START_URL"
STOPPED = "the run was stopped (Ctrl-C or a TERM signal) before it finished"


def stopping(crawler: Any) -> None:
    """After the first Ctrl-C or TERM: what the stop waits for, in the log (and on a terminal;
    cron mails what a job prints, and the run's end says it was stopped)."""
    line = stopping_line(crawler)
    if line:
        logger.warning("%s", line)
        if sys.stderr.isatty():
            say(f"scrapy cron: {line}")


def standard_output_as_folder(output_dir: str | None, settings: BaseSettings) -> str | None:
    """Why `--output-dir -` (or NEWSCRAWL_CRON_DIR=-) cannot work: `-` means standard output to
    the other commands, and a cron run writes files (it made a folder named "-")."""
    folder = output_dir or settings.get("NEWSCRAWL_CRON_DIR")
    if folder != "-":
        return None
    given = f"--output-dir {folder}" if output_dir else f"NEWSCRAWL_CRON_DIR={folder}"
    return (f"{given} names no folder: a cron run writes each run's articles, summary and log as files in a "
            "folder (give one, such as output/cron); for articles on standard output, use scrapy crawl -o -")


def folder_gone(folder: Path, stats: dict[str, Any]) -> str:
    """The line for an output folder deleted during the run: what went with it, and what next."""
    lost = int(stats.get(LOST_STAT) or 0)
    if lost:
        gone = (f"the {plural(lost, 'article')} this run wrote went with it; the state does not "
                "record them, and the next run writes them again")
    elif written(stats):
        gone = (f"the {plural(written(stats), 'article')} this run wrote went with it, though the "
                "state records them as written")
    else:
        gone = "no article was written; the next run makes it again"
    return f"the output folder {folder} was deleted during the run: {gone}"


# -- the command ------------------------------------------------------------------------------

# the names of the files a run writes in its folder (ops/cron.py reserve_run_file)
RUN_FILE = re.compile(r"articles-\d{8}T\d{6}Z(-\d+)?\.(jsonl|jsonl\.part|summary\.json)")


def cron_files(folder: Path, settings: Any,
               process: Iterable[tuple[SideFile, Path]] = ()) -> list[tuple[str, Path]]:
    """(what it is, path) of cron's own files in its folder that the stats, log, pid or profile
    file (`process`) could name: the status file, and the files named as a run's articles or
    summary."""
    files = [("cron's status file", folder / "cron-status.json")]
    for _, path in [*side_files(settings), *process]:
        if RUN_FILE.fullmatch(path.name) and same_file(path.parent, folder):
            files.append((f"a file of a cron run in {folder}", path))
    return files


class Command(ExitsOnLogFileFailure, BaseRunSpiderCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] -a url=URL | -a sites=FILE [-a since=2d]"

    def short_desc(self) -> str:
        return "Run the site spider unattended (a lock, one output file and a summary per run)"

    def long_desc(self) -> str:
        return (f"{self.short_desc()}. Exit 0 when every site was healthy, 1 when not, 2 for bad "
                f"arguments, {EXIT_LOCKED} while an earlier run holds the lock, {EXIT_INTERRUPTED} when "
                "Ctrl-C or a TERM signal stopped it.")

    def add_options(self, parser) -> None:
        super().add_options(parser)
        setup_parser(parser, "cron")
        parser.add_argument("--output-dir", metavar="DIR", default=None,
                            help="the folder for the run's articles, summary and log "
                                 "(default NEWSCRAWL_CRON_DIR, output/cron)")
        for action in parser._actions:  # Scrapy's help says stderr; cron logs to a file of its own
            if "--logfile" in action.option_strings:
                action.help = "the log file (default cron.log in --output-dir)"
        # cron names its own per-run files: -o/-O are refused (process_options), not offered
        for flags, dest in ((("-o", "--output"), "output"), (("-O", "--overwrite-output"), "overwrite_output")):
            parser.add_argument(*flags, dest=dest, metavar="FILE", action="append", help=argparse.SUPPRESS)

    def process_options(self, args: list[str], opts) -> None:
        check_process_files(opts, "cron")
        if opts.output or opts.overwrite_output:
            flag = "-o" if opts.output else "-O"
            fail("cron", f"{flag} is not for scrapy cron: it writes each run's articles to its own "
                 "file in --output-dir DIR (use scrapy crawl for one output file)", EXIT_USAGE)
        from newscrawl.commands.crawl import repeated_argument

        repeated = repeated_argument(opts.spargs or [])  # before Scrapy keeps only the last one
        try:
            with pid_file_held(opts):  # written once it is known to be no file of the run
                super().process_options(args, opts)
        except UsageError as exc:
            fail("cron", str(exc), EXIT_USAGE)
        if repeated:
            fail("cron", repeated, EXIT_USAGE)
        self.check_command_line(args, opts)
        settings = self.settings
        if problem := state_path_problem(settings):  # before its lock is made beside it
            fail("cron", problem, EXIT_BAD_INPUT)
        self.output_dir = Path(opts.output_dir or settings.get("NEWSCRAWL_CRON_DIR") or "output/cron")
        if problem := standard_output_as_folder(opts.output_dir, settings):
            fail("cron", problem, EXIT_BAD_INPUT)
        if reason := name_problem(self.output_dir):  # before its cron.log is checked: the cause, once
            fail("cron", f"cannot write to the output folder {self.output_dir}: {reason}; give --output-dir "
                 "another folder", EXIT_BAD_INPUT)
        if not opts.logfile and settings.getbool("LOG_ENABLED"):  # --nolog: no cron.log either
            settings.set("LOG_FILE", str(self.output_dir / "cron.log"), priority="cmdline")
            settings.set("LOG_FILE_APPEND", True, priority="cmdline")
        # the log file is --logfile's or cron's own (cron.log: a -s LOG_FILE gives way to it)
        log_how = log_given(settings, opts.logfile) if opts.logfile else "(cron.log in --output-dir)"
        process = process_files(opts)
        if clash := side_file_clash(settings, opts.spargs, cron_files(self.output_dir, settings, process), log_how,
                                    process):
            fail("cron", clash[1], EXIT_BAD_INPUT)  # the stats, log, pid or profile file is another file of the run
        write_pid_file(opts)
        # after the command line, and its folder made only once the run starts: a refused run
        # (another holds the lock) leaves no folder
        check_logging(settings, "cron", keep_folder=False)
        if stateless(settings):
            fail("cron", "a cron run needs a state (it remembers what earlier runs wrote): set "
                       "NEWSCRAWL_STATE to a file, or use `scrapy crawl` for a crawl without state",
                       EXIT_BAD_INPUT)
        self.refuse_if_locked()  # before the output folder and the log are made
        # every file a run writes, checked before it starts: the folder (part, articles, summary,
        # status) and the log
        probe = self.output_dir / "cron-status.json"
        reason = unwritable_reason(probe)
        if reason:
            fail("cron", f"cannot write to {probe}: {reason}", EXIT_FAILED)
        for problem in path_problems(settings, "cron"):  # the state, JOBDIR, the HTTP cache
            fail("cron", problem, EXIT_FAILED)
        if problem := open_files_problem(settings):
            fail("cron", problem, EXIT_FAILED)
        extensions = dict(settings.getdict("EXTENSIONS"))
        extensions.setdefault("newscrawl.ops.cron.ProgressLine", 520)
        settings.set("EXTENSIONS", extensions, priority="cmdline")

    def check_command_line(self, args: list[str], opts) -> None:
        """The settings, the spider and its arguments, checked as `scrapy crawl` checks them
        (one line, exit 2), before the lock or any file is touched."""
        from scrapy.spiderloader import get_spider_loader

        from newscrawl.commands.crawl import check_command_line, check_settings
        from newscrawl.crawl.arguments import NOTHING_TO_CRAWL

        problem = argument_problem("cron", args, USAGE)
        spiders = sorted(get_spider_loader(self.settings).list())
        if problem is None and args and args[0] not in spiders:
            problem = f"unexpected argument {args[0]!r}: use {USAGE} (this project's spiders: {', '.join(spiders)})"
        if problem is None and (problems := check_settings(self.settings)):
            problem = problems[0]
        if problem is None and (opts.spargs.get("article") or opts.spargs.get("articles")):
            problem = ("-a article= extracts single pages once: use `scrapy crawl site -a article=URL -o FILE`; "
                       "a cron run crawls sites (-a url=, -a urls=, -a sites=)")
        if problem is None and opts.spargs.get("warc"):
            problem = ("-a warc= replays archives once: use `scrapy crawl site -a warc=PATH -o FILE`; "
                       "a cron run crawls sites (-a url=, -a urls=, -a sites=)")
        if problem is None:  # the -a names and values first: a misspelt -a url= is "did you mean"
            problem = check_command_line(args or ["site"], opts.spargs, self.settings)
        if (problem is None or problem == NOTHING_TO_CRAWL) and not any(
                opts.spargs.get(name) for name in ("url", "urls", "sites")):
            problem = "give -a url=START_URL, -a urls=FILE or -a sites=sites.toml"
        if problem:
            fail("cron", problem, EXIT_BAD_INPUT)

    def lock_path(self) -> Path:
        """The state's lock (a link to the state shares it)."""
        return state_lock(Path(self.settings.get("NEWSCRAWL_STATE") or ".newscrawl/state.sqlite"))

    def refuse_if_locked(self) -> None:
        """Exit 75 while an earlier run holds the lock, before anything is made: such a run
        left its output folder and a cron.log of Scrapy's start-up lines. (A run that takes the
        lock between this look and `run` is still refused there.)"""
        lock_path = self.lock_path()
        if lock_taken(lock_path):
            say(f"scrapy cron: an earlier run (pid {lock_holder(lock_path)}) still holds "
                f"{lock_path}; not starting (exit {EXIT_LOCKED})")
            sys.exit(EXIT_LOCKED)

    def run(self, args: list[str], opts) -> None:
        spider = args[0] if args else "site"
        lock_path = self.lock_path()
        reason = unwritable_reason(lock_path)
        if reason:
            say(f"scrapy cron: cannot write the lock {lock_path}: {reason}")
            self.exitcode = EXIT_FAILED
            return
        lock = acquire_lock(lock_path)
        if lock is None:
            say(f"scrapy cron: an earlier run (pid {lock_holder(lock_path)}) still holds "
                  f"{lock_path}; not starting (exit {EXIT_LOCKED})")
            self.exitcode = EXIT_LOCKED
            return
        try:
            self.exitcode = self._run_locked(spider, opts)
        finally:
            lock.close()

    def _run_locked(self, spider: str, opts) -> int:
        try:
            check_state(self.settings)
            recovered = self._recover()
        except StateError as exc:  # before the run: no summary, not a quiet run, one line
            say(f"scrapy cron: {error_line(exc)}")
            return EXIT_BAD_INPUT if isinstance(exc, StateWrongKind) else EXIT_FAILED
        try:
            held = self._reserve()
        except OSError as exc:  # the folder was checked before: something changed since
            say(f"scrapy cron: cannot write to {self.output_dir}: {exc.strerror or exc}")
            return EXIT_FAILED
        with held:  # the part file's flock: no other run recovers it while this one writes it
            return self._crawl(spider, opts, recovered)

    def _reserve(self) -> IO[bytes]:
        """This run's articles file, created (as its part file) where no other run writes, and
        the feed that writes to it; returns the part file's held handle."""
        self.started = datetime.now(UTC)
        self.final, held = reserve_run_file(self.output_dir, self.started.strftime("%Y%m%dT%H%M%SZ"))
        self.part = self.final.with_name(self.final.name + PART)
        feeds = dict(self.settings.getdict("FEEDS"))
        # appended to: the file is this run's own and empty, and nothing is ever truncated
        # a folder with a colon in its name (runs:2026) is no URI scheme: the part file's path
        key = local_feed_uri(str(self.part), storage_schemes(self.settings))
        feeds[key] = {"format": "jsonlines", "overwrite": False, "encoding": "utf-8"}
        self.settings.set("FEEDS", feeds, priority="cmdline")
        return held

    def _crawl(self, spider: str, opts, recovered: list[dict[str, Any]]) -> int:
        crawler = self._create_crawler(spider)
        failures: list[str] = []
        when_failed(self.crawler_process.crawl(crawler, **opts.spargs),
                    lambda exc: failures.append(error_line(exc)))
        signalled = run_with_stop_notice(self.crawler_process, lambda: stopping(crawler))
        remove_frontier(crawler)  # an unclean shutdown (Ctrl-C twice) skips the engine's clean-up
        if failures:  # the crawl could not start (an output or the state): the reason, once
            for line in failures:
                say(f"scrapy cron: {line}")
            self.part.unlink(missing_ok=True)
            return EXIT_FAILED
        finished = datetime.now(UTC)
        try:
            stats = dict(crawler.stats.get_stats())
        except (RuntimeError, AttributeError):  # the crawl never started
            stats = {}
        sites = list(getattr(crawler.spider, "sites", {}) or {})
        # "shutdown": Scrapy's graceful stop; no reason at all: its forced stop (a second signal)
        interrupted = stats.get("finish_reason") == "shutdown" or (
            signalled and stats.get("finish_reason") is None)
        if not self.output_dir.is_dir():  # deleted while the run wrote into it: said once
            say(f"scrapy cron: {folder_gone(self.output_dir, stats)}")
            return EXIT_FAILED
        published = None
        if self.part.exists():
            self.part.replace(self.final)
            published = self.final.name
        try:
            quiet = update_quiet_runs(self.output_dir / "cron-status.json", sites, stats,
                                      complete=not interrupted)
        except OSError as exc:
            say(f"scrapy cron: cannot write {self.output_dir / 'cron-status.json'}: "
                  f"{exc.strerror or exc}; quiet runs are not counted")
            quiet = {}
        summary = {
            "run": self.final.name.removesuffix(".jsonl"),
            "started": self.started.isoformat(timespec="seconds"),
            "finished": finished.isoformat(timespec="seconds"),
            "duration_seconds": round((finished - self.started).total_seconds(), 1),
            "articles_file": published,
            **summarize(stats, sites, quiet, self.settings.getint("NEWSCRAWL_CRON_MAX_QUIET_RUNS")),
            "recovered": recovered,
        }
        if (self.crawler_process.bootstrap_failed or not sites) and not interrupted:
            summary["healthy"] = False
            summary["problems"].insert(0, "the crawl could not start; see the log")
        if stats.get(OUTPUT_ERROR_STAT):
            summary["healthy"] = False
            summary["problems"].insert(0, f"cannot write to {stats[OUTPUT_ERROR_STAT]}")
        if stats.get(STATE_ERROR_STAT):  # the run stopped there; its file is reconciled next run
            summary["healthy"] = False
            summary["problems"].insert(0, f"the state cannot be written ({stats[STATE_ERROR_STAT]}): "
                                          "free space if the disk is full; the next run records the "
                                          "articles written after it")
        if interrupted:  # the site's counters are a part run's: no verdict on them
            summary["healthy"] = False
            summary["problems"].insert(0, STOPPED)
        summary["exit_code"] = EXIT_INTERRUPTED if interrupted else 0 if summary["healthy"] else EXIT_FAILED
        summary_path = self.final.with_name(self.final.name.removesuffix(".jsonl") + ".summary.json")
        try:
            write_json(summary_path, summary)
        except OSError as exc:
            for problem in summary["problems"]:  # what went wrong first: the summary file said it
                say(f"scrapy cron: unhealthy: {problem}")
            say(f"scrapy cron: cannot write the summary {summary_path}: {exc.strerror or exc}; "
                f"{plural(written(stats), 'article')} written{f' to {self.final}' if published else ''}")
            return EXIT_FAILED
        if interrupted:  # one line: what was kept, and that the next run goes on
            say(f"scrapy cron: {STOPPED}: {plural(written(stats), 'article')} written and recorded"
                f"{f' in {self.final}' if published else ''}; the next run goes on; summary in {summary_path}")
        elif not summary["healthy"]:
            # cron mails what a job prints: print only when something needs a person
            for problem in summary["problems"]:
                say(f"scrapy cron: unhealthy: {problem}")
            say(f"scrapy cron: summary in {summary_path}")
        return summary["exit_code"]

    def _publish(self, part: Path, store: Any) -> dict[str, Any] | None:
        """A killed run's part file, recovered and published with its own summary; None when
        another run holds it (a run of another state writing to this folder, or recovering it)
        or a run of another state wrote it: its articles are that state's to record (marked in
        this one, a story another site also printed would be dropped here as a duplicate), and
        that state's next run publishes it. An empty part file holds nothing to record."""
        held = hold_part(part)
        if held is None:
            logger.info("%s is another run's, being written or recovered: left to it", part)
            return None
        if part.stat().st_size and not remembers_output(store, part):
            held.close()
            logger.info("%s was written by a run of another state: left to that state's next run", part)
            return None
        with held:
            final = part.with_name(part.name.removesuffix(PART))  # the name the killed run had
            if final.exists():  # put there by hand: never overwritten
                final = free_name(final)
            # the killed run wrote with this run's field names: cron's feed sets none of its own
            info = recover_part(part, final, store, output_names(self.settings, str(part)))
            write_json(final.with_name(final.name.removesuffix(".jsonl") + ".summary.json"),
                       {"recovered_from_killed_run": True, **info})
        return info

    def _recover(self) -> list[dict[str, Any]]:
        parts = sorted(self.output_dir.glob(f"articles-*.jsonl{PART}"))
        if not parts:
            return []
        store = open_state(self.settings)
        try:
            return [info for part in parts if (info := self._publish(part, store)) is not None]
        finally:
            store.close()

