"""`scrapy cron -a url=... | -a sites=sites.toml [-a since=2d]`: one unattended run.

- refuses to start while another run on the same state holds the lock (exit 75, EX_TEMPFAIL);
  the lock is flock(2) on `<NEWSCRAWL_STATE>.lock`, so a killed run never leaves a stale lock;
- writes the run's articles to `<dir>/articles-<UTC time>.jsonl.part` and renames it to
  `articles-<UTC time>.jsonl` when the crawl is over, so the file appears only when complete;
  a part file left by a killed run is recovered first (complete lines kept, a torn tail cut,
  its articles marked as emitted in the state, then published);
- writes `articles-<UTC time>.summary.json` beside it: counts, drops by reason, errors by type,
  duration, per site, health verdict;
- exits 0 when every site was healthy and 1 when not (see newscrawl/health.py);
- logs to `<dir>/cron.log` (or --logfile) and logs a progress line every
  NEWSCRAWL_CRON_PROGRESS_INTERVAL seconds (also printed when stderr is a terminal).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import logging
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from scrapy import Spider, signals
from scrapy.commands import BaseRunSpiderCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured, UsageError
from scrapy.utils.asyncio import create_looping_call
from twisted.internet.defer import Deferred

from newscrawl.commands._cli import EXIT_USAGE, check_logging, fail, setup_parser
from newscrawl.commands.crawl import error_line
from newscrawl.health import judge_site
from newscrawl.ops.coverage import coverage_sites, site_coverage
from newscrawl.ops.summary import no_article_reasons
from newscrawl.output_guard import path_problems, unwritable_reason
from newscrawl.processors import canonical_url
from newscrawl.state import StateError, open_state, stateless

logger = logging.getLogger(__name__)

EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
PART = ".part"


# -- the lock ---------------------------------------------------------------------------------

def acquire_lock(path: Path) -> IO[str] | None:
    """An exclusive flock on `path` (held while the returned file stays open), or None if taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def lock_holder(path: Path) -> str:
    try:
        return path.read_text("utf-8").strip() or "?"
    except OSError:
        return "?"


# -- output files -----------------------------------------------------------------------------

def recover_part(part: Path, store: Any) -> dict[str, Any]:
    """Publish a part file left by a killed run: keep complete lines, cut a torn tail, and mark
    its articles as emitted (the killed run may have written a line but not recorded it)."""
    data = part.read_bytes()
    end = data.rfind(b"\n") + 1
    kept: list[bytes] = []
    bad = 0
    for line in data[:end].splitlines(keepends=True):
        try:
            item = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if not isinstance(item, dict):
            bad += 1
            continue
        kept.append(line)
        _mark_emitted(store, item)
    part.write_bytes(b"".join(kept))
    final = _free_name(part.with_name(part.name.removesuffix(PART)))
    part.replace(final)
    info = {"file": final.name, "articles": len(kept), "torn_tail_bytes": len(data) - end,
            "bad_lines": bad}
    _write_json(final.with_name(final.name.removesuffix(".jsonl") + ".summary.json"),
                {"recovered_from_killed_run": True, **info})
    return info


def _mark_emitted(store: Any, item: dict[str, Any]) -> None:
    revision = item.get("revision") or 1
    urls = {item.get("canonical_url") or item.get("url"), canonical_url(item.get("url"))}
    for url in filter(None, urls):
        entry = store.get(url)
        if entry is None or entry.revision < revision:
            store.record(url, item.get("fingerprint"), item.get("modified"), revision)


