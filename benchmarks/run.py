"""`make bench`: extraction cost, crawl throughput, memory and state size, as one table.

    .venv/bin/python -m benchmarks.run [--articles 50000] [--checkpoint 5000] [--rounds 3]
                                       [--time-limit 5400] [--skip-crawl] [--skip-state] [--skip-sets]

Everything is measured in this one run on this machine:
1. ms/page of extract_article (every field), trafilatura.extract(include_comments=False) alone
   and a bare lxml parse (the floor), best of `--rounds` interleaved passes over the same real
   pages (../shared/data aeb + fundus, about 280 KB each) after one warm-up pass;
   then, per data set (aeb, fundus, wcxb, pagetypes, wpnews), one pass with extract_article and
   trafilatura.extract interleaved page by page (CPU time): p50/p99/max ms per page, the ratio
   of totals and the slowest page (check-half pages are not named), and the first call in a
   fresh process (imports and first use of the date parsers included);
2. `scrapy bench` (Scrapy's own local benchmark, default settings) for scale;
3. `scrapy crawl site` against a local server (127.0.0.1) with `--articles` article pages
   resampled from those real pages (benchmarks/benchsite.py), politeness off, the project's
   defaults otherwise (extraction pool on); articles/s from the first to the last article,
   beside the extraction-bound ceiling (cores x 1000 / the ms per page of the crawl's own
   extraction call, extract_page with the verdict, timed again right after the crawl because a
   machine's speed drifts over half an hour: the mean of both); where the CPU went (the workers
   time their extraction and link reading themselves); peak RSS
   of the crawl process and of the extraction workers after `--checkpoint` pages and at the end;
   then every module-level regular expression over adversarial runs (benchmarks/regexes.py);
4. the SQLite state store at 1,000,000 entries: file size and lookup times;
5. replay of a CC-NEWS-style WARC of `--ccnews-records` records built from fixtures/pages
   (benchmarks/ccnews.py): articles/s beside the extraction-bound ceiling on those pages.
The crawl is bounded by `--time-limit` seconds and stops its own server. Progress goes to
stderr; the table to stdout, and everything as JSON to output/bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def _mb(kib: float) -> str:
    return f"{kib / 1024:.0f} MB"


def _yes(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "**NO**")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="newscrawl speed benchmark (one table)")
    parser.add_argument("--articles", type=int, default=50_000, help="article pages on the bench site")
    parser.add_argument("--checkpoint", type=int, default=5_000, help="pages at which peak RSS is read first")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the pages (best is kept)")
    parser.add_argument("--time-limit", type=float, default=5400, help="seconds the crawl may take at most")
    parser.add_argument("--state-entries", type=int, default=1_000_000)
    parser.add_argument("--skip-crawl", action="store_true")
    parser.add_argument("--skip-state", action="store_true")
    parser.add_argument("--ccnews-records", type=int, default=3000, help="records in the CC-NEWS-style WARC")
    parser.add_argument("--skip-ccnews", action="store_true")
    parser.add_argument("--skip-sets", action="store_true", help="skip the per-set CPU table")
    parser.add_argument("--json", type=Path, default=REPO / "output" / "bench.json")
    args = parser.parse_args(argv)

    from benchmarks import crawl, extraction, state
    from benchmarks.benchsite import usable_pages
    from benchmarks.pages import DATA, load_pages
    from newscrawl.crawl.pool import cpu_count

    cores = cpu_count()
    loads = [load()]
    results: dict = {"cores": cores, "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    log(f"{cores} cores, load {loads[0]}; extraction over the real pages ...")
    pages = load_pages()
    times = extraction.measure(pages, rounds=args.rounds)
    results["extraction"] = asdict(times)
    log(f"extract_article {times.extract_article_ms:.1f} ms/page, the crawl's call {times.crawl_ms:.1f}, "
        f"trafilatura {times.trafilatura_ms:.1f}, lxml {times.lxml_ms:.1f}")

    cost_rows: list[str] = []
    if not args.skip_sets:
        log("per-set CPU, extract_article beside trafilatura.extract, page by page ...")
        first = extraction.first_page_ms(DATA)
        costs = extraction.measure_sets(DATA)
        cost_rows = [f"first extract_article call in a fresh process (imports included): {first:.0f} ms CPU "
                     f"(target <= 1000)", *extraction.cost_rows(costs)]
        results["sets"] = {c.name: {"pages": c.pages, "slowest": c.slowest,
                                    "ours_ms": [round(x, 1) for x in c.ours_ms],
                                    "trafilatura_ms": [round(x, 1) for x in c.trafilatura_ms]} for c in costs}
        results["first_call_ms"] = first
        log("every regular expression over adversarial runs ...")
        from benchmarks import regexes

        audited = regexes.audit_apart()  # not here: importing every module changes this process
        slow = [c for c in audited if c.worst_ms > regexes.SLOW_MS]
        searched = [c.name for c in slow if c.searched]
        cost_rows.append(f"regular expressions: {len(audited)} patterns, each over 20,000-character adversarial "
                         f"runs: slowest {audited[0].worst_ms:.0f} ms; {len(slow)} over {regexes.SLOW_MS:.0f} ms, "
                         f"{len(slow) - len(searched)} of them used only anchored (linear); searched and slow: "
                         f"{', '.join(searched) or 'none'} (target none)")
        results["regexes"] = {c.name: {"worst_ms": round(c.worst_ms, 2), "calls": sorted(c.calls)} for c in slow}

    log("scrapy bench ...")
    results["scrapy_bench_pages_per_s"] = scrapy_pages = crawl.scrapy_bench()

    run = None
    after_ms: float | None = None
    if not args.skip_crawl:
        checkpoints = sorted({args.checkpoint, args.articles})
        log(f"crawl of {args.articles} articles (checkpoints at {checkpoints} pages; "
            f"at most {args.time_limit:.0f}s), load {load()} ...")
        usable = usable_pages(pages)
        log(f"{len(usable)} of {len(pages)} pages give distinct article copies for the site")
        results["site_pages"] = len(usable)
        run = crawl.run_crawl(args.articles, usable, checkpoints, args.time_limit,
                              folder=REPO / "output" / "bench-crawl")
        results["crawl"] = asdict(run) | {"stats": {k: v for k, v in run.stats.items()
                                                     if k.startswith(("newscrawl/", "scheduler/", "item_",
                                                                      "response_", "finish"))}}
        log(f"crawl: {run.articles} articles, {run.pages} pages, {run.articles_per_s:.2f} articles/s")
        loads.append(load())
        # the machine's speed drifts over a long crawl: the crawl's call is timed again right after
        # it and the ceiling uses the mean of both timings
        after_ms = extraction.measure_crawl_call(pages, rounds=args.rounds)
        results["crawl_call_ms_after_crawl"] = after_ms
        log(f"the crawl's call after the crawl: {after_ms:.1f} ms/page")
    ceiling_ms = times.crawl_ms if after_ms is None else (times.crawl_ms + after_ms) / 2
    ceiling = cores * 1000 / ceiling_ms
    results["ceiling_articles_per_s"] = ceiling

    store = None
    if not args.skip_state:
        log(f"state store with {args.state_entries:,} entries ...")
        store = state.measure(args.state_entries)
        results["state"] = asdict(store)
    ccnews_row = None
    if not args.skip_ccnews:
        from benchmarks import ccnews

        log(f"CC-NEWS-style replay of {args.ccnews_records} records, load {load()} ...")
        results["ccnews"] = replayed = ccnews.run(args.ccnews_records, 50, args.rounds,
                                                  REPO / "output" / "bench-ccnews")
        ccnews_row = replayed["row"]
        log(f"replay: {replayed['replay']['articles_per_s']:.2f} articles/s = {replayed['share']:.2f}x ceiling")
    loads.append(load())
    results["load"] = loads

    rows = table(times, cores, ceiling, ceiling_ms, after_ms, scrapy_pages, run, args, store)
    if ccnews_row:
        rows.append(ccnews_row)
    text = "\n".join(rows + ([""] + cost_rows if cost_rows else []))
    print(text)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results | {"table": text}, indent=2, default=str))
    log(f"load average (1/5/15 min) before, after crawl, at end: {' | '.join(loads)}; JSON: {args.json}")
    return 0


def table(times, cores: int, ceiling: float, ceiling_ms: float, after_ms: float | None, scrapy_pages: float,
          run, args, store) -> list[str]:
    """The one table: measure, value, target, met."""
    ratio = times.extract_article_ms / times.trafilatura_ms
    rows = ["| measure | value | target | met |", "|---|---|---|---|",
            f"| bare lxml parse (the floor), {times.pages} real pages | {times.lxml_ms:.1f} ms/page | | |",
            f"| trafilatura.extract(include_comments=False) | {times.trafilatura_ms:.1f} ms/page | | |",
            f"| extract_article (every field) | {times.extract_article_ms:.1f} ms/page = {ratio:.2f}x trafilatura "
            f"| <= 1.0x | {_yes(ratio <= 1.0)} |",
            f"| `scrapy bench` (Scrapy's own, default settings) | {scrapy_pages:.0f} pages/s | | |",
            f"| extraction-bound ceiling ({cores} cores x 1000 / {ceiling_ms:.1f} ms"
            + (f": the mean of the crawl's call (extract_page, verdict included) {times.crawl_ms:.1f} ms "
               f"before the crawl and {after_ms:.1f} ms right after it" if after_ms is not None
               else f": the crawl's call, extract_page with the verdict, {times.crawl_ms:.1f} ms") + ") "
            f"| {ceiling:.2f} articles/s | | |"]
    if run is not None:
        share = run.articles_per_s / ceiling
        rows.append(f"| `scrapy crawl site`, {args.articles:,} article pages on 127.0.0.1, politeness off "
                    f"| {run.articles_per_s:.2f} articles/s = {share:.2f}x ceiling "
                    f"({run.articles:,} articles, {run.pages:,} pages) | >= 0.8x | {_yes(share >= 0.8)} |")
        end = run.checkpoints[-1]
        per = 1000 / max(1, end["items"])
        # the same ceiling from the extraction's CPU time per page inside the workers during the
        # crawl: the machine's speed at the time the crawl ran, not before or after it
        page_ms = end.get("extract_cpu_ms", 0.0) / max(1, end.get("extracted", 0))
        if page_ms > 0:
            in_ceiling = cores * 1000 / page_ms
            in_share = run.articles_per_s / in_ceiling
            rows.append(f"| the same crawl beside the ceiling from the extraction's CPU time inside the workers "
                        f"during the crawl ({cores} x 1000 / {page_ms:.1f} ms per page = {in_ceiling:.2f} articles/s) "
                        f"| {in_share:.2f}x ceiling | >= 0.8x | {_yes(in_share >= 0.8)} |")
        in_crawl = end.get("extract_cpu_ms", 0.0) / max(1, end["items"])
        links = end.get("links_cpu_ms", 0.0) / max(1, end["items"])
        rows.append(f"| where the CPU went, per article: extraction workers (of which extraction / "
                    f"links) / crawl process (Scrapy, pipelines, output, state) / bench server "
                    f"| {end['workers_cpu_s'] * per:.1f} ({in_crawl:.1f} / {links:.1f}) / "
                    f"{end['main_cpu_s'] * per:.1f} / {run.site_cpu_s * per:.1f} ms "
                    f"| <= {ceiling_ms:.1f} / 0.8 = {ceiling_ms / 0.8:.1f} ms in all | |")
        total = end["workers_cpu_s"] * per + end["main_cpu_s"] * per + run.site_cpu_s * per
        wait = end.get("worker_wait_ms", 0.0) / max(1, end["items"])
        rows.append(f"| share of the crawl's CPU that went to extraction (the workers' own clock); "
                    f"workers waiting for pages | {in_crawl:.1f} / {total:.1f} ms = {in_crawl / total:.2f}; "
                    f"{wait:.1f} ms per article | | |")
        marks = {r["label"]: r for r in run.checkpoints}
        first = marks.get(f"{args.checkpoint} pages")
        last = marks.get(f"{args.articles} pages") or run.checkpoints[-1]
        if first:
            rows.append(f"| peak RSS after {first['pages']:,} pages: crawl process / each extraction worker "
                        f"| {_mb(first['main_peak_kib'])} / {_mb(first['worker_peak_kib'])} | | |")
        if first and last is not first:
            main_x = last["main_peak_kib"] / first["main_peak_kib"]
            worker_x = last["worker_peak_kib"] / max(1, first["worker_peak_kib"])
            reached = last["pages"] >= args.articles
            rows.append(f"| peak RSS after {last['pages']:,} pages: crawl process / each extraction worker "
                        f"| {_mb(last['main_peak_kib'])} ({main_x:.2f}x) / {_mb(last['worker_peak_kib'])} "
                        f"({worker_x:.2f}x) | <= 1.2x | {_yes(reached and main_x <= 1.2 and worker_x <= 1.2)} |")
        rows.append(f"| frontier (requests waiting in the scheduler), most at once | "
                    f"{max(r['frontier_max'] for r in run.checkpoints):,} | | |")
    if store is not None:
        worst = max(store.get_hit_ms, store.get_miss_ms, store.seen_hit_ms, store.seen_miss_ms,
                    store.fingerprint_hit_ms, store.fingerprint_miss_ms)
        rows.append(f"| SQLite state at {store.entries:,} entries: file size | "
                    f"{store.size_bytes / 1e6:.0f} MB ({store.size_bytes / store.entries:.0f} B/entry) | | |")
        rows.append(f"| state lookup (ms): get hit/miss, is_seen hit/miss, fingerprint hit/miss | "
                    f"{store.get_hit_ms:.3f}/{store.get_miss_ms:.3f}, {store.seen_hit_ms:.3f}/"
                    f"{store.seen_miss_ms:.3f}, {store.fingerprint_hit_ms:.3f}/{store.fingerprint_miss_ms:.3f} "
                    f"| < 0.1 | {_yes(worst < 0.1)} |")
    return rows


if __name__ == "__main__":
    sys.exit(main())
