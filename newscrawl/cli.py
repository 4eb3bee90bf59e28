"""The `newscrawl` console command: the project's commands from any directory once installed.

Outside a checkout there is no scrapy.cfg to tell Scrapy where the project's settings are, so
`scrapy crawl` is "not available" there. `newscrawl COMMAND ...` runs Scrapy's own command line
(scrapy.cmdline.execute) with SCRAPY_SETTINGS_MODULE=newscrawl.settings set in the environment,
which also beats a scrapy.cfg or a SCRAPY_SETTINGS_MODULE of the caller's. The commands are
newscrawl/commands/*, unchanged: same settings, arguments and exit codes as `scrapy COMMAND` in
the checkout. Nothing changes directory, so relative paths (outputs, the state, sites and URL
files) are the caller's. `newscrawl crawl` runs the site spider when no spider is named.
"""

from __future__ import annotations

# little at import time: a Ctrl-C while the rest loads (Scrapy: a second or more) is main()'s line
import os
import sys
from typing import NoReturn

from newscrawl.commands._ctrl_c import interrupted, stop_if_seen, watch

watch()

PROG = "newscrawl"
SETTINGS_MODULE = "newscrawl.settings"
COMMANDS = ("crawl", "cron", "extract", "fixture", "parse", "seed", "state")
SPIDER = "site"  # the spider `newscrawl crawl` runs when none is named
EXIT_USAGE = 2
# `newscrawl crawl` differs from `scrapy crawl` (the spider is optional), so it says so here
SUMMARIES = {"crawl": "Crawl news sites into JSON Lines records (-a url=URL, -a sites=FILE, -a article=URL)"}


USAGE = f"usage: {PROG} COMMAND [options] [args]"
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as commands/_cli.py's commands end on Ctrl-C


def main(argv: list[str] | None = None) -> NoReturn:
    """Run `newscrawl COMMAND [options] [args]` (the console script's entry point)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if sys.stdout is None:  # started with standard output closed (>&-)
        from newscrawl.commands._cli import guard_closed_stdout

        guard_closed_stdout()
    try:
        _main(argv)
    except (KeyboardInterrupt, RuntimeError) as exc:
        if not isinstance(exc, KeyboardInterrupt) and not interrupted(exc):
            raise
        # Ctrl-C before a command took over its own handling (while Scrapy and the extraction
        # libraries load, a second or more): one line, as the commands themselves end on Ctrl-C
        command = argv[0] if argv and argv[0] in COMMANDS else None
        print(f"{PROG} {command}: interrupted" if command else f"{PROG}: interrupted",
              file=sys.stderr, flush=True)
        raise SystemExit(EXIT_INTERRUPTED) from None


def _main(argv: list[str]) -> NoReturn:
    other = os.environ.get("SCRAPY_SETTINGS_MODULE")
    # before anything reads the settings (the environment, so that child processes have it too)
    os.environ["SCRAPY_SETTINGS_MODULE"] = SETTINGS_MODULE
    os.environ["NEWSCRAWL_PROG"] = "newscrawl"  # commands/_cli.py as_typed: lines name `newscrawl COMMAND`
    if not argv:  # a script that calls it by mistake must not take the help for success
        print(USAGE, file=sys.stderr)
        usage_error(no_command())
    first = argv[0]
    if first in ("-h", "--help"):
        say(help_text())
    if first in ("-V", "--version"):
        say(version_line())
    if first not in COMMANDS:
        usage_error(unknown_command(first))
    if ignored := ignored_settings_module(other):
        print(f"{PROG} {first}: {ignored}", file=sys.stderr, flush=True)
    from newscrawl.config.settings_check import unread_environment

    for line in unread_environment(os.environ):
        print(f"{PROG} {first}: {line}", file=sys.stderr, flush=True)
    args = argv[1:]
    if first == "crawl" and not names_a_spider(args):
        args = [SPIDER, *args]
    run_scrapy(first, args)


def run_scrapy(command: str, args: list[str]) -> NoReturn:
    """Scrapy's command line for one of the project's commands; exits with the command's code."""
    from scrapy import cmdline

    class Parser(cmdline.ScrapyArgumentParser):
        """Scrapy's parser, with the command the user typed (`newscrawl crawl`) in the usage line."""

        def __init__(self, *args, usage: str | None = None, **kwargs) -> None:
            if usage and usage.startswith("scrapy "):
                usage = PROG + usage.removeprefix("scrapy")
                if command == "crawl":  # here the spider's name may be left out
                    usage = usage.replace("<spider>", f"[<spider>, default {SPIDER}]")
            super().__init__(*args, usage=usage, **kwargs)

    from newscrawl.commands._cli import standard_output, stdout_failed

    # execute() builds its parser from this module-level name, and has no other way to set it
    cmdline.ScrapyArgumentParser = Parser  # type: ignore[misc]
    stop_if_seen()
    try:
        cmdline.execute([PROG, command, *args])
    except SystemExit:
        # what the command left in stdout's buffer: a reader gone (`| true`) is exit 141 and a
        # full disk one line and exit 1, as for its own writes (Python's flush at exit would say
        # "Exception ignored" and exit 120)
        with standard_output(command):
            pass
        raise
    except BrokenPipeError as exc:  # a write to standard output that no command expected
        stdout_failed(command, exc)
    raise SystemExit(0)  # execute() always exits; this keeps the type checker right


