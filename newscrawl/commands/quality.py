"""`scrapy quality DIR [DIR...]`: score the extractors on ground-truth data sets."""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.quality.report import EXTRACTORS, run


class Command(ScrapyCommand):
    """Print one table per data set: a row per metric, a column per extractor."""

    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "DIR [DIR...]"

    def short_desc(self) -> str:
        return "Score extraction against the data sets' ground truth (aeb, fundus, wcxb, wpnews)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--worst",
            type=int,
            default=0,
            metavar="N",
            help="print the N worst pages per field (first extractor: newscrawl unless --only)",
        )
        parser.add_argument(
            "--limit", type=int, default=None, metavar="N", help="only the first N pages per set"
        )
        parser.add_argument(
            "--json", dest="json_path", metavar="PATH", help="write all scores as JSON to PATH"
        )
        parser.add_argument(
            "--only", choices=sorted(EXTRACTORS), help="run one extractor (e.g. skip trafilatura)"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give at least one data set directory")
        extractors = {opts.only: EXTRACTORS[opts.only]} if opts.only else dict(EXTRACTORS)
        try:
            run(args, extractors, limit=opts.limit, worst=opts.worst, json_path=opts.json_path)
        except (OSError, ValueError) as exc:
            raise UsageError(str(exc), print_help=False) from exc
