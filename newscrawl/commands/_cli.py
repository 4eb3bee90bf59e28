"""What the newscrawl tool commands share: one-line errors with documented exit codes, a help
layout that stays readable at any terminal width, quiet logs, and why a fetch failed.

Exit codes (docs/reliability.md, "The tool commands"):
- 2 (EXIT_USAGE): the command line asks for something that cannot be: an unknown subcommand or
  option value, a file or state that does not exist, a fixture name that is taken;
- 1 (EXIT_FAILED): the command was right but what it works on failed: a file that cannot be
  written, a state that cannot be used, a page that cannot be fetched or holds no article;
- 130 (EXIT_INTERRUPTED): stopped by Ctrl-C (SIGINT), SIGTERM or SIGHUP (the terminal or the SSH
  session closed) before it finished, with one line saying what was not done (128 + SIGINT, as
  `scrapy crawl`);
- 141 (EXIT_READER_GONE): the reader of standard output went away (`| head`), as a shell
  reports a program that SIGPIPE ended.
"""

from __future__ import annotations

import argparse
import difflib
import errno
import logging
import os
import re
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, NoReturn

from scrapy.commands import ScrapyHelpFormatter
from scrapy.crawler import CrawlerProcessBase
from scrapy.exceptions import IgnoreRequest
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings, Settings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.ossignal import install_shutdown_handlers

from newscrawl.commands._ctrl_c import stop_if_seen
from newscrawl.crawl.middlewares import Dropped
from newscrawl.crawl.middlewares.failures import failure_reason, short

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_READER_GONE = 141


@contextmanager
def standard_output(command: str | None) -> Iterator[None]:
    """Write to standard output inside, then flush it. If its reader has gone (`| head`, `| true`),
    end with EXIT_READER_GONE and no traceback; if it cannot be written (a full disk, /dev/full),
    end with one line and EXIT_FAILED, as `crawl -o -` does (output/storage.py). Either way what
    is still buffered goes to /dev/null, so that Python's final flush does not fail again.
    `command`: the command that writes (None: `newscrawl` itself, its --help and --version)."""
    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        stdout_failed(command, exc)


def stdout_failed(command: str | None, exc: OSError) -> NoReturn:
    """End after a failed write to standard output (see `standard_output`)."""
    stdout_to_devnull()
    if isinstance(exc, BrokenPipeError):
        raise SystemExit(EXIT_READER_GONE) from None
    line = stdout_problem(exc)
    if command is None:
        print(f"{os.environ.get('NEWSCRAWL_PROG', 'scrapy')}: {line}", file=sys.stderr, flush=True)
        raise SystemExit(EXIT_FAILED) from None
    fail(command, line)


def stdout_problem(exc: OSError) -> str:
    """Why standard output could not be written, as `crawl -o -` says it."""
    return f"cannot write to standard output: {exc.strerror or exc}"


def stdout_to_devnull() -> None:
    """Point standard output at /dev/null (whatever Python still holds for it is dropped)."""
    if isinstance(sys.stdout, ClosedStandardOutput):
        return  # there is nothing to point
    to_devnull(sys.stdout.fileno())


class ClosedStandardOutput:
    """sys.stdout when the command started with its standard output closed (`>&-`), where Python
    leaves None: a write fails as a write to a closed file does, so that each command ends with
    its own one line (`cannot write to standard output: ...`, exit 1), and a command that writes
    nothing there (a crawl to a file) runs as usual."""

    def write(self, data: object) -> int:
        raise OSError(errno.EBADF, "it is closed")

    def writelines(self, lines: object) -> None:
        raise OSError(errno.EBADF, "it is closed")

    def flush(self) -> None:
        pass  # nothing was written

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "it is closed")

    def isatty(self) -> bool:
        return False

    @property
    def buffer(self) -> ClosedStandardOutput:
        return self  # bytes fail alike


def guard_closed_stdout() -> None:
    """Give a command started with its standard output closed a ClosedStandardOutput."""
    if sys.stdout is None:
        sys.stdout = ClosedStandardOutput()  # type: ignore[assignment]


