"""`scrapy crawl`, with bad input reported as one clear line and a non-zero exit.

Scrapy prints a traceback when a spider's __init__ or an extension raises (a bad URL, an
unknown profile, a malformed sites file, a corrupt state file) and exits 0 after a crawl it had
to stop. This command checks its input before anything starts: the `-s` settings (one line per
bad value or misspelt name), the spider's name and its `-a` arguments (unknown names,
conflicting kinds, bad URLs and files). It turns errors into one `ERROR` line, shown on stderr
whatever the log settings (newscrawl/commands/_cli.py), and exits 2 for bad input, 1 for a state or an
output that cannot be used (corrupt, locked, disk full).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import sys
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings, Settings
from twisted.internet.defer import Deferred

from newscrawl.commands._cli import (
    ExitsOnLogFileFailure,
    argument_problem,
    as_typed,
    fail,
    guard_log_file,
    pid_file_held,
    print_help_message,
    report_fatal,
    run_with_stop_notice,
    theme_as_profile_file,
    write_pid_file,
)
from newscrawl.commands._open_files import open_files_problem
from newscrawl.config.settings_check import (
    check_named_setting,
    check_setting_name,
    default_value,
    typed_problem,
)
from newscrawl.crawl.frontier import job_of_another_crawl
from newscrawl.distributed.settings import state_of_a_worker
from newscrawl.ops.summary import (
    PIPELINE_ERROR,
    bad_seeds,
    lines_say_why,
    log_reaches_stderr,
    no_articles_line,
    pages_fetched,
    plural,
    stopping_line,
    summary_lines,
    unreadable_site_line,
    written,
)
from newscrawl.output.documents import finish_open_documents
from newscrawl.output.formats import LINE_FORMATS
from newscrawl.output.guard import (
    FEEDS_OUTPUTS,
    FeedTarget,
    OutputError,
    colon_format,
    export_formats,
    feed_format,
    feed_targets,
    feeds_output,
    feeds_outputs,
    format_problem,
    settled_feeds,
    worker_without_output,
)
from newscrawl.output.storage import MOVED, MOVED_STAT, OUTPUT_ERROR_STAT
from newscrawl.state import StateError, StateWrongKind, state_path_problem, stateless

logger = logging.getLogger("newscrawl")

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130  # stopped by Ctrl-C or a TERM (or HUP) signal before it finished (128 + SIGINT)
# close reasons of a crawl that stopped because it could not go on (redis_unavailable: a
# distributed worker lost its Redis, redis_data_lost: its Redis lost the crawl's data,
# newscrawl/distributed/outage.py)
FAILED_REASONS = {"output_error", "state_error", "redis_unavailable", "redis_data_lost"}
LOG_LEVELS = {"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"}


def check_setting(settings: BaseSettings, name: str) -> str | None:
    """Why a command-line setting's value cannot work, or None."""
    if problem := typed_problem(settings, name):  # true or false, a number, a list... (settings_check)
        return problem
    value = settings.get(name)
    if name == "LOG_LEVEL" and str(value).upper() not in LOG_LEVELS:
        return f"invalid setting LOG_LEVEL={value!r}: use one of {', '.join(sorted(LOG_LEVELS))}"
    if name == "NEWSCRAWL_ARCHIVE_PREFIX" and (not str(value).strip() or any(c in str(value) for c in "/\\")):
        return (f"invalid setting NEWSCRAWL_ARCHIVE_PREFIX={value!r}: the start of the archive's file "
                "names, without a folder (give the folder as NEWSCRAWL_ARCHIVE)")
    if name == "NEWSCRAWL_PROTECTED_NETWORKS":
        from newscrawl.crawl.middlewares.network import parse_networks

        try:
            parse_networks(settings.getlist(name))
        except ValueError as exc:
            return f"invalid setting {exc}"
    return None


def _cmdline_names(settings: BaseSettings) -> list[str]:
    """The settings given on the command line (-s NAME=VALUE, and the options that set one)."""
    from scrapy.settings import SETTINGS_PRIORITIES

    cmdline = SETTINGS_PRIORITIES["cmdline"]
    return sorted(name for name in settings if settings.getpriority(name) == cmdline)


