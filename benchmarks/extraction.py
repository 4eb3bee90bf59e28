"""ms/page of extract_article (all fields) beside trafilatura.extract alone and a bare lxml parse."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
import trafilatura

from benchmarks.pages import Page
from newscrawl.extract import extract_article, extract_page


@dataclass
class ExtractionTimes:
    """Milliseconds per page (best of `rounds` passes over the same pages)."""

    pages: int
    lxml_ms: float
    trafilatura_ms: float
    extract_article_ms: float
    crawl_ms: float  # the crawl's own call (crawl_call): the extraction-bound ceiling's cost


def _pass(function: Callable[[Page], object], pages: list[Page]) -> float:
    gc.collect()
    start = time.perf_counter()
    for page in pages:
        function(page)
    return (time.perf_counter() - start) * 1000 / len(pages)


def measure(pages: list[Page], rounds: int = 3) -> ExtractionTimes:
    """Time the three on the same pages, interleaved, after one untimed warm-up pass each."""
    functions = {
        "lxml": lambda p: lxml.html.document_fromstring(p.html),
        "trafilatura": lambda p: trafilatura.extract(p.html, url=p.url, include_comments=False),
        "extract_article": lambda p: extract_article(p.url, p.html),
        "crawl": crawl_call,
    }
    for function in functions.values():
        _pass(function, pages)
    best = dict.fromkeys(functions, float("inf"))
    for _ in range(rounds):
        for name, function in functions.items():
            best[name] = min(best[name], _pass(function, pages))
    return ExtractionTimes(len(pages), best["lxml"], best["trafilatura"], best["extract_article"], best["crawl"])


def crawl_call(page: Page) -> object:
    """What a crawl's extraction worker runs on a page found by following links
    (newscrawl/crawl/pool.py): the record and the verdict, no body for a surely-no-article page.
    Unlike extract_article, it judges the page (its features), so it sets the crawl's ceiling."""
    return extract_page(page.url, page.html, non_article_body="none")


def measure_crawl_call(pages: list[Page], rounds: int = 3) -> float:
    """ms/page of the crawl's call alone, best of `rounds` passes after a warm-up pass."""
    _pass(crawl_call, pages)
    return min(_pass(crawl_call, pages) for _ in range(rounds))


def _extract_rounds(pages: list[Page], rounds: int, go: Any) -> None:
    go.wait()
    for _ in range(rounds):
        for page in pages:
            crawl_call(page)