def to_devnull(fileno: int) -> None:
    """Point the file descriptor `fileno` at /dev/null: later writes, flushes and the close at
    exit go nowhere instead of failing again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


def print_help_message(command: str | None, message: str, file: Any = None) -> None:
    """argparse's `_print_message` (--help, the usage line), without its silence: argparse drops
    an OSError, so `--help > /dev/full` exited 0 with nothing written and `--help | true` 0."""
    if not message:
        return
    file = file or sys.stderr
    if file is not sys.stdout:
        with suppress(OSError):  # stderr itself: nowhere left to say it, as argparse does
            file.write(message)
        return
    with standard_output(command):
        file.write(message)


def write_all(stream: Any, data: bytes) -> None:
    """Write `data` to a binary stream and its file, all of it or BrokenPipeError.

    A BufferedWriter on a pipe whose reader leaves during one large write (a 2 MB record to
    `| head -c 10`) takes the pipe's partial write for the whole and reports success: the record
    was cut off and the command exited 0. os.write says how much went, and fails after."""
    stream.flush()
    view = memoryview(data)
    while view:
        view = view[os.write(stream.fileno(), view):]


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _hup_as_term(signum: int, frame: Any) -> None:
    """SIGHUP, taken as whatever SIGTERM does now: Scrapy moves its own handlers from the graceful
    stop to the forced one (then to ignoring) for INT and TERM only, and HUP follows them."""
    handler = signal.getsignal(signal.SIGTERM)
    if callable(handler):
        handler(signum, frame)
    elif handler == signal.SIG_DFL:  # the stop is over and TERM is Python's again: so is HUP
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGHUP)


def install_stop_handlers(function: Any) -> None:
    """Scrapy's `install_shutdown_handlers` (INT and TERM), and SIGHUP as TERM: a closed terminal
    or SSH session ended a crawl at once, without its summary (exit 129). A HUP ignored from the
    start (`nohup`) stays ignored."""
    install_shutdown_handlers(function)
    if signal.getsignal(signal.SIGHUP) != signal.SIG_IGN:
        signal.signal(signal.SIGHUP, _hup_as_term)


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT), SIGTERM and SIGHUP inside, to act on them after: a record is written
    whole or not at all, and counted as written exactly when it was."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, set(STOP_SIGNALS))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def run_until_interrupted(process: CrawlerProcessBase) -> bool:
    """Run the crawler process (`process.start()`); whether Ctrl-C (SIGINT), SIGTERM or SIGHUP
    stopped it.

    Scrapy's first Ctrl-C is a graceful stop, which waits for the downloads in progress: a server
    that never answers held a one-off fetch until DOWNLOAD_TIMEOUT. A command that fetches a page
    or two and keeps no state takes the first signal as Scrapy's two: its graceful stop, then its
    forced stop (the reactor stops without waiting for the crawl's stop to end)."""
    signals: list[int] = []
    twisted = process.settings.getbool("TWISTED_REACTOR_ENABLED", True)
    # Scrapy 2.19's own handlers for the first and the second signal (no public API for them; a
    # public stop then the reactor's does not do: the download's failure comes first). A Scrapy
    # without them gets its own handlers: slower to stop, never wrong (the tests would say so).
    suffix = "" if twisted else "_reactorless"
    graceful = getattr(process, f"_signal_shutdown{suffix}", None)
    force = getattr(process, f"_signal_kill{suffix}", None)
    if graceful is None or force is None:
        process.start()
        return False

    def stop(signum: int, frame: Any) -> None:
        signals.append(signum)
        graceful(signum, frame)
        force(signum, frame)  # and any further signal is ignored

    before = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    stop_if_seen()
    install_stop_handlers(stop)
    process.start(install_signal_handlers=False)
    if signals:  # a further signal stays ignored while the command says it was interrupted
        return True
    for signum, handler in before.items():
        signal.signal(signum, handler)
    return False


def run_with_stop_notice(process: CrawlerProcessBase, notice: Callable[[], None]) -> bool:
    """Run the crawler process (`process.start()`) with Scrapy's stop (the first Ctrl-C, TERM or
    HUP stops gracefully, the second at once), calling `notice()` in the reactor's thread after the
    first: Scrapy's graceful stop waits for every request the downloader holds (a server that
    never answers, until DOWNLOAD_TIMEOUT), and says so only at INFO. Whether a signal came."""
    twisted = process.settings.getbool("TWISTED_REACTOR_ENABLED", True)
    graceful = getattr(process, "_signal_shutdown", None)  # Scrapy 2.19's own (see above)
    if not twisted or graceful is None:  # without a reactor to call back in: Scrapy's own stop
        process.start()
        return False
    from twisted.internet import reactor

    signals: list[int] = []

    def first(signum: int, frame: Any) -> None:
        signals.append(signum)
        graceful(signum, frame)  # it installs Scrapy's forced stop for the next signal
        reactor.callFromThread(notice)  # no logging inside a signal handler

    stop_if_seen()
    install_stop_handlers(first)
    process.start(install_signal_handlers=False)
    return bool(signals)


# the program the user typed: the `newscrawl` console command sets it, so that every line and
# hint names the command the user can run (`newscrawl state ...`, not `scrapy state ...`)
_COMMANDS = re.compile(r"\bscrapy (?=(?:crawl|cron|state|seed|fixture|parse|extract)\b)")


def as_typed(text: str) -> str:
    """`text` with `scrapy COMMAND` spelt as the user's program (`newscrawl COMMAND`)."""
    program = os.environ.get("NEWSCRAWL_PROG", "scrapy")  # an environment variable, not a setting
    return text if program == "scrapy" else _COMMANDS.sub(f"{program} ", text)


def fail(command: str, message: str, code: int = EXIT_FAILED) -> NoReturn:
    """End the command with `scrapy COMMAND: MESSAGE` on stderr (one line) and this exit code,
    and the same line in the log file when Scrapy's logging writes to one (--logfile).

    Call it outside the reactor only (Scrapy catches SystemExit raised in a callback)."""
    line = as_typed(f"scrapy {command}: {' '.join(message.split())}")
    print(line, file=sys.stderr, flush=True)
    _to_log_file(line)
    raise SystemExit(code)


def _to_log_file(line: str) -> None:
    """Hand a command's last line to Scrapy's root handler when it writes to a file: a command run
    from cron with --logfile left its log without the reason it failed (stderr only)."""
    from scrapy.utils.log import get_scrapy_root_handler

    handler = get_scrapy_root_handler()
    if isinstance(handler, logging.FileHandler):
        handler.handle(logging.getLogger(LOGGER).makeRecord(LOGGER, logging.ERROR, __file__, 0, line, (), None))


def start_logging(settings: Settings) -> None:
    """Scrapy's logging set-up, for a command that builds no crawler process (`seed`, `state`):
    Scrapy sets logging up only when it builds one, so there --logfile created no file, and -L
    and --nolog changed nothing. Call it after `check_logging`."""
    from scrapy.utils.log import configure_logging, log_scrapy_info

    configure_logging(settings)
    log_scrapy_info(settings)


class HelpFormatter(ScrapyHelpFormatter):
    """Scrapy's help layout, where only a section title is a heading.

    Scrapy's formatter title-cases and underlines every part of the help that ends with a colon,
    so a help text wrapped just after "(default:" became a heading ("Log Level (Default" over a
    line of "="). Here only the titles of the parser's argument groups are headings."""

    def __init__(self, prog: str, titles: Callable[[], set[str]] | None = None) -> None:
        super().__init__(prog)
        self.titles = titles or (lambda: {"positional arguments", "options", "Global Options"})

    def format_part_strings(self, part_strings: list[str]) -> list[str]:
        if part_strings and part_strings[0].startswith("usage: "):
            part_strings[0] = "Usage\n=====\n  " + part_strings[0].removeprefix("usage: ")
        titles = self.titles()
        parts: list[str] = []
        for part in part_strings:
            title = part.removesuffix(":\n")
            if part.endswith(":\n") and title.strip() in titles:
                title = title.title()
                underline = "-" if "Global Options" in title else "="
                parts += [title, f"\n{underline * len(title)}\n"]
            else:
                parts.append(part)
        return parts


def setup_parser(parser: argparse.ArgumentParser, command: str) -> None:
    """Readable --help, and argument errors (argparse's and UsageError's) as one line, exit 2."""

    def titles() -> set[str]:  # read when the help is printed: every group is added by then
        return {group.title for group in parser._action_groups if group.title}

    parser.formatter_class = lambda prog: HelpFormatter(prog, titles)  # type: ignore[assignment]
    parser.error = lambda message: fail(command, message, EXIT_USAGE)  # type: ignore[method-assign]
    parser._print_message = (  # type: ignore[method-assign]
        lambda message, file=None: print_help_message(command, message, file))
    refuse_unknown_options(parser, command)


def refuse_unknown_options(parser: argparse.ArgumentParser, command: str) -> None:
    """An option the parser does not know is one line, exit 2. Scrapy parses with
    parse_known_args and hands it on as a word, which each command then read as its argument:
    `seed --statuss` said "url: not an http(s) URL: '--statuss'"."""
    parse_known = parser.parse_known_args

    def parse_known_args(*args: Any, **kwargs: Any) -> tuple[argparse.Namespace, list[str]]:
        opts, rest = parse_known(*args, **kwargs)
        if word := next(iter(unknown_options(rest)), None):
            fail(command, unknown_option(command, word, parser._option_string_actions), EXIT_USAGE)
        return opts, rest

    parser.parse_known_args = parse_known_args  # type: ignore[method-assign,assignment]


def unknown_options(words: list[str]) -> list[str]:
    """The words that are written as options (`-x`, `--name`, `--name=value`), up to a `--`
    (after which every word is an argument); `-` is an argument (standard input or output), and
    so is a negative value (`prune -1d`: the command says why it is no age)."""
    before = words[:words.index("--")] if "--" in words else words
    return [word for word in before if word.startswith("-") and word != "-" and not word[1:2].isdigit()]


def without_end_of_options(words: list[str]) -> list[str]:
    """The words without the first `--`, which ends the options (what follows is an argument
    even when it starts with `-`) and is no argument itself."""
    if "--" not in words:
        return words
    end = words.index("--")
    return words[:end] + words[end + 1:]


def unknown_option(command: str, word: str, known: Iterable[str] = ()) -> str:
    """`unknown option --statuss: did you mean --status? scrapy seed --help lists the options`."""
    name = word.split("=", 1)[0]
    close = difflib.get_close_matches(name, [option for option in known if option.startswith("--")]
                                      if name.startswith("--") else list(known), n=1, cutoff=0.8)
    hint = f"did you mean {close[0]}? " if close else ""
    return f"unknown option {name}: {hint}scrapy {command} --help lists the options"


def given(settings: BaseSettings, name: str) -> bool:
    """Whether the user set this setting on the command line (-s NAME=..., -L, --nolog)."""
    return settings.getpriority(name) >= SETTINGS_PRIORITIES["cmdline"]


def default(settings: BaseSettings, name: str, value: object) -> None:
    """Set a command's own default that beats the project's settings but not the command line
    (a command's `default_settings` rank below the project's settings.py)."""
    if not given(settings, name):
        settings.set(name, value, priority="cmdline")


def share_no_crawl(settings: BaseSettings) -> None:
    """A look at one page (parse, fixture) takes no part in a distributed crawl, as extract
    takes none: REDIS_URL would make its spider a worker of the shared queue and its state the
    shared one in Redis."""
    settings.set("REDIS_URL", None, priority="cmdline")


def log_level_help(parser: argparse.ArgumentParser, level: str) -> None:
    """-L's help names the command's own default level (Scrapy's names the project's)."""
    for action in parser._actions:
        if "--loglevel" in action.option_strings:
            action.help = f"log level (default: {level})"


def check_logging(settings: BaseSettings, command: str, *, keep_folder: bool = True) -> None:
    """-L/LOG_LEVEL and --logfile/LOG_FILE that Scrapy's logging set-up would turn into a traceback
    (before the command runs) are one line, exit 2 (1 for a log file that cannot be written, or
    is on a full disk); a log file that fails later is guarded (`guard_log_file`).

    A missing folder of the log file is created, as `scrapy crawl` does (newscrawl/output/guard.py);
    not `keep_folder`: it is removed again after the check (a command that may still refuse to
    run, as cron does while another run holds the lock, makes it only once it runs)."""
    from newscrawl.config.path_names import name_problem
    from newscrawl.output.guard import unwritable_reason
    from newscrawl.output.paths import full_disk_reason, log_file

    level = settings.get("LOG_LEVEL")
    if not isinstance(level, int) and str(level) not in logging.getLevelNamesMapping():
        fail(command, f"unknown log level {level!r}: use -L with one of CRITICAL, ERROR, WARNING, "
             "INFO, DEBUG", EXIT_USAGE)
    filename = log_file(settings)  # with --nolog too: Scrapy opens it all the same
    if not filename:
        return
    if problem := name_problem(filename):  # a name too long (is_dir() raises), a symbolic link loop
        fail(command, f"cannot write the log file {filename}: {problem}; give --logfile another path", EXIT_USAGE)
    if Path(filename).is_dir():
        fail(command, f"log file {filename} is a folder: give --logfile a file", EXIT_USAGE)
    # Scrapy opens it next, once logging is set up
    reason = unwritable_reason(Path(filename), keep_folders=keep_folder) or full_disk_reason(Path(filename))
    if reason:
        fail(command, f"cannot write the log file {filename}: {reason}")
    guard_log_file(command)


def check_process_files(opts: argparse.Namespace, command: str) -> None:
    """--profile FILE and --pidfile FILE that cannot be written: one line, exit 1, as for the log
    file, and before anything runs (Scrapy writes the pid file with a traceback, and the profile
    with one after the whole run). Call it before ScrapyCommand.process_options, which writes
    the pid file. A theme's name given to --profile is a mix-up: one line, exit 2."""
    from newscrawl.output.paths import process_file_problems

    if problem := theme_as_profile_file(opts, command):
        fail(command, problem, EXIT_USAGE)
    for problem in process_file_problems(opts):
        fail(command, problem)


@contextmanager
def pid_file_held(opts: argparse.Namespace) -> Iterator[None]:
    """Keep ScrapyCommand.process_options from writing --pidfile inside: it writes it first thing,
    before the settings it is checked against (the state, the outputs) are read. Write it with
    `write_pid_file` once it is known to be no other file of the command."""
    pidfile, opts.pidfile = getattr(opts, "pidfile", None), None
    try:
        yield
    finally:
        opts.pidfile = pidfile


def write_pid_file(opts: argparse.Namespace) -> None:
    """Write the pid file as ScrapyCommand.process_options does."""
    if getattr(opts, "pidfile", None):
        Path(opts.pidfile).write_text(f"{os.getpid()}{os.linesep}", encoding="utf-8")


def settle_process_files(settings: BaseSettings, opts: argparse.Namespace, command: str) -> None:
    """For a tool command, after ScrapyCommand.process_options (inside `pid_file_held`): one line,
    exit 2, when the pid or profile file is the state or an earlier output (Scrapy replaced it
    with the PID, or cProfile's statistics); else write the pid file."""
    from newscrawl.output.side_files import process_file_clash

    if problem := process_file_clash(settings, opts):
        fail(command, problem, EXIT_USAGE)
    write_pid_file(opts)


def theme_as_profile_file(opts: argparse.Namespace, command: str) -> str | None:
    """The line for `--profile jannah`: Scrapy's --profile FILE writes cProfile's statistics to
    FILE, and a user who meant the theme profile would get a file named after it, and the theme
    not forced."""
    from newscrawl.extract.profiles import BY_NAME

    given = getattr(opts, "profile", None)
    name = (given or "").casefold()
    if name not in BY_NAME:
        return None
    wrong = f"--profile {given} would write Scrapy's cProfile statistics to a file named {given}"
    if command in ("state", "seed"):
        return f"{wrong}; {command} reads no page, so no theme profile applies"
    force = f"-s NEWSCRAWL_PROFILE={name}" if command in ("extract", "fixture") else f"-a profile={name}"
    return f"{wrong}; to force the theme profile {name}, use {force}"


# the log file that failed during the command (a disk that filled up), once said: the command
# goes on without its log, and exits 1 (newscrawl/cli.py)
_LOG_FILE = {"command": "", "failed": ""}


def guard_log_file(command: str) -> None:
    """Make a log file that fails to be written (a full disk) one line on stderr, said once, and
    the end of the log: not a `--- Logging error ---` traceback for every record, and one more
    at exit. Call it before Scrapy sets up logging; `log_file_failed` says whether it happened.

    Scrapy makes its root handler in scrapy.utils.log._get_handler (no public hook): the
    FileHandler it returns is guarded here."""
    from scrapy.utils import log as scrapy_log

    _LOG_FILE["command"] = command
    make = getattr(scrapy_log, "_get_handler", None)
    if make is None or getattr(make, "newscrawl_guarded", False):
        return  # a Scrapy without it: its own handler, and logging's own reports

    def get_handler(settings: Settings) -> logging.Handler:
        handler = make(settings)
        if isinstance(handler, logging.FileHandler):
            _guard(handler)
        return handler

    get_handler.newscrawl_guarded = True  # type: ignore[attr-defined]
    scrapy_log._get_handler = get_handler


def _guard(handler: logging.FileHandler) -> None:
    handle_error, close = handler.handleError, handler.close

    def on_error(record: logging.LogRecord) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            _log_file_failed(handler, exc)
        else:  # a record that cannot be formatted: logging's own report
            handle_error(record)

    def closing() -> None:
        try:
            close()
        except OSError as exc:  # what was still buffered could not be written
            _log_file_failed(handler, exc)
            close()

    handler.handleError = on_error  # type: ignore[method-assign]
    handler.close = closing  # type: ignore[method-assign]


def _log_file_failed(handler: logging.FileHandler, exc: OSError) -> None:
    """Say once that the log file failed, and send the rest of the log (and what its buffer still
    holds) to /dev/null, so that no later write, flush or close fails again."""
    stream = getattr(handler, "stream", None)
    if stream is not None and not stream.closed:
        to_devnull(stream.fileno())
    if _LOG_FILE["failed"]:
        return
    command = _LOG_FILE["command"] or "crawl"
    _LOG_FILE["failed"] = line = (f"cannot write the log file {handler.baseFilename}: "
                                  f"{exc.strerror or exc}; the rest of the log is lost")
    if command == "crawl":  # the crawl's fatal lines read as its log does (report_fatal)
        print(_formatter(Settings()).format(logging.getLogger(LOGGER).makeRecord(
            LOGGER, logging.ERROR, __file__, 0, line, (), None)), file=sys.stderr, flush=True)
    else:
        print(as_typed(f"scrapy {command}: {line}"), file=sys.stderr, flush=True)


def log_file_failed() -> bool:
    """Whether the log file failed during the command (the command then exits 1)."""
    return bool(_LOG_FILE["failed"])


class ExitsOnLogFileFailure:
    """A command's exit code (`exitcode`, which Scrapy exits with), 1 instead of 0 when its log
    file failed during the run. Listed first among a command's bases."""

    _exitcode = 0

    @property
    def exitcode(self) -> int:
        if self._exitcode == 0 and log_file_failed():
            return EXIT_FAILED
        return self._exitcode

    @exitcode.setter
    def exitcode(self, value: int) -> None:
        self._exitcode = value


def argument_problem(command: str, args: list[str], usage: str, most: int = 1,
                     known: Iterable[str] = ()) -> str | None:
    """Why the words after `scrapy COMMAND` cannot be its arguments, or None.

    Scrapy hands an option no parser knows (`--bogus`) on as a word, which then read as a spider's
    name ("unknown spider '--bogus'"); and a word past the last argument is not a second spider.
    `usage`: how the command is called, said after "too many arguments" (`scrapy crawl site -a
    url=https://site/`); `most`: how many words it takes; `known`: the command's options, for a
    did-you-mean."""
    for word in unknown_options(args):
        return unknown_option(command, word, known)
    if len(args) > most:
        after = f" after {' '.join(args[:most])!r}" if most else ""
        return f"too many arguments: {' '.join(args[most:])!r}{after} (use {usage})"
    return None


def quiet_logs(settings: BaseSettings, level: str = "WARNING") -> None:
    """Log only at `level` and above unless the user chose a level (-L, --loglevel, -s LOG_LEVEL)."""
    default(settings, "LOG_LEVEL", level)


def why_not_fetched(exc: BaseException) -> str:
    """A failed fetch (an errback's failure.value) in a few words."""
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status}"
    if isinstance(exc, Dropped):
        return str(exc)
    if isinstance(exc, IgnoreRequest):
        text = str(exc) or "request refused"
        if "robots.txt" in text:
            return "forbidden by robots.txt (-s ROBOTSTXT_OBEY=False fetches it anyway)"
        return text
    return f"{failure_reason(exc)} ({short(exc)})"


