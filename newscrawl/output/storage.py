"""Where articles are written: whole lines, unbuffered, and a failure that stops the crawl.

`RecoverableFeedStorage` (files) and `StdoutFeedStorage` (`-o -`) are Scrapy feed storages
(FEED_STORAGES) that write each exported line with whole, unbuffered writes through a
`LineFile`. If a write fails (disk full, broken pipe), the half-written line is cut off again,
nothing more is written, one error line is logged and the crawl closes with `output_error`
(exit 1). An output that cannot even be opened is reported the same way (`FailedOutput`). The
state recorder (recorder.py) reads `line_files` to record an article only once it is written.
"""

from __future__ import annotations

import io
import json
import logging
import os
import stat
from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FileFeedStorage
from scrapy.utils.defer import deferred_from_coro

from newscrawl.distributed.outage import lost_redis, redis_gone
from newscrawl.ops.summary import COUNTED_ERROR_LINES
from newscrawl.output.documents import CLOSERS
from newscrawl.output.identity import field_names
from newscrawl.output.recovery import PART, meta_key, remember_output, unusable_state
from newscrawl.state.crawler import STATE_ERROR_STAT, state_failed, state_for

logger = logging.getLogger("newscrawl.output")

JSONLINES = {"jsonlines", "jsonl", "jl"}
_FILES = "_newscrawl_line_files"
OUTPUT_ERROR = "output_error"  # the close reason after a failed write (the crawl exits 1)
MOVED = "deleted or moved during the crawl"
MOVED_STAT = "newscrawl/output/moved"  # the path of an output that was, for the summary
LOST_STAT = "newscrawl/output/lost"  # articles gone with outputs deleted mid-run, forgotten by the state
OUTPUT_ERROR_STAT = "newscrawl/output/error"  # PATH: REASON of the output (or stats file) that failed
STATE_ERROR = "state_error"  # the close reason when the state cannot be written (exits 1)


class LineFile(io.FileIO):
    """An unbuffered output whose writes are whole: never a torn line, even on ENOSPC.

    `target` is a path, or a file descriptor this object owns (a duplicate of stdout's)."""

    def __init__(self, target: str | int, mode: str, crawler: Crawler | None, jsonlines: bool,
                 name: str | None = None) -> None:
        super().__init__(target, mode.replace("b", ""))
        self.path = name or str(target)
        self.crawler = crawler
        # a pipe or a device (-O /dev/stdout) is written the same way, but has no offsets to track
        self.regular = stat.S_ISREG(os.fstat(self.fileno()).st_mode)
        self.jsonlines = jsonlines and self.regular
        self.failed: OSError | None = None
        self.deleted = False  # found deleted (no name left): the lines written to it are gone
        self.lines = 0
        self.last_start: int | None = None  # where the last whole line written begins
        # resolved once: the offset is stored under it after every article
        self.state_key = meta_key(self.path) if self.regular else ""
        # a file named by its path, which a rotation may move away (standard output, even
        # redirected to a file, is the caller's to move: it has no path here)
        self.identity = _identity(os.fstat(self.fileno())) if self.regular and isinstance(target, str) else None

    def write(self, data: Any) -> int:
        data = bytes(data)
        if self.failed is not None or output_failed(self.crawler):
            # output stopped (this one, or another: an article then goes to every output or none,
            # and the next run writes the rest to each); the crawl is closing, nothing is recorded
            return len(data)
        if self.identity is not None and not self._still_named():
            self._lost()
            return len(data)
        start = self.tell() if self.regular else None
        try:
            view = memoryview(data)
            while view:
                written = super().write(view)
                if not written:
                    raise OSError(0, "the file accepted no bytes")
                view = view[written:]
        except OSError as exc:
            self._fail(start, exc)
            return len(data)
        self.lines += 1
        self.last_start = start
        return len(data)

    def _still_named(self) -> bool:
        """Whether the output's path still names this file (a stat per article: microseconds)."""
        try:
            return _identity(os.stat(self.path)) == self.identity
        except OSError:
            return False

    def check_named(self) -> None:
        """As the output closes: the path still names this file, or its lines are said lost
        (deleted or moved after the last article was written)."""
        if self.failed is None and self.identity is not None and not self._still_named():
            self._lost()

    def _lost(self) -> None:
        """The file was deleted or moved away (a rotation): lines written to it now would reach
        no reader at the path, so nothing more is written, and the crawl stops; a run again
        writes the articles not written yet to a new file at the path. A file deleted (no name
        left) took this run's lines with it: the recorder then forgets them in the state."""
        self.failed = OSError(0, MOVED)
        self.deleted = _unlinked(self)
        take_back_from_the_others(self)
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.set_value(MOVED_STAT, self.path)
        written = f"{self.lines} article{'' if self.lines == 1 else 's'}"
        if self.deleted:
            went = (f"the {written} this run wrote to it are gone with it; the state does not record "
                    "them as written unless another output holds them, and nothing more is written. "
                    f"Run the same command again: it writes them to a new {self.path}")
        else:
            went = (f"the {written} written to it went with it and nothing more is written. Run the "
                    f"same command again: with a state, it writes the articles not written yet to a "
                    f"new {self.path}")
        stop_for_output(self.crawler, self.path, MOVED, went)

    def _fail(self, start: int | None, exc: OSError) -> None:
        """Cut off the part of the line that made it, log once, and close the crawl."""
        self.failed = exc
        take_back_from_the_others(self)
        if start is not None:
            try:
                self.truncate(start)
                self.seek(start)
            except OSError:
                pass  # truncating frees space, so it works on a full disk; if not, the next run cuts it
        if self.path.endswith(PART):  # a cron run's file: cron takes no -o, its next run goes on
            advice = "Fix the cause: the next cron run writes the articles that were not written"
        else:
            again = f"append to it (-o {self.path})" if self.regular else "write to a file (-o FILE)"
            advice = (f"Fix the cause and run the same command again and {again}: with a state, it "
                      "fetches the articles that were not written")
        written = f"{self.lines} article{' written before is' if self.lines == 1 else 's written before are'}"
        stop_for_output(self.crawler, self.path, exc, f"the {written} intact; the others are not. {advice}")


