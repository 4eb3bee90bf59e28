"""Closing a JSON array, XML or CSV output a killed crawl left open, and a crawl's own at a
forced stop.

Scrapy writes a JSON array's closing `]` (JsonItemExporter) and an XML document's closing tag
(XmlItemExporter) only when the crawl ends: after `kill -9` the file does not parse. The next
start of the state that wrote it cuts a torn record and closes it after its last complete record
(`[\\n{...},\\n{...}` becomes `[\\n{...},\\n{...}\\n]\\n`); a CSV file loses a torn last row. Only
the file's end is read, unless a JSON array's records are not one per line (FEED_EXPORT_INDENT):
then it is parsed once, whole, up to WHOLE_MAX. A crawl stopped at once (a second Ctrl-C: Scrapy's
forced stop ends the reactor before its feed exporter closes the outputs) closes its own at the
end (`finish_open_documents`), standard output too, which no later start could repair.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from lxml import etree
from scrapy.extensions.feedexport import FeedExporter

TAIL = 1024 * 1024  # bytes read from a file's end to find its last complete record
WHOLE_MAX = 64 * 1024 * 1024  # a JSON array whose records span lines is parsed whole up to this size
SPACE = b" \t\r\n"
BOM = b"\xef\xbb\xbf"
XML_ROOT = re.compile(rb"<\?xml[^>]*\?>\s*<([A-Za-z_][\w.-]*)>\s*(?:<([A-Za-z_][\w.-]*)>)?")
WHITESPACE = re.compile(r"[ \t\r\n]*")
CSV_ROW_END = b"\r\n"  # Python's csv writer ends a row so; a line break inside a cell is "\n"


@dataclass
class Closed:
    """What closing a file did: the bytes of a torn record cut, the complete records found at its
    end (a killed crawl may have written them without recording them)."""

    cut: int
    records: list[dict[str, Any]] = field(default_factory=list)


class Unrepairable(ValueError):
    """A file that cannot be closed here (not the document its format says, or too large to
    parse whole): it is left as it is, and said."""


def _tail(handle: BinaryIO, size: int) -> tuple[int, bytes]:
    """(where it starts, the last TAIL bytes of the file)."""
    start = max(0, size - TAIL)
    handle.seek(start)
    return start, handle.read()


def _close_at(handle: BinaryIO, end: int, closing: bytes) -> None:
    """Cut the file at `end` and write `closing` there, durably."""
    handle.truncate(end)
    handle.seek(end)
    handle.write(closing)
    handle.flush()
    os.fsync(handle.fileno())


def _object(text: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _item_lines(tail: bytes, start: int) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """(where its record starts, where it ends, the record) for each line of the tail that holds
    one whole record of an array written one record per line (`{...},`), last first."""
    end = len(tail)
    while end > 0:
        begin = tail.rfind(b"\n", 0, end) + 1
        if begin == 0 and start:  # the tail's first line may be the end of a longer one
            return
        line = tail[begin:end]
        text = line.strip(SPACE).removesuffix(b",").rstrip(SPACE)
        if text.startswith(b"{") and text.endswith(b"}") and (record := _object(text)) is not None:
            first = begin + line.index(b"{")
            yield start + first, start + first + len(text), record
        end = begin - 1


def _opens_array(before: bytes) -> bool:
    """Whether the bytes before a record are those of an array's start or of a record before it."""
    text = before.removeprefix(BOM).rstrip(SPACE)
    return text.endswith(b",") or text == b"["


def close_json_array(handle: BinaryIO) -> Closed | None:
    """Close a JSON array that does not end with `]`: cut after its last complete record and
    write `\\n]\\n` (`[]` when it holds none). None when it ends with `]`; Unrepairable when it
    is no JSON array."""
    size = handle.seek(0, os.SEEK_END)
    start, tail = _tail(handle, size)
    if tail.rstrip(SPACE).endswith(b"]"):
        return None
    for first, end, _ in _item_lines(tail, start):
        before = tail[:first - start] if start == 0 else tail[max(0, first - start - 16):first - start]
        if _opens_array(before) and (start == 0 or before.rstrip(SPACE).endswith(b",")):
            records = [found for _, _, found in _item_lines(tail[:end - start], start)]
            _close_at(handle, end, b"\n]\n")
            return Closed(size - end, records)
    return _close_parsed(handle, size)


