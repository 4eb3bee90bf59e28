"""Extraction off the reactor thread: one worker process per core, with a per-page time limit.

Each worker is a process fed over its own pipe by a small "slot" thread in the crawl process.
The slot thread sends one page (plain str/bytes), waits for the ExtractedPage with
`poll(timeout)`, and when a page takes longer than NEWSCRAWL_EXTRACT_TIMEOUT it kills that
worker (SIGKILL: a page stuck in C code or a regex cannot be interrupted any other way),
starts a fresh one and fails the page with ExtractionTimeout. The other workers keep going.
ProcessPoolExecutor cannot do this: killing one of its workers breaks the whole pool.

Workers are forked from a forkserver that has already imported the extraction code and run it
once (newscrawl/crawl/warmup.py), so a replacement starts warm in milliseconds and never
inherits the crawl process's threads or sockets.
Workers log as the crawl does: a worker keeps its log records (newscrawl's at the crawl's
LOG_LEVEL, other libraries' from ERROR up: trafilatura warns about every page it discards) and
sends them back with the page's result; the slot thread logs them in the crawl process, so they
go where the crawl's log goes (stderr, --logfile, nowhere with --nolog) in the crawl's format.
Callers await `ExtractPool.extract(...)` on the asyncio loop (Scrapy's asyncio reactor); at
most `queue_size` pages wait for a worker, later callers wait on a semaphore without blocking
the reactor.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection
from typing import Any, NamedTuple

from scrapy.http import HtmlResponse
from scrapy.link import Link
from scrapy.linkextractors import LinkExtractor
from scrapy.selector import Selector

from newscrawl.extract import ExtractedPage

logger = logging.getLogger(__name__)

_STOP = object()
_READY = "ready"
OWN_LOGGER = "newscrawl"  # a worker sends this project's records at the crawl's LOG_LEVEL ...
THIRD_PARTY_LEVEL = logging.ERROR  # ... and other libraries' from this level up only
PAGES_PER_WORKER = 2  # pages handed to a worker at once: the one it extracts and the next
STARTUP_TIMEOUT = 120.0  # seconds a new worker may take to start (a loaded machine, a cold disk)


class ExtractionTimeout(Exception):
    """A page took longer than the time limit; its worker was killed and replaced."""


class WorkerDied(Exception):
    """A worker process exited while extracting a page (crash, out of memory)."""


@dataclass(frozen=True)
class ExtractJob:
    """What a worker needs for one page: plain values only, cheap to pickle.

    With a `link_extractor`, the worker also extracts the page's links from the same parsed
    tree, so the crawl process never parses the page.
    """

    url: str
    body: bytes
    encoding: str | None = None
    profile: str | None = None
    fetched_at: datetime | None = None
    link_extractor: LinkExtractor | None = None
    # the crawl writes articles only: a page no body could make one gets none ("none"); a page
    # the user named as an article gets its full body ("full"); see extract_page
    non_article_body: str = "quick"


@dataclass
class JobResult:
    """The page's extraction, and its links (None when they were not asked for or not read).

    `extract_cpu_s` and `links_cpu_s`: CPU seconds the worker spent on each (the crawl's stats
    add them up, so a user sees what extraction costs and what the rest of the crawl does).
    """

    page: ExtractedPage
    links: list[Link] | None = None
    # the charset the page was decoded with, and why (newscrawl.extract.encoding.choose_encoding's answer)
    encoding: str | None = None
    encoding_how: str | None = None
    extract_cpu_s: float = field(default=0.0, compare=False)
    links_cpu_s: float = field(default=0.0, compare=False)
    waited_s: float = field(default=0.0, compare=False)  # how long the worker waited for this page


class LogLine(NamedTuple):
    """A worker's log record as plain values (a LogRecord's arguments may not pickle)."""

    name: str
    levelno: int
    message: str
    created: float


class _TreeResponse(HtmlResponse):
    """An HtmlResponse whose selector wraps a tree parsed already and whose text is the page
    decoded already (no second parse, no second decode)."""

    def __init__(self, *args: Any, tree: Any, text: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tree_selector = Selector(root=tree, type="html")
        self._decoded_text = text

    @property
    def selector(self) -> Selector:
        return self._tree_selector

    @property
    def text(self) -> str:
        return self._decoded_text if self._decoded_text is not None else super().text


def cpu_count() -> int:
    """Cores this process may run on (respects CPU affinity and container limits)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def run_job(job: ExtractJob) -> JobResult:
    """Extract one page in this process (what a worker does; also the in-process path)."""
    from newscrawl.extract import extract_page
    from newscrawl.extract.encoding import decode_page

    links: list[Link] | None = None
    links_cpu_s = 0.0
    started = time.process_time()
    try:  # decoded here, once, so the links are read from the same text as the article
        decoded = decode_page(job.body, job.encoding)
    except Exception as exc:  # extract_page decodes (and reports) it then
        logger.warning("could not decode %s here: %r", job.url, exc)
        decoded = None

    def read_links(tree: Any) -> None:
        nonlocal links, links_cpu_s
        links_started = time.process_time()
        try:
            response = _TreeResponse(job.url, body=job.body, tree=tree,
                                     encoding=decoded.encoding if decoded else job.encoding,
                                     text=decoded.text if decoded else None)
            links = job.link_extractor.extract_links(response)
        except Exception as exc:  # the crawl process reads them itself then
            logger.warning("could not read the links of %s here: %r", job.url, exc)
        links_cpu_s = time.process_time() - links_started

    page = extract_page(job.url, decoded.text if decoded else job.body, encoding=job.encoding,
                        profile=job.profile, fetched_at=job.fetched_at,
                        on_tree=read_links if job.link_extractor is not None else None,
                        non_article_body=job.non_article_body)
    return JobResult(page, links, decoded.encoding if decoded else None, decoded.how if decoded else None,
                     time.process_time() - started - links_cpu_s, links_cpu_s)


