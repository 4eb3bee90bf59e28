"""`scrapy crawl`, with bad input reported as one clear line and a non-zero exit.

Scrapy prints a traceback when a spider's __init__ or an extension raises (a bad URL, an
unknown profile, a malformed sites file, a corrupt state file) and exits 0 after a crawl it had
to stop. This command checks `-s` settings before starting (one line per bad value), turns
those errors into one `ERROR` line, and exits 2 for bad input, 1 for a state or an output that
cannot be used (corrupt, locked, disk full).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings
from twisted.internet.defer import Deferred

from newscrawl.output_guard import OutputError
from newscrawl.state import StateError

logger = logging.getLogger("newscrawl")

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1
# close reasons of a crawl that stopped because it could not go on
FAILED_REASONS = {"output_error", "state_error"}
# settings whose value must be a number at least this big
MINIMUMS = {
    "DOWNLOAD_TIMEOUT": 0.001, "DOWNLOAD_MAXSIZE": 0, "DOWNLOAD_WARNSIZE": 0, "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 1, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "RETRY_TIMES": 0,
    "REDIRECT_MAX_TIMES": 0, "DEPTH_LIMIT": 0, "CLOSESPIDER_TIMEOUT": 0, "CLOSESPIDER_PAGECOUNT": 0,
    "CLOSESPIDER_ERRORCOUNT": 0, "CLOSESPIDER_ITEMCOUNT": 0, "AUTOTHROTTLE_START_DELAY": 0,
    "AUTOTHROTTLE_MAX_DELAY": 0, "AUTOTHROTTLE_TARGET_CONCURRENCY": 0.001,
    "NEWSCRAWL_MIN_BODY_CHARS": 0, "NEWSCRAWL_RETRY_AFTER_MAX": 0, "NEWSCRAWL_GC_THRESHOLD": 0,
}
LOG_LEVELS = {"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"}


def _reference(name: str) -> Any:
    """The value a setting has before the command line changes it (project, then Scrapy)."""
    from scrapy.settings import default_settings

    from newscrawl import settings as project

    if hasattr(project, name):
        return getattr(project, name)
    return getattr(default_settings, name, None)


def check_setting(settings: BaseSettings, name: str) -> str | None:
    """Why a command-line setting's value cannot work, or None."""
    value = settings.get(name)
    reference = _reference(name)
    try:
        if isinstance(reference, bool):
            settings.getbool(name)
        elif isinstance(reference, int | float) or name in MINIMUMS:
            number = settings.getfloat(name)
            if name in MINIMUMS and number < MINIMUMS[name]:
                return f"invalid setting {name}={value!r}: must be at least {MINIMUMS[name]:g}"
        elif isinstance(reference, list | tuple):
            settings.getlist(name)
        elif isinstance(reference, dict):
            settings.getdict(name)
    except (TypeError, ValueError):
        kind = "true or false" if isinstance(reference, bool) else (
            "a number" if isinstance(reference, int | float) or name in MINIMUMS else
            "a list" if isinstance(reference, list | tuple) else "a JSON object")
        return f"invalid setting {name}={value!r}: expected {kind}"
    if name == "LOG_LEVEL" and str(value).upper() not in LOG_LEVELS:
        return f"invalid setting LOG_LEVEL={value!r}: use one of {', '.join(sorted(LOG_LEVELS))}"
    if name == "NEWSCRAWL_PROTECTED_NETWORKS":
        from newscrawl.downloadermiddlewares.network import parse_networks

        try:
            parse_networks(settings.getlist(name))
        except ValueError as exc:
            return f"invalid setting {exc}"
    return None


def check_settings(settings: BaseSettings) -> list[str]:
    """Problems with the settings given on the command line (-s NAME=VALUE)."""
    from scrapy.settings import SETTINGS_PRIORITIES

    cmdline = SETTINGS_PRIORITIES["cmdline"]
    names = sorted(name for name in settings if settings.getpriority(name) == cmdline)
    return [problem for name in names if (problem := check_setting(settings, name))]


def user_error(exc: BaseException) -> int | None:
    """The exit code for an error the user can fix from its message alone, or None for a bug."""
    if isinstance(exc, StateError | OutputError):
        return EXIT_FAILED
    if isinstance(exc, ValueError | UsageError | FileNotFoundError | KeyError):
        return EXIT_BAD_INPUT
    return None


