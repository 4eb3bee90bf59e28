"""Crash safety for JSON Lines output: every article exactly once across a `kill -9` and a rerun,
an output that cannot be written loses nothing, and a full disk damages nothing already written.

- Before the crawl, `SafeStateRecorder` checks that every output can be written (exit 1 with one
  line if not: newscrawl/output_guard.py), opens the state, reconciles what a killed crawl left,
  and refuses an `-O` that would empty a file whose articles the state records (exit 2).
- `RecoverableFeedStorage` writes each exported line with whole, unbuffered writes (to a file
  or to standard output). If a write fails (disk full, broken pipe), it cuts the half-written
  line off again, stops writing, logs one error line and closes the crawl with the reason
  `output_error`. An output that cannot even be opened is reported the same way.
- `SafeStateRecorder` records an article in the state only after its line is in every output
  (and never when a write failed, or when the crawl has no output at all), then remembers the
  file and the offset just after that line (meta key `output:<host>:<path>`, listed under
  `outputs:<host>`).
- On start, `recover_outputs` reads what an earlier, killed crawl left past its last recorded
  offset: complete lines are recorded as emitted (they were written but the kill came before the
  state was updated), a torn last line is cut off (that article is fetched again).
"""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import stat
from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from newscrawl.extensions import StateRecorder
from newscrawl.feeds import LineSafeFileFeedStorage
from newscrawl.items import Article
from newscrawl.output_guard import check_outputs, refuse_overwrite
from newscrawl.processors import canonical_url
from newscrawl.state import StateError
from newscrawl.state.crawler import state_for

logger = logging.getLogger("newscrawl.output")

JSONLINES = {"jsonlines", "jsonl", "jl"}
META_PREFIX = "output:"
_FILES = "_newscrawl_line_files"
OUTPUT_ERROR = "output_error"  # the close reason after a failed write (the crawl exits 1)
STATE_ERROR = "state_error"  # the close reason when the state cannot be written (exits 1)


def meta_key(path: str | Path) -> str:
    """The state's key for an output file (per machine: a Redis state is shared)."""
    return f"{META_PREFIX}{socket.gethostname()}:{Path(path).resolve()}"


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
        self.lines = 0
        # resolved once: the offset is stored under it after every article
        self.state_key = meta_key(self.path) if self.regular else ""

    def write(self, data: Any) -> int:
        data = bytes(data)
        if self.failed is not None:
            return len(data)  # output stopped; the crawl is closing and nothing more is recorded
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
        return len(data)

    def _fail(self, start: int | None, exc: OSError) -> None:
        """Cut off the part of the line that made it, log once, and close the crawl."""
        self.failed = exc
        if start is not None:
            try:
                self.truncate(start)
                self.seek(start)
            except OSError:
                pass  # truncating frees space, so it works on a full disk; if not, the next run cuts it
        again = (f"append to it (-o {self.path})" if self.regular
                 else "write to a file (-o FILE)")
        stop_for_output(self.crawler, self.path, exc,
                        f"the {self.lines} articles written before are intact and recorded; the "
                        f"others are not. Fix the cause and run again with the same state and "
                        f"{again}: the articles not written are fetched again")


def stop_for_output(crawler: Crawler | None, path: str, exc: OSError | str, consequence: str) -> None:
    """Log one line about an output that failed, and close the crawl with `output_error`."""
    reason = exc if isinstance(exc, str) else (exc.strerror or str(exc))
    logger.error("cannot write to %s: %s; %s", path, reason, consequence)
    if crawler is None or crawler.stats is None:
        return
    crawler.stats.set_value("newscrawl/output/error", f"{path}: {reason}")
    if crawler.engine is not None and crawler.engine.running:
        closing = deferred_from_coro(crawler.engine.close_spider_async(reason=OUTPUT_ERROR))
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


class RecoverableFeedStorage(LineSafeFileFeedStorage):
    """Scrapy's file feed storage with `LineFile`s, known to the crawler's state recorder."""

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None,
                 crawler: Crawler | None = None) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.crawler = crawler
        self.jsonlines = (feed_options or {}).get("format") in JSONLINES

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
        _track(self.crawler, handle)
        if isinstance(handle, LineFile) and handle.regular:
            handle.seek(0, os.SEEK_END)  # appending: recovery starts after what is already there
        if self.crawler is not None and isinstance(handle, LineFile):
            store = state_for(self.crawler)
            if self.jsonlines and hasattr(store, "set_meta"):
                # listed before the first line is written: a kill right after it is recovered too
                remember_output(store, handle.path)
                store.set_meta(meta_key(handle.path), json.dumps({"offset": handle.tell()}))
        return handle


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