def check_settings(settings: BaseSettings) -> list[str]:
    """Problems with the settings given on the command line (-s NAME=VALUE): a misspelt name
    (newscrawl/config/settings_check.py), a value of the wrong type, a name or path that cannot work."""
    problems = []
    for name in _cmdline_names(settings):
        unknown = check_setting_name(settings, name)
        if unknown is not None:
            if unknown[1]:
                problems.append(unknown[0])
            continue
        if problem := check_setting(settings, name) or check_named_setting(settings, name):
            problems.append(problem)
    return problems


# a delay between two requests to a site past which the value is likely milliseconds
LONG_DELAY = 60


def setting_warnings(settings: BaseSettings) -> list[str]:
    """Command-line setting names that nothing installed reads (and that are no known name's
    typo), and a DOWNLOAD_DELAY so long it is likely meant in milliseconds."""
    names = _cmdline_names(settings)
    found = (check_setting_name(settings, name) for name in names)
    warnings = [message for message, fatal in filter(None, found) if not fatal]
    if "DOWNLOAD_DELAY" in names and settings.getfloat("DOWNLOAD_DELAY") > LONG_DELAY:
        delay = settings.getfloat("DOWNLOAD_DELAY")
        span = f"{delay / 3600:.3g} hours" if delay >= 3600 else f"{delay / 60:.3g} minutes"
        warnings.append(f"DOWNLOAD_DELAY={delay:g} is seconds between two requests to a site ({span}); a stop "
                        "waits for the requests queued behind it (Ctrl-C twice stops at once)")
    return warnings


def check_command_settings(settings: BaseSettings, command: str) -> None:
    """-s as `scrapy crawl` checks it, for the other commands: a bad one is one line and exit 2;
    one that nothing reads is one line of warning, and the command runs."""
    for problem in check_settings(settings):
        fail(command, problem, EXIT_BAD_INPUT)
    for warning in setting_warnings(settings):
        print(as_typed(f"scrapy {command}: warning: {warning}"), file=sys.stderr, flush=True)


def unreadable_setting(pairs: list[str]) -> str | None:
    """Which `-s NAME=VALUE` Scrapy could not take, and why (FEEDS={bad: its JSON), where
    Scrapy's own line says only "Invalid -s value"."""
    for pair in pairs:
        name, _, value = pair.partition("=")
        try:
            Settings().setdict({name: value}, priority="cmdline")
        except (TypeError, ValueError) as exc:
            if isinstance(default_value(name), dict) and _json_but_no_object(value):
                # FEEDS=5, FEEDS='"out.jsonl"': a TypeError, or "not enough values to unpack"
                example = ', such as {"articles.jsonl": {"format": "jsonlines"}}' if name == "FEEDS" else ""
                return f"invalid -s {name} value {value!r}: expected a JSON object{example}"
            return f"invalid -s {name} value {value!r}: {' '.join(str(exc).split())}"
    return None


def _json_but_no_object(value: str) -> bool:
    """Whether a value is JSON, but not a JSON object."""
    try:
        return not isinstance(json.loads(value), dict)
    except ValueError:
        return False


def repeated_argument(spargs: list[str]) -> str | None:
    """Why an -a argument given twice cannot work (the last one would silently win), or None."""
    from newscrawl.crawl.arguments import ARGUMENTS

    names = [arg.split("=", 1)[0].strip() for arg in spargs if "=" in arg]
    for name in dict.fromkeys(names):
        if names.count(name) > 1:
            what = ARGUMENTS.get(name, "one value")
            return f"-a {name}= is given {names.count(name)} times, and only the last would count: give it once, with {what}"
    return None


def check_command_line(args: list[str], spargs: dict[str, str], settings: BaseSettings,
                       known: Iterable[str] = ()) -> str | None:
    """Why the spider name or its -a arguments cannot work, or None: checked before anything starts.
    `known`: the command's options, for a did-you-mean after an unknown one."""
    from scrapy.spiderloader import get_spider_loader

    if problem := argument_problem("crawl", args, "scrapy crawl site -a url=https://site/", known=known):
        return problem
    if len(args) != 1:
        return "give exactly one spider: scrapy crawl site -a url=https://site/"
    loader = get_spider_loader(settings)
    try:
        spidercls = loader.load(args[0])
    except KeyError:
        return (f"unknown spider {args[0]!r}: this project has {', '.join(sorted(loader.list()))} "
                "(scrapy crawl site -a url=https://site/)")
    check = getattr(spidercls, "check_arguments", None)
    if check is not None:
        try:
            check(spargs, settings)
        except ValueError as exc:
            return error_line(exc)
    return None


