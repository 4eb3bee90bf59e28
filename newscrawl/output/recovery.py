"""Crash recovery for outputs, and whether the state can be used at all.

The recorder remembers, after each article, the output file and the offset just after its line
(state meta key `output:<host>:<path>`, listed under `outputs:<host>`). On start,
`recover_outputs` reads what an earlier, killed crawl left past that offset: complete lines are
recorded as emitted (they were written but the kill came before the state was updated), a torn
last line, judged from its own start, is cut off (that article is fetched again); a file changed
since (the offset inside a line) is left alone. A file a crawl appends to that this state holds
no offset for is reconciled from its first line (`adopt_outputs`): what another state wrote there
is not written again. `recover_part` does the same for a part
file `scrapy cron` left behind, then publishes it. A JSON array, XML or CSV output the state
wrote (its format stored under the same key) is closed after its last complete record
(`recover_document`, output/documents.py). Every article comes out exactly once across a
`kill -9` and a rerun.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree
from scrapy.crawler import Crawler

from newscrawl.distributed.outage import how_it_failed, is_outage
from newscrawl.extract.processors import canonical_url
from newscrawl.output.documents import CLOSERS, Unrepairable
from newscrawl.output.identity import FINGERPRINT_KEY, as_article, unidentified
from newscrawl.output.lock import written_elsewhere
from newscrawl.state import StateError

logger = logging.getLogger("newscrawl.output")

META_PREFIX = "output:"
CHUNK = 64 * 1024  # bytes read at a time looking back for a file's last line


def meta_key(path: str | Path) -> str:
    """The state's key for an output file (per machine: a Redis state is shared)."""
    return f"{META_PREFIX}{socket.gethostname()}:{Path(path).resolve()}"


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
    if is_outage(exc):  # a Redis state that is gone, full or a read-only replica
        return (f"state {where}: Redis {how_it_failed(exc)} ({text}): run the same command again "
                "once it takes writes, appending (-o FILE) where it wrote with -O")
    return (f"state {where} cannot be used ({text}). Free space if the disk is full, then run "
            "the same command again, appending (-o FILE) where it wrote with -O: the output written "
            "so far is reconciled with the state on start")


def check_state(settings: Any) -> None:
    """StateError with one line when the configured state cannot be opened or is damaged."""
    from newscrawl.state import open_state

    store = open_state(settings)
    try:
        if settings.getbool("NEWSCRAWL_STATE_CHECK", True):
            check_integrity(store)
    finally:
        store.close()


def check_integrity(store: Any) -> None:
    """A quick integrity check of a SQLite state (about 1.7 s per million entries); StateError
    with one line when it fails, or when the check itself cannot read the file."""
    db = getattr(store, "db", None)
    if db is None or not hasattr(db, "execute"):
        return
    try:
        rows = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:  # damage the check trips over ("malformed"), or a lock
        raise StateError(unusable_state(store, exc)) from exc
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


def remembers_output(store: Any, path: Path) -> bool:
    """Whether a crawl of this state wrote `path` on this machine (it is in the state's index)."""
    if not hasattr(store, "get_meta"):
        return False
    return str(path.resolve()) in json.loads(store.get_meta(index_key()) or "[]")


def known_output(store: Any, path: Path) -> bool:
    """Whether a crawl of this state on this machine wrote `path`: the recorder kept its offset
    (a key left, emptied, once the file was reconciled), as the file's own name or as the part
    file a cron run published under it."""
    if not hasattr(store, "get_meta"):
        return False
    names = (path, path.with_name(path.name + PART))
    return any(store.get_meta(meta_key(name)) is not None for name in names)


class UnknownRecords(ValueError):
    """`-o FILE` appends to a file this state did not write whose records say not which
    articles they are (its fields leave out url, fingerprint, headline or body): exit 2."""


def adopt_outputs(store: Any, paths: Iterable[Path], names: Mapping[str, dict[str, str]] | None = None) -> None:
    """List for reconciling from their first line the files a crawl appends to that this state
    holds no offset for (a crawl of another state wrote them: one run from another folder): their
    articles are then marked as emitted, and not written to them again. `names`: each output's
    field names (`identity.output_names`) by its resolved path; UnknownRecords when a file's
    records name nothing that identifies an article, before any file is adopted."""
    if not hasattr(store, "get_meta") or not hasattr(store, "set_meta"):
        return
    # a crawl of this state wrote a known file: reconciled from the offset it stored, or already
    # (an emptied key), and not read again from its first line at every start
    foreign = [path for path in paths if not known_output(store, path)]
    fields = {path: (names or {}).get(str(path.resolve()), {}) for path in foreign}
    for path in foreign:
        if unidentified(path, fields[path]):
            raise UnknownRecords(
                f"cannot append to {path}: this state did not write it, and its records name no url, "
                "fingerprint, or headline and body (the output's fields leave them out), so nothing "
                "tells which articles it holds already and they would be written again. Write to a "
                "new file, or include url in the fields (FEED_EXPORT_FIELDS, FEEDS fields)")
    for path in foreign:
        remember_output(store, str(path))
        adopted: dict[str, Any] = {"offset": 0, "adopted": True}
        if fields[path]:
            adopted["fields"] = fields[path]
        store.set_meta(meta_key(path), json.dumps(adopted))


