"""Saved pages (fixtures): load them, replay them as Scrapy responses, save new ones."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse, Request


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

    def response(self) -> HtmlResponse:
        """An HtmlResponse built from the saved bytes, URL and headers."""
        return HtmlResponse(url=self.url, status=self.status, headers=self.headers, body=self.body,
                            request=Request(self.url))


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
                     expected=expected, path=folder)


def save_page(folder: str | Path, page: SavedPage, item: dict[str, Any]) -> Path:
    """Write a fixture folder; the current item goes to expected.json for review."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "page.html.gz").write_bytes(gzip.compress(page.body, mtime=0))
    meta = {"url": page.url, "status": page.status, "headers": page.headers, "source": page.source}
    (folder / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", "utf-8")
    (folder / "expected.json").write_text(json.dumps(item, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return folder


def fixture_folders(root: str | Path) -> list[Path]:
    """Every fixture folder under `root` (those with a meta.json)."""
    return sorted(p.parent for p in Path(root).glob("*/meta.json"))