class SafeStateRecorder(StateRecorder):
    """StateRecorder that records an article only once its line is in every output, remembers
    each JSON Lines output's offset after recording, and, before the crawl, checks the outputs,
    reconciles a killed crawl's output and refuses an `-O` that would lose recorded articles."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.failed = False
        self.items = 0
        targets = check_outputs(crawler.settings)  # before anything else is opened or fetched
        self.outputs = len(targets)
        if not targets:
            logger.warning("no output given (-o FILE or -O FILE): articles are extracted but not "
                           "saved, and the state does not record them")
        store = state_for(crawler)  # opened now: a corrupt or locked state fails before the crawl
        try:
            if crawler.settings.getbool("NEWSCRAWL_STATE_CHECK", True):
                check_integrity(store)
            recover_outputs(store, crawler)
        except StateError:
            raise
        except Exception as exc:
            raise StateError(unusable_state(store, exc)) from exc
        refuse_overwrite(targets, store, crawler.settings)

    def _written(self) -> bool:
        """Whether the article just scraped is in every output (each writes one line per article)."""
        files = line_files(self.crawler)
        if any(f.failed is not None for f in files):
            return False
        return sum(f.lines for f in files) >= self.items * self.outputs

    def item_scraped(self, item: Article, response, spider: Spider) -> None:
        if not isinstance(item, Article) or self.failed:
            return
        self.items += 1
        if not self.outputs:
            self.crawler.stats.inc_value("newscrawl/output/not_saved")
            return
        if not self._written():
            self.crawler.stats.inc_value("newscrawl/output/not_written")
            if self.crawler.stats.get_value("newscrawl/output/error") is None:
                stop_for_output(self.crawler, "the output", "the feed exporter did not write the "
                                f"article {item.url}", "it was not recorded as written")
            return
        try:
            super().item_scraped(item, response, spider)
            store = state_for(self.crawler)
            if hasattr(store, "set_meta"):
                for handle in line_files(self.crawler):
                    if handle.jsonlines and not handle.closed:
                        store.set_meta(handle.state_key, json.dumps({"offset": handle.tell()}))
        except Exception as exc:  # locked, full or gone: stop; the next run recovers the output
            self.failed = True
            logger.error("%s", unusable_state(state_for(self.crawler), exc))
            self.crawler.stats.set_value("newscrawl/state/error", str(exc))
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=STATE_ERROR))


def unusable_state(store: Any, exc: BaseException) -> str:
    """One line that says what went wrong with the state and how to recover."""
    where = store.describe() if hasattr(store, "describe") else "the state"
    text = " ".join(str(exc).split())
    if "locked" in text or "busy" in text:
        return (f"state {where} is locked by another process ({text}): wait for the other crawl "
                "to finish, or give this crawl another NEWSCRAWL_STATE")
    if any(mark in text for mark in ("malformed", "not a database", "corrupt", "integrity")):
        return (f"state {where} is corrupt ({text}): move it aside (mv {where} {where}.broken) and "
                "run again: newscrawl starts a new state, and articles emitted before may be "
                "emitted once more")
    return (f"state {where} cannot be used ({text}). Free space if the disk is full, then run "
            "the same command again, appending (-o FILE) where it wrote with -O: the output written "
            "so far is reconciled with the state on start")


def check_integrity(store: Any) -> None:
    """A quick integrity check of a SQLite state (about 1.7 s per million entries)."""
    db = getattr(store, "db", None)
    if db is None or not hasattr(db, "execute"):
        return
    rows = db.execute("PRAGMA quick_check").fetchall()
    if rows != [("ok",)]:
        problems = "; ".join(str(row[0]) for row in rows[:3])
        raise StateError(unusable_state(store, RuntimeError(f"integrity check failed: {problems}")))


def index_key() -> str:
    """The state's key listing this machine's output files that may need recovery."""
    return f"outputs:{socket.gethostname()}"


def remember_output(store: Any, path: str) -> None:
    """Add an output file to this machine's index (once per file and crawl)."""
    paths = json.loads(store.get_meta(index_key()) or "[]")
    resolved = str(Path(path).resolve())
    if resolved not in paths:
        store.set_meta(index_key(), json.dumps([*paths, resolved]))


def recover_outputs(store: Any, crawler: Crawler | None = None) -> int:
    """Reconcile every output file a killed crawl left behind; returns the articles recovered."""
    if not hasattr(store, "get_meta") or not hasattr(store, "set_meta"):
        return 0
    paths = json.loads(store.get_meta(index_key()) or "[]")
    recovered = sum(recover_file(store, path, crawler) for path in paths)
    store.set_meta(index_key(), "[]")
    return recovered


def recover_file(store: Any, path: str, crawler: Crawler | None = None) -> int:
    """Record the complete lines past the remembered offset and cut a torn tail."""
    key = meta_key(path)
    raw = store.get_meta(key)
    if not raw:
        return 0
    offset = json.loads(raw).get("offset", 0)
    file = Path(path)
    if not file.is_file() or file.stat().st_size < offset:
        logger.info("output %s changed since the crawl that wrote it; nothing to recover", file)
        store.set_meta(key, "")
        return 0
    with file.open("r+b") as handle:
        handle.seek(offset)
        tail = handle.read()
        end = tail.rfind(b"\n") + 1
        recovered = bad = 0
        for line in tail[:end].splitlines():
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError:
                bad += 1
                continue
            _record(store, data)
            recovered += 1
        torn = len(tail) - end
        if torn:
            handle.truncate(offset + end)
            os.fsync(handle.fileno())
    store.set_meta(key, "")
    if recovered or torn or bad:
        logger.warning("recovered %s after an interrupted crawl: %d written but unrecorded articles "
                       "marked as emitted, %d bytes of a torn last line cut%s", file, recovered, torn,
                       f", {bad} unreadable lines left as they are" if bad else "")
    if crawler is not None and crawler.stats is not None:
        crawler.stats.inc_value("newscrawl/recovered/articles", recovered)
        crawler.stats.inc_value("newscrawl/recovered/torn_bytes", torn)
    return recovered


def _record(store: Any, data: dict) -> None:
    url = data.get("url") or ""
    urls = {data.get("canonical_url") or url, canonical_url(url) or url} - {""}
    for key in urls:
        store.record(key, data.get("fingerprint"), data.get("modified"), data.get("revision") or 1)
