"""`python -m benchmarks.quality DIR [DIR...]` (`make quality`): score the extractors on
ground-truth data sets. Exit 0 when scored, 1 when a file cannot be read or written, 2 for bad
arguments (checked before any set runs)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.quality.ablate import ablate
from benchmarks.quality.datasets import detect_kind
from benchmarks.quality.report import EXTRACTORS, run

EXIT_FAILED, EXIT_USAGE = 1, 2


def fail(message: str, code: int) -> None:
    """One line on stderr, and the exit code."""
    print(f"quality: {' '.join(message.split())}", file=sys.stderr)
    raise SystemExit(code)


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


def parser() -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__)
    options.error = lambda message: fail(message, EXIT_USAGE)  # type: ignore[method-assign]
    options.add_argument("sets", nargs="+", metavar="DIR", help="data set folders (aeb, fundus, wcxb, wpnews, pagetypes)")
    options.add_argument("--worst", type=_count(0), default=0, metavar="N",
                         help="print the N worst pages per field of the first extractor (newscrawl unless --only)")
    options.add_argument("--limit", type=_count(1), default=None, metavar="N", help="only the first N pages per set")
    options.add_argument("--json", dest="json_path", metavar="PATH", help="write all scores as JSON to PATH")
    options.add_argument("--only", choices=sorted(EXTRACTORS), help="run one extractor (e.g. skip trafilatura)")
    options.add_argument("--half", choices=("tune", "check", "both", "all"), default="both",
                         help="which half of each set (split.json): tune, check, both (each "
                              "scored apart; the default) or all pages together")
    options.add_argument("--baseline", metavar="FILE", help="compare with the scores in FILE "
                         "(benchmarks/quality/baseline.json)")
    options.add_argument("--save-baseline", metavar="FILE", help="write this run's scores to FILE")
    options.add_argument("--ablate", action="store_true",
                         help="switch each named extraction rule off in turn (newscrawl, check "
                              "halves) and print its effect on every check half's key scores")
    options.add_argument("--rules", metavar="NAME,...",
                         help="with --ablate: switch off only these rules (default: every rule)")
    options.add_argument("--workers", type=_count(1), default=2, metavar="N",
                         help="processes for --ablate (default 2)")
    return options


def main(argv: list[str] | None = None) -> int:
    opts = parser().parse_args(argv)
    for directory in opts.sets:  # every set is checked before the first one runs for minutes
        _check_set(directory)
    if opts.json_path:
        _check_output(opts.json_path)
    extractors = {opts.only: EXTRACTORS[opts.only]} if opts.only else dict(EXTRACTORS)
    halves = {"tune": ("tune",), "check": ("check",), "both": ("tune", "check"), "all": (None,)}[opts.half]
    if opts.worst and opts.half == "check":
        fail("--worst opens pages one by one: the tune half only (the check half is scored in "
             "aggregate)", EXIT_USAGE)
    if opts.ablate:
        try:
            ablate(opts.sets, sys.stdout, workers=opts.workers, limit=opts.limit,
                   only=[r for r in (opts.rules or "").split(",") if r])
        except ValueError as exc:
            fail(str(exc), EXIT_USAGE)
        except OSError as exc:
            fail(f"{exc.filename or 'a data set file'}: {exc.strerror or exc}", EXIT_FAILED)
        return 0
    baseline = None
    if opts.baseline:
        try:
            baseline = json.loads(Path(opts.baseline).read_text("utf-8"))
        except OSError as exc:
            fail(f"--baseline {opts.baseline}: {exc.strerror or exc}", EXIT_USAGE)
        except ValueError as exc:
            fail(f"--baseline {opts.baseline}: not a scores file ({exc})", EXIT_USAGE)
    try:
        run(opts.sets, extractors, limit=opts.limit, worst=opts.worst, json_path=opts.json_path,
            halves=halves, baseline=baseline, save_baseline=opts.save_baseline)
    except OSError as exc:
        fail(f"{exc.filename or 'a data set file'}: {exc.strerror or exc}", EXIT_FAILED)
    except ValueError as exc:  # a page or ground-truth file of a set that cannot be parsed
        fail(f"a data set file cannot be read: {exc}", EXIT_FAILED)
    return 0


def _check_set(directory: str) -> None:
    path = Path(directory)
    if not path.is_dir():
        what = "no such folder" if not path.exists() else "not a folder"
        fail(f"{what}: {directory} (give a data set folder, e.g. ../shared/data/wcxb)", EXIT_USAGE)
    try:
        detect_kind(path)
    except (OSError, ValueError) as exc:  # not a set, or a ground-truth file that is not JSON
        text = str(exc)
        fail(text if text.startswith(directory) else f"{directory}: {text}", EXIT_USAGE)


def _check_output(json_path: str) -> None:
    path = Path(json_path)
    if path.is_dir():
        fail(f"--json {json_path} is a folder: give a file name", EXIT_USAGE)
    if not path.parent.is_dir():
        what = "no such folder" if not path.parent.exists() else "not a folder"
        fail(f"--json {json_path}: {what}: {path.parent} (nothing was scored)", EXIT_FAILED)


if __name__ == "__main__":
    sys.exit(main())