def user_error(exc: BaseException) -> int | None:
    """The exit code for an error the user can fix from its message alone, or None for a bug."""
    if isinstance(exc, StateWrongKind):  # a path that is no state file: bad input
        return EXIT_BAD_INPUT
    if isinstance(exc, StateError | OutputError):
        return EXIT_FAILED
    if isinstance(exc, ValueError | UsageError | FileNotFoundError | KeyError):
        return EXIT_BAD_INPUT
    return None


def error_line(exc: BaseException) -> str:
    """The exception's message on one line."""
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    return " ".join(str(text).split()) or type(exc).__name__


def go_on(targets: list[FeedTarget]) -> str:
    """How a stopped crawl goes on, for the outputs as the user gave them: appending with -o
    where it wrote with -O, with "overwrite": false in a FEEDS entry; to standard output, the
    same command writes only the articles not written yet (there is nothing to append to)."""
    files = [target for target in targets if target.path is not None]
    if not files:
        return "run the same command again to go on: it writes only the articles not written yet"
    emptied = [target for target in files if target.overwrite]
    if emptied and all(target.in_feeds for target in emptied):
        return (f'run the same command again with "overwrite": false in the FEEDS entry of '
                f'{", ".join(target.uri for target in emptied)}, to go on')
    return "run the same command again, appending (-o FILE) where it wrote with -O, to go on"


def finish_reason(crawler: Any) -> str | None:
    """Why the crawl closed, or None when it never started."""
    try:
        stats = crawler.stats
    except RuntimeError:  # Scrapy 2.19: no stats before the crawl started
        return None
    return stats.get_value("finish_reason") if stats is not None else None


def output_failed(crawler: Any) -> bool:
    """Whether a file the crawl writes (an output, the stats file) could not be written."""
    try:
        stats = crawler.stats
    except RuntimeError:
        return False
    return stats is not None and stats.get_value(OUTPUT_ERROR_STAT) is not None


def with_format(uri: str, formats: frozenset[str]) -> str:
    """An -o/-O value with its format after a colon: the one its extension names, case ignored
    (Scrapy matches it as written: `OUT.CSV` got JSON Lines), or `:jsonlines` when neither a
    `:FORMAT` suffix nor the extension names one (`-o -`, `-o articles`)."""
    if colon_format(uri, formats) is not None:
        return uri
    return f"{uri}:{feed_format(uri, {}, formats)}"


def home_expanded(uri: str) -> str:
    """An -o/-O value with a leading ~ (the user's home folder) expanded, as the shell would have."""
    return os.path.expanduser(uri) if uri.startswith("~") else uri


def _destination(uri: str, formats: frozenset[str]) -> str:
    """The FEEDS key Scrapy makes of an -o/-O value (a `:FORMAT` suffix taken off, `-` for
    standard output), or a FEEDS key itself. (Two spellings of one file are two keys: the output
    checks refuse those.)"""
    if colon_format(uri, formats) is not None:
        uri = uri.rsplit(":", 1)[0]
    return "standard output" if uri in ("-", "stdout:") else uri


def _feeds_set(settings: BaseSettings, pairs: list[str]) -> dict:
    """FEEDS before Scrapy adds -o/-O to them: the last `-s FEEDS=...`, as Scrapy's -s takes it,
    else the settings' own (the project's, a settings module's). A bad -s value counts as none:
    Scrapy's own check, which comes next, refuses it."""
    values = [value for name, equals, value in (pair.partition("=") for pair in pairs) if equals and name == "FEEDS"]
    if values:
        with contextlib.suppress(ValueError, TypeError):
            # what Scrapy's -s makes of it: FEEDS is a BaseSettings, and a value given replaces it
            return dict(BaseSettings(values[-1], priority="cmdline"))
    with contextlib.suppress(ValueError, TypeError):
        return settings.getdict("FEEDS")
    return {}


