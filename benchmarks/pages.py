"""The real pages the speed benchmarks run on: aeb and fundus from ../shared/data, as UTF-8 text."""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

# ../shared/data beside the checkout; NEWSCRAWL_BENCH_DATA names another place (a git worktree's)
DATA = Path(os.environ.get("NEWSCRAWL_BENCH_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")


@dataclass(frozen=True)
class Page:
    """One saved page: its id, original URL, HTML text and the ground-truth body."""

    id: str
    url: str
    html: str
    truth_body: str


def load_pages(data: Path = DATA) -> list[Page]:
    """Every aeb and fundus page (the data sets store UTF-8 bytes: read them as UTF-8)."""
    pages = []
    truth = json.loads((data / "aeb" / "ground-truth.json").read_text("utf-8"))
    for path in sorted((data / "aeb" / "html").glob("*.html.gz")):
        key = path.name.removesuffix(".html.gz")
        entry = truth.get(key, {})
        pages.append(Page(f"aeb/{key}", entry.get("url") or f"https://example.com/{key}",
                          gzip.decompress(path.read_bytes()).decode("utf-8", "replace"),
                          entry.get("articleBody") or ""))
    for path in sorted((data / "fundus").glob("*/page.html.gz")):
        expected = json.loads((path.parent / "expected.json").read_text("utf-8"))
        pages.append(Page(f"fundus/{path.parent.name}", expected["url"],
                          gzip.decompress(path.read_bytes()).decode("utf-8", "replace"),
                          expected.get("body") or ""))
    return pages
