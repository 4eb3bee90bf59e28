"""`scrapy quality DIR [DIR...]`: score the extractors on ground-truth data sets."""

from __future__ import annotations

import argparse
from pathlib import Path

from scrapy.commands import ScrapyCommand

from newscrawl.commands._cli import EXIT_FAILED, EXIT_USAGE, fail, setup_parser
from newscrawl.quality.datasets import detect_kind
from newscrawl.quality.report import EXTRACTORS, run


def _count(minimum: int):
    """An argparse type: an integer of at least `minimum`."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, not {number}")
        return number

    return parse


class Command(ScrapyCommand):
    """Print one table per data set: a row per metric, a column per extractor."""

    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[options] DIR [DIR...]"

    def short_desc(self) -> str:
        return "Score extraction against the data sets' ground truth (aeb, fundus, wcxb, wpnews)"

    def long_desc(self) -> str:
        return (f"{self.short_desc()}. Exit 0 when scored, 1 when a file cannot be read or written, "
                "2 for bad arguments (checked before any set runs).")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        setup_parser(parser, "quality")
        parser.add_argument(
            "--worst",
            type=_count(0),
            default=0,
            metavar="N",
            help="print the N worst pages per field of the first extractor (newscrawl unless --only)",
        )
        parser.add_argument(
            "--limit", type=_count(1), default=None, metavar="N", help="only the first N pages per set"
        )
        parser.add_argument(
            "--json", dest="json_path", metavar="PATH", help="write all scores as JSON to PATH"
        )
        parser.add_argument(
            "--only", choices=sorted(EXTRACTORS), help="run one extractor (e.g. skip trafilatura)"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            fail("quality", "give at least one data set folder: scrapy quality DIR [DIR...]", EXIT_USAGE)
        for directory in args:  # every set is checked before the first one runs for minutes
            _check_set(directory)
        if opts.json_path:
            _check_output(opts.json_path)
        extractors = {opts.only: EXTRACTORS[opts.only]} if opts.only else dict(EXTRACTORS)
        try:
            run(args, extractors, limit=opts.limit, worst=opts.worst, json_path=opts.json_path)
        except OSError as exc:
            fail("quality", f"{exc.filename or 'a data set file'}: {exc.strerror or exc}", EXIT_FAILED)
        except ValueError as exc:  # a page or ground-truth file of a set that cannot be parsed
            fail("quality", f"a data set file cannot be read: {exc}", EXIT_FAILED)


def _check_set(directory: str) -> None:
    path = Path(directory)
    if not path.is_dir():
        what = "no such folder" if not path.exists() else "not a folder"
        fail("quality", f"{what}: {directory} (give a data set folder, e.g. ../shared/data/wcxb)", EXIT_USAGE)
    try:
        detect_kind(path)
    except (OSError, ValueError) as exc:  # not a set, or a ground-truth file that is not JSON
        text = str(exc)
        fail("quality", text if text.startswith(directory) else f"{directory}: {text}", EXIT_USAGE)


def _check_output(json_path: str) -> None:
    path = Path(json_path)
    if path.is_dir():
        fail("quality", f"--json {json_path} is a folder: give a file name", EXIT_USAGE)
    if not path.parent.is_dir():
        what = "no such folder" if not path.parent.exists() else "not a folder"
        fail("quality", f"--json {json_path}: {what}: {path.parent} (nothing was scored)", EXIT_FAILED)
