"""Writing WARC/1.1 files: request and response records of each fetch, gzip per record.

Files are named `PREFIX-TIMESTAMP-SERIAL.warc.gz` (the usual crawler naming), directly in the
archive folder. A file being written is `NAME.warc.gz.open` (as Heritrix does) and holds an
exclusive lock; it is renamed when it is closed: at the end of the run, or when it reaches
`max_bytes`, after which the next serial is opened. Each file starts with a `warcinfo` record
naming newscrawl's version. A record is written with one unbuffered write of whole bytes, so a
`kill -9` can tear only the last record: `recover_folder` cuts that torn tail on the next start
and renames the file, and every closed record stays readable. A write that fails (disk full) is
cut off again and raises ArchiveError; the caller stops the crawl.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import newscrawl
from newscrawl.archive.reader import DamagedArchive, iter_raw_records

logger = logging.getLogger("newscrawl.archive")

OPEN_SUFFIX = ".open"
SUFFIX = ".warc.gz"


class ArchiveError(Exception):
    """An archive file could not be written: which one, and why (the OS error)."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True)
class Exchange:
    """One fetch as it went over the wire: the request sent and the response received."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    protocol: str
    response_headers: list[tuple[str, str]]
    body: bytes  # as received: still Content-Encoding'd, transfer encoding removed
    ip: str | None = None


@dataclass(frozen=True)
class Written:
    """Where a response record was written: the item's `warc` field."""

    file: str
    offset: int
    record_id: str

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "offset": self.offset, "record_id": self.record_id}


def file_name(prefix: str, serial: int, when: datetime | None = None) -> str:
    """PREFIX-YYYYmmddHHMMSSfff-SERIAL.warc.gz"""
    when = when or datetime.now(UTC)
    stamp = when.strftime("%Y%m%d%H%M%S") + f"{when.microsecond // 1000:03d}"
    return f"{prefix}-{stamp}-{serial:05d}{SUFFIX}"


def warc_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ArchiveWriter:
    """A series of WARC files in `folder`, opened on the first record, rotated by size."""

    def __init__(self, folder: str | Path, prefix: str = "newscrawl", max_bytes: int = 1 << 30,
                 operator: str = "") -> None:
        self.folder = Path(folder)
        self.prefix = prefix
        self.max_bytes = max(1, max_bytes)
        self.operator = operator
        self.serial = 0
        self.handle: io.FileIO | None = None
        self.name = ""  # the final name of the open file
        self.records = 0
        self.files: list[str] = []

    # -- files -----------------------------------------------------------------------------

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for _ in range(1000):  # bounded: another writer may take the same name in the same ms
            name = file_name(self.prefix, self.serial)
            self.serial += 1
            if (self.folder / name).exists():
                continue
            try:
                handle = io.FileIO(self.folder / (name + OPEN_SUFFIX), "xb")
            except FileExistsError:
                continue
            break
        else:
            raise ArchiveError(self.folder, f"no free file name for {self.prefix}")
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # recovery leaves it alone
        self.handle, self.name = handle, name
        self.files.append(name)
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True, warc_version="1.1")
        info = {"software": f"newscrawl/{newscrawl.__version__}", "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"}
        if self.operator:
            info["operator"] = self.operator
        writer.write_record(writer.create_warcinfo_record(name, info))
        self._write(buffer.getvalue())

    def _write(self, data: bytes) -> int:
        """Write whole bytes at the end of the open file; the offset they start at."""
        assert self.handle is not None
        start = self.handle.tell()
        try:
            view = memoryview(data)
            while view:
                done = self.handle.write(view)
                if not done:
                    raise OSError(0, "the file accepted no bytes")
                view = view[done:]
        except OSError as exc:
            try:
                self.handle.truncate(start)
                self.handle.seek(start)
            except OSError:
                pass  # the next start cuts it (recover_folder)
            raise ArchiveError(self.folder / (self.name + OPEN_SUFFIX), exc.strerror or str(exc)) from exc
        return start

    def close_file(self) -> None:
        """Close the open file and give it its final name."""
        if self.handle is None:
            return
        handle, name = self.handle, self.name
        self.handle = None
        with contextlib.suppress(OSError):
            os.fsync(handle.fileno())
        handle.close()
        os.replace(self.folder / (name + OPEN_SUFFIX), self.folder / name)

    def close(self) -> None:
        self.close_file()

    # -- records ---------------------------------------------------------------------------

    def write(self, exchange: Exchange, when: datetime | None = None) -> Written:
        """Write the response and its request; where the response record is."""
        if self.handle is None:
            try:
                self._open()
            except OSError as exc:
                self.handle = None
                raise ArchiveError(self.folder, exc.strerror or str(exc)) from exc
        when = when or datetime.now(UTC)
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True, warc_version="1.1")
        response = response_record(writer, exchange, when)
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        writer.write_record(response)
        writer.write_record(request_record(writer, exchange, when, record_id))
        offset = self._write(buffer.getvalue())
        self.records += 1
        written = Written(self.name, offset, record_id)
        assert self.handle is not None
        if self.handle.tell() >= self.max_bytes:
            self.close_file()
        return written


