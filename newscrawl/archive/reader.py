"""Reading WARC files record by record, in bounded memory, with the offset of each record.

warcio parses a record, but it reads a truncated file without a word (a torn last record is
simply not there), so the walk over records is ours: gzip members one by one for `.warc.gz`
(each record its own member, as every crawler writes them), WARC header blocks and their
Content-Length for `.warc`. A record that does not end, or bytes that are no WARC record, raise
`DamagedArchive` with the offset where it starts; a caller that passes `on_damage` hears of it
instead and, in a `.warc.gz`, reading goes on at the next intact record (each record is its own
gzip member, so one damaged record costs only itself).

A response record whose content does not match its digest (bit rot, a wrong Content-Length)
is `DamagedRecord`: warcio checks the digests as the scan reads the record, so a damaged page is
never replayed as an article.
"""

from __future__ import annotations

import glob
import io
import os
import re
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader

CHUNK = 1 << 16
MAX_RECORD = 256 << 20  # bytes of one decompressed record kept in memory at most
RECENT_BYTES = 32 << 20  # bytes of records just read, kept for a replay's request that follows
SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")


class DamagedArchive(Exception):
    """A WARC file that cannot be read on from `offset` (truncated, or not WARC there).
    `resumed_at`: where reading went on (the next intact record), None when it could not."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(f"offset {offset}: {reason}")
        self.offset = offset
        self.reason = reason
        self.resumed_at: int | None = None


class DamagedRecord(DamagedArchive):
    """A record read whole whose content does not match its WARC digest: it alone is skipped.
    `end`: where the record ends by its own Content-Length (a wrong one puts it off the mark)."""

    def __init__(self, offset: int, end: int, reason: str) -> None:
        super().__init__(offset, reason)
        self.end = end


MAX_REASON = 80  # characters of a parser's complaint quoted in the one line (it may quote the file)


def _short(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= MAX_REASON else line[:MAX_REASON - 1] + "…"


def is_gzip(path: str | Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def iter_raw_records(handle: BinaryIO, gzipped: bool, start: int = 0,
                     limit: int = MAX_RECORD) -> Iterator[tuple[int, int, bytes | None]]:
    """(offset, length on disk, the record's bytes decompressed) for each record from `start`;
    the bytes are None for a record larger than `limit` (skipped, not kept in memory)."""
    handle.seek(start)
    walk = _gzip_members if gzipped else _plain_records
    yield from walk(handle, start, limit)


def _gzip_members(handle: BinaryIO, offset: int, limit: int) -> Iterator[tuple[int, int, bytes | None]]:
    pending = b""
    while True:
        if len(pending) < 2:  # a member may end one byte before a chunk does
            more = handle.read(CHUNK)
            pending += more
            if not more and not pending.strip(b"\r\n\0"):
                return  # the end, or padding at the end
            if not more and len(pending) < 2:
                raise DamagedArchive(offset, "the file ends inside this record (truncated)")
        if not pending.startswith(b"\x1f\x8b"):
            if not pending.strip(b"\r\n\0"):  # padding at the end of a file
                pending = b""
                continue
            raise DamagedArchive(offset, "not a gzip member (a .warc.gz holds one gzipped record after another)")
        inflater = zlib.decompressobj(wbits=31)
        parts: list[bytes] | None = []
        size = 0
        consumed = 0
        while True:
            try:
                out = inflater.decompress(pending)
            except zlib.error as exc:
                raise DamagedArchive(offset, f"broken gzip data ({exc})") from None
            if parts is not None:
                size += len(out)
                if size > limit:
                    parts = None  # too large to keep: decompressed to find its end, then skipped
                else:
                    parts.append(out)
            if inflater.eof:
                consumed += len(pending) - len(inflater.unused_data)
                pending = inflater.unused_data
                break
            consumed += len(pending)
            pending = handle.read(CHUNK)
            if not pending:
                raise DamagedArchive(offset, "the file ends inside this record (truncated)")
        yield offset, consumed, (b"".join(parts) if parts is not None else None)
        offset += consumed


def _plain_records(handle: BinaryIO, offset: int, limit: int) -> Iterator[tuple[int, int, bytes | None]]:
    while True:
        first = handle.readline()
        while first in (b"\r\n", b"\n"):  # the blank lines between records
            offset += len(first)
            first = handle.readline()
        if not first:
            return
        if not first.startswith(b"WARC/"):
            raise DamagedArchive(offset, "no WARC record starts here")
        head = [first]
        length = None
        while True:
            line = handle.readline(CHUNK)
            if not line:
                raise DamagedArchive(offset, "the file ends inside this record's header (truncated)")
            head.append(line)
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                try:
                    length = int(value.strip())
                except ValueError:
                    raise DamagedArchive(offset, "a bad Content-Length") from None
        if length is None:
            raise DamagedArchive(offset, "a record without Content-Length")
        header = b"".join(head)
        if length > limit:
            handle.seek(length, os.SEEK_CUR)
            block = None
            complete = handle.tell() <= os.fstat(handle.fileno()).st_size
        else:
            block = handle.read(length)
            complete = len(block) == length
        if not complete:
            raise DamagedArchive(offset, "the file ends inside this record (truncated)")
        yield offset, len(header) + length, (header + block if block is not None else None)
        offset += len(header) + length


_LOADER = ArcWarcRecordLoader()


def parse_record(raw: bytes, check_digests: bool = False) -> ArcWarcRecord:
    """The warcio record of one record's bytes (headers parsed, content to be read). Parsed by
    warcio's record loader, not its ArchiveIterator, whose reference cycles keep each record's
    bytes until the garbage collector runs. With `check_digests`, warcio checks the record's
    digests as its content is read to the end (`digest_mismatch`)."""
    return _LOADER.parse_record_stream(io.BytesIO(raw), known_format="warc", check_digests=check_digests)


def digest_mismatch(record: ArcWarcRecord) -> str | None:
    """The digest header a record parsed with `check_digests` fails, read to its end, or None:
    the digests match, or it has none to check (some writers leave them out).

    WARC-Block-Digest covers the block exactly as stored, so it decides when present. Tools
    disagree on whether a WARC-Payload-Digest is taken before or after a chunked body is
    unchunked (or, as CC-NEWS, the body decoded), so a payload digest decides only in a record
    without a block digest whose body keeps no Transfer-Encoding."""
    block_digest = record.rec_headers.get_header("WARC-Block-Digest")
    if block_digest:  # it decides alone: hashing the payload a second time would cost, not tell
        record.raw_stream.payload_digester = None
    try:
        record.raw_stream.read()  # in one piece: the record is in memory already
    except ValueError:  # a digest value that is no base16/32/64 (binascii.Error): a damaged header
        return "digest header (not a digest value)"
    problems = [p for p in record.digest_checker.problems if "digest failed" in p]  # not "unknown hash"
    if any(p.startswith("block") for p in problems):
        return "WARC-Block-Digest"
    chunked = record.http_headers is not None and record.http_headers.get_header("Transfer-Encoding")
    if problems and not block_digest and not chunked:
        return "WARC-Payload-Digest"
    return None


def target_uri(record: ArcWarcRecord) -> str:
    """WARC-Target-URI, without the angle brackets some writers put around it."""
    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip()
    return uri[1:-1] if uri.startswith("<") and uri.endswith(">") else uri


@dataclass(frozen=True)
class ArchivedResponse:
    """Where a response record is and what its headers say: enough to replay it later."""

    file: str
    offset: int
    record_id: str
    url: str
    date: str
    status: int
    content_type: str

    @property
    def is_html(self) -> bool:
        kind = self.content_type.split(";")[0].strip().lower()
        return not kind or kind in HTML_TYPES


def response_of(path: str, offset: int, record: ArcWarcRecord) -> ArchivedResponse | None:
    """The response record's place and headers, or None for another kind of record."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    try:
        status = int(record.http_headers.get_statuscode() or 0)
    except ValueError:
        status = 0
    return ArchivedResponse(
        file=path, offset=offset, record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
        url=target_uri(record), date=record.rec_headers.get_header("WARC-Date") or "",
        status=status, content_type=record.http_headers.get_header("Content-Type") or "")


class RecentRecords:
    """The bytes of the responses `responses` read last, so that reading one again right after
    (a replay's next request) needs no second decompression; bounded in bytes."""

    def __init__(self, limit: int = RECENT_BYTES) -> None:
        self.limit = limit
        self.size = 0
        self.items: OrderedDict[tuple[str, int], bytes] = OrderedDict()

    def put(self, key: tuple[str, int], raw: bytes) -> None:
        if len(raw) > self.limit:
            return
        self.items[key] = raw
        self.size += len(raw)
        while self.size > self.limit:
            _, old = self.items.popitem(last=False)
            self.size -= len(old)

    def take(self, key: tuple[str, int]) -> bytes | None:
        raw = self.items.pop(key, None)
        if raw is not None:
            self.size -= len(raw)
        return raw


RECENT = RecentRecords()


def responses(path: str, recent: RecentRecords | None = None,
              on_damage: Callable[[DamagedArchive], None] | None = None) -> Iterator[ArchivedResponse]:
    """Every response record of one WARC file, in order. Where the file is damaged: without
    `on_damage`, DamagedArchive; with it, `on_damage` is told (with `resumed_at`) and reading
    goes on at the next intact record of a `.warc.gz` (a `.warc` has no record marks to find:
    its rest is skipped). With `recent`, each response's bytes are kept there for a
    `read_record` soon after."""
    gzipped = is_gzip(path)
    start = 0
    with open(path, "rb") as handle:
        while True:
            try:
                yield from _responses_from(handle, path, gzipped, start, recent)
                return
            except DamagedArchive as damage:
                if on_damage is None:
                    raise
                damage.resumed_at = _resume_at(handle, damage, gzipped)
                on_damage(damage)
                if damage.resumed_at is None:
                    return
                start = damage.resumed_at


def _resume_at(handle: BinaryIO, damage: DamagedArchive, gzipped: bool) -> int | None:
    """Where reading goes on past a damaged part: the next intact gzip member, the end of a
    record that failed its digest (a member ends where it ends, whatever its Content-Length
    says), or in a `.warc` the next record start after it; None for the rest of a `.warc`."""
    if isinstance(damage, DamagedRecord):
        return damage.end if gzipped else next_plain_record(handle, damage.offset + 1)
    return next_member(handle, damage.offset + 1) if gzipped else None


def _responses_from(handle: BinaryIO, path: str, gzipped: bool, start: int,
                    recent: RecentRecords | None) -> Iterator[ArchivedResponse]:
    for offset, length, raw in iter_raw_records(handle, gzipped, start):
        if raw is None:
            continue
        try:
            record = parse_record(raw, check_digests=True)
        except Exception as exc:  # warcio's parse errors have no common base
            raise DamagedArchive(offset, f"not a WARC record ({type(exc).__name__}: {_short(exc)})") from None
        found = response_of(path, offset, record)
        if found is not None:
            failed = digest_mismatch(record)
            if failed:
                raise DamagedRecord(offset, offset + length, f"the record of {found.url} does not match its "
                                    f"{failed} (damaged since it was archived): not replayed")
            if recent is not None:
                recent.put((path, offset), raw)
            yield found


_MEMBER_MARK = b"\x1f\x8b\x08"  # a gzip member's first bytes (magic, deflate)


def next_member(handle: BinaryIO, start: int) -> int | None:
    """The offset of the first gzip member at or after `start` that holds a WARC record (the
    mark may also occur by chance inside compressed data: a candidate counts only when it
    inflates to a WARC record's first line); None at the end of the file."""
    def members(data: bytes, base: int) -> Iterator[int]:
        found = data.find(_MEMBER_MARK)
        while found != -1:
            if _opens_record(handle, base + found):
                yield base + found
            found = data.find(_MEMBER_MARK, found + 1)

    return _first_found(handle, start, len(_MEMBER_MARK) - 1, members)


_RECORD_START = re.compile(rb"(?<=\n)WARC/1\.[01]\r?\n")  # a record's first line, at a line start


def next_plain_record(handle: BinaryIO, start: int) -> int | None:
    """The offset of the first line at or after `start` in a `.warc` that opens a WARC record
    (`WARC/1.0` or `WARC/1.1`); None at the end of the file."""
    def record_starts(data: bytes, base: int) -> Iterator[int]:
        return (base + found.start() for found in _RECORD_START.finditer(data) if base + found.start() >= start)

    return _first_found(handle, max(start - 1, 0), 16, record_starts)  # the newline before counts


def _first_found(handle: BinaryIO, position: int, overlap: int,
                 candidates: Callable[[bytes, int], Iterator[int]]) -> int | None:
    """The first offset `candidates(data, base)` gives in the rest of the file from `position`,
    read in chunks, each after the last `overlap` bytes of the one before (a mark a chunk's end
    cuts in two); None at the end of the file. One pass; `candidates` may move the handle."""
    carry = b""
    while True:
        handle.seek(position)
        chunk = handle.read(CHUNK)
        if not chunk:
            return None
        data = carry + chunk
        for offset in candidates(data, position - len(carry)):
            return offset
        position += len(chunk)
        carry = data[-overlap:]


def _opens_record(handle: BinaryIO, offset: int) -> bool:
    handle.seek(offset)
    try:
        head = zlib.decompressobj(wbits=31).decompress(handle.read(4096), 64)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")


def read_record(path: str, offset: int, recent: RecentRecords | None = None) -> tuple[ArcWarcRecord, bytes]:
    """The record at `offset` of a file and its raw bytes (decompressed)."""
    raw = recent.take((path, offset)) if recent is not None else None
    if raw is not None:
        return parse_record(raw), raw
    with open(path, "rb") as handle:
        for _, _, raw in iter_raw_records(handle, is_gzip(path), start=offset):
            if raw is None:
                raise DamagedArchive(offset, f"a record larger than {MAX_RECORD} bytes")
            return parse_record(raw), raw
    raise DamagedArchive(offset, "no record at this offset")


def warc_files(spec: str) -> list[str]:
    """The WARC files a path names: a file, a folder (its .warc and .warc.gz files, sorted) or
    a glob. ValueError (one line) when it names none."""
    path = Path(spec)
    if path.is_dir():
        found = sorted(str(p) for p in path.iterdir() if p.is_file() and p.name.endswith(SUFFIXES))
        if not found:
            still_open = sorted(p.name for p in path.iterdir() if p.name.endswith(".open"))
            hint = (f" ({len(still_open)} .open file(s) of a crawl still writing or killed: name one to "
                    f"replay it, -a warc={path / still_open[0]})") if still_open else ""
            raise ValueError(f"-a warc={spec}: the folder holds no .warc or .warc.gz file{hint}")
        return found
    if path.is_file():
        return [spec]
    if glob.has_magic(spec):
        found = sorted(p for p in glob.glob(spec) if Path(p).is_file())
        if not found:
            raise ValueError(f"-a warc={spec}: the pattern matches no file")
        return found
    raise ValueError(f"-a warc={spec}: no such file or folder; give a .warc or .warc.gz file, a "
                     "folder of them, or a glob (quoted)")