def recover_outputs(store: Any, crawler: Crawler | None = None,
                    names: Mapping[str, dict[str, str]] | None = None) -> int:
    """Reconcile every output file a killed crawl left behind; returns the articles recovered.
    `names`: this crawl's outputs' field names by resolved path, for the lines a killed crawl of
    this state wrote to them with those fields."""
    if not hasattr(store, "get_meta") or not hasattr(store, "set_meta"):
        return 0
    paths = json.loads(store.get_meta(index_key()) or "[]")
    results = {path: recover_file(store, path, crawler, (names or {}).get(path)) for path in paths}
    # a file another crawl is writing stays listed, for a start after that crawl's end
    store.set_meta(index_key(), json.dumps([path for path, count in results.items() if count is None]))
    return sum(count or 0 for count in results.values())


def _parses(line: bytes) -> bool:
    """Whether a line is one complete JSON value."""
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def _record(line: bytes) -> dict[str, Any] | None:
    """The record a line holds, or None (no JSON, or a JSON value that is no object)."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def complete_lines(data: bytes) -> tuple[list[bytes], list[dict[str, Any]], int, int]:
    """What a writer left: (its complete lines that hold a record, each ending in a line break,
    those records, the number of unreadable lines, the bytes of a torn last line). A last line
    without a line break that parses as a complete JSON value is no torn write (another tool
    wrote it, or the user did): it is a complete line; one that does not parse is torn."""
    end = data.rfind(b"\n") + 1
    last = data[end:]
    if last.strip() and _parses(last):
        data, end = data + b"\n", len(data) + 1
    lines: list[bytes] = []
    records: list[dict[str, Any]] = []
    bad = 0
    for line in data[:end].splitlines(keepends=True):
        if not line.strip():
            continue
        record = _record(line)
        if record is None:
            bad += 1
            continue
        lines.append(line)
        records.append(record)
    return lines, records, bad, len(data) - end


def mark_emitted(store: Any, record: dict[str, Any], *, newest: bool = False) -> bool:
    """Record a written article in the state (under its canonical and fetched URL), unless the
    state already has it at this revision or a later one; whether it had not. The run that wrote
    it was killed before it recorded it, so before it followed the links on its page: they are
    pending (the next run fetches the page once more for them). A record without URL is recorded
    by its fingerprint alone (`identity.as_article`), which the dedupe pipeline looks up.

    `newest`: the record was written after every entry of the state (a killed cron run's part
    file), so one without its revision (fields that leave it out) whose text differs from the
    entry's is the entry's next revision; read as revision 1, the state kept the old text, and
    the next run wrote the new one again."""
    revision = record.get("revision") or 1
    url = record.get("url") or ""
    keys = {record.get("canonical_url") or url, canonical_url(url) or url} - {""}
    by_url = bool(keys)
    if not by_url and record.get("fingerprint"):  # no page to fetch again for its links
        keys = {f"{FINGERPRINT_KEY}{record['fingerprint']}"}
    new = False
    for key in keys:
        entry = store.get(key)
        if entry is not None and newest and _unnumbered_revision(record, entry):
            revision = entry.revision + 1
        if entry is None or entry.revision < revision:
            store.record(key, record.get("fingerprint"), record.get("modified"), revision,
                         links_pending=by_url, undated=not record.get("published"))
            new = True
    return new


def _unnumbered_revision(record: dict[str, Any], entry: Any) -> bool:
    """Whether a record that gives no revision holds other text than the state's entry."""
    fingerprint = record.get("fingerprint")
    return not record.get("revision") and bool(fingerprint and entry.fingerprint) and fingerprint != entry.fingerprint


# `scrapy cron` writes a run's articles to `<name>.part` and renames it to `<name>` when the run
# ends: the state still names the part file
PART = ".part"


def published_as(file: Path) -> Path:
    """The file as it is now: a finished cron run's part file under its published name."""
    if file.name.endswith(PART) and not file.exists():
        published = file.with_name(file.name.removesuffix(PART))
        if published.is_file():
            return published
    return file