def repeated_output(given: list[tuple[str, str]], feeds: dict, formats: frozenset[str]) -> str | None:
    """Why two -o/-O values (or one and a FEEDS entry) that name one destination cannot work:
    Scrapy keeps one output per name, the last -o/-O or else the FEEDS entry, and drops the
    other without a word (`-O - -O -:csv` wrote CSV alone). None when each names its own."""
    seen = {_destination(str(uri), formats): feeds_output(str(uri)) for uri in feeds}
    for flag, uri in given:
        where = _destination(uri, formats)
        if where in seen:
            return (f"{seen[where]} and {flag} {uri} both write to {where}, and only one output can: "
                    "give it once, in one format")
        seen[where] = f"{flag} {uri}"
    return None


def when_failed(outcome: Deferred | asyncio.Future | Any, callback: Any) -> None:
    """Call `callback(exception)` when a crawl's start (`CrawlerProcess.crawl`) fails: a Deferred
    or, with the asyncio reactor, a Future (whose exception is then retrieved, not logged)."""
    if isinstance(outcome, Deferred):
        outcome.addErrback(lambda failure: callback(failure.value))
    elif isinstance(outcome, asyncio.Future):
        outcome.add_done_callback(
            lambda task: None if task.cancelled() or task.exception() is None
            else callback(task.exception()))


def unreadable_site(stats: dict[str, Any], spargs: dict[str, str]) -> bool:
    """Whether a crawl of sites it was given (not a worker waiting on a shared queue, not a
    replay) read no page at all: every start page failed (no network, an HTTP error, robots.txt)."""
    given = any(spargs.get(name) for name in ("url", "urls", "sites"))
    return given and not spargs.get("warc") and not stats.get("newscrawl/extract/pages")


def started(crawler: Any) -> bool:
    """Whether the crawl got as far as starting its engine."""
    try:
        return crawler.stats is not None and crawler.stats.get_value("start_time") is not None
    except RuntimeError:  # Scrapy 2.19: no stats before the crawl started
        return False


def remove_frontier(crawler: Any) -> None:
    """Delete the run's own frontier folder (newscrawl/crawl/frontier.py), if it is still there."""
    folder = crawler.settings.get("NEWSCRAWL_FRONTIER_DIR") if crawler.settings else None
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


