"""What an existing output file holds, in each format Scrapy writes: the URLs of its articles.

Read before a crawl overwrites a file (`-O`), to see whether the state records its articles as
written; the formats a file can be appended to (`-o`) without breaking it; and whether a file
JSON Lines would be appended to holds JSON Lines (its first and last line).
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from lxml import etree

LINE_FORMATS = {"jsonlines", "jsonl", "jl"}  # one record per line: appending keeps the file whole
# a file of these formats is one document (JSON array, XML tree, CSV with a header): appending a
# second run's document makes it invalid, or repeats the header in the middle
WHOLE_FORMATS = {"json", "xml", "csv"}
URL_FIELDS = ("canonical_url", "url")
DEFAULT_FORMAT = "jsonlines"  # what an output whose name says no format holds: newscrawl's own
WHOLE_JSON_MAX = 64 * 1024 * 1024  # an indented JSON file is parsed whole only up to this size
LINE_READ = 1024 * 1024  # bytes read at either end of a file to find its first and last line
BOM = b"\xef\xbb\xbf"


def named_format(name: str, formats: Iterable[str]) -> str | None:
    """The format a file's extension names, case ignored (OUT.CSV is csv, out.Json json), or
    None: Scrapy matches it as written, and wrote JSON Lines into OUT.CSV without a word."""
    extension = Path(name).suffix.removeprefix(".")
    if not extension:
        return None
    by_case = {fmt.casefold(): fmt for fmt in formats}
    return extension if extension in by_case.values() else by_case.get(extension.casefold())


def same_format(a: str, b: str) -> bool:
    """Whether two format names write the same (jsonl, jl and jsonlines are one)."""
    return a == b or {a, b} <= LINE_FORMATS


def _urls(record: Any) -> Iterator[str]:
    if isinstance(record, dict):
        yield from (str(record[f]) for f in URL_FIELDS if record.get(f))


def _json_lines(path: Path) -> Iterator[dict]:
    """Records of a JSON Lines file, or of a JSON array written one record per line (Scrapy's
    default); an indented JSON file is parsed whole when it is small enough."""
    parsed = 0
    with path.open("rb") as handle:
        for line in handle:
            text = line.strip().lstrip(b"[").rstrip(b"]").rstrip(b",").strip()
            if not text:
                continue
            with contextlib.suppress(ValueError):
                yield json.loads(text)
                parsed += 1
    if not parsed and path.stat().st_size <= WHOLE_JSON_MAX:
        with contextlib.suppress(ValueError, OSError):
            data = json.loads(path.read_bytes())
            yield from data if isinstance(data, list) else [data]


def _csv(path: Path) -> Iterator[dict]:
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        yield from csv.DictReader(handle)


def _xml(path: Path) -> Iterator[dict]:
    """Records of Scrapy's XML (<items><item><url>...</url>...</item></items>), field by field."""
    with contextlib.suppress(etree.XMLSyntaxError):
        for _, element in etree.iterparse(str(path), tag="item", recover=True, huge_tree=True):
            if element.getparent() is not None and element.getparent().tag == "items":
                yield {field.tag: field.text or "" for field in element if isinstance(field.tag, str)}
                element.clear()


READERS = {"json": _json_lines, "csv": _csv, "xml": _xml, **dict.fromkeys(LINE_FORMATS, _json_lines)}


def _records(path: Path, fmt: str, limit: int) -> Iterator[Any]:
    """The first `limit` records of an output file of this format (none for a format that cannot
    be read back, such as marshal or pickle, or a file that cannot be read)."""
    reader = READERS.get(fmt)
    if reader is None:
        return
    try:
        for number, record in enumerate(reader(path)):
            if number >= limit:
                return
            yield record
    except (OSError, UnicodeError, csv.Error):
        return


def article_urls(path: Path, fmt: str, limit: int) -> Iterator[str]:
    """The URLs of the first `limit` records of an output file of this format."""
    for record in _records(path, fmt, limit):
        yield from _urls(record)


def records_without_urls(path: Path, fmt: str, limit: int) -> bool:
    """Whether the file's first records are there but name no URL (fields set to leave `url`
    out): nothing tells which articles they are."""
    found = False
    for record in _records(path, fmt, limit):
        if any(_urls(record)):
            return False
        found = found or isinstance(record, dict)
    return found


def _record(line: bytes) -> bool:
    """Whether a line is one JSON object."""
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _first_line(path: Path) -> tuple[bytes, bool]:
    """The file's first line that is not blank (read no further than LINE_READ), and whether a
    line break ends it."""
    with path.open("rb") as handle:
        head = handle.read(LINE_READ).removeprefix(BOM).lstrip()
    line, ended, _ = head.partition(b"\n")
    return line, bool(ended)


def _last_line(path: Path) -> tuple[bytes, bool] | None:
    """The file's last line that is not blank and whether a line break ends it; None when its
    start is further back than LINE_READ."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - LINE_READ))
        tail = handle.read()
    body = tail.rstrip()
    start = body.rfind(b"\n") + 1
    if not start and size > LINE_READ:
        return None
    return body[start:], b"\n" in tail[len(body):]


def not_json_lines(path: Path) -> str | None:
    """Which line of a file shows it holds something else than JSON Lines ("first", "last"), or
    None. A line must be a JSON object; one a line break does not end (or longer than LINE_READ)
    need only start as one: it may be a record a killed crawl cut short, which the next start cuts."""
    for which, found in (("first", _first_line(path)), ("last", _last_line(path))):
        if found is None or not found[0]:
            continue
        line, ended = found
        if not line.startswith(b"{") or (ended and len(line) < LINE_READ and not _record(line)):
            return which
    return None