def recover_file(store: Any, path: str, crawler: Crawler | None = None,
                 names: dict[str, str] | None = None) -> int | None:
    """Record the complete lines past the remembered offset and cut a torn last line; the
    articles recorded, or None when another crawl is writing the file (its lines are not torn but
    under way: the file is left as it is). `names`: the field names the lines were written
    with (those stored when the file was adopted come first)."""
    key = meta_key(path)
    raw = store.get_meta(key)
    if not raw:
        return 0
    remembered = json.loads(raw)
    offset, adopted = remembered.get("offset", 0), bool(remembered.get("adopted"))
    names = remembered.get("fields") or names or {}
    file = published_as(Path(path))
    if file.exists() and not file.is_file():
        # a device or a pipe (/dev/full, /dev/stdout): it keeps nothing to recover, and is not gone
        store.set_meta(key, "")
        return 0
    if remembered.get("format") in CLOSERS:  # a JSON array, XML or CSV file: closed, not reconciled
        return recover_document(store, key, file, remembered["format"], names, crawler)
    if not file.is_file() or file.stat().st_size < offset:
        # cut or removed by hand: the articles that were in it are still recorded as written (a
        # file that had nothing written to it lost nothing)
        size = file.stat().st_size if file.is_file() else None
        if offset:
            logger.warning("output %s is %s since the crawl that wrote it (%d bytes then): the articles "
                           "no longer in it are still recorded as written (if it was moved away, they "
                           "are in the moved file); only if they are lost, fetch them again into a new "
                           "file without state (-s NEWSCRAWL_STATE=none)", file,
                           "gone" if size is None else f"shorter ({size} bytes)", offset)
        store.set_meta(key, "")
        return 0
    with file.open("r+b") as handle:
        if written_elsewhere(handle.fileno()):
            logger.warning("%s is being written by another crawl: what it holds past this state's "
                           "last recorded line is reconciled at a later start", file)
            return None
        if not starts_a_line(handle, offset):
            store.set_meta(key, "")
            logger.warning("%s was changed since a crawl of this state wrote it (its last recorded line "
                           "ended at byte %d, which now is inside a line): left as it is, and not "
                           "reconciled with the state", file, offset)
            return 0
        recovered, torn, bad, unended = reconcile(store, handle, offset, names)
    store.set_meta(key, "")
    if unended:
        logger.warning("%s did not end with a line break: one was added after its last line, so the "
                       "articles appended start on a line of their own", file)
    if recovered or torn or bad:
        logger.warning("%s", recovered_line(file, recovered, torn, bad, adopted=adopted))
    if crawler is not None and crawler.stats is not None:
        crawler.stats.inc_value("newscrawl/recovered/articles", recovered)
        crawler.stats.inc_value("newscrawl/recovered/torn_bytes", torn)
    return recovered


def recover_document(store: Any, key: str, file: Path, fmt: str, names: Mapping[str, str],
                     crawler: Crawler | None = None) -> int | None:
    """Close a JSON array, XML or CSV output a killed crawl of this state left open
    (`documents.CLOSERS`), and mark its last complete records as emitted (written, maybe not
    recorded); the articles recorded, None when another crawl is writing it."""
    if not file.is_file():
        store.set_meta(key, "")
        return 0
    with file.open("r+b") as handle:
        if written_elsewhere(handle.fileno()):
            logger.warning("%s is being written by another crawl: it is closed, if it needs it, at a later "
                           "start", file)
            return None
        try:
            closed = CLOSERS[fmt](handle)
        except (Unrepairable, etree.XMLSyntaxError) as exc:
            closed = None
            logger.warning("%s is incomplete (a crawl killed before it finished writing it), and was not "
                           "repaired: %s; its complete records are readable up to the torn one",
                           file, " ".join(str(exc).split()))
    store.set_meta(key, "")
    if closed is None:
        return 0
    recovered = sum(mark_emitted(store, as_article(record, names)) for record in closed.records)
    logger.warning("%s", closed_line(file, fmt, closed.cut, recovered))
    if crawler is not None and crawler.stats is not None:
        crawler.stats.inc_value("newscrawl/recovered/closed_files")
        crawler.stats.inc_value("newscrawl/recovered/articles", recovered)
        crawler.stats.inc_value("newscrawl/recovered/torn_bytes", closed.cut)
    return recovered


def closed_line(file: Path, fmt: str, cut: int, recovered: int) -> str:
    """One line on a JSON array, XML or CSV output closed after a kill."""
    what = {"json": "the JSON array's closing ]", "xml": "the XML document's closing tag",
            "csv": "a line break after its last row"}[fmt]
    done = "its torn last row cut" if fmt == "csv" else "closed after its last complete record"
    parts = [f"{file} did not end with {what} (a crawl of this state killed before it finished): {done}"]
    if cut and fmt != "csv":
        parts.append(f"the {cut} bytes after it cut")
    if recovered:
        parts.append(f"{recovered} article{'' if recovered == 1 else 's'} there this state had not recorded: "
                     "marked as emitted")
    return "; ".join(parts)


