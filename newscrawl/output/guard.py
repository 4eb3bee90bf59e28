"""Before a crawl fetches anything: every file it will write can be written, and `-O` never
erases articles the state records as written.

An article is recorded in the state only once its line is in an output, so an output that
cannot be written must stop the crawl before the first request (exit 1), and an output that is
about to be emptied must not hold articles the state promises are written somewhere (exit 2).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

from newscrawl.extract.processors import canonical_url

# feed URI schemes newscrawl writes itself (whole lines, recorded after the write)
LOCAL_SCHEMES = {"", "file", "stdout"}
# lines of an existing output read to see whether the state records its articles
LINES_CHECKED = 1000


class OutputError(RuntimeError):
    """An output cannot be written; the message names the path and the OS error (exit 1)."""


class OverwriteRefused(ValueError):
    """`-O FILE` would erase articles the state records as written (exit 2)."""


@dataclass(frozen=True)
class FeedTarget:
    """One output of the crawl (an entry of FEEDS)."""

    uri: str
    path: Path | None  # None: standard output
    overwrite: bool


def _uri_path(uri: str) -> Path | None:
    """The local path a feed URI writes to (None for stdout), with Scrapy's URI parameters
    filled the way a first batch fills them."""
    parts = urlsplit(uri)
    scheme = parts.scheme if len(parts.scheme) > 1 else ""  # C:\\ is a path, not a scheme
    if scheme not in LOCAL_SCHEMES:
        raise OutputError(f"newscrawl writes its articles to local files or standard output only, "
                          f"not to {uri}: write to a file and copy it afterwards")
    if scheme == "stdout":
        return None
    path = parts.path if scheme == "file" else uri
    params: defaultdict[str, Any] = defaultdict(lambda: "x", batch_id=1)
    with contextlib.suppress(TypeError, ValueError, KeyError):  # a literal % in the name
        path = path % params
    return Path(path)


def feed_targets(settings: BaseSettings) -> list[FeedTarget]:
    """The crawl's outputs, from FEEDS (what -o and -O set)."""
    return [FeedTarget(str(uri), _uri_path(str(uri)), bool((options or {}).get("overwrite")))
            for uri, options in settings.getdict("FEEDS").items()]


def unwritable_reason(path: Path) -> str | None:
    """Why `path` cannot be opened for writing, or None when it can (then it exists)."""
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if ancestor.exists() and not ancestor.is_dir():
        return f"{ancestor} is a file, not a folder"
    if path.is_dir():
        return "it is a folder"
    existed = path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666))
    except OSError as exc:
        return exc.strerror or str(exc)
    if not existed:
        path.unlink(missing_ok=True)  # Scrapy creates it with the first article
    return None


def unwritable_folder_reason(folder: Path) -> str | None:
    """Why files cannot be created in `folder` (made when missing), or None when they can."""
    if folder.exists() and not folder.is_dir():
        return "it is a file, not a folder"
    return unwritable_reason(folder / f".newscrawl-write-check-{os.getpid()}")


def path_problems(settings: BaseSettings) -> list[str]:
    """One line per file or folder outside FEEDS that the crawl writes and cannot: the log file,
    the state file, Scrapy's JOBDIR and the HTTP cache (checked before logging is set up)."""
    from newscrawl.crawl.httpcache import cache_dir
    from newscrawl.state import stateless

    problems = []
    log_file = settings.get("LOG_FILE") if settings.getbool("LOG_ENABLED", True) else None
    if log_file and (reason := unwritable_reason(Path(log_file))):
        problems.append(f"cannot write the log file {log_file}: {reason}")
    state = settings.get("NEWSCRAWL_STATE")
    local_state = state and not stateless(settings) and not settings.get("REDIS_URL")
    if local_state and (reason := unwritable_reason(Path(state))):
        problems.append(f"state file {state} cannot be used: {reason}; fix the path "
                        "(NEWSCRAWL_STATE) or crawl without state (-s NEWSCRAWL_STATE=)")
        return problems  # the HTTP cache lives beside it: one line says it all
    folders = {"JOBDIR": settings.get("JOBDIR")}
    if settings.getbool("HTTPCACHE_ENABLED") and not stateless(settings):
        folders["the HTTP cache (HTTPCACHE_DIR)"] = str(cache_dir(settings))
    for what, folder in folders.items():
        if folder and (reason := unwritable_folder_reason(Path(folder))):
            problems.append(f"cannot write {what} {folder}: {reason}")
    return problems


def check_writable(path: Path, what: str = "") -> None:
    """Raise OutputError with one line when `path` cannot be written."""
    reason = unwritable_reason(path)
    if reason:
        raise OutputError(f"cannot write {what + ' ' if what else ''}to {path}: {reason}")


def check_outputs(settings: BaseSettings) -> list[FeedTarget]:
    """Every output and the stats file can be written (OutputError otherwise); the outputs."""
    targets = feed_targets(settings)
    for target in targets:
        if target.path is not None:
            check_writable(target.path)
    stats_file = settings.get("NEWSCRAWL_STATS_FILE")
    if stats_file:
        check_writable(Path(stats_file), "the stats file")
    return targets


def recorded_articles(path: Path, store: Any, limit: int = LINES_CHECKED) -> int:
    """How many of the first `limit` articles in a JSON Lines file the state records."""
    found = 0
    try:
        with path.open("rb") as handle:
            for number, line in enumerate(handle):
                if number >= limit:
                    break
                try:
                    data = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(data, dict):
                    continue
                urls = {data.get("canonical_url"), data.get("url"), canonical_url(data.get("url") or "")}
                if any(url and store.get(url) is not None for url in urls):
                    found += 1
    except OSError:
        return 0
    return found


def refuse_overwrite(targets: list[FeedTarget], store: Any, settings: BaseSettings) -> None:
    """OverwriteRefused when `-O FILE` would empty a file whose articles the state records."""
    if settings.getbool("NEWSCRAWL_OVERWRITE_OUTPUT"):
        return
    for target in targets:
        path = target.path
        if not target.overwrite or path is None or not path.is_file() or not path.stat().st_size:
            continue
        if recorded_articles(path, store):
            raise OverwriteRefused(
                f"refusing to overwrite {path}: the state ({store.describe()}) records its articles "
                f"as written, so this crawl would not write them again and they would be lost. "
                f"Append with -o {path}, write to a new file, crawl without state "
                f"(-s NEWSCRAWL_STATE=), or set -s NEWSCRAWL_OVERWRITE_OUTPUT=True to overwrite")
