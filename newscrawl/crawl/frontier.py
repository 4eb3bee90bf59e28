"""Hold the crawl frontier on disk: Scrapy's JOBDIR disk queues, in a folder of this run only.

A sitemap or an archive page can queue tens of thousands of requests at once; in memory each
costs a kilobyte or two, so the crawl process would grow with the site. With JOBDIR set,
Scrapy's scheduler keeps waiting requests in disk queues (same order: LIFO by priority) and
only the one being scheduled is in memory. A user's own JOBDIR (pause and resume) is kept as
it is; otherwise each run gets a fresh temporary folder, removed when the engine stops, so no
run ever resumes another's frontier or dupefilter. A run killed before its end (`kill -9`, out of
memory) leaves its folder: the next crawl removes those whose process is gone. Distributed mode (REDIS_URL) keeps its
queue in Redis and is left alone.

A full disk (a small /tmp) must cost neither a request nor the crawl: the disk queues write each
request whole or not at all, and FrontierScheduler keeps waiting requests in Scrapy's memory
queue once the frontier's folder refused a write (one WARNING line, the stat DISK_FULL).
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import errno
import json
import logging
import os
import pickle
import re
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from queuelib.queue import FifoDiskQueue, LifoDiskQueue
from scrapy import Request, Spider, signals
from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.extensions.spiderstate import SpiderState
from scrapy.squeues import PickleFifoDiskQueue, PickleLifoDiskQueue

from newscrawl.ops.summary import FRONTIER_DISK_FULL

logger = logging.getLogger("newscrawl")

_FOLDER_SETTING = "NEWSCRAWL_FRONTIER_DIR"
_FOLDER_NAME = re.compile(r"newscrawl-frontier-([1-9][0-9]*)-[0-9a-f]{8}")  # as use_disk_frontier names it
_SCRAPYS_SCHEDULER = "scrapy.core.scheduler.Scheduler"
STALE_AFTER = 3600  # seconds a dead crawl's folder is left alone
DISK_FULL = FRONTIER_DISK_FULL  # requests kept in memory because the frontier's folder refused a write


def use_disk_frontier(settings) -> None:
    """Point JOBDIR at a new temporary folder unless the user set one or turned this off; in both
    cases Scrapy's scheduler becomes FrontierScheduler, unless the user chose another."""
    if settings.get("REDIS_URL"):  # the shared frontier is in Redis (newscrawl/distributed/)
        return
    if settings.get("SCHEDULER") == _SCRAPYS_SCHEDULER:
        settings.set("SCHEDULER", f"{__name__}.FrontierScheduler", priority="spider")
    if settings.get("JOBDIR") or not settings.getbool("NEWSCRAWL_DISK_FRONTIER", True):
        return
    # only named here: Scrapy creates it when the scheduler opens (nothing is left by a crawler never started)
    folder = str(Path(tempfile.gettempdir(), f"newscrawl-frontier-{os.getpid()}-{uuid.uuid4().hex[:8]}"))
    settings.set("JOBDIR", folder, priority="spider")
    settings.set(_FOLDER_SETTING, folder, priority="spider")
    # spider.state in JOBDIR is for resuming, which a folder of this run never is: not written
    settings.set_in_component_priority_dict("EXTENSIONS", SpiderState, None)
    # a crawler built but never started (a command that only checks, a test) never sends
    # engine_stopped, yet Scrapy may have made the folder: the process removes it on its way out
    atexit.register(shutil.rmtree, folder, ignore_errors=True)


def users_job(settings) -> str | None:
    """The JOBDIR the user set to pause and resume a crawl (Scrapy keeps its seen requests and
    waiting queue there), not the folder of this run's own frontier; None when there is none."""
    folder = settings.get("JOBDIR")
    return str(folder) if folder and folder != settings.get(_FOLDER_SETTING) else None


def resumes_job(settings) -> str | None:
    """The user's JOBDIR when it holds a crawl to go on with (its seen requests), else None."""
    folder = users_job(settings)
    try:
        return folder if folder and Path(folder, "requests.seen").stat().st_size else None
    except OSError:  # no job there yet
        return None


