"""ms/page of extract_article (all fields) beside trafilatura.extract alone and a bare lxml parse."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass

import lxml.html
import trafilatura

from benchmarks.pages import Page
from newscrawl.extract import extract_article, extract_page


@dataclass
class ExtractionTimes:
    """Milliseconds per page (best of `rounds` passes over the same pages) and usable page ids."""

    pages: int
    lxml_ms: float
    trafilatura_ms: float
    extract_article_ms: float
    usable: list[str]


def _pass(function: Callable[[Page], object], pages: list[Page]) -> float:
    gc.collect()
    start = time.perf_counter()
    for page in pages:
        function(page)
    return (time.perf_counter() - start) * 1000 / len(pages)


def measure(pages: list[Page], rounds: int = 3, min_body: int = 200) -> ExtractionTimes:
    """Time the three on the same pages, interleaved, after one untimed warm-up pass each.

    The warm-up also finds the usable pages for the crawl benchmark: those extract_page calls
    an article with a headline and a body the validate pipeline keeps.
    """
    functions = {
        "lxml": lambda p: lxml.html.document_fromstring(p.html),
        "trafilatura": lambda p: trafilatura.extract(p.html, url=p.url, include_comments=False),
        "extract_article": lambda p: extract_article(p.url, p.html),
    }
    usable = []
    for page in pages:
        result = extract_page(page.url, page.html)
        article = result.article
        if result.is_article and article.headline and len(article.body or "") >= min_body:
            usable.append(page.id)
    for function in functions.values():
        _pass(function, pages)
    best = dict.fromkeys(functions, float("inf"))
    for _ in range(rounds):
        for name, function in functions.items():
            best[name] = min(best[name], _pass(function, pages))
    return ExtractionTimes(len(pages), best["lxml"], best["trafilatura"], best["extract_article"], usable)