def _receive_jobs(conn: Connection, jobs: queue.SimpleQueue) -> None:
    """A worker's reader thread: takes pages off the pipe as they come (None: stop)."""
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            job = None
        jobs.put(job)
        if job is None:
            return


class _KeepRecords(logging.Handler):
    """A worker's only log handler: keeps each record as plain values, to send to the crawl."""

    def __init__(self, level: int) -> None:
        super().__init__(logging.NOTSET)
        self.own_level = level
        self.records: list[LogLine] = []

    def filter(self, record: logging.LogRecord) -> bool:
        # a library that sets its own logger's level would pass the root's ERROR: checked here too
        own = record.name == OWN_LOGGER or record.name.startswith(OWN_LOGGER + ".")
        return record.levelno >= (self.own_level if own else THIRD_PARTY_LEVEL)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.exc_info:
                message += "\n" + logging.Formatter().formatException(record.exc_info)
        except Exception:  # a record that cannot be formatted must not cost the page
            message = f"{record.msg!r} (unformattable log arguments)"
        self.records.append(LogLine(record.name, record.levelno, message, record.created))

    def take(self) -> list[LogLine]:
        records, self.records = self.records, []
        return records


def _configure_worker_logging(log_level: int | None) -> _KeepRecords | None:
    """The worker's logging: records kept for the crawl (None: --nolog, nothing kept).

    A NullHandler otherwise: with no handler at all, logging's last resort prints warnings on
    the worker's stderr, which is the crawl's (and cron mails what a job prints)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.setLevel(THIRD_PARTY_LEVEL)
    if log_level is None:
        root.addHandler(logging.NullHandler())
        logging.getLogger(OWN_LOGGER).setLevel(logging.CRITICAL + 1)
        return None
    logging.getLogger(OWN_LOGGER).setLevel(log_level)
    keep = _KeepRecords(log_level)
    root.addHandler(keep)
    return keep


def replay(records: list[LogLine]) -> None:
    """Log a worker's records in this (the crawl) process, through the crawl's log handlers."""
    for line in records:
        target = logging.getLogger(line.name)
        if target.isEnabledFor(line.levelno):
            record = logging.makeLogRecord({
                "name": line.name, "levelno": line.levelno, "levelname": logging.getLevelName(line.levelno),
                "msg": line.message, "args": None, "created": line.created,
                "msecs": (line.created % 1) * 1000})
            target.handle(record)


def _hangup_ignored() -> bool:
    """Whether the crawl ignores HUP (`nohup`): a worker forked from the forkserver inherits the
    forkserver's own ignoring, so it reads the crawl's from there."""
    forkserver = sys.modules.get("newscrawl.crawl.pool_forkserver")
    if forkserver is not None:
        return bool(forkserver.HANGUP_IGNORED)
    return signal.getsignal(signal.SIGHUP) == signal.SIG_IGN


def _worker_main(conn: Connection, gc_threshold: int = 0, log_level: int | None = None) -> None:
    """A worker's loop: take a job, send back its JobResult (or the exception) and the log
    records it made.

    A reader thread keeps the pipe drained, so the slot can send the next page while this one
    is extracted and the worker never waits for the crawl process between pages. `gc_threshold`
    (NEWSCRAWL_GC_THRESHOLD): allocations between young collections, 0 for Python's default.
    `log_level`: the crawl's LOG_LEVEL, None when the crawl logs nothing (--nolog).
    """
    # Ctrl-C reaches the whole process group; the crawl process decides when workers stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    page = _PageUnderWay()
    signal.signal(signal.SIGTERM, page.on_term)
    # a closed terminal or SSH session sends HUP to the whole group, as TERM (unless `nohup`)
    if not _hangup_ignored():
        signal.signal(signal.SIGHUP, page.on_term)
    keep = _configure_worker_logging(log_level)
    try:
        conn.send(_READY)  # the time limit starts with the first page, not with the worker's start-up
    except OSError:  # the crawl closed the pipe while this worker started (a second Ctrl-C): stop
        return
    gc.freeze()  # what start-up and the warm-up left is never garbage: no collection scans it again
    if gc_threshold > 0:  # ~0.2 ms of a page's ~55 went to collecting after every 700 allocations
        gc.set_threshold(gc_threshold, *gc.get_threshold()[1:])
    jobs: queue.SimpleQueue = queue.SimpleQueue()
    threading.Thread(target=_receive_jobs, args=(conn, jobs), name="receive", daemon=True).start()
    while True:
        waiting = time.monotonic()
        job = jobs.get()
        if job is None:
            return
        waited = time.monotonic() - waiting
        page.busy = True
        try:
            result: Any = run_job(job)
            result.waited_s = waited
        except Exception as exc:  # extract_page only raises for an unknown profile name
            result = exc
        records = keep.take() if keep is not None else []
        try:
            conn.send((result, records))
        except OSError:  # the crawl closed the pipe (it is stopping): nobody waits for the result
            return
        except Exception as exc:  # an unpicklable result must not kill the worker silently
            with contextlib.suppress(OSError):
                conn.send((RuntimeError(f"could not send the result back: {exc!r}"), records))
        page.busy = False
        if page.stopping:
            return


_EXIT_GRACE = 5.0  # seconds for a worker whose pipe closed to exit, before its exit code is read


class _PageUnderWay:
    """A worker's TERM (and HUP): the one `timeout`, `kill -- -PGID` and systemd send to the whole
    process group (HUP: a closed terminal or SSH session). Killed at once, a worker lost the page under way, which the summary then counted as a
    crashed extraction; it finishes and sends that page first, and an idle one stops at once."""

    busy = False
    stopping = False

    def on_term(self, signum: int, frame: Any) -> None:
        if not self.busy:
            raise SystemExit(0)
        self.stopping = True


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        # imported (and run once) in the forkserver, so every worker starts warm
        # ("__main__" as in multiprocessing's default: the crawl's main script is imported once there,
        # not once per worker)
        ctx.set_forkserver_preload(["__main__", "newscrawl.crawl.pool", "newscrawl.crawl.warmup",
                                    "newscrawl.crawl.pool_forkserver"])
        return ctx
    return multiprocessing.get_context("spawn")


def _start_forkserver_ignoring_ctrl_c(ctx: multiprocessing.context.BaseContext) -> None:
    """Start the forkserver now, with Ctrl-C blocked from its first instruction: multiprocessing
    ignores it there only after the preload, and a Ctrl-C during the second of imports and
    warm-up printed a KeyboardInterrupt traceback. (The crawl process decides when workers stop.)

    The forkserver inherits the signal mask of the thread that starts it, so Ctrl-C is blocked
    in this thread for the few milliseconds of its start, never ignored: a Ctrl-C meanwhile
    waits, or goes to another thread of the crawl, and reaches the crawl's handler either way
    (ignoring it here lost it). Only from the main thread, where the crawl takes Ctrl-C."""
    if ctx.get_start_method() != "forkserver" or threading.current_thread() is not threading.main_thread():
        return
    from multiprocessing import forkserver, resource_tracker

    # the forkserver starts multiprocessing's resource tracker, which unblocks Ctrl-C when it has
    # started it (the forkserver would then take Ctrl-C): it is started first, outside the window
    resource_tracker.ensure_running()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


class _Slot(threading.Thread):
    """Feeds one worker process; replaces it when it hangs or dies.

    The slot keeps PAGES_PER_WORKER pages with its worker: while the worker extracts one, the
    next is already there, so the worker never waits for this process (whose thread needs the
    GIL from the reactor to hand a page over). Each page's time limit runs from when the worker
    starts on it.
    """

    def __init__(self, pool: ExtractPool, index: int) -> None:
        super().__init__(name=f"extract-slot-{index}", daemon=True)
        self.pool = pool
        self.index = index
        self.process: multiprocessing.process.BaseProcess | None = None
        self.conn: Connection | None = None
        self.tasks_done = 0
        self.first_started = 0.0  # when the worker started on the oldest page it holds

    def _start_worker(self) -> None:
        parent, child = self.pool.ctx.Pipe(duplex=True)
        process = self.pool.ctx.Process(target=_worker_main, daemon=True,
                                        args=(child, self.pool.gc_threshold, self.pool.log_level),
                                        name=f"newscrawl-extract-{self.index}")
        process.start()
        child.close()
        self.process, self.conn, self.tasks_done = process, parent, 0
        self.pool.started_workers += 1
        try:
            ready = parent.poll(STARTUP_TIMEOUT) and parent.recv() == _READY
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._stop_worker(kill=True)
            raise WorkerDied(f"extraction worker did not start within {STARTUP_TIMEOUT:g}s")

    def _stop_worker(self, kill: bool = False, grace: float = 5.0) -> None:
        process, conn = self.process, self.conn
        self.process = self.conn = None
        if process is None:
            return
        if not kill and conn is not None:
            with contextlib.suppress(OSError):
                conn.send(None)
            process.join(grace)
        if process.is_alive():
            process.kill()
            process.join(grace)
        if conn is not None:
            conn.close()
        process.close()

    def run(self) -> None:
        in_flight: deque[tuple[Future, ExtractJob]] = deque()
        stopping = False
        try:
            # started here, not on the reactor thread: the first start waits for the forkserver;
            # a failure is retried with the next page, which then gets the error
            with contextlib.suppress(Exception):
                self._start_worker()
            while True:
                while not stopping and len(in_flight) < PAGES_PER_WORKER and not self._recycle_due(in_flight):
                    entry = self._take(block=not in_flight)
                    if entry is None:  # nothing waiting now: finish what the worker has
                        break
                    if entry is _STOP:
                        stopping = True
                        break
                    self._send(entry, in_flight)
                if in_flight:
                    self._finish_first(in_flight)
                elif stopping:
                    return
                elif self._recycle_due(in_flight):
                    self._stop_worker()  # recycled: whatever a worker accumulated is given back
        finally:
            for future, _ in in_flight:  # only left on an unexpected error: never leave a page unanswered
                if not future.done():
                    future.set_exception(WorkerDied("the extraction slot stopped"))
            self._stop_worker()

    def _take(self, block: bool) -> Any:
        """The next queued entry (a cancelled page is skipped), or None when none waits."""
        while True:
            try:
                entry = self.pool._jobs.get() if block else self.pool._jobs.get_nowait()
            except queue.Empty:
                return None
            if entry is _STOP or entry[0].set_running_or_notify_cancel():
                return entry

    def _recycle_due(self, in_flight: deque) -> bool:
        max_tasks = self.pool.max_tasks
        return bool(max_tasks) and self.process is not None and self.tasks_done + len(in_flight) >= max_tasks

    def _send(self, entry: tuple[Future, ExtractJob], in_flight: deque) -> None:
        """Send a page to the worker (started if need be); it joins `in_flight` unless it failed."""
        future, job = entry
        try:
            if self.process is None:
                self._start_worker()
            assert self.conn is not None
            if not in_flight:
                self.first_started = time.monotonic()  # an idle worker starts on it now
            self.conn.send(job)
        except WorkerDied as exc:
            future.set_exception(exc)
            return
        except (EOFError, OSError):
            pass  # the worker is gone: waiting for this page's answer finds out and says so
        except Exception as exc:  # e.g. a job that cannot be pickled
            future.set_exception(WorkerDied(repr(exc)))
            return
        in_flight.append(entry)

    def _finish_first(self, in_flight: deque) -> None:
        """Wait for the oldest page's answer within its time limit; on a kill, resend the rest."""
        future, _ = in_flight[0]
        assert self.conn is not None and self.process is not None
        timeout = self.pool.timeout
        remaining = None if timeout is None else max(0.0, timeout - (time.monotonic() - self.first_started))
        failure: Exception | None = None
        try:
            if self.conn.poll(remaining):
                result, records = self.conn.recv()
                replay(records)
            else:
                failure = ExtractionTimeout(f"extraction took longer than {timeout:g}s; "
                                            f"worker {self.process.pid} killed and replaced")
        except (EOFError, OSError) as exc:
            self.process.join(_EXIT_GRACE)  # its pipe is closed: it is on its way out
            if self.process.exitcode == 0:
                # it stopped on a TERM (_PageUnderWay) after answering every page it started:
                # this one and the rest go to a new worker
                self._stop_worker(kill=True)
                waiting = list(in_flight)
                in_flight.clear()
                self._resend(waiting, in_flight)
                return
            failure = WorkerDied(f"extraction worker died (exit code {self.process.exitcode}): {exc!r}")
        in_flight.popleft()
        if failure is not None:
            self._stop_worker(kill=True)
            future.set_exception(failure)
            waiting = list(in_flight)
            in_flight.clear()
            self._resend(waiting, in_flight)
            return
        self.tasks_done += 1
        self.first_started = time.monotonic()  # the worker went on to the next page it holds
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)

    def _resend(self, waiting: list, in_flight: deque) -> None:
        """Pages sent to a worker that is gone but not started there: a new worker takes them."""
        for entry in waiting:
            if self.pool._closed:  # shutting down: no new worker
                entry[0].set_exception(WorkerDied("the extraction pool was shut down"))
            else:
                self._send(entry, in_flight)

    @property
    def pid(self) -> int | None:
        process = self.process
        return process.pid if process is not None else None