# in spider.state (Scrapy's SpiderState keeps it in JOBDIR): the -a arguments of the crawl a job is of
JOB_ARGUMENTS = "newscrawl/arguments"
# the arguments that say what is crawled; since= and profile= may change on the way
WHAT_TO_CRAWL = ("url", "urls", "sites", "article", "articles", "warc")


def remember_job_arguments(spider: Spider, arguments: dict[str, str]) -> None:
    """Keep the crawl's -a arguments with its job (spider.state, pickled into the user's JOBDIR
    when the crawl stops), for `job_of_another_crawl` to compare a later run's with. A job whose
    earlier crawl left nothing waiting is this crawl's from now on."""
    state = getattr(spider, "state", None)
    if not isinstance(state, dict):
        return
    folder = users_job(spider.settings)
    if folder and not job_waits(folder):
        state[JOB_ARGUMENTS] = dict(arguments)
    else:
        state.setdefault(JOB_ARGUMENTS, dict(arguments))


def job_waits(folder: str) -> bool:
    """Whether the job in `folder` has requests waiting: Scrapy's scheduler writes the priorities
    of its non-empty disk queues to requests.queue/active.json when it stops (`[]` or `{}` once
    the crawl finished, none when it never stopped cleanly: then it resumes none)."""
    try:
        return bool(json.loads(Path(folder, "requests.queue", "active.json").read_text("utf-8")))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):  # unreadable: taken as waiting, the careful side
        return True


def job_of_another_crawl(settings, arguments: dict[str, str]) -> str | None:
    """Why this run cannot go on with the crawl the user's JOBDIR keeps: that crawl was given other
    -a arguments that say what to crawl (another site; since= and profile= may change). Scrapy
    would resume its waiting pages all the same, and write their articles to this run's output,
    without a word. None when it may."""
    folder = resumes_job(settings)
    if folder is None or not job_waits(folder):  # a finished crawl's job: nothing of it is fetched
        return None
    try:
        with open(Path(folder, "spider.state"), "rb") as handle:
            kept = pickle.load(handle).get(JOB_ARGUMENTS)
    except Exception:  # no spider.state (killed before its stop), or not one newscrawl wrote
        return None
    if not isinstance(kept, dict):
        return None
    kept, arguments = _what_to_crawl(kept), _what_to_crawl(arguments)
    if kept == arguments:
        return None
    return (f"JOBDIR {folder} keeps a crawl of {_as_given(kept)}, not of {_as_given(arguments) or 'no -a'}: "
            "its waiting pages would be fetched and written to this run's output. Give this crawl "
            "another JOBDIR, or run that crawl's own command to go on with it")


def _what_to_crawl(arguments: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in arguments.items() if name in WHAT_TO_CRAWL}


def _as_given(arguments: dict[str, str]) -> str:
    return " ".join(f"-a {name}={value}" for name, value in sorted(arguments.items()))


def use_memory_frontier(settings) -> None:
    """Keep waiting requests in memory after all, when the folder is this run's own: a replay
    reads its archive only as fast as pages are taken, so a request hardly waits, and a disk
    queue would create and remove its folder for every request."""
    folder = settings.get(_FOLDER_SETTING)
    if folder and settings.get("JOBDIR") == folder:
        settings.set("JOBDIR", None, priority="spider")
        settings.set(_FOLDER_SETTING, None, priority="spider")


def remove_when_stopped(crawler: Crawler) -> None:
    """Delete this run's frontier folder once the engine has stopped (scheduler and state saved);
    first, the folders that crawls killed before their end left beside it."""
    folder = crawler.settings.get(_FOLDER_SETTING)
    if folder:
        parent = Path(folder).parent
        removed = remove_stale_frontiers(parent)
        if removed:
            logger.info("removed %d frontier folder%s that crawls no longer running left in %s",
                        removed, "" if removed == 1 else "s", parent)
        crawler.signals.connect(lambda: shutil.rmtree(folder, ignore_errors=True),
                                signal=signals.engine_stopped, weak=False)