def starts_a_line(handle: BinaryIO, offset: int) -> bool:
    """Whether a line begins at `offset`: the file's start, or just after a line break. The
    offset a crawl stored always is; in a file rewritten since, it may fall inside a line."""
    if not offset:
        return True
    handle.seek(offset - 1)
    return handle.read(1) == b"\n"


def last_line_start(handle: BinaryIO, floor: int, size: int) -> int:
    """Where the file's last line begins (just after its last line break; `size` when it ends
    with one), looking no further back than `floor`, a line start. Read backwards in chunks:
    never the whole file."""
    end = size
    while end > floor:
        start = max(floor, end - CHUNK)
        handle.seek(start)
        found = handle.read(end - start).rfind(b"\n")
        if found >= 0:
            return start + found + 1
        end = start
    return floor


def lines_between(handle: BinaryIO, start: int, end: int) -> Iterator[bytes]:
    """The lines from `start` to `end` (both line starts), one at a time."""
    handle.seek(start)
    position = start
    while position < end:
        line = handle.readline()
        if not line:
            return
        position += len(line)
        yield line


def reconcile(store: Any, handle: BinaryIO, offset: int,
              names: Mapping[str, str] | None = None) -> tuple[int, int, int, bool]:
    """Mark as emitted the records of the lines past `offset` (a line start), and repair the
    last line: cut it when it is no complete JSON value (a write cut short), give it its line
    break when it is one (another tool wrote it without one). The last line is judged from its
    own start, never from `offset`. (articles recorded, bytes cut, unreadable lines, whether a
    line break was added). `names`: the output's field names (`identity.output_names`)."""
    size = handle.seek(0, os.SEEK_END)
    last = last_line_start(handle, offset, size)
    recovered, bad = mark_lines(store, lines_between(handle, offset, last), names)
    handle.seek(last)
    tail = handle.read()
    if not tail:
        return recovered, 0, bad, False
    if not (tail.strip() and _parses(tail)):
        handle.truncate(last)
        os.fsync(handle.fileno())
        return recovered, len(tail), bad, False
    more, unreadable = mark_lines(store, [tail], names)
    handle.write(b"\n")  # kept, and the next line starts on a line of its own
    os.fsync(handle.fileno())
    return recovered + more, 0, bad + unreadable, True


def mark_lines(store: Any, lines: Iterable[bytes],
               names: Mapping[str, str] | None = None) -> tuple[int, int]:
    """Mark the records of these lines (written with the field names `names`) as emitted:
    (articles the state had not recorded, lines that hold no record)."""
    recovered = bad = 0
    for line in lines:
        if not line.strip():
            continue
        record = _record(line)
        if record is None:
            bad += 1
        else:
            recovered += mark_emitted(store, as_article(record, names or {}))
    return recovered, bad


def recovered_line(file: Path, recovered: int, torn: int, bad: int, *, adopted: bool = False) -> str:
    """One line on what the start found past the state's last recorded line, saying only what
    can be known: lines this state did not record come from a crawl killed before it recorded
    them, or from another writer, and nothing tells which. In a file this state never wrote
    (`adopted`), they come from another writer."""
    parts = []
    if recovered and adopted:
        parts.append(f"holds {recovered} article{'' if recovered == 1 else 's'} already that this state had "
                     "not recorded (written by a crawl of another state, or another tool): not written again")
    elif recovered:
        parts.append(f"holds {recovered} article{'' if recovered == 1 else 's'} this state had not "
                     "recorded (an interrupted crawl, or another writer): marked as emitted")
    if torn:
        parts.append(f"ended in {torn} bytes that are no complete JSON line (a write cut short): cut")
    if bad:
        parts.append(f"has {bad} unreadable line{'' if bad == 1 else 's'} there: left as they are")
    return f"{file} " + "; ".join(parts)


def recover_part(part: Path, final: Path, store: Any, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Publish a part file a killed `scrapy cron` run left as `final`: keep its complete records,
    cut a torn tail, and mark its articles as emitted (the killed run may have written a line but
    not recorded it). `names`: the field names the run wrote (`identity.output_names`): read
    without them, records whose URL field is renamed were recorded as nothing, and written again."""
    lines, records, bad, torn = complete_lines(part.read_bytes())
    for record in records:
        mark_emitted(store, as_article(record, names or {}), newest=True)
    part.write_bytes(b"".join(lines))
    part.replace(final)
    return {"file": final.name, "articles": len(lines), "torn_tail_bytes": torn, "bad_lines": bad}