def error_line(exc: BaseException) -> str:
    """The exception's message on one line."""
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    return " ".join(str(text).split()) or type(exc).__name__


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
    return stats is not None and stats.get_value("newscrawl/output/error") is not None


def log_reaches_stderr(settings: BaseSettings, level: int) -> bool:
    """Whether a log record of this level is printed on stderr with these settings."""
    if not settings.getbool("LOG_ENABLED", True) or settings.get("LOG_FILE"):
        return False
    return logging.getLevelName(str(settings.get("LOG_LEVEL", "DEBUG")).upper()) <= level


class Command(ScrapyCrawlCommand):
    """`scrapy crawl SPIDER`: as Scrapy's, with one-line errors and meaningful exit codes."""

    def process_options(self, args: list[str], opts: Any) -> None:
        """Scrapy's option handling, then the settings check: before Scrapy configures logging
        (which a bad LOG_LEVEL would break with a traceback) and before anything is opened."""
        super().process_options(args, opts)
        assert self.settings is not None
        problems = check_settings(self.settings)
        if problems:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            for problem in problems:  # logging is not set up yet: the same format, by hand
                print(f"{stamp} [newscrawl] ERROR: {problem}", file=sys.stderr)
            raise SystemExit(EXIT_BAD_INPUT)
        self.check_paths()

    def check_paths(self) -> None:
        """The log file, JOBDIR and HTTP cache can be written (exit 1 with one line if not)."""
        from newscrawl.output_guard import path_problems

        assert self.settings is not None
        problems = path_problems(self.settings)
        if problems:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            for problem in problems:
                print(f"{stamp} [newscrawl] ERROR: {problem}", file=sys.stderr)
            raise SystemExit(EXIT_FAILED)

    def run(self, args: list[str], opts: Any) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider: scrapy crawl site -a url=https://site/")
        assert self.crawler_process is not None
        try:
            crawler = self._create_crawler(args[0])
        except KeyError as exc:  # unknown spider name
            logger.error("%s", error_line(exc))
            self.exitcode = EXIT_BAD_INPUT
            return
        self._watch(self.crawler_process.crawl(crawler, **opts.spargs))
        self.crawler_process.start()
        reason = finish_reason(crawler)
        if self.exitcode == 0 and (self.crawler_process.bootstrap_failed or reason in FAILED_REASONS
                                   or output_failed(crawler)):
            self.exitcode = EXIT_FAILED
        if reason is not None:
            self.report_end(crawler, opts)

    def report_end(self, crawler: Any, opts: Any) -> None:
        """The run's summary on stderr; `-a article=` that wrote nothing exits 1."""
        from newscrawl.ops.summary import no_articles_line, summary_lines, written

        assert self.settings is not None
        stats = crawler.stats.get_stats()
        if not written(stats):
            if not log_reaches_stderr(self.settings, logging.WARNING):  # logged, but not seen
                print(f"WARNING: {no_articles_line(stats)}", file=sys.stderr)
            if opts.spargs.get("article") and self.exitcode == 0:
                self.exitcode = EXIT_FAILED
        if self.settings.getbool("NEWSCRAWL_SUMMARY", True) and self.settings.getbool("LOG_ENABLED", True):
            outputs = ["standard output" if str(uri).startswith("stdout:") else str(uri)
                       for uri in self.settings.getdict("FEEDS")]
            print("\n".join(f"summary: {line}" for line in summary_lines(stats, outputs)),
                  file=sys.stderr)

    def _watch(self, outcome: Deferred | asyncio.Future | Any) -> None:
        """Report a crawl that could not start as one line instead of a traceback."""
        if isinstance(outcome, Deferred):
            outcome.addErrback(lambda failure: self._failed(failure.value))
        elif isinstance(outcome, asyncio.Future):
            outcome.add_done_callback(
                lambda task: None if task.cancelled() or task.exception() is None
                else self._failed(task.exception()))

    def _failed(self, exc: BaseException | None) -> None:
        if exc is None:
            return
        code = user_error(exc)
        if code is None:
            logger.error("the crawl failed: %r", exc, exc_info=exc)
            self.exitcode = EXIT_FAILED
            return
        logger.error("%s", error_line(exc))
        self.exitcode = code
