"""What an unattended `scrapy cron` run needs besides the crawl: the lock, file names that never
collide, the run's summary and health verdict, quiet-run counting, and the progress line."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from newscrawl.ops.coverage import coverage_sites, site_coverage
from newscrawl.ops.health import judge_site
from newscrawl.ops.summary import no_article_reasons, pages_fetched, written
from newscrawl.output.guard import real_state
from newscrawl.output.recovery import PART

logger = logging.getLogger("newscrawl.commands.cron")


# -- the lock ---------------------------------------------------------------------------------

def state_lock(state: Path) -> Path:
    """The lock of a state: beside the file it really is, so that a run given a link to the
    state (or a linked folder) waits for a run given the file itself."""
    real = real_state(state)
    return real.with_name(real.name + ".lock")


def acquire_lock(path: Path) -> IO[str] | None:
    """An exclusive flock on `path` (held while the returned file stays open), or None if taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    # the pid only names the holder in the next run's line: on a full disk the lock holds without
    # it (unbuffered, so that closing the handle has nothing left to fail on)
    try:
        os.ftruncate(handle.fileno(), 0)
        os.pwrite(handle.fileno(), f"{os.getpid()}\n".encode(), 0)
    except OSError:
        pass
    return handle


def lock_taken(path: Path) -> bool:
    """Whether another process holds the flock of an existing lock file; found without creating
    anything (a missing lock file is no lock taken), so that a run that cannot start makes no
    folder and no log (the flock taken here to see is released at once). Only a flock that would
    block is held: any other refusal (NFS takes LOCK_EX only on a file open for writing) is left
    to the run's own flock (`acquire_lock`), which took it for held, and no run ran again."""
    fd = _open_to_look(path)
    if fd is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
    return False


def _open_to_look(path: Path) -> int | None:
    """The lock file opened without creating or waiting (a named pipe there: opened, not waited
    on); for writing when it may be, as NFS wants for an exclusive flock. None if it cannot be."""
    for mode in (os.O_RDWR, os.O_RDONLY):
        try:
            return os.open(path, mode | os.O_NONBLOCK)
        except PermissionError:
            continue
        except OSError:
            return None
    return None


def lock_holder(path: Path) -> str:
    try:
        return path.read_text("utf-8").strip() or "?"
    except OSError:
        return "?"


# -- files ------------------------------------------------------------------------------------

def taken(final: Path) -> bool:
    """Whether a run has or had this articles file: published, or still being written."""
    return final.exists() or final.with_name(final.name + PART).exists()


def free_name(path: Path) -> Path:
    """`path`, or `path` with -2, -3, ... when a file of that name or its part file exists."""
    candidate, number = path, 1
    while taken(candidate):
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def _same_file(handle: IO[bytes], path: Path) -> bool:
    """Whether `path` still names the file `handle` has open (not renamed or replaced since)."""
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except OSError:
        return False


def hold_part(part: Path) -> IO[bytes] | None:
    """The part file open, with an exclusive flock on it, or None when another run holds it
    (writing it, or recovering it) or it is gone. The lock goes when the handle closes or the
    process dies, so a killed run's part file is free to recover."""
    try:
        handle = part.open("rb")
    except OSError:
        return None
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    if not _same_file(handle, part):  # recovered and published in the meantime
        handle.close()
        return None
    return handle


def reserve_run_file(folder: Path, stamp: str) -> tuple[Path, IO[bytes]]:
    """A run's own articles file: `<folder>/articles-<stamp>.jsonl`, or `...-2.jsonl`, ... .

    Its part file is created with O_EXCL, so choosing the name and creating the file are one
    step: two runs started in the same second (two sites, two states, one folder) cannot both
    get a name. It stays flocked while the returned handle is open, so another run's recovery
    leaves it alone. A name whose articles file was published already is passed over."""
    folder.mkdir(parents=True, exist_ok=True)
    number = 1
    while True:
        final = folder / (f"articles-{stamp}.jsonl" if number == 1 else f"articles-{stamp}-{number}.jsonl")
        part = final.with_name(final.name + PART)
        number += 1
        try:
            os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        # another run's recovery may take a part file between its creation and the flock: then
        # it is that run's to publish, and this run takes the next name
        handle = hold_part(part)
        if handle is None:
            continue
        if final.exists():  # a run of that name finished before this one created the part
            part.unlink()
            handle.close()
            continue
        return final, handle


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive flock on the folder itself, for a read-modify-write of a file shared by the
    runs writing to it (no lock file is left behind)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def write_json(path: Path, data: Any) -> None:
    """Write JSON whole: a reader never sees half a file. The temporary file is this process's
    own: two runs writing to one folder do not share it."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", "utf-8")
        tmp.replace(path)
    except OSError:
        tmp.unlink(missing_ok=True)  # a full disk: no empty temporary file left beside it
        raise


def update_quiet_runs(path: Path, sites: list[str], stats: dict[str, Any],
                      complete: bool = True) -> dict[str, int]:
    """Runs in a row without a new article, per site (kept in <dir>/cron-status.json). A run
    stopped before it finished (not `complete`) ends a quiet streak but adds none to it. Read
    and written under the folder's lock: runs for other sites ending at once keep each other's
    counts."""
    with folder_lock(path.parent):
        try:
            status = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            status = {}
        quiet = status.get("quiet_runs", {}) if isinstance(status, dict) else {}
        for name in sites:
            emitted = stats.get(f"newscrawl/site/{name}/emitted", 0)
            quiet[name] = 0 if emitted else int(quiet.get(name, 0)) + (1 if complete else 0)
        write_json(path, {"quiet_runs": quiet, "last_run": datetime.now(UTC).isoformat(timespec="seconds")})
    return quiet


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
        "articles": written(stats),
        # -a article= pages written though they do not read as articles (in "articles" too)
        "forced": stats.get("newscrawl/articles/forced", 0),
        "revisions": stats.get("newscrawl/articles/revised", 0),
        "pages": pages_fetched(stats),  # robots.txt not counted
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
        # per site: articles written, then the site's counters (article_pages: pages read as articles)
        "sites": {name: {"healthy": v.healthy, "problems": v.problems, "quiet_runs": v.quiet_runs,
                         "articles": v.counts.get("emitted", 0), **v.counts} for name, v in verdicts.items()},
    }


# -- the progress line ------------------------------------------------------------------------

class ProgressLine:
    """Logs `progress: N pages, N articles, N pages/min, N errors` every few seconds, and once more
    as the crawl closes."""

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
        pages = pages_fetched(stats)
        minutes = max(time.monotonic() - self.started, 1e-6) / 60
        errors = sum(_by_prefix(stats, "newscrawl/errors/").values())
        return (f"progress: {pages} pages, {written(stats)} articles, "
                f"{pages / minutes:.0f} pages/min, {errors} errors")

    def report(self) -> None:
        line = self.line()
        logger.info(line)
        if sys.stderr.isatty():
            print(line, file=sys.stderr, flush=True)

    def spider_closed(self, spider: Spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        # the last count, so that a run shorter than one interval still logs its progress
        self.report()
