"""`python -m benchmarks.quality DIRS... --ablate`: what each named extraction rule is worth.

newscrawl runs over the check half of every set (wpnews whole) once with every rule on, then
once per rule with that rule switched off (`newscrawl.extract.rules`). A page where the rule was
never consulted gives the same record without it, so only the pages that asked for the rule run
again. One table: a row per rule, a column per check half's key score, each the change from all
rules on. A rule is kept when switching it off makes some score worse and none better.
"""

from __future__ import annotations

import multiprocessing
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from benchmarks.quality import datasets, split
from benchmarks.quality.report import MIN_BODY_CHARS, Output, Truth, score_set
from newscrawl.extract.vocabulary import text_size

# the key scores of each kind of set: (column, metric label, higher is better)
KEYS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "aeb": (("body", "body 4-gram F1", True),),
    "fundus": (("head", "headline exact", True), ("day", "published day", True),
               ("min", "published minute", True), ("auth", "authors F1", True),
               ("body", "body bag-of-words F1", True)),
    "wcxb": (("head", "headline exact", True), ("day", "published day", True),
             ("auth", "authors F1", True), ("body", "body bag-of-words F1", True),
             ("found", "articles found (emitted)", True)),
    "pagetypes": (("emit", "non-articles emitted (lower is better)", False),),
    "wpnews": (("start", "body starts right", True), ("end", "body ends right", True),
               ("leaks", "leaks (strings, lower is better)", False), ("noise", "noise recall", True)),
}
EPSILON = 1e-9


@dataclass
class Half:
    """The pages of one set's check half (or of a set kept whole), read once."""

    name: str
    kind: str
    urls: list[str]
    htmls: list[str]
    truths: list[Truth]


_HALVES: list[Half] = []  # the pages, shared with the worker processes (fork)


def load_halves(directories: Sequence[Path | str], limit: int | None = None) -> list[Half]:
    """The check half of each set (every page of a set kept whole)."""
    halves = split.load_split()
    found = []
    for directory in map(Path, directories):
        kind = datasets.detect_kind(directory)

        def keep(page: datasets.Page, directory: Path = directory, kind: str = kind) -> bool:
            return split.in_half(halves, directory.name, kind, "check", page.id, page.url, page.truth)

        pages = list(datasets.load(directory, limit, keep))
        found.append(Half(directory.name, kind, [p.url for p in pages], [p.html for p in pages],
                          [Truth(p.id, p.url, p.truth) for p in pages]))
    return found


def _extract(task: tuple[int, int, str | None]) -> tuple[int, int, Output, frozenset[str]]:
    """One page with one rule off (None: all on): the output and the rules the page asked for."""
    from newscrawl.extract import extract_page, rules

    half, index, off = task
    rules.switch_off([off] if off else [])
    rules.forget_asked()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        page = extract_page(_HALVES[half].urls[index], _HALVES[half].htmls[index],
                            non_article_body="full")  # as report.newscrawl_extract
    emitted = bool(page.is_article) and text_size(page.article.body or "") >= MIN_BODY_CHARS
    return half, index, Output(page.article, 0.0, page.error, emitted), rules.asked()


def _scores(half: Half, outputs: list[Output]) -> dict[str, float]:
    rows = {metric.label: metric.value for metric in score_set(half.kind, half.truths, outputs)[0]}
    return {column: rows[label] for column, label, _ in KEYS[half.kind] if label in rows}


def ablate(directories: Sequence[Path | str], out: TextIO, *, workers: int = 2,
           limit: int | None = None, only: Sequence[str] = ()) -> list[tuple[str, dict[str, float], str]]:
    """Run the ablation and print its table; returns (rule, deltas by column, verdict) rows.
    `only`: the names of the rules to switch off (default: every rule)."""
    from newscrawl.extract.rules import RULES, check

    wanted = check(only) if only else None

    _HALVES[:] = load_halves(directories, limit)
    tasks = [(h, i, None) for h, half in enumerate(_HALVES) for i in range(len(half.urls))]
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, maxtasksperchild=200) as pool:
        base: dict[tuple[int, int], Output] = {}
        asked: dict[tuple[int, int], frozenset[str]] = {}
        for h, i, output, names in pool.imap_unordered(_extract, tasks, chunksize=4):
            base[h, i], asked[h, i] = output, names
        columns = [f"{half.name}:{column}" for half in _HALVES for column, _, _ in KEYS[half.kind]]
        reference = _all_scores(base)
        print(_header(columns), file=out, flush=True)
        print(_row("all rules on", [reference.get(c) for c in columns], absolute=True), file=out, flush=True)
        results = []
        for rule in RULES:
            if wanted is not None and rule.name not in wanted:
                continue
            again = [(h, i, rule.name) for (h, i), names in asked.items() if rule.name in names]
            outputs = dict(base)
            for h, i, output, _ in pool.imap_unordered(_extract, again, chunksize=2):
                outputs[h, i] = output
            scores = _all_scores(outputs)
            deltas = {c: scores[c] - reference[c] for c in columns if c in scores and c in reference}
            verdict = _verdict(deltas)
            results.append((rule.name, deltas, verdict))
            print(_row(rule.name, [deltas.get(c) for c in columns], verdict=verdict, pages=len(again)),
                  file=out, flush=True)
    return results


def _all_scores(outputs: dict[tuple[int, int], Output]) -> dict[str, float]:
    scores = {}
    for h, half in enumerate(_HALVES):
        for column, value in _scores(half, [outputs[h, i] for i in range(len(half.urls))]).items():
            scores[f"{half.name}:{column}"] = value
    return scores


def _better(column: str) -> bool:
    """Whether a higher value of `column` is better."""
    name, key = column.split(":", 1)
    half = next(h for h in _HALVES if h.name == name)
    return next(up for col, _, up in KEYS[half.kind] if col == key)


def _verdict(deltas: dict[str, float]) -> str:
    """keep: switching the rule off makes some score worse and none better; mixed: some worse,
    some better (to be narrowed, or weighed against the baseline); drop: none worse."""
    worse = [c for c, d in deltas.items() if abs(d) > EPSILON and (d < 0) == _better(c)]
    better = [c for c, d in deltas.items() if abs(d) > EPSILON and (d > 0) == _better(c)]
    if worse:
        return "mixed" if better else "keep"
    return "drop"


WIDTH = 30


def _header(columns: list[str]) -> str:
    return f"{'rule':<{WIDTH}} {'pages':>5} " + " ".join(f"{c:>15}" for c in columns) + "  verdict"


def _row(name: str, values: list[float | None], *, absolute: bool = False, verdict: str = "",
         pages: int | None = None) -> str:
    cells = []
    for value in values:
        if value is None:
            cells.append(f"{'-':>15}")
        elif absolute:
            cells.append(f"{value:>15.4f}")
        else:
            cells.append(f"{value:>+15.4f}" if abs(value) > EPSILON else f"{'.':>15}")
    count = "" if pages is None else str(pages)
    return f"{name:<{WIDTH}} {count:>5} " + " ".join(cells) + (f"  {verdict}" if verdict else "")
