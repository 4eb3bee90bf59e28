"""Load the ground-truth data sets (aeb, fundus, wcxb, wpnews) into one record shape.

Every record's ``truth`` uses the same keys where a set annotates a field:
``headline``, ``published``, ``time_known``, ``authors``, ``body``; a value of None means
"not annotated" and leaves that page out of that field's score. Set-specific keys are kept
(``with``/``without`` for wcxb, ``body_first``, ``body_last``, ``body_optional``,
``must_not_contain``, ``noise`` for wpnews).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from benchmarks.quality.metrics import has_time_of_day

KINDS = ("aeb", "fundus", "wcxb", "wpnews", "pagetypes")


@dataclass
class Page:
    """One page of a data set: its HTML (decoded as UTF-8) and its ground truth."""

    id: str
    url: str
    html: str
    truth: dict[str, Any] = field(default_factory=dict)


def read_html(path: Path) -> str:
    """Read a gzipped page as UTF-8 text (the sets store decoded text, never guess)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return fh.read()


def detect_kind(directory: Path) -> str:
    """Tell which of the four formats a data set directory holds."""
    directory = Path(directory)
    if (directory / "ground-truth.json").is_file():
        return "aeb"
    for sub in sorted(p for p in directory.iterdir() if p.is_dir()):
        expected = sub / "expected.json"
        if not expected.is_file():
            continue
        keys = json.loads(expected.read_text(encoding="utf-8")).keys()
        if "body_first" in keys:
            return "wpnews"
        if "with" in keys:
            return "wcxb"
        if "publisher" in keys:
            return "fundus"
        if "page_type" in keys:
            return "pagetypes"
    raise ValueError(f"{directory}: not an aeb, fundus, wcxb, wpnews or pagetypes data set")


def load(directory: Path | str, limit: int | None = None,
         keep: Callable[[Page], bool] | None = None) -> Iterator[Page]:
    """Yield the pages of a data set directory in id order (those `keep` accepts), the first
    ``limit`` only if set."""
    directory = Path(directory)
    loader = _LOADERS[detect_kind(directory)]
    pages = loader(directory)
    return islice(pages if keep is None else filter(keep, pages), limit)


def _load_aeb(directory: Path) -> Iterator[Page]:
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        entry = truth[page_id]
        html = read_html(directory / "html" / f"{page_id}.html.gz")
        yield Page(page_id, entry["url"], html, {"body": entry.get("articleBody")})


def _page_dirs(directory: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    for sub in sorted(p for p in directory.iterdir() if (p / "expected.json").is_file()):
        yield sub, json.loads((sub / "expected.json").read_text(encoding="utf-8"))


def _time_known(published: str | None, flag: Any = None) -> bool:
    """True when the truth has a time of day (a flag saying otherwise wins)."""
    return flag is not False and has_time_of_day(published)


def _load_fundus(directory: Path) -> Iterator[Page]:
    for sub, exp in _page_dirs(directory):
        truth = {
            "headline": exp.get("title"),
            "published": exp.get("published"),
            "time_known": _time_known(exp.get("published"), exp.get("published_time_known")),
            "authors": exp.get("authors"),
            "body": exp.get("body"),
            "language": exp.get("language"),
            "publisher": exp.get("publisher"),
        }
        yield Page(exp.get("id", sub.name), exp["url"], read_html(sub / "page.html.gz"), truth)


def _load_wcxb(directory: Path) -> Iterator[Page]:
    for sub, exp in _page_dirs(directory):
        truth = {
            "headline": exp.get("title"),
            "published": exp.get("published"),
            "time_known": _time_known(exp.get("published")),
            "authors": exp.get("authors"),
            "body": exp.get("body"),
            "with": exp.get("with") or [],
            "without": exp.get("without") or [],
            "domain": exp.get("domain"),
        }
        yield Page(exp.get("id", sub.name), exp["url"], read_html(sub / "page.html.gz"), truth)


def _load_wpnews(directory: Path) -> Iterator[Page]:
    for sub, exp in _page_dirs(directory):
        truth = {
            "headline": exp.get("headline"),
            "published": exp.get("published"),
            "time_known": _time_known(exp.get("published")),
            "topbar_date": exp.get("topbar_date"),
            "body_first": exp.get("body_first"),
            "body_last": exp.get("body_last"),
            "body_optional": exp.get("body_optional") or [],
            "must_not_contain": exp.get("must_not_contain") or [],
            "noise": exp.get("noise") or [],
        }
        yield Page(sub.name, exp["url"], read_html(sub / "page.html.gz"), truth)


def _load_pagetypes(directory: Path) -> Iterator[Page]:
    """Pages that are not articles (WCXB's other page types): only their type is known."""
    for sub, exp in _page_dirs(directory):
        truth = {"page_type": exp.get("page_type"), "domain": exp.get("domain")}
        yield Page(exp.get("id", sub.name), exp["url"], read_html(sub / "page.html.gz"), truth)


_LOADERS = {
    "aeb": _load_aeb,
    "fundus": _load_fundus,
    "wcxb": _load_wcxb,
    "wpnews": _load_wpnews,
    "pagetypes": _load_pagetypes,
}