class Command(ExitsOnLogFileFailure, ScrapyCrawlCommand):
    """`scrapy crawl SPIDER`: as Scrapy's, with one-line errors and meaningful exit codes."""

    def short_desc(self) -> str:
        return "Crawl sites (or single pages) into JSON Lines articles: crawl site -a url=URL -o FILE"

    def long_desc(self) -> str:
        return ("Crawl sites (or single pages) into JSON Lines articles. What to crawl, one -a each: "
                "-a url=URL (start URLs), -a urls=FILE, -a article=URL (single pages), -a articles=FILE, "
                "-a sites=sites.toml, or -a warc=PATH (replay WARC files: a file, a folder or a quoted "
                "glob; no network). Also -a since=2d, -a profile=NAME. Keep every response as WARC: "
                "-s NEWSCRAWL_ARCHIVE=DIR. Settings and arguments: docs/configuration.md; archives and "
                "replay: docs/replay-and-archives.md.")

    def add_options(self, parser: Any) -> None:
        super().add_options(parser)
        # an option without its value (-O at the end): one line, exit 2, not Scrapy's usage text
        parser.error = lambda message: self._refuse([message])
        parser._print_message = lambda message, file=None: print_help_message("crawl", message, file)
        self.known_options = parser._option_string_actions  # filled as options are added: read later

    def process_options(self, args: list[str], opts: Any) -> None:
        """Scrapy's option handling, then the checks of the settings, the spider and its
        arguments: before Scrapy configures logging (which a bad LOG_LEVEL would break with a
        traceback) and before anything is opened."""
        assert self.settings is not None
        from newscrawl.output.paths import process_file_problems

        if problem := theme_as_profile_file(opts, "crawl"):
            self._refuse([problem])
        if problems := process_file_problems(opts):  # before Scrapy writes the pid file
            self._refuse(problems, EXIT_FAILED)
        formats = export_formats(self.settings)
        for flag, uris in (("-o", opts.output), ("-O", opts.overwrite_output)):
            for uri in uris or []:
                if problem := format_problem(uri, formats, flag):  # before `:jsonlines` is added
                    self._refuse([problem])
        if opts.output and opts.overwrite_output:  # Scrapy's own line names neither file
            self._refuse([f"-o and -O cannot be combined: -o appends to a file ({', '.join(opts.output)}), "
                          f"-O overwrites it ({', '.join(opts.overwrite_output)}); give one of them"])
        # `-O '~/x.jsonl'` (quoted, so the shell left the ~): the home folder was meant, not a
        # folder named "~"
        opts.output = [home_expanded(uri) for uri in opts.output or []] or None
        opts.overwrite_output = [home_expanded(uri) for uri in opts.overwrite_output or []] or None
        given = [(flag, uri) for flag, uris in (("-o", opts.output), ("-O", opts.overwrite_output))
                 for uri in uris or []]
        for flag, uri in given:
            if uri.endswith(":") and uri != "stdout:":  # Scrapy made a file named `o.jsonl:`
                self._refuse([f"{flag} {uri} ends with a colon and no format after it: give the file's "
                              f"name alone ({flag} {uri.rstrip(':')}) or a format after the colon "
                              f"({flag} {uri}csv)"])
        feeds_given = _feeds_set(self.settings, opts.set or [])  # before Scrapy adds -o/-O to them
        if problem := repeated_output(given, feeds_given, formats):
            self._refuse([problem])
        opts.output = [with_format(uri, formats) for uri in opts.output or []] or None
        opts.overwrite_output = [with_format(uri, formats) for uri in opts.overwrite_output or []] or None
        repeated = repeated_argument(opts.spargs or [])
        try:
            with pid_file_held(opts):  # written once it is known to be no file of the crawl
                super().process_options(args, opts)
        except (UsageError, TypeError) as exc:  # -s or -a without '=', FEEDS=5...: one line, not the usage text
            self.refuse_side_file_clash(opts.spargs if isinstance(opts.spargs, dict) else {}, opts)
            self._refuse([unreadable_setting(opts.set or []) or error_line(exc)])
        self.refuse_side_file_clash(opts.spargs, opts)  # first: a refusal's line goes into the log file
        write_pid_file(opts)
        problems = check_settings(self.settings)
        if repeated and not problems:
            problems = [repeated]
        known = getattr(self, "known_options", ())
        if not problems and (problem := check_command_line(args, opts.spargs, self.settings, known)):
            problems = [problem]
        if not problems and (problem := state_path_problem(self.settings)):
            problems = [problem]  # before anything is made beside it (its HTTP cache)
        if not problems and (problem := job_of_another_crawl(self.settings, opts.spargs)):
            problems = [problem]  # Scrapy would resume that crawl into this run's output
        if problems:
            self._refuse(problems)
        if feeds := settled_feeds(self.settings):  # what the checks below take each output for
            self.settings.set("FEEDS", feeds, priority="cmdline")
        if problem := open_files_problem(self.settings):
            self._refuse([problem], EXIT_FAILED)
        self.setting_warnings = setting_warnings(self.settings)
        if warning := state_of_a_worker(self.settings):
            self.setting_warnings.append(warning)
        if opts.spargs.get("warc") and self.settings.get("NEWSCRAWL_ARCHIVE"):
            # a replay fetches nothing: its pages are in the WARC files it reads already
            self.settings.set("NEWSCRAWL_ARCHIVE", None, priority="cmdline")
            self.setting_warnings.append("NEWSCRAWL_ARCHIVE is not used in a replay (-a warc=): the "
                                         "replayed pages are archived already, in the files it reads")
        self.check_paths()
        self.names_spider = self._names_spider(args[0], opts.spargs)
        # messages name an output as it was given: in FEEDS, or with -o/-O
        in_feeds = feeds_outputs(feeds_given, self.settings)
        # for the crawl's own messages (the recorder's refusal of an overwrite, the stop's advice)
        self.settings.set(FEEDS_OUTPUTS, sorted(in_feeds), priority="cmdline")
        self.check_outputs(opts.spargs, in_feeds=in_feeds)

    def _names_spider(self, name: str, spargs: dict[str, str]) -> Any:
        """The spider, built from the -a arguments but not started, whose attributes fill the
        outputs' names before the crawl, as Scrapy fills them when it opens them (%(name)s)."""
        from scrapy.spiderloader import get_spider_loader

        from newscrawl.output.guard import names_spider

        assert self.settings is not None
        if not any("%(" in str(uri) for uri in self.settings.getdict("FEEDS")):
            return None  # no name to fill: the spider is not built twice
        return names_spider(get_spider_loader(self.settings).load(name), spargs)

    def check_outputs(self, spargs: dict[str, str], in_feeds: Collection[str] = frozenset()) -> None:
        """No output is remote (s3://), is named or set up to be compressed, is named for another
        format than its own, is another file of the crawl or breaks the file it appends to (exit 2), every output can be written and no other crawl is
        writing it (exit 1)."""
        from newscrawl.crawl.frontier import resumes_job
        from newscrawl.output.guard import (
            CompressedOutput,
            FormatMismatch,
            LogFileClash,
            OutputClash,
            OutputName,
            RemoteOutput,
            appended_without_state,
            check_clashes,
            refuse_compression,
            refuse_format_mismatch,
        )
        from newscrawl.output.lock import lock_outputs

        assert self.settings is not None
        try:
            targets = feed_targets(self.settings, getattr(self, "names_spider", None), in_feeds)
            if problem := worker_without_output(self.settings, targets):
                self._refuse([problem])
            refuse_compression(targets)
            refuse_format_mismatch(targets, export_formats(self.settings))
            check_clashes(targets, self.settings, spargs)
            self.setting_warnings += appended_without_state(targets, self.settings, resumes_job(self.settings))
            # last: held from here until the crawl ends; another crawl writing one is refused
            self.output_locks = lock_outputs(targets)
        except LogFileClash as exc:  # said on stderr alone: the log file is the output
            self.settings.set("LOG_FILE", None, priority="cmdline")
            self._refuse([error_line(exc)])
        except (OutputClash, CompressedOutput, FormatMismatch, OutputName, RemoteOutput) as exc:
            self._refuse([error_line(exc)])
        except OutputError as exc:
            self._refuse([error_line(exc)], EXIT_FAILED)

    def refuse_side_file_clash(self, spargs: dict[str, str], opts: Any) -> None:
        """Exit 2 when the stats file, the log file, the pid file or the profile file is another
        file of the crawl (the state, an input, an earlier output: newscrawl/output/side_files.py),
        the log file named as it was given (--logfile's value in `opts`). A log file that is one
        gets no line: the line is on stderr alone."""
        from newscrawl.output.side_files import log_given, process_files, side_file_clash

        assert self.settings is not None
        if clash := side_file_clash(self.settings, spargs, log_how=log_given(self.settings, opts.logfile),
                                    process=process_files(opts)):
            setting, line = clash
            if setting == "LOG_FILE":
                self.settings.set("LOG_FILE", None, priority="cmdline")
            self._refuse([line])

    def _refuse(self, problems: list[str], code: int = EXIT_BAD_INPUT) -> None:
        """Report each problem as one fatal line and exit with the bad-input code."""
        for problem in problems:
            report_fatal(problem, self.settings)
        raise SystemExit(code)

    def check_paths(self) -> None:
        """The log file, the state, JOBDIR and the HTTP cache can be written (exit 1 if not)."""
        from newscrawl.output.paths import path_problems

        assert self.settings is not None
        problems = path_problems(self.settings)
        if problems:
            self._refuse(problems, EXIT_FAILED)
        guard_log_file("crawl")  # a disk that fills up during the crawl: one line, exit 1

    def run(self, args: list[str], opts: Any) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider: scrapy crawl site -a url=https://site/")
        assert self.crawler_process is not None
        for warning in getattr(self, "setting_warnings", []):
            logger.warning("%s", warning)
        try:
            crawler = self._create_crawler(args[0])
        except KeyError as exc:  # unknown spider name
            self.release_outputs(None)
            report_fatal(error_line(exc), self.settings)
            self.exitcode = EXIT_BAD_INPUT
            return
        try:
            self._watch(self.crawler_process.crawl(crawler, **opts.spargs))
            run_with_stop_notice(self.crawler_process, lambda: self._stopping(crawler))
        finally:
            # a second Ctrl-C stops the reactor before the outputs are closed: a JSON array
            # or XML document (standard output too) would not parse
            finish_open_documents(crawler)
            self.release_outputs(crawler)  # before the summary, which says whether a file exists
        remove_frontier(crawler)  # an unclean shutdown (Ctrl-C twice) skips the engine's clean-up
        reason = finish_reason(crawler)
        if self.exitcode == 0 and (self.crawler_process.bootstrap_failed or reason in FAILED_REASONS
                                   or output_failed(crawler)):
            self.exitcode = EXIT_FAILED
        if reason is not None or started(crawler):
            self.report_end(crawler, opts, reason)

    def release_outputs(self, crawler: Any) -> None:
        """Let go of the output files; one the lock created and the crawl never opened goes."""
        from newscrawl.output.storage import line_files

        opened = {Path(handle.path).resolve() for handle in line_files(crawler)} if crawler else set()
        for lock in getattr(self, "output_locks", []):
            lock.release(opened=lock.path.resolve() in opened)
        self.output_locks = []

    def _stopping(self, crawler: Any) -> None:
        """After the first Ctrl-C: what the stop waits for, when it can take a while."""
        line = stopping_line(crawler)
        if line:
            report_fatal(line, self.settings, logging.WARNING)

    def _stopped_line(self, stats: dict[str, Any], stopped: str = "the crawl was stopped") -> str:
        """What a crawl `stopped` before it finished wrote, and how to go on: the same command,
        appending; with no state nothing was recorded, and a JSON, CSV or XML file takes no
        appended records (its rest goes to a new file)."""
        assert self.settings is not None
        from newscrawl.crawl.frontier import users_job

        done = f"{stopped} before it finished: {plural(written(stats), 'article')} written"
        job = users_job(self.settings)
        if stateless(self.settings) and not job:
            return (f"{done}; without a state nothing was recorded, so running it again writes every "
                    "article again: overwrite (-O) rather than append, or keep a state (leave "
                    "NEWSCRAWL_STATE unset) to go on where it stopped")
        if stateless(self.settings):  # Scrapy's JOBDIR keeps the requests seen: none is fetched again
            done = (f"{done}; without a state nothing was recorded, but JOBDIR {job} keeps the crawl's "
                    "progress, and a run with it fetches none of its pages again")
        else:
            done = f"{done} and recorded"
        whole = [t.uri for t in feed_targets(self.settings, getattr(self, "names_spider", None)) if t.path is not None and t.format not in LINE_FORMATS]
        if whole:
            return (f"{done}; {', '.join(whole)} takes no appended records: run the same "
                    "command again writing to a new file to get the rest")
        return f"{done}; {go_on(feed_targets(self.settings, getattr(self, 'names_spider', None)))}"

    def report_end(self, crawler: Any, opts: Any, reason: str | None) -> None:
        """The run's summary on stderr; a failure the log did not show, as one line; exit 1 for
        `-a article=` that wrote nothing and for a replay with a damaged WARC file, 130 for a
        crawl stopped before it finished."""
        assert self.settings is not None
        stats = crawler.stats.get_stats()
        if reason in (None, "shutdown") and self.exitcode == 0:
            self.exitcode = EXIT_INTERRUPTED
            report_fatal(self._stopped_line(stats), self.settings, logging.WARNING)
        elif reason and reason.startswith("closespider_"):
            # a limit the user set (CLOSESPIDER_TIMEOUT, _ITEMCOUNT...): exit 0, as asked, but
            # said, with how to go on (a stranger saw only "(closespider_timeout)" in the summary)
            limit = reason.removeprefix("closespider_").upper()
            report_fatal(self._stopped_line(stats, f"the crawl stopped at its limit (CLOSESPIDER_{limit})"),
                         self.settings, logging.WARNING)
        failure = stats.get(OUTPUT_ERROR_STAT) or stats.get("newscrawl/state/error")
        if failure and not log_reaches_stderr(self.settings, logging.ERROR):  # logged, but not seen
            print(f"ERROR: the crawl stopped: cannot write {failure}; the articles written before "
                  "are recorded, the others come in the next run", file=sys.stderr)
        lost_redis = (stats.get("newscrawl/distributed/redis_unavailable")
                      or stats.get("newscrawl/distributed/redis_data_lost"))
        if lost_redis and not log_reaches_stderr(self.settings, logging.ERROR):
            print(f"ERROR: {lost_redis}", file=sys.stderr)
        if stats.get("newscrawl/errors/damaged_warc") and self.exitcode == 0:
            self.exitcode = EXIT_FAILED  # a replay that could not read all of its input: not a clean run
        if stats.get(PIPELINE_ERROR) and self.exitcode == 0:
            # records lost to an item pipeline's error (logged by Scrapy with its traceback)
            self.exitcode = EXIT_FAILED
            report_fatal(f"an item pipeline failed on {plural(int(stats[PIPELINE_ERROR]), 'record')}, which "
                         "were not written (see its errors above)", self.settings)
        if not written(stats):
            # logged, but not seen; a page the user named had its own line already (with --nolog too)
            if not log_reaches_stderr(self.settings, logging.WARNING) and not lines_say_why(stats):
                print(f"WARNING: {no_articles_line(stats)}", file=sys.stderr)
            single_pages = opts.spargs.get("article") or opts.spargs.get("articles")
            if single_pages and self.exitcode == 0:
                self.exitcode = EXIT_FAILED
            elif self.exitcode == 0 and reason == "finished" and bad_seeds(stats) and not pages_fetched(stats):
                # a worker whose seeds were all unusable did nothing it was asked: not a quiet hour
                self.exitcode = EXIT_FAILED
            elif self.exitcode == 0 and reason == "finished" and unreadable_site(stats, opts.spargs):
                # a quiet hour reads pages and finds nothing new; this one could read none
                self.exitcode = EXIT_FAILED
                report_fatal(unreadable_site_line(stats, self.settings), self.settings)
        # on stderr unless --nolog; in the log file whenever there is one (--nolog --logfile too)
        to_stderr = self.settings.getbool("LOG_ENABLED", True)
        if self.settings.getbool("NEWSCRAWL_SUMMARY", True) and (to_stderr or self.settings.get("LOG_FILE")):
            from newscrawl.output.recorder import crawl_spider
            from newscrawl.output.storage import line_files

            files = [handle.path for handle in line_files(crawler)]
            targets = feed_targets(self.settings, crawl_spider(crawler) or getattr(self, "names_spider", None))
            lines = summary_lines(stats, [_output_name(target, stats, files) for target in targets])
            if to_stderr:
                print("\n".join(f"summary: {line}" for line in lines), file=sys.stderr)
            if self.settings.get("LOG_FILE"):  # the log file has the summary too
                for line in lines:
                    logger.info("summary: %s", line)

    def _watch(self, outcome: Deferred | asyncio.Future | Any) -> None:
        """Report a crawl that could not start as one line instead of a traceback."""
        when_failed(outcome, self._failed)

    def _failed(self, exc: BaseException | None) -> None:
        if exc is None:
            return
        code = user_error(exc)
        if code is None:
            logger.error("the crawl failed: %r", exc, exc_info=exc)
            self.exitcode = EXIT_FAILED
            return
        report_fatal(error_line(exc), self.settings)
        self.exitcode = code


# files of one output (a file per batch: %(batch_id)d) the summary names one by one
LISTED_FILES = 3


def _output_name(target: FeedTarget, stats: dict[str, Any], files: list[str] | None = None) -> str:
    """How the summary names an output: by the file written (`files`: those the crawl opened),
    its name's placeholders filled (%(name)s, %(time)s, %(batch_id)d); a file the run stopped
    before opening (a Ctrl-C before the first article) is said not to exist, lest a reader look
    for it; one deleted or moved away while it was written is said to be."""
    if target.path is None:
        return "standard output"
    moved = stats.get(MOVED_STAT)
    if target.pattern is not None:  # a file per run or per batch: the ones this crawl wrote
        written = target.files(files or [])
        if moved and target.files([moved]):
            return f"{', '.join(written) or target.uri} ({MOVED})"
        if not written:
            return f"{target.uri} (not created)"
        if len(written) > LISTED_FILES:
            return f"{written[0]} ... {written[-1]} ({len(written)} files)"
        return ", ".join(written)
    name = str(target.path) if target.placeholders else target.uri
    if moved and Path(moved).absolute() == target.path.absolute():
        return f"{name} ({MOVED})"
    return name if target.path.exists() else f"{name} (not created)"