def say(text: str) -> NoReturn:
    """Print `text` and exit 0; a reader gone (`| true`) or a full disk ends as for a command
    (commands/_cli.standard_output: 141, or one line and 1), without a traceback."""
    from newscrawl.commands._cli import standard_output

    with standard_output(None):
        print(text)
    raise SystemExit(0)


class _ProbeError(Exception):
    """An argument error while looking for a spider's name."""


def names_a_spider(args: list[str]) -> bool:
    """Whether `crawl`'s arguments name a spider (a positional argument), read with the crawl
    command's own options, so that `-a url=X` is an option's value and not a spider's name."""
    from scrapy.cmdline import ScrapyArgumentParser
    from scrapy.settings import Settings

    class Probe(ScrapyArgumentParser):
        def error(self, message: str) -> NoReturn:
            raise _ProbeError(message)

    command = _command("crawl")
    command.settings = Settings()
    parser = Probe(add_help=False, conflict_handler="resolve")
    command.add_options(parser)
    try:
        _, extras = parser.parse_known_args(args)
    except _ProbeError:  # the real run reports what is wrong, in its own words
        return True
    return any(not arg.startswith("-") or arg == "-" for arg in extras)


def _command(name: str):
    """A project command's object (newscrawl/commands/NAME.py)."""
    import importlib

    return importlib.import_module(f"newscrawl.commands.{name}").Command()


def help_text() -> str:
    """`newscrawl --help`: the commands, one line each."""
    width = max(map(len, COMMANDS))
    lines = [f"  {name:<{width}}  {SUMMARIES.get(name) or _command(name).short_desc()}"
             for name in COMMANDS]
    return "\n".join([
        USAGE,
        "",
        "News sites to clean, deduplicated article records in JSON Lines.",
        "",
        "commands:",
        *lines,
        "",
        f"`{PROG} COMMAND --help` shows a command's options. Relative paths are read from the",
        "current directory, and the crawl state is kept in .newscrawl/state.sqlite there",
        "(-s NEWSCRAWL_STATE=PATH to keep it elsewhere).",
        "",
        "options:",
        "  -h, --help     show this help and exit",
        "  -V, --version  show the version of newscrawl and Scrapy and exit",
    ])


def version_line() -> str:
    """`newscrawl --version`: this package's version, and Scrapy's and Python's."""
    from importlib import metadata

    import scrapy

    try:
        version = metadata.version("newscrawl")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        from newscrawl import __version__ as version
    python = ".".join(map(str, sys.version_info[:3]))
    return f"{PROG} {version} (Scrapy {scrapy.__version__}, Python {python})"


def no_command() -> str:
    """The line for `newscrawl` run with nothing after it (after the usage line, as argparse)."""
    return f"no command given: use one of {', '.join(COMMANDS)} ({PROG} --help)"


def unknown_command(given: str) -> str:
    """The one line for a command (or an option before any command) that is not one of ours."""
    if given.startswith("-"):
        return f"unknown option {given!r}: give the command first, as in {PROG} crawl -a url=URL ({PROG} --help lists them)"
    import difflib

    close = difflib.get_close_matches(given, COMMANDS, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown command {given!r}: {hint}use one of {', '.join(COMMANDS)} ({PROG} --help)"


def ignored_settings_module(from_environment: str | None) -> str | None:
    """What to say when the caller named a settings module of its own (SCRAPY_SETTINGS_MODULE,
    or a scrapy.cfg here or above): newscrawl runs with its own, and said nothing of theirs."""
    named = from_environment if from_environment and from_environment != SETTINGS_MODULE else None
    how = f"SCRAPY_SETTINGS_MODULE={named}"
    if named is None:
        from scrapy.utils.conf import closest_scrapy_cfg, get_config

        cfg = closest_scrapy_cfg()
        named = get_config().get("settings", "default", fallback=None) if cfg else None
        if not named or named == SETTINGS_MODULE:
            return None
        how = f"{cfg} (settings: default = {named})"
    return (f"{how} is not used: {PROG} runs with its own settings ({SETTINGS_MODULE}); give yours "
            "with -s NAME=VALUE")


def usage_error(message: str) -> NoReturn:
    """`newscrawl: MESSAGE` on stderr, exit 2."""
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)
    raise SystemExit(EXIT_USAGE)


if __name__ == "__main__":
    main()