def _free_name(path: Path) -> Path:
    """`path`, or `path` with -2, -3, ... when a file of that name exists."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", "utf-8")
    tmp.replace(path)


# -- the summary ------------------------------------------------------------------------------

def _by_prefix(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix):]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}


def site_counts(stats: dict[str, Any], name: str) -> dict[str, int]:
    return _by_prefix(stats, f"newscrawl/site/{name}/")


def summarize(stats: dict[str, Any], sites: list[str], quiet: dict[str, int],
              max_quiet_runs: int) -> dict[str, Any]:
    """Counts, drops, errors and the health verdict of a finished run."""
    verdicts = {name: judge_site(name, site_counts(stats, name), quiet.get(name, 0), max_quiet_runs)
                for name in sites}
    errors = _by_prefix(stats, "newscrawl/errors/")
    for key, value in _by_prefix(stats, "spider_exceptions/").items():
        errors[f"spider_exception/{key}"] = value
    skipped = _by_prefix(stats, "newscrawl/skipped/")
    problems = [f"{name}: {p}" for name, v in verdicts.items() for p in v.problems]
    return {
        "healthy": not problems,
        "problems": problems,
        "articles": stats.get("newscrawl/articles/emitted", 0),
        "revisions": stats.get("newscrawl/articles/revised", 0),
        "pages": stats.get("response_received_count", 0),
        "requests": stats.get("downloader/request_count", 0),
        "not_modified": {"feeds_and_sitemaps": stats.get("httpcache/revalidate", 0),
                         "articles": stats.get("newscrawl/revisit/not_modified", 0)},
        "revisited": stats.get("newscrawl/revisit/revisited", 0),
        "skipped": skipped,
        "dropped": _by_prefix(stats, "newscrawl/dropped/"),
        "errors": errors,
        "finish_reason": stats.get("finish_reason"),
        # pages that did not become articles, by reason (the crawl's `no articles written:` counts)
        "not_written": no_article_reasons(stats),
        "coverage": {site: site_coverage(stats, site) for site in coverage_sites(stats)},
        "sites": {name: {"healthy": v.healthy, "problems": v.problems, "quiet_runs": v.quiet_runs,
                         **v.counts} for name, v in verdicts.items()},
    }


# -- the progress line ------------------------------------------------------------------------

class ProgressLine:
    """Logs `progress: N pages, N articles, N pages/min, N errors` every few seconds."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.task = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLine:
        interval = crawler.settings.getfloat("NEWSCRAWL_CRON_PROGRESS_INTERVAL", 60)
        if interval <= 0:
            raise NotConfigured
        return cls(crawler, interval)

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.task = create_looping_call(self.report)
        self.task.start(self.interval, now=False)

    def line(self) -> str:
        stats = self.crawler.stats.get_stats()
        pages = stats.get("response_received_count", 0)
        minutes = max(time.monotonic() - self.started, 1e-6) / 60
        errors = sum(_by_prefix(stats, "newscrawl/errors/").values())
        return (f"progress: {pages} pages, {stats.get('newscrawl/articles/emitted', 0)} articles, "
                f"{pages / minutes:.0f} pages/min, {errors} errors")

    def report(self) -> None:
        line = self.line()
        logger.info(line)
        if sys.stderr.isatty():
            print(line, file=sys.stderr, flush=True)

    def spider_closed(self, spider: Spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()


# -- the command ------------------------------------------------------------------------------

class Command(BaseRunSpiderCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] -a url=URL | -a sites=FILE [-a since=2d]"

    def short_desc(self) -> str:
        return "Run the site spider unattended (a lock, one output file and a summary per run)"

    def long_desc(self) -> str:
        return (f"{self.short_desc()}. Exit 0 when every site was healthy, 1 when not, 2 for bad "
                f"arguments, {EXIT_LOCKED} while an earlier run holds the lock.")

    def add_options(self, parser) -> None:
        super().add_options(parser)
        setup_parser(parser, "cron")
        parser.add_argument("--output-dir", metavar="DIR", default=None,
                            help="the folder for the run's articles, summary and log "
                                 "(default NEWSCRAWL_CRON_DIR, output/cron)")
        # cron names its own per-run files: -o/-O are refused (process_options), not offered
        for flags, dest in ((("-o", "--output"), "output"), (("-O", "--overwrite-output"), "overwrite_output")):
            parser.add_argument(*flags, dest=dest, metavar="FILE", action="append", help=argparse.SUPPRESS)

    def process_options(self, args: list[str], opts) -> None:
        if opts.output or opts.overwrite_output:
            flag = "-o" if opts.output else "-O"
            fail("cron", f"{flag} is not for scrapy cron: it writes each run's articles to its own "
                 "file in --output-dir DIR (use scrapy crawl for one output file)", EXIT_USAGE)
        try:
            super().process_options(args, opts)
        except UsageError as exc:
            fail("cron", str(exc), EXIT_USAGE)
        check_logging(self.settings, "cron")
        self.check_command_line(args, opts)
        settings = self.settings
        self.output_dir = Path(opts.output_dir or settings.get("NEWSCRAWL_CRON_DIR") or "output/cron")
        if stateless(settings):
            fail("cron", "a cron run needs a state (it remembers what earlier runs wrote): set "
                       "NEWSCRAWL_STATE to a file, or use `scrapy crawl` for a crawl without state",
                       EXIT_BAD_INPUT)
        # every file a run writes, checked before it starts: the folder (part, articles, summary,
        # status) and the log
        probe = self.output_dir / "cron-status.json"
        for path in (probe, Path(opts.logfile or self.output_dir / "cron.log")):
            reason = unwritable_reason(path)
            if reason:
                fail("cron", f"cannot write to {path}: {reason}", EXIT_FAILED)
        if not opts.logfile:
            settings.set("LOG_FILE", str(self.output_dir / "cron.log"), priority="cmdline")
            settings.set("LOG_FILE_APPEND", True, priority="cmdline")
        for problem in path_problems(settings):  # JOBDIR, the HTTP cache
            fail("cron", problem, EXIT_FAILED)
        extensions = dict(settings.getdict("EXTENSIONS"))
        extensions.setdefault("newscrawl.commands.cron.ProgressLine", 520)
        settings.set("EXTENSIONS", extensions, priority="cmdline")
        self.started = datetime.now(UTC)
        stamp = self.started.strftime("%Y%m%dT%H%M%SZ")
        self.final = _free_name(self.output_dir / f"articles-{stamp}.jsonl")
        self.part = self.final.with_name(self.final.name + PART)
        feeds = dict(settings.getdict("FEEDS"))
        feeds[str(self.part)] = {"format": "jsonlines", "overwrite": True, "encoding": "utf-8"}
        settings.set("FEEDS", feeds, priority="cmdline")

    def check_command_line(self, args: list[str], opts) -> None:
        """The settings, the spider and its arguments, checked as `scrapy crawl` checks them
        (one line, exit 2), before the lock or any file is touched."""
        from newscrawl.commands.crawl import check_command_line, check_settings

        if len(args) > 1:
            fail("cron", "give one spider at most (scrapy cron [site] -a url=...)", EXIT_BAD_INPUT)
        problems = check_settings(self.settings)
        if problems:
            fail("cron", problems[0], EXIT_BAD_INPUT)
        if opts.spargs.get("article") or opts.spargs.get("articles"):
            fail("cron", "-a article= extracts single pages once: use `scrapy crawl site -a article=URL "
                       "-o FILE`; a cron run crawls sites (-a url=, -a urls=, -a sites=)", EXIT_BAD_INPUT)
        if not any(opts.spargs.get(name) for name in ("url", "urls", "sites")):
            fail("cron", "give -a url=START_URL, -a urls=FILE or -a sites=sites.toml", EXIT_BAD_INPUT)
        problem = check_command_line(args or ["site"], opts.spargs, self.settings)
        if problem:
            fail("cron", problem, EXIT_BAD_INPUT)

    def run(self, args: list[str], opts) -> None:
        spider = args[0] if args else "site"
        state_path = Path(self.settings.get("NEWSCRAWL_STATE") or ".newscrawl/state.sqlite")
        lock_path = state_path.with_name(state_path.name + ".lock")
        reason = unwritable_reason(lock_path)
        if reason:
            print(f"scrapy cron: cannot write the lock {lock_path}: {reason}", file=sys.stderr)
            self.exitcode = EXIT_FAILED
            return
        lock = acquire_lock(lock_path)
        if lock is None:
            print(f"scrapy cron: an earlier run (pid {lock_holder(lock_path)}) still holds "
                  f"{lock_path}; not starting (exit {EXIT_LOCKED})", file=sys.stderr)
            self.exitcode = EXIT_LOCKED
            return
        try:
            self.exitcode = self._run_locked(spider, opts)
        finally:
            lock.close()

    def _run_locked(self, spider: str, opts) -> int:
        try:
            recovered = self._recover()
        except StateError as exc:
            print(f"scrapy cron: {exc}", file=sys.stderr)
            return 1
        crawler = self._create_crawler(spider)
        started = self.crawler_process.crawl(crawler, **opts.spargs)
        failures: list[str] = []
        if isinstance(started, Deferred):  # a state or an output that cannot be used: one line
            started.addErrback(lambda failure: failures.append(error_line(failure.value)))
        self.crawler_process.start()
        for line in failures:
            print(f"scrapy cron: {line}", file=sys.stderr)
        finished = datetime.now(UTC)
        try:
            stats = dict(crawler.stats.get_stats())
        except (RuntimeError, AttributeError):  # the crawl never started
            stats = {}
        sites = list(getattr(crawler.spider, "sites", {}) or {})
        published = None
        if self.part.exists():
            self.part.replace(self.final)
            published = self.final.name
        try:
            quiet = self._update_quiet_runs(sites, stats)
        except OSError as exc:
            print(f"scrapy cron: cannot write {self.output_dir / 'cron-status.json'}: "
                  f"{exc.strerror or exc}; quiet runs are not counted", file=sys.stderr)
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
        if self.crawler_process.bootstrap_failed or not sites:
            summary["healthy"] = False
            summary["problems"].insert(0, "the crawl could not start; see the log")
        if stats.get("newscrawl/output/error"):
            summary["healthy"] = False
            summary["problems"].insert(0, f"cannot write to {stats['newscrawl/output/error']}")
        summary["exit_code"] = 0 if summary["healthy"] else 1
        summary_path = self.final.with_name(self.final.name.removesuffix(".jsonl") + ".summary.json")
        try:
            _write_json(summary_path, summary)
        except OSError as exc:
            print(f"scrapy cron: cannot write the summary {summary_path}: {exc.strerror or exc}; "
                  f"the articles are in {published or 'no file'}", file=sys.stderr)
            return EXIT_FAILED
        if not summary["healthy"]:
            # cron mails what a job prints: print only when something needs a person
            for problem in summary["problems"]:
                print(f"scrapy cron: unhealthy: {problem}", file=sys.stderr)
            print(f"scrapy cron: summary in {summary_path}", file=sys.stderr)
        return summary["exit_code"]

    def _recover(self) -> list[dict[str, Any]]:
        parts = sorted(p for p in self.output_dir.glob(f"articles-*.jsonl{PART}") if p != self.part)
        if not parts:
            return []
        store = open_state(self.settings)
        try:
            return [recover_part(part, store) for part in parts]
        finally:
            store.close()

    def _update_quiet_runs(self, sites: list[str], stats: dict[str, Any]) -> dict[str, int]:
        """Runs in a row without a new article, per site (kept in <dir>/cron-status.json)."""
        path = self.output_dir / "cron-status.json"
        try:
            status = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            status = {}
        quiet = status.get("quiet_runs", {}) if isinstance(status, dict) else {}
        for name in sites:
            emitted = stats.get(f"newscrawl/site/{name}/emitted", 0)
            quiet[name] = 0 if emitted else int(quiet.get(name, 0)) + 1
        _write_json(path, {"quiet_runs": quiet, "last_run": datetime.now(UTC).isoformat(timespec="seconds")})
        return quiet