def remove_stale_frontiers(folder: Path) -> int:
    """Delete the frontier folders in `folder` (newscrawl-frontier-PID-XXXXXXXX, this user's own)
    whose crawl process is gone: one killed by SIGKILL or the OOM killer never removes its own,
    and a /tmp gathered hundreds. How many went."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    removed = 0
    for entry in entries:
        match = _FOLDER_NAME.fullmatch(entry.name)
        if match is None or _process_alive(int(match[1])):
            continue
        try:
            status = entry.stat(follow_symlinks=False)
            # untouched for a while too: a crawl in another PID namespace (a container sharing
            # this /tmp) looks gone from here while it runs
            if not entry.is_dir(follow_symlinks=False) or status.st_uid != os.getuid() \
                    or status.st_mtime > time.time() - STALE_AFTER:
                continue
        except OSError:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed += not os.path.lexists(entry.path)  # another crawl starting may have removed it first
    return removed


def _process_alive(pid: int) -> bool:
    """Whether a process `pid` exists. Any process will do: a pid reused by another program keeps
    its folder, which errs on the safe side (a running crawl's folder is never touched)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # PermissionError: another user's, alive; a pid out of range
        return True
    return True


def _own_name(spider: Spider, method: Any) -> Any:
    """The name under which `spider` has this bound method, or the method itself if not found so."""
    name = getattr(method, "__name__", None)
    function = getattr(method, "__func__", None)
    if name and function is not None and getattr(getattr(spider, name, None), "__func__", None) is function:
        return name
    return method


class _WholeLifoRecords(LifoDiskQueue):
    """queuelib's LIFO file, each push written whole or not at all.

    queuelib writes through a buffer: a full disk surfaced at a later pop's seek, which then
    failed for good (the buffer is flushed again by every seek), and a partial write left a
    tail that no longer parses. Each push is flushed at once; when that fails, the file is cut
    back to its last whole record and the error raised, so what the queue holds still pops.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        new = not Path(path).exists()
        super().__init__(path)
        try:
            self.f.flush()  # the header of a new file: every push starts with nothing buffered
        except OSError:
            with contextlib.suppress(OSError):
                self.f.close()
            if new:  # an empty file would not open again (no header) when a JOBDIR is resumed
                Path(path).unlink(missing_ok=True)
            raise

    def push(self, string: bytes) -> None:
        end, size = self.f.tell(), self.size
        try:
            super().push(string)
            self.f.flush()
        except OSError:
            self._cut_back(end, size)
            raise

    def _cut_back(self, end: int, size: int) -> None:
        """Drop what a failed push wrote or still holds in its buffer."""
        with contextlib.suppress(OSError):
            self.f.close()  # flushes the buffer again (and fails), but closes the file
        os.truncate(self.path, end)
        self.f = Path(self.path).open("rb+")  # noqa: SIM115 - held open as queuelib does
        self.f.seek(0, os.SEEK_END)
        self.size = size


class _WholeFifoRecords(FifoDiskQueue):
    """queuelib's FIFO chunk files, each push written whole or not at all: queuelib's one
    os.write may write part of a record on a full disk and count it all the same."""

    def push(self, string: bytes) -> None:
        chunk = Path(self.path, f"q{self.info['head'][0]:05d}")
        end, info, headf = chunk.stat().st_size, copy.deepcopy(self.info), self.headf
        failure: OSError | None = None
        try:
            super().push(string)
        except OSError as error:
            failure = error
        if failure is None and chunk.stat().st_size == end + self.szhdr_size + len(string):
            return
        if self.headf is not headf or headf.closed:  # it went on (or tried to) to a new chunk
            if self.headf is not headf:
                with contextlib.suppress(OSError):
                    self.headf.close()
                Path(self.headf.name).unlink(missing_ok=True)
            self.headf = chunk.open("ab+")  # noqa: SIM115 - held open as queuelib does
        os.truncate(chunk, end)
        self.info = info
        raise failure or OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(chunk))

    def close(self) -> None:
        if len(self):
            super().close()
            return
        # empty: queuelib writes info.json only to delete it, which a full disk refuses
        self.headf.close()
        self.tailf.close()
        for path in [*Path(self.path).glob("q*"), Path(self.path, "info.json")]:
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            Path(self.path).rmdir()


class NamedCallbackLifoDiskQueue(PickleLifoDiskQueue, _WholeLifoRecords):  # type: ignore[misc,valid-type]
    """Scrapy's LIFO pickle disk queue (SCHEDULER_DISK_QUEUE), with spider callbacks named cheaply
    and each request written whole or not at all (_WholeLifoRecords comes before queuelib's class
    in the method order, under Scrapy's pickling).

    A queued request keeps its callback and errback by name. Scrapy's `Request.to_dict` finds
    the name with `inspect.getmembers` over the whole spider, about a millisecond per request on
    this spider; a bound method knows its own name, which is checked against the spider and
    passed on as the name (Scrapy then stores it as it is). What is written, and read back by
    Scrapy's `request_from_dict`, is the same as with Scrapy's own queue.
    """

    def push(self, request: Request) -> None:
        callback, errback = request.callback, request.errback
        request.callback = _own_name(self.spider, callback)
        request.errback = _own_name(self.spider, errback)
        try:
            super().push(request)
        finally:  # the request lives on in memory when the disk queue refuses it
            request.callback, request.errback = callback, errback


class WholeRecordFifoDiskQueue(PickleFifoDiskQueue, _WholeFifoRecords):  # type: ignore[misc,valid-type]
    """Scrapy's FIFO pickle disk queue for start requests (SCHEDULER_START_DISK_QUEUE), each
    request written whole or not at all."""


class FrontierScheduler(Scheduler):
    """Scrapy's scheduler (SCHEDULER), which keeps waiting requests in memory once the frontier's
    folder refused a write.

    Scrapy puts a request its disk queue cannot serialize (ValueError) in the memory queue, but
    an OSError went through: the request was lost, with a traceback per request. Here the first
    OSError of a disk queue or of the dupefilter's requests.seen logs one WARNING; from then on
    every request goes to the memory queue (counted in DISK_FULL), fingerprints stay in memory
    only, and what the disk queues hold is still taken first by priority, as before.
    """

    disk_full = False

    def enqueue_request(self, request: Request) -> bool:
        """Scrapy's, but a requests.seen that cannot be written does not lose the request."""
        try:
            seen = not request.dont_filter and self.df.request_seen(request)
        except OSError as error:  # the fingerprint was added in memory before the write
            self._disk_is_full(error)
            seen = False
        if seen:
            self.df.log(request, self.spider)
            return False
        assert self.stats is not None
        if self._dqpush(request):
            self.stats.inc_value("scheduler/enqueued/disk")
        else:
            self._mqpush(request)
            self.stats.inc_value("scheduler/enqueued/memory")
        self.stats.inc_value("scheduler/enqueued")
        return True

    def _dqpush(self, request: Request) -> bool:
        if self.dqs is not None and not self.disk_full:
            try:
                return super()._dqpush(request)
            except OSError as error:  # the queue wrote nothing of it (_WholeLifoRecords)
                self._disk_is_full(error)
        if self.disk_full:
            assert self.stats is not None
            self.stats.inc_value(DISK_FULL)
        return False

    def close(self, reason: str) -> Any:
        """Scrapy's; the frontier's state files (active.json, info.json) may not fit either."""
        try:
            return super().close(reason)
        except OSError as error:
            self._disk_is_full(error)
            return self.df.close(reason)

    def _disk_is_full(self, error: OSError) -> None:
        if self.disk_full:
            return
        self.disk_full = True
        assert self.stats is not None
        self.stats.set_value(DISK_FULL, 0)
        seen = getattr(self.df, "file", None)  # RFPDupeFilter's requests.seen
        if seen is not None:
            self.df.file = None  # type: ignore[attr-defined]  # its fingerprints are in memory too
            with contextlib.suppress(OSError):
                seen.close()
        logger.warning(disk_full_line(self.crawler, error))


def disk_full_line(crawler: Crawler | None, error: OSError) -> str:
    """The one line said when the frontier's folder refuses a write, and what to do."""
    settings = crawler.settings if crawler else {}
    folder = settings.get("JOBDIR")
    why = error.strerror or str(error)
    if folder and folder == settings.get(_FOLDER_SETTING):
        return (f"the crawl frontier's folder {folder} cannot be written ({why}): waiting requests "
                "are kept in memory from now on; set TMPDIR to a folder on a disk with room")
    return (f"JOBDIR {folder} cannot be written ({why}): waiting requests are kept in memory from "
            "now on, and a pause would not keep them; give JOBDIR a folder on a disk with room")
