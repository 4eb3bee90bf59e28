"""Saved pages (fixtures): load them, replay them as Scrapy responses, save new ones."""

from __future__ import annotations

import errno
import gzip
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse, Request

from newscrawl.crawl.meta import FETCHED_AT


@dataclass
class SavedPage:
    """A page as it was fetched: URL, status, headers and the body bytes."""

    url: str
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    source: str = ""
    expected: dict[str, Any] | None = None
    path: Path | None = None
    profile: str | None = None  # the extraction profile its expected.json was made with, if forced
    # when it was fetched (ISO 8601): its expected.json was made as of then, and a replay reads
    # it as of then (a page's dates are judged against its fetch, not against the calendar)
    fetched_at: str | None = None

    def fetched_time(self) -> datetime | None:
        """`fetched_at` as a datetime (None when not saved, or not a timestamp)."""
        try:
            return datetime.fromisoformat(self.fetched_at) if self.fetched_at else None
        except (TypeError, ValueError):  # a meta.json edited by hand: a number, a word
            return None

    def response(self) -> HtmlResponse:
        """An HtmlResponse built from the saved bytes, URL and headers; the spider reads it as of
        its fetch, when saved (as extract_article given `fetched_time()` does)."""
        fetched = self.fetched_time()
        if fetched is not None and fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=UTC)  # as extraction reads a naive moment
        meta = {FETCHED_AT: fetched} if fetched is not None else {}
        return HtmlResponse(url=self.url, status=self.status, headers=self.headers, body=self.body,
                            request=Request(self.url, meta=meta))


def load_page(folder: str | Path) -> SavedPage:
    """Load a fixture folder: page.html or page.html.gz, meta.json, expected.json."""
    folder = Path(folder)
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    raw = folder / "page.html"
    body = raw.read_bytes() if raw.exists() else gzip.decompress((folder / "page.html.gz").read_bytes())
    expected_path = folder / "expected.json"
    expected = json.loads(expected_path.read_text("utf-8")) if expected_path.exists() else None
    return SavedPage(url=meta["url"], body=body, status=meta.get("status", 200),
                     headers=meta.get("headers", {}), source=meta.get("source", ""),
                     expected=expected, path=folder, profile=meta.get("profile"),
                     fetched_at=meta.get("fetched_at"))


def save_page(folder: str | Path, page: SavedPage, item: dict[str, Any], *, replace: bool = False) -> Path:
    """Write a fixture folder; the current item goes to expected.json for review.

    The files are written to a new folder beside it and renamed into place, so a fixture is
    never half-written and no file of an older fixture stays (a stale page.html would be read
    instead of the new page.html.gz). An existing folder is replaced only with `replace`
    (FileExistsError otherwise)."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp's folder is private; a fixture is not
        (tmp / "page.html.gz").write_bytes(gzip.compress(page.body, mtime=0))
        meta = {"url": page.url, "status": page.status, "headers": page.headers, "source": page.source}
        if page.profile:
            meta["profile"] = page.profile
        if page.fetched_at:
            meta["fetched_at"] = page.fetched_at
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", "utf-8")
        (tmp / "expected.json").write_text(json.dumps(item, indent=2, ensure_ascii=False) + "\n", "utf-8")
        if folder.exists() or folder.is_symlink():
            if not replace:
                raise FileExistsError(errno.EEXIST, "a fixture of that name exists", str(folder))
            old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
            folder.rename(old)
            tmp.rename(folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fixture_folders(root: str | Path) -> list[Path]:
    """Every fixture folder under `root` (those with a meta.json; hidden folders are a save in
    progress or one a kill interrupted)."""
    return sorted(p.parent for p in Path(root).glob("*/meta.json") if not p.parent.name.startswith("."))
