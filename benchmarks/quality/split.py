"""Tune and check halves of the data sets, split by site, in a committed list (split.json).

Rules are inspected and debugged on the tune half only; the check half is scored in aggregate
and never opened page by page. A page's site is its publisher (fundus) or its host without
`www.` (aeb; wcxb and pagetypes share one domain split, so a site's articles and its other pages
fall in the same half); wpnews stays whole, as a regression set. A site's half comes from a
hash of its name, so a page added later falls where its site already is.

`python -m benchmarks.quality.split DATA_DIR` writes split.json from the data sets' pages.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

HALVES = ("tune", "check")
SPLIT_FILE = Path(__file__).with_name("split.json")
WHOLE = "wpnews"  # kept whole: a regression set


def site_name(kind: str, url: str, truth: dict) -> str:
    """The site a page belongs to, for the split."""
    if kind == "fundus" and truth.get("publisher"):
        return str(truth["publisher"])
    host = truth.get("domain") or urlsplit(url).hostname or url
    return str(host).lower().removeprefix("www.")


def half_of_site(site: str) -> str:
    """`tune` or `check`, from a hash of the site's name (stable across machines and runs)."""
    return HALVES[hashlib.sha256(site.encode("utf-8")).digest()[0] & 1]


def build(data_dir: Path) -> dict[str, dict[str, list[str]]]:
    """The split of every set under data_dir (wpnews whole)."""
    from benchmarks.quality import datasets

    split: dict[str, dict[str, list[str]]] = {}
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir()):
        try:
            kind = datasets.detect_kind(folder)
        except ValueError:
            continue
        if kind == WHOLE:
            continue
        halves: dict[str, list[str]] = {half: [] for half in HALVES}
        for page in datasets.load(folder):
            halves[half_of_site(site_name(kind, page.url, page.truth))].append(page.id)
        split[folder.name] = {half: sorted(ids) for half, ids in halves.items()}
    return split


def load_split(path: Path = SPLIT_FILE) -> dict[str, dict[str, set[str]]]:
    """The committed split: set name -> half -> page ids."""
    data = json.loads(path.read_text("utf-8"))
    return {name: {half: set(ids) for half, ids in halves.items()} for name, halves in data.items()}


def in_half(split: dict[str, dict[str, set[str]]], set_name: str, kind: str, half: str | None,
            page_id: str, url: str, truth: dict) -> bool:
    """Whether a page belongs to the half asked for (None or a set kept whole: every page)."""
    if half is None or kind == WHOLE:
        return True
    halves = split.get(set_name)
    if halves is not None:
        for name, ids in halves.items():
            if page_id in ids:
                return name == half
    return half_of_site(site_name(kind, url, truth)) == half  # a page the list does not know


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m benchmarks.quality.split DATA_DIR (e.g. ../shared/data)", file=sys.stderr)
        return 2
    split = build(Path(argv[0]))
    SPLIT_FILE.write_text(json.dumps(split, indent=1, sort_keys=True) + "\n", "utf-8")
    for name, halves in split.items():
        print(f"{name}: " + ", ".join(f"{half} {len(ids)}" for half, ids in halves.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