def _close_parsed(handle: BinaryIO, size: int) -> Closed:
    """Close a JSON array whose records are not one per line (FEED_EXPORT_INDENT, or none in
    the tail): parse it once, whole, record by record, and cut after the last complete one."""
    if size > WHOLE_MAX:
        raise Unrepairable(f"its records are not one per line and it is larger than {WHOLE_MAX // 2**20} MiB")
    handle.seek(0)
    # Scrapy writes UTF-8 (FEED_EXPORT_ENCODING): only a torn last character may not decode
    text = handle.read().decode("utf-8", errors="replace")
    index = WHITESPACE.match(text, 1 if text.startswith("\ufeff") else 0).end()
    if index == len(text):  # killed before its "[" was written: an array with no record
        _close_at(handle, 0, b"[]\n")
        return Closed(size)
    if not text.startswith("[", index):
        raise Unrepairable("it is no JSON array")
    decoder, records = json.JSONDecoder(), []
    end = index = index + 1  # in characters: just after the array's "["
    while True:
        try:
            record, after = decoder.raw_decode(text, WHITESPACE.match(text, index).end())
        except ValueError:
            break
        if isinstance(record, dict):
            records.append(record)
        end = after
        index = WHITESPACE.match(text, after).end()
        if not text.startswith(",", index):
            break
        index += 1
    cut = len(text[:end].encode("utf-8"))
    _close_at(handle, cut, b"\n]\n" if records else b"]\n")
    return Closed(size - cut, records)


def close_xml(handle: BinaryIO) -> Closed | None:
    """Close an XML document (Scrapy's `<items><item>...</item>`) without its closing tag: cut
    after its last complete item and close the root. None when it is closed already."""
    size = handle.seek(0, os.SEEK_END)
    handle.seek(0)
    head = handle.read(4096)
    found = XML_ROOT.search(head)
    if found is None:
        raise Unrepairable("it does not start as an XML document of records")
    root, item = found.group(1), found.group(2) or b"item"
    start, tail = _tail(handle, size)
    if tail.rstrip(SPACE).endswith(b"</" + root + b">"):
        return None
    last = tail.rfind(b"</" + item + b">")
    if last >= 0:
        end = start + last + len(item) + 3
    elif start == 0:
        end = head.index(b"<" + root + b">") + len(root) + 2
    else:
        raise Unrepairable(f"no complete <{item.decode()}> in its last {TAIL // 2**20} MiB")
    _close_at(handle, end, b"\n</" + root + b">\n")
    handle.seek(0)
    for _, element in etree.iterparse(handle, events=("end",), huge_tree=True):  # raises if it still does not parse
        element.clear()
    return Closed(size - end)


def cut_csv_row(handle: BinaryIO) -> Closed | None:
    """Cut a torn last row of a CSV file (it does not end with a row's line break); None when
    it ends with one. A bare "\n" is a line break inside a cell (a body's paragraphs), where a
    kill may tear a row too."""
    size = handle.seek(0, os.SEEK_END)
    if not size:
        return None
    start, tail = _tail(handle, size)
    if tail.endswith(CSV_ROW_END):
        return None
    last = tail.rfind(CSV_ROW_END)
    if last < 0 and start:
        raise Unrepairable(f"no row ends in its last {TAIL // 2**20} MiB")
    end = start + last + len(CSV_ROW_END) if last >= 0 else 0
    _close_at(handle, end, b"")
    return Closed(size - end)


CLOSERS = {"json": close_json_array, "xml": close_xml, "csv": cut_csv_row}


def finish_open_documents(crawler: Any) -> int:
    """Write the end of every output the feed exporter still has open (a JSON array's `]`, XML's
    closing tag), as its close would have: after a forced stop the crawl's outputs then parse.
    How many were finished; none after a crawl that closed (its exporter finished them)."""
    try:
        extensions = crawler.extensions.middlewares
    except (AttributeError, RuntimeError):  # Scrapy 2.19: read before the crawl made them
        return 0
    exporters = [extension for extension in extensions if isinstance(extension, FeedExporter)]
    finished = 0
    for slot in (slot for exporter in exporters for slot in exporter.slots):
        if not slot._exporting:  # closed already, or never opened (no record came)
            continue
        try:
            slot.finish_exporting()  # synchronous writes to the output's LineFile
        except OSError:  # the output failed before: it says so itself, and takes nothing now
            continue
        finished += 1
    return finished
