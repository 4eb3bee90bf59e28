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

from newscrawl.commands._cli import EXIT_USAGE, fail, setup_parser
from newscrawl.health import judge_site
from newscrawl.processors import canonical_url
from newscrawl.sites import SitesFileError, load_sites
from newscrawl.state import StateError, open_state

logger = logging.getLogger(__name__)

EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later
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
        super().process_options(args, opts)
        settings = self.settings
        self.output_dir = Path(opts.output_dir or settings.get("NEWSCRAWL_CRON_DIR") or "output/cron")
        self.output_dir.mkdir(parents=True, exist_ok=True)
        if not opts.logfile:
            settings.set("LOG_FILE", str(self.output_dir / "cron.log"), priority="cmdline")
            settings.set("LOG_FILE_APPEND", True, priority="cmdline")
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

    def run(self, args: list[str], opts) -> None:
        spider = args[0] if args else "site"
        if len(args) > 1:
            raise UsageError("scrapy cron runs one spider")
        if not opts.spargs.get("url") and not opts.spargs.get("sites"):
            raise UsageError("give -a url=START_URL or -a sites=sites.toml")
        if opts.spargs.get("sites"):
            try:
                load_sites(opts.spargs["sites"])
            except SitesFileError as exc:
                print(f"scrapy cron: {exc}", file=sys.stderr)
                self.exitcode = 2
                return
        state_path = Path(self.settings.get("NEWSCRAWL_STATE") or ".newscrawl/state.sqlite")
        lock_path = state_path.with_name(state_path.name + ".lock")
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
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        finished = datetime.now(UTC)
        stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
        sites = list(getattr(crawler.spider, "sites", {}) or {})
        published = None
        if self.part.exists():
            self.part.replace(self.final)
            published = self.final.name
        quiet = self._update_quiet_runs(sites, stats)
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
        summary["exit_code"] = 0 if summary["healthy"] else 1
        summary_path = self.final.with_name(self.final.name.removesuffix(".jsonl") + ".summary.json")
        _write_json(summary_path, summary)
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