def response_record(writer: WARCWriter, exchange: Exchange, when: datetime):
    try:
        reason = HTTPStatus(exchange.status).phrase
    except ValueError:
        reason = ""
    status = f"{exchange.status} {reason}".strip()
    http = StatusAndHeaders(status, list(exchange.response_headers), protocol=exchange.protocol or "HTTP/1.1")
    headers = {"WARC-Date": warc_date(when)}
    if exchange.ip:
        headers["WARC-IP-Address"] = exchange.ip
    return writer.create_warc_record(exchange.url, "response", payload=io.BytesIO(exchange.body),
                                     length=len(exchange.body), http_headers=http,
                                     warc_headers_dict=headers)


def request_record(writer: WARCWriter, exchange: Exchange, when: datetime, concurrent_to: str):
    from urllib.parse import urlsplit

    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = list(exchange.request_headers)
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", parts.netloc))
    http = StatusAndHeaders(f"{exchange.method} {target} HTTP/1.1", headers, is_http_request=True)
    return writer.create_warc_record(
        exchange.url, "request", payload=io.BytesIO(exchange.request_body),
        length=len(exchange.request_body), http_headers=http,
        warc_headers_dict={"WARC-Date": warc_date(when), "WARC-Concurrent-To": concurrent_to})


# -- recovery ----------------------------------------------------------------------------------

def complete_length(path: Path) -> int:
    """The bytes of a file that hold complete records (where a torn last record starts)."""
    end = 0
    with open(path, "rb") as handle:
        try:
            for offset, length, raw in iter_raw_records(handle, gzipped=True):
                if raw is not None and not raw.startswith(b"WARC/"):
                    return offset  # a whole gzip member, but no record of ours: damage too
                end = offset + length
        except DamagedArchive as exc:
            return exc.offset
    return end


def recover_folder(folder: str | Path, prefix: str) -> list[str]:
    """Close the files a killed writer of this prefix left open: cut a torn last record, give
    the file its final name. Files another live writer holds (locked) are left alone."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    recovered = []
    for path in sorted(folder.glob(f"{prefix}-*{SUFFIX}{OPEN_SUFFIX}")):
        try:
            handle = open(path, "r+b")  # noqa: SIM115 (held while the lock is)
        except OSError:
            continue
        with handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live writer's
            size = os.fstat(handle.fileno()).st_size
            keep = complete_length(path)
            if keep < size:
                handle.truncate(keep)
                os.fsync(handle.fileno())
            final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
            os.replace(path, final)
        logger.warning("recovered archive %s after an interrupted crawl: %d bytes of a torn last "
                       "record cut, every complete record kept", final, size - keep)
        recovered.append(final.name)
    return recovered


def worker_prefix(prefix: str) -> str:
    """The prefix of one distributed worker's file series: host and process id added."""
    import socket

    host = "".join(c if c.isalnum() or c in ".-" else "-" for c in socket.gethostname())
    return f"{prefix}-{host}-{os.getpid()}"