class ExtractPool:
    """A pool of extraction worker processes with a bounded queue and a per-page time limit."""

    def __init__(self, workers: int | None = None, timeout: float | None = 30.0,
                 queue_size: int | None = None, max_tasks: int = 0, gc_threshold: int = 0,
                 log_level: int | None = logging.WARNING) -> None:
        """`log_level`: the level from which the workers' own (newscrawl) records are logged in
        this process, None to log nothing of them (other libraries': ERROR and up)."""
        self.workers = workers or cpu_count()
        self.timeout = timeout if timeout and timeout > 0 else None
        self.queue_size = queue_size or 2 * self.workers
        self.max_tasks = max_tasks
        self.gc_threshold = gc_threshold
        self.log_level = log_level
        self.ctx = _context()
        _start_forkserver_ignoring_ctrl_c(self.ctx)
        self.started_workers = 0
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._slots: list[_Slot] = []
        self._semaphore: asyncio.Semaphore | None = None
        self._closed = False
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the slot threads and their workers (else done on first use)."""
        with self._lock:
            if self._slots or self._closed:
                return
            self._slots = [_Slot(self, i) for i in range(self.workers)]
            for slot in self._slots:
                slot.start()

    def submit(self, job: ExtractJob) -> Future:
        """Queue a page; the future gets its JobResult or ExtractionTimeout/WorkerDied."""
        if self._closed:
            raise RuntimeError("the extraction pool is shut down")
        self.start()
        future: Future = Future()
        self._jobs.put((future, job))
        return future

    async def extract(self, job: ExtractJob) -> JobResult:
        """Await one page's JobResult on the running asyncio loop, within the queue bound."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.queue_size + self.workers)
        async with self._semaphore:
            return await asyncio.wrap_future(self.submit(job))

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for monitoring and the benchmark)."""
        return [pid for slot in self._slots if (pid := slot.pid) is not None]

    def shutdown(self, grace: float = 5.0) -> None:
        """Cancel queued pages, let workers finish their page, stop them; idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        while True:
            try:
                entry = self._jobs.get_nowait()
            except queue.Empty:
                break
            if entry is not _STOP:
                entry[0].cancel()
        for _ in self._slots:
            self._jobs.put(_STOP)
        for slot in self._slots:
            slot.join(grace + (self.timeout or 0) + 1)
            if slot.is_alive():  # still on a page: do not wait for it
                slot._stop_worker(kill=True)

    def __enter__(self) -> ExtractPool:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def pool_from_settings(settings) -> ExtractPool | None:
    """The pool the settings ask for, or None when NEWSCRAWL_EXTRACT_WORKERS is 0."""
    raw = settings.get("NEWSCRAWL_EXTRACT_WORKERS")
    try:
        workers = cpu_count() if raw in (None, "", "auto", "None") else int(raw)
    except (TypeError, ValueError):
        raise ValueError(f"invalid setting NEWSCRAWL_EXTRACT_WORKERS={raw!r}: expected a whole number "
                         "(0: extract in the crawl process) or auto (one worker per core)") from None
    if workers <= 0:
        return None
    return ExtractPool(workers=workers,
                       timeout=settings.getfloat("NEWSCRAWL_EXTRACT_TIMEOUT", 30.0),
                       queue_size=settings.getint("NEWSCRAWL_EXTRACT_QUEUE", 0) or None,
                       max_tasks=settings.getint("NEWSCRAWL_EXTRACT_MAX_TASKS", 0),
                       gc_threshold=max(0, settings.getint("NEWSCRAWL_GC_THRESHOLD", 0)),
                       log_level=crawl_log_level(settings))


def crawl_log_level(settings) -> int | None:
    """The crawl's LOG_LEVEL as a number, None when the crawl logs nothing (--nolog without a log
    file: with --logfile Scrapy writes the log to the file all the same)."""
    if not settings.getbool("LOG_ENABLED", True) and not settings.get("LOG_FILE"):
        return None
    level = settings.get("LOG_LEVEL", "DEBUG")
    number = level if isinstance(level, int) else logging.getLevelName(str(level).upper())
    return number if isinstance(number, int) else logging.DEBUG


__all__ = ["CancelledError", "ExtractJob", "ExtractPool", "ExtractionTimeout", "JobResult", "LogLine",
           "WorkerDied", "cpu_count", "crawl_log_level", "pool_from_settings", "replay", "run_job"]