# -- a fatal line, seen whatever the log settings (was newscrawl/fatal.py) ---------------------
#
# One line for an error that ends a command, seen whatever the log settings.
#
# `--nolog`, `-L CRITICAL` and `--logfile FILE` all hide an ERROR record from the terminal, so a
# crawl refused for bad input would end with nothing said. `report_fatal` writes the line to
# stderr in any case, and into the log file when there is one (once each: never twice on the
# terminal). It works before Scrapy has configured logging (while a command checks its options)
# and after.

LOGGER = "newscrawl"


def report_fatal(message: str, settings: BaseSettings | None = None, level: int = logging.ERROR) -> None:
    """Report one fatal line: on stderr always, and in the log file when there is one."""
    settings = settings if settings is not None else Settings()
    line = as_typed(" ".join(str(message).split()))  # one line, whatever the message held
    record = logging.getLogger(LOGGER).makeRecord(LOGGER, level, __file__, 0, line, (), None)
    handlers = [h for h in logging.getLogger().handlers if not isinstance(h, logging.NullHandler)]
    if handlers:  # Scrapy's logging is set up: every handler gets the line, whatever its level
        for handler in handlers:
            handler.handle(record)
        if any(_to_stderr(handler) for handler in handlers):
            return
    text = _formatter(settings).format(record)
    print(text, file=sys.stderr, flush=True)
    if not handlers:
        _append_to_log_file(text, settings)


def _to_stderr(handler: logging.Handler) -> bool:
    """Whether the handler prints on the terminal's stderr (a FileHandler is a StreamHandler too)."""
    return (isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler)
            and getattr(handler, "stream", None) in (sys.stderr, sys.__stderr__))


def _formatter(settings: BaseSettings) -> logging.Formatter:
    """Scrapy's log line format (LOG_FORMAT, LOG_DATEFORMAT), so the line reads like the log."""
    return logging.Formatter(settings.get("LOG_FORMAT") or "%(asctime)s [%(name)s] %(levelname)s: %(message)s",
                             settings.get("LOG_DATEFORMAT") or "%Y-%m-%d %H:%M:%S")


def _append_to_log_file(text: str, settings: BaseSettings) -> None:
    """Before logging is set up: the line goes into LOG_FILE as Scrapy would have written it."""
    path: Any = settings.get("LOG_FILE")
    if not path:
        return
    mode = "a" if settings.getbool("LOG_FILE_APPEND", True) else "w"
    try:
        with open(path, mode, encoding=settings.get("LOG_ENCODING") or "utf-8") as log:
            log.write(text + "\n")
    except (OSError, ValueError):
        pass  # the log file itself may be what is wrong; stderr has the line