def take_back_from_the_others(failed: LineFile) -> None:
    """The outputs written before `failed` in the same round hold the article it could not take:
    their line of it is cut off again, so that an article is in every output or in none (the
    next run, reconciling the outputs with the state, would otherwise count it written to all,
    and the failed output would never get it). Outputs take every article in the same order, so
    one that took exactly one line more took that article."""
    for other in line_files(failed.crawler) if failed.crawler is not None else []:
        if other is failed or not isinstance(other, LineFile) or other.failed is not None \
                or other.last_start is None or other.lines != failed.lines + 1:
            continue
        try:
            other.truncate(other.last_start)
            other.seek(other.last_start)
        except OSError:
            continue  # left as it is: the next run reconciles it as before
        other.lines -= 1
        other.last_start = None


def _unlinked(handle: LineFile) -> bool:
    """Whether the open file has no name left (deleted, its folder with it, or replaced)."""
    try:
        return os.fstat(handle.fileno()).st_nlink == 0
    except (OSError, ValueError):  # closed already: nothing tells
        return False


def _identity(status: os.stat_result) -> tuple[int, int]:
    return status.st_dev, status.st_ino


def output_failed(crawler: Crawler | None) -> bool:
    """Whether an output of this crawl failed (stop_for_output): nothing more is written."""
    return crawler is not None and crawler.stats is not None \
        and crawler.stats.get_value(OUTPUT_ERROR_STAT) is not None


def stop_for_output(crawler: Crawler | None, path: str, exc: OSError | str, consequence: str) -> None:
    """Log one line about an output that failed, and close the crawl with `output_error`."""
    reason = exc if isinstance(exc, str) else (exc.strerror or str(exc))
    logger.error("cannot write to %s: %s; %s", path, reason, consequence)
    if crawler is None or crawler.stats is None:
        return
    crawler.stats.set_value(OUTPUT_ERROR_STAT, f"{path}: {reason}")
    # the summary's errors name it by its reason, not as an ERROR line of the log
    crawler.stats.inc_value("newscrawl/errors/output_error")
    crawler.stats.inc_value(COUNTED_ERROR_LINES)
    if crawler.engine is not None and crawler.engine.running:
        # no request starts after this; Scrapy lets the ones under way (at most
        # CONCURRENT_REQUESTS) finish, and what they bring is neither written nor recorded
        closing = deferred_from_coro(crawler.engine.close_spider_async(reason=OUTPUT_ERROR))
        closing.addErrback(lambda failure: None)  # already closing: the reason is set once


def stop_for_state(crawler: Crawler, exc: BaseException) -> None:
    """Log one line about a state that cannot be written (a full disk, a lock), once, and close
    the crawl with `state_error`. Lines written after it are not recorded: the next run,
    appending to the output, reconciles them with the state."""
    if crawler.stats is None or state_failed(crawler):
        return
    logger.error("%s", unusable_state(state_for(crawler), exc))
    crawler.stats.set_value(STATE_ERROR_STAT, str(exc))
    crawler.stats.inc_value("newscrawl/errors/state_error")
    crawler.stats.inc_value(COUNTED_ERROR_LINES)
    if crawler.engine is not None and crawler.engine.running:
        closing = deferred_from_coro(crawler.engine.close_spider_async(reason=STATE_ERROR))
        closing.addErrback(lambda failure: None)  # already closing: the reason is set once


