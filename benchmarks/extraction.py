"""ms/page of extract_article (all fields) beside trafilatura.extract alone and a bare lxml parse."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass

import lxml.html
import trafilatura

from benchmarks.pages import Page
from newscrawl.extract import extract_article


@dataclass
class ExtractionTimes:
    """Milliseconds per page (best of `rounds` passes over the same pages)."""

    pages: int
    lxml_ms: float
    trafilatura_ms: float
    extract_article_ms: float


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
    }
    for function in functions.values():
        _pass(function, pages)
    best = dict.fromkeys(functions, float("inf"))
    for _ in range(rounds):
        for name, function in functions.items():
            best[name] = min(best[name], _pass(function, pages))
    return ExtractionTimes(len(pages), best["lxml"], best["trafilatura"], best["extract_article"])


def measure_extract_article(pages: list[Page], rounds: int = 3) -> float:
    """ms/page of extract_article alone, best of `rounds` passes after a warm-up pass."""
    def function(page: Page) -> object:
        return extract_article(page.url, page.html)

    _pass(function, pages)
    return min(_pass(function, pages) for _ in range(rounds))