def parallel_pages_per_s(pages: list[Page], processes: int, rounds: int = 3) -> float:
    """Pages per second (wall clock) when `processes` processes do nothing but the crawl's call
    (crawl_call) on `pages` at the same time, as the worker pool's processes do: the extraction-bound
    ceiling of this machine. Cores that share caches and memory do not each run as fast as one
    core alone (on this project's VM two at once cost 20-30% more CPU per page), so
    cores x one process's speed overstates it. Forked after a warm-up pass, started together."""
    import multiprocessing

    for page in pages:  # warm: the forked processes inherit imports and caches
        crawl_call(page)
    context = multiprocessing.get_context("fork")
    go = context.Event()
    workers = [context.Process(target=_extract_rounds, args=(pages, rounds, go)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    time.sleep(0.5)  # every process is waiting on the event
    started = time.monotonic()
    go.set()
    for worker in workers:
        worker.join()
    return processes * rounds * len(pages) / (time.monotonic() - started)


# --- per page, every set: CPU time of extract_article beside trafilatura.extract -------------

SETS = ("aeb", "fundus", "wcxb", "pagetypes", "wpnews")


@dataclass
class SetCost:
    """CPU milliseconds per page of one data set, extract_article beside trafilatura.extract,
    and the crawl's own call (`extract_page` with no body for a page no body could make an
    article: the crawl never writes one)."""

    name: str
    pages: int
    ours_ms: list[float]
    trafilatura_ms: list[float]
    slowest: str  # the slowest page's id, or "(check half)": check-half pages are never named
    crawl_ms: list[float] = field(default_factory=list)

    def percentile(self, which: str, q: float) -> float:
        values = sorted(self.ours_ms if which == "ours" else self.trafilatura_ms)
        return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def _cpu_ms(function: Callable[[], object]) -> float:
    start = time.process_time()
    function()
    return (time.process_time() - start) * 1000


def _nameable(set_name: str, page_id: str, split: dict) -> bool:
    """Tune-half and whole-set pages may be named; check-half pages are scored in aggregate only."""
    halves = split.get(set_name)
    return halves is None or page_id not in halves.get("check", set())


def measure_sets(data: Path, sets: tuple[str, ...] = SETS, limit: int | None = None) -> list[SetCost]:
    """One pass over every page of each set, trafilatura.extract, extract_article and the crawl's
    extract_page interleaved page by page in this process (CPU time; the first page carries the
    warm-up)."""
    from benchmarks.quality import datasets
    from benchmarks.quality.split import load_split

    split = load_split()
    results = []
    for name in sets:
        folder = data / name
        if not folder.is_dir():
            continue
        ours, theirs, crawl, worst, worst_id = [], [], [], -1.0, ""
        for page in datasets.load(folder, limit):
            theirs.append(_cpu_ms(lambda p=page: trafilatura.extract(p.html, url=p.url, include_comments=False)))
            ours.append(_cpu_ms(lambda p=page: extract_article(p.url, p.html)))
            crawl.append(_cpu_ms(lambda p=page: extract_page(p.url, p.html, non_article_body="none")))
            if ours[-1] > worst:
                worst, worst_id = ours[-1], page.id
        slowest = worst_id if _nameable(name, worst_id, split) else "(check half)"
        results.append(SetCost(name, len(ours), ours, theirs, slowest, crawl))
    return results


def cost_rows(costs: list[SetCost]) -> list[str]:
    """The per-set table: p50/p99/max ms of both, the ratio of totals, the slowest page."""
    rows = ["| set | pages | extract_article p50 / p99 / max ms | trafilatura.extract p50 / p99 / max ms "
            "| CPU ratio | crawl's extract_page ratio | slowest page |", "|---|---:|---|---|---:|---:|---|"]
    for cost in costs:
        ratio = sum(cost.ours_ms) / max(1e-9, sum(cost.trafilatura_ms))
        crawl_ratio = sum(cost.crawl_ms) / max(1e-9, sum(cost.trafilatura_ms))
        rows.append(f"| {cost.name} | {cost.pages} | "
                    f"{cost.percentile('ours', .5):.0f} / {cost.percentile('ours', .99):.0f} / {max(cost.ours_ms):.0f} | "
                    f"{cost.percentile('t', .5):.0f} / {cost.percentile('t', .99):.0f} / "
                    f"{max(cost.trafilatura_ms):.0f} | {ratio:.2f}x | {crawl_ratio:.2f}x | {cost.slowest} |")
    ours = sum(sum(c.ours_ms) for c in costs)
    theirs = sum(sum(c.trafilatura_ms) for c in costs)
    crawl = sum(sum(c.crawl_ms) for c in costs)
    slowest = max((max(c.ours_ms) for c in costs if c.ours_ms), default=0.0)
    crawl_slowest = max((max(c.crawl_ms) for c in costs if c.crawl_ms), default=0.0)
    rows.append(f"| all | {sum(c.pages for c in costs)} | max {slowest:.0f} | | "
                f"{ours / max(1e-9, theirs):.2f}x | {crawl / max(1e-9, theirs):.2f}x (max {crawl_slowest:.0f}) | |")
    return rows


def first_page_ms(data: Path) -> float:
    """CPU ms of the first extract_article call in a fresh process (imports, dateparser's and
    htmldate's first use included): the worst case a crawl's first page meets."""
    import subprocess
    import sys
    code = ("import time, sys; t = time.process_time(); "
            "from benchmarks.quality import datasets; from newscrawl.extract import extract_article; "
            f"page = next(iter(datasets.load({str(data / 'aeb')!r}, 1))); "
            "extract_article(page.url, page.html); print((time.process_time() - t) * 1000)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1], timeout=300)
    return float(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.extraction [DATA_DIR] [--limit N]`: the per-set cost table."""
    import argparse
    parser = argparse.ArgumentParser(description="CPU per page of extract_article beside trafilatura.extract")
    parser.add_argument("data", nargs="?", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--limit", type=int, default=None, help="pages per set (default: all)")
    args = parser.parse_args(argv)
    print(f"first extract_article call in a fresh process (imports included): {first_page_ms(args.data):.0f} ms CPU")
    costs = []
    for name in SETS:  # one set at a time, printed as it is done
        costs += measure_sets(args.data, (name,), limit=args.limit)
        print("\n".join(cost_rows(costs)[2:-1][-1:]), flush=True)
    print("\n".join(cost_rows(costs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