class FailedOutput(io.RawIOBase):
    """What the feed exporter writes to when its output could not be opened: nothing is kept,
    and the state recorder sees `failed` and records nothing."""

    def __init__(self, path: str, exc: OSError) -> None:
        super().__init__()
        self.path = path
        self.failed: OSError | None = exc
        self.lines = 0
        self.jsonlines = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        return len(bytes(data))


class RecoverableFeedStorage(FileFeedStorage):
    """Scrapy's file feed storage, writing through a `LineFile` (unbuffered, whole lines: Scrapy's
    own writes through an 8 KiB buffer, so a killed crawl left half a line and lost the rest of
    the buffer), known to the crawler's state recorder."""

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None,
                 crawler: Crawler | None = None) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.crawler = crawler
        self.jsonlines = (feed_options or {}).get("format") in JSONLINES
        self.options = feed_options or {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, uri: str, *,
                     feed_options: dict[str, Any] | None = None) -> RecoverableFeedStorage:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Spider) -> IO[bytes]:
        path = Path(self.path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle: LineFile | FailedOutput = LineFile(str(path), self.write_mode, self.crawler,
                                                       self.jsonlines)
        except OSError as exc:  # checked before the crawl, so something changed since
            handle = FailedOutput(str(path), exc)
            stop_for_output(self.crawler, str(path), exc, "no article was recorded as written; "
                            "fix the cause and run the same command again")
        if isinstance(handle, LineFile) and handle.regular:
            handle.seek(0, os.SEEK_END)  # appending: recovery starts after what is already there
            if handle.jsonlines:
                end_last_line(handle)
        if self.crawler is not None and isinstance(handle, LineFile):
            store = state_for(self.crawler)
            remembered = self._remembered(handle)
            if remembered and hasattr(store, "set_meta") and not redis_gone(self.crawler):
                # listed before the first line is written: a kill right after it is recovered too
                try:
                    remember_output(store, handle.path)
                    store.set_meta(meta_key(handle.path), json.dumps(remembered))
                except Exception as exc:  # full or locked; a shared state whose Redis went away
                    if not lost_redis(self.crawler, exc):  # (that is said once, elsewhere)
                        # nothing is written where the state cannot list it: the next run would
                        # not know those lines, and would write their articles again
                        stop_for_state(self.crawler, exc)
                        handle.close()
                        handle = FailedOutput(handle.path, OSError(str(exc)))
        _track(self.crawler, handle)
        return handle

    def store(self, file: IO[bytes]) -> None:
        """Close the output; one deleted or moved after its last line stops being called written."""
        if isinstance(file, LineFile):
            file.check_named()
        file.close()

    def _remembered(self, handle: LineFile) -> dict[str, Any] | None:
        """What the state keeps of an output for the next start's recovery: a JSON Lines file's
        offset; a JSON array's, XML or CSV file's format (it is closed if a kill left it open)."""
        if handle.jsonlines:
            return {"offset": handle.tell()}
        fmt = self.options.get("format")
        if handle.regular and fmt in CLOSERS:
            return {"format": fmt, "fields": field_names(self.options.get("fields"))}
        return None


def end_last_line(handle: LineFile) -> None:
    """Give a file appended to a line break after its last line if it has none (a file another
    tool wrote, or one cut short): the first article appended is then a line of its own, not
    glued onto that line, which would make both unreadable. Said once, as a warning."""
    end = handle.tell()
    if not end:
        return
    with open(handle.path, "rb") as reader:  # the handle itself is write-only (append)
        reader.seek(end - 1)
        if reader.read(1) == b"\n":
            return
    try:
        io.FileIO.write(handle, b"\n")  # not an article: LineFile.write counts lines written
    except OSError as exc:
        handle._fail(end, exc)
        return
    logger.warning("%s did not end with a line break: one was added after its last line, so the "
                   "articles appended start on a line of their own", handle.path)


class StdoutFeedStorage:
    """`-o -` / `-O -`: the same whole-line writes to standard output, known to the recorder."""

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None,
                 crawler: Crawler | None = None) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler, uri: str, *,
                     feed_options: dict[str, Any] | None = None) -> StdoutFeedStorage:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Spider) -> IO[bytes]:
        handle = LineFile(os.dup(1), "wb", self.crawler, jsonlines=False, name="standard output")
        _track(self.crawler, handle)
        return handle

    def store(self, file: IO[bytes]) -> None:
        file.close()


def _track(crawler: Crawler | None, handle: LineFile | FailedOutput) -> None:
    if crawler is None:
        return
    files = getattr(crawler, _FILES, None)
    if files is None:
        files = []
        setattr(crawler, _FILES, files)
    files.append(handle)


def line_files(crawler: Crawler) -> list[LineFile | FailedOutput]:
    return getattr(crawler, _FILES, None) or []
