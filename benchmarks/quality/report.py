"""Run extractors over the data sets, score them and print one table per set.

An extractor is any callable ``extract(url, html) -> Article``-like object (attributes
``headline``, ``published``, ``authors``, ``body``, ``noise``; missing ones count as empty).
"""

from __future__ import annotations

import difflib
import json
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urljoin

from benchmarks.quality import datasets, split
from benchmarks.quality import metrics as m
from newscrawl.extract.vocabulary import text_size
from newscrawl.items import Article

Extract = Callable[[str, str], Any]


@dataclass
class Output:
    """One extractor's output for one page (`emitted`: whether a crawl would write it as an
    article; None for an extractor that does not decide that)."""

    item: Any
    ms: float
    error: str | None = None
    emitted: bool | None = None
    emitted_at_query_address: bool | None = None


@dataclass
class Truth:
    """What scoring keeps of a page (its HTML is dropped once extracted)."""

    id: str
    url: str
    truth: dict[str, Any]


@dataclass
class Metric:
    """One table row's value for one extractor."""

    label: str
    value: float
    n: int
    fmt: str = "pct"  # pct | ratio | count | ms


@dataclass
class PageScore:
    """One page's score for one field, with what was expected and what came out."""

    field: str
    page: str
    url: str
    score: float
    expected: Any
    got: Any


Scored = tuple[list[Metric], list[PageScore]]


@dataclass
class SetResult:
    """The scores of all extractors on one data set (or one half of it)."""

    name: str
    kind: str
    path: str
    pages: int
    half: str | None = None
    metrics: dict[str, list[Metric]] = field(default_factory=dict)
    page_scores: dict[str, list[PageScore]] = field(default_factory=dict)


# --- extractors -----------------------------------------------------------------------------


# what the crawl writes: an article page whose body passes validation (NEWSCRAWL_MIN_BODY_CHARS)
MIN_BODY_CHARS = 200
# WordPress's default address of a post, the shape of many CMSs' defaults: the verdict at that
# address tells whether the decision leans on a slug in the address
QUERY_ADDRESS = "/?p=1432"


def newscrawl_extract(url: str, html: str) -> Any:
    """newscrawl's own extractor, imported late so the metrics work without it: whether the page
    is an article (what the crawl emits), and the record `extract_article` returns (every page's
    thorough body, so a body is scored whatever the verdict)."""
    from newscrawl.extract import extract_page

    return extract_page(url, html, non_article_body="full")


# trafilatura's own date defaults, but with the time of day kept (its default format is a
# day only); this reproduces the README's trafilatura baselines (fundus minute 72.3%).
TRAFILATURA_DATE_PARAMS = {
    "original_date": True,
    "extensive_search": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


def trafilatura_extract(url: str, html: str) -> Article:
    """trafilatura 2.x (comments off, metadata on) mapped onto the Article fields."""
    from trafilatura import bare_extraction

    doc = bare_extraction(
        html,
        url=url,
        include_comments=False,
        with_metadata=True,
        date_extraction_params=dict(TRAFILATURA_DATE_PARAMS),
    )
    if doc is None:
        return Article(url=url, extractor="trafilatura")
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return Article(
        url=url,
        headline=doc.title,
        published=doc.date,
        authors=authors,
        body=doc.text or "",
        extractor="trafilatura",
    )


def trafilatura_precision(url: str, html: str) -> Article:
    """trafilatura with favor_precision (its other mode; the better one on some sets)."""
    from trafilatura import bare_extraction

    doc = bare_extraction(html, url=url, include_comments=False, favor_precision=True,
                          with_metadata=False)
    return Article(url=url, body=(doc.text or "") if doc is not None else "",
                   extractor="trafilatura-precision")


EXTRACTORS: dict[str, Extract] = {
    "newscrawl": newscrawl_extract,
    "trafilatura": trafilatura_extract,
    "trafilatura-precision": trafilatura_precision,
}


def run_one(extract: Extract, url: str, html: str) -> Output:
    """Run one extractor on one page, timed; an exception yields an empty item."""
    with warnings.catch_warnings():  # parsers' warnings would drown the tables
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        try:
            item, error = extract(url, html), None
        except Exception as exc:  # a failing page must not stop the benchmark
            item, error = Article(url=url), f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - start
    emitted = at_query_address = None
    if hasattr(item, "is_article"):  # extract_page: the page, and whether it is an article
        long_enough = text_size(getattr(item.article, "body", None) or "") >= MIN_BODY_CHARS
        at_query_address = long_enough and _article_at(item.features, urljoin(url, QUERY_ADDRESS))
        item, emitted = item.article, bool(item.is_article) and long_enough
    return Output(item, elapsed * 1000, error, emitted, at_query_address)


def _article_at(features: dict[str, float], address: str) -> bool:
    """The verdict on the page were it served at `address` (its other features as read)."""
    from newscrawl.extract.classify import is_article
    from newscrawl.extract.features import url_features

    moved = {name: value for name, value in features.items() if not name.startswith("url_")}
    return is_article(moved | url_features(address))[0]


def _get(item: Any, name: str, default: Any = None) -> Any:
    value = getattr(item, name, None) if not isinstance(item, dict) else item.get(name)
    return default if value is None else value


# --- scoring --------------------------------------------------------------------------------


def _trim(text: Any, limit: int = 200) -> str:
    text = " ".join(str(text if text is not None else "").split()) or "∅"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rate(label: str, hits: Sequence[bool], fmt: str = "pct") -> Metric:
    return Metric(label, m.mean(float(h) for h in hits), len(hits), fmt)


def _score_headline(truths: list[Truth], items: list[Any]) -> Scored:
    scores = []
    for t, item in zip(truths, items, strict=True):
        if t.truth.get("headline") is None:
            continue
        got = _get(item, "headline")
        ok = m.headline_exact(got, t.truth["headline"])
        scores.append(PageScore("headline", t.id, t.url, float(ok), t.truth["headline"], got))
    return [_rate("headline exact", [s.score == 1 for s in scores])], scores


def _score_published(truths: list[Truth], items: list[Any]) -> Scored:
    day, minute = [], []
    for t, item in zip(truths, items, strict=True):
        truth, got = t.truth.get("published"), _get(item, "published")
        if truth is None:
            continue
        ok = m.same_day(got, truth)
        day.append(PageScore("published_day", t.id, t.url, float(ok), truth, got))
        if t.truth.get("time_known"):
            ok = m.same_minute(got, truth)
            minute.append(PageScore("published_minute", t.id, t.url, float(ok), truth, got))
    rows = [_rate("published day", [s.score == 1 for s in day])]
    if minute:
        rows.append(_rate("published minute", [s.score == 1 for s in minute]))
    return rows, day + minute


def _score_authors(truths: list[Truth], items: list[Any]) -> Scored:
    counts, scores = [], []
    for t, item in zip(truths, items, strict=True):
        truth = t.truth.get("authors")
        if truth is None:
            continue
        got = list(_get(item, "authors", []))
        tp, n_pred, n_truth = m.author_counts(got, truth)
        counts.append((tp, n_pred, n_truth))
        page_f1 = 1.0 if n_pred == n_truth == 0 else m.micro_prf([(tp, n_pred, n_truth)]).f1
        scores.append(PageScore("authors", t.id, t.url, page_f1, "; ".join(truth), "; ".join(got)))
    prf = m.micro_prf(counts)
    labels = ("authors P", "authors R", "authors F1")
    return [Metric(lbl, v, len(counts)) for lbl, v in zip(labels, prf, strict=True)], scores


def _score_body_bow(truths: list[Truth], items: list[Any]) -> Scored:
    prfs, scores = [], []
    for t, item in zip(truths, items, strict=True):
        truth = t.truth.get("body")
        if truth is None:
            continue
        got = _get(item, "body", "")
        prf = m.bag_of_words(got, truth)
        prfs.append(prf)
        scores.append(PageScore("body", t.id, t.url, prf.f1, truth, got))
    labels = ("body bag-of-words P", "body bag-of-words R", "body bag-of-words F1")
    avg = m.mean_prf(prfs)
    return [Metric(lbl, v, len(prfs)) for lbl, v in zip(labels, avg, strict=True)], scores


def _score_body_shingles(truths: list[Truth], items: list[Any]) -> Scored:
    counts, scores = [], []
    for t, item in zip(truths, items, strict=True):
        truth = t.truth.get("body")
        if truth is None:
            continue
        got = _get(item, "body", "")
        c = m.shingle_counts(got, truth)
        counts.append(c)
        scores.append(PageScore("body", t.id, t.url, m.page_shingle_f1(*c), truth, got))
    labels = ("body 4-gram P", "body 4-gram R", "body 4-gram F1")
    prf = m.shingle_prf(counts)
    return [
        Metric(lbl, v, len(counts), "ratio") for lbl, v in zip(labels, prf, strict=True)
    ], scores


def _score_snippets(truths: list[Truth], items: list[Any]) -> Scored:
    found = {"with": [0, 0], "without": [0, 0]}
    scores = []
    for t, item in zip(truths, items, strict=True):
        body = _get(item, "body", "")
        for key, counts in found.items():
            flags = m.snippet_flags(body, t.truth.get(key) or [])
            if not flags:
                continue
            hits = sum(f for _, f in flags)
            counts[0] += hits
            counts[1] += len(flags)
            score = hits / len(flags) if key == "with" else 1 - hits / len(flags)
            # "with": the snippets missed; "without": the boilerplate kept
            wrong = " | ".join(s for s, f in flags if f != (key == "with"))
            scores.append(PageScore(key, t.id, t.url, score, wrong, body))
    rows = [
        Metric("with snippets found", _ratio(*found["with"]), found["with"][1]),
        Metric(
            "without snippets found (lower is better)",
            _ratio(*found["without"]),
            found["without"][1],
        ),
    ]
    return rows, scores


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def _score_wpnews(truths: list[Truth], items: list[Any]) -> Scored:
    scores: list[PageScore] = []
    starts, ends, leaked, noise = [], [], [], [0, 0]
    for t, item in zip(truths, items, strict=True):
        tr, body = t.truth, _get(item, "body", "")
        first, last = m.body_bounds(body, tr["body_first"], tr["body_last"], tr["body_optional"])
        starts.append(first)
        ends.append(last)
        bad = m.leaks(item, tr["must_not_contain"])
        leaked.append(len(bad))
        got_noise = list(_get(item, "noise", []))
        hits, total = m.noise_hits(got_noise, tr["noise"])
        noise[0], noise[1] = noise[0] + hits, noise[1] + total
        page = _page_scorer(t)
        scores += [
            page("body_start", first, tr["body_first"], body[:200]),
            page("body_end", last, tr["body_last"], body[-200:]),
            page("leaks", not bad, "none", " | ".join(bad)),
        ]
        if total:
            scores.append(
                page("noise", hits / total, " | ".join(tr["noise"]), " | ".join(got_noise))
            )
    rows = [
        _rate("body starts right", starts),
        _rate("body ends right", ends),
        Metric("leaks (strings, lower is better)", sum(leaked), len(leaked), "count"),
        Metric("pages with leaks (lower is better)", sum(map(bool, leaked)), len(leaked), "count"),
        Metric("noise recall", _ratio(*noise), noise[1]),
    ]
    return rows, scores


def _page_scorer(t: Truth) -> Callable[[str, float, Any, Any], PageScore]:
    def page(name: str, score: float, expected: Any, got: Any) -> PageScore:
        return PageScore(name, t.id, t.url, float(score), expected, got)

    return page


_SCORERS = {
    "aeb": (_score_body_shingles,),
    "fundus": (_score_headline, _score_published, _score_authors, _score_body_bow),
    "wcxb": (_score_headline, _score_published, _score_authors, _score_body_bow, _score_snippets),
    "wpnews": (_score_headline, _score_published, _score_wpnews),
    "pagetypes": (),
}


def _score_emitted(kind: str, truths: list[Truth], outputs: list[Output]) -> Scored:
    """Article or not, as the crawl would decide: the share of article pages (wcxb) it emits,
    or of other pages (pagetypes) it wrongly emits, overall and per page type."""
    if kind not in ("wcxb", "pagetypes") or any(o.emitted is None for o in outputs):
        return [], []
    scores = [PageScore("emitted", t.id, t.url, float(o.emitted), kind == "wcxb", o.emitted)
              for t, o in zip(truths, outputs, strict=True)]
    moved = [bool(o.emitted_at_query_address) for o in outputs]
    if kind == "wcxb":
        return [_rate("articles found (emitted)", [s.score == 1 for s in scores]),
                _rate(f"  found at {QUERY_ADDRESS}", moved)], scores
    rows = [_rate("non-articles emitted (lower is better)", [s.score == 1 for s in scores]),
            _rate(f"  emitted at {QUERY_ADDRESS} (lower is better)", moved)]
    types = sorted({t.truth.get("page_type") or "?" for t in truths})
    for page_type in types:
        hits = [s.score == 1 for s, t in zip(scores, truths, strict=True)
                if (t.truth.get("page_type") or "?") == page_type]
        rows.append(_rate(f"  {page_type} emitted", hits))
    return rows, scores


def score_set(kind: str, truths: list[Truth], outputs: list[Output]) -> Scored:
    """All of a set's metrics (and per-page scores) for one extractor's outputs."""
    items = [o.item for o in outputs]
    rows: list[Metric] = []
    pages: list[PageScore] = []
    for scorer in _SCORERS[kind]:
        r, p = scorer(truths, items)
        rows += r
        pages += p
    r, p = _score_emitted(kind, truths, outputs)
    rows += r
    pages += p
    n = len(outputs)
    rows.append(Metric("ms/page (mean)", m.mean(o.ms for o in outputs), n, "ms"))
    rows.append(Metric("errors", float(sum(1 for o in outputs if o.error)), n, "count"))
    return rows, pages


# --- running --------------------------------------------------------------------------------


def evaluate(
    directory: Path | str, extractors: dict[str, Extract], limit: int | None = None,
    half: str | None = None,
) -> SetResult:
    """Run every extractor over one data set directory (or one half of it) and score it."""
    directory = Path(directory)
    kind = datasets.detect_kind(directory)
    halves = split.load_split() if half else {}

    def keep(page: datasets.Page) -> bool:
        return split.in_half(halves, directory.name, kind, half, page.id, page.url, page.truth)

    truths: list[Truth] = []
    outputs: dict[str, list[Output]] = {name: [] for name in extractors}
    for page in datasets.load(directory, limit, keep):
        for name, extract in extractors.items():
            outputs[name].append(run_one(extract, page.url, page.html))
        truths.append(Truth(page.id, page.url, page.truth))
    shown_half = half if kind != split.WHOLE else None
    result = SetResult(directory.name, kind, str(directory), len(truths), shown_half)
    for name, outs in outputs.items():
        result.metrics[name], result.page_scores[name] = score_set(kind, truths, outs)
    return result


def warm_up(extractors: dict[str, Extract], directory: Path | str) -> None:
    """Run each extractor once, untimed, so imports and caches don't count as page time."""
    page = next(iter(datasets.load(directory, 1)), None)
    if page is not None:
        for extract in extractors.values():
            run_one(extract, page.url, page.html)


# --- printing -------------------------------------------------------------------------------


def _fmt(metric: Metric) -> str:
    if metric.fmt == "pct":
        return f"{100 * metric.value:.1f}%"
    if metric.fmt == "ratio":
        return f"{metric.value:.3f}"
    if metric.fmt == "ms":
        return f"{metric.value:.1f}"
    return f"{metric.value:.0f}"


def format_table(result: SetResult) -> str:
    """One plain-text table: a row per metric, a column per extractor."""
    names = list(result.metrics)
    by_label = {name: {row.label: row for row in rows} for name, rows in result.metrics.items()}
    labels: dict[str, Metric] = {}
    for rows in result.metrics.values():  # every extractor's rows, the first one's order first
        for row in rows:
            labels.setdefault(row.label, row)
    header = ["metric", "n", *names]
    body = [
        [label, str(row.n), *(_fmt(by_label[name][label]) if label in by_label[name] else "-"
                              for name in names)]
        for label, row in labels.items()
    ]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    half = f", {result.half} half" if result.half else ""
    lines = [f"{result.name} ({result.kind}{half}, {result.pages} pages)"]
    for r in [header, *body]:
        cells = [r[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _body_diff(expected: str, got: str, max_lines: int = 12) -> list[str]:
    """Unified diff of the body lines, compared after normalisation (quotes, spaces)."""
    a = [x for x in map(m.normalize_text, (expected or "").splitlines()) if x]
    b = [x for x in map(m.normalize_text, (got or "").splitlines()) if x]
    diff = list(difflib.unified_diff(a, b, "expected", "got", n=0, lineterm=""))
    diff = [_trim(d) for d in diff[2:] if not d.startswith("@@")]
    more = [f"… {len(diff) - max_lines} more diff lines"] if len(diff) > max_lines else []
    return diff[:max_lines] + more


def format_worst(result: SetResult, extractor: str, n: int) -> str:
    """The ``n`` lowest-scoring pages of each field, with expected vs got."""
    by_field: dict[str, list[PageScore]] = {}
    for ps in result.page_scores.get(extractor, []):
        by_field.setdefault(ps.field, []).append(ps)
    lines = []
    for name, scores in by_field.items():
        worst = sorted((s for s in scores if s.score < 1), key=lambda s: (s.score, s.page))[:n]
        if not worst:
            continue
        lines.append(f"-- worst {name} ({result.name}, {extractor}): {len(worst)} of {len(scores)}")
        for s in worst:
            lines.append(f"  [{s.score:.2f}] {s.page}  {s.url}")
            if name == "body" and not (s.got or "").strip():
                lines.append("      got: ∅ (empty body)")
            elif name == "body":
                lines += [f"      {d}" for d in _body_diff(s.expected, s.got)]
            else:
                lines.append(f"      expected: {_trim(s.expected)}")
                lines.append(f"      got:      {_trim(s.got)}")
    return "\n".join(lines)


def to_json(results: Iterable[SetResult]) -> dict[str, Any]:
    """All scores (aggregate and per page) as plain JSON data."""
    out: dict[str, Any] = {}
    for r in results:
        out[f"{r.name}/{r.half}" if r.half else r.name] = {
            "kind": r.kind,
            "path": r.path,
            "pages": r.pages,
            "half": r.half,
            "metrics": {
                name: {x.label: {"value": x.value, "n": x.n} for x in rows}
                for name, rows in r.metrics.items()
            },
            "page_scores": {
                name: [{"field": p.field, "page": p.page, "score": p.score} for p in pages]
                for name, pages in r.page_scores.items()
            },
        }
    return out


def baseline_rows(results: Iterable[SetResult]) -> dict[str, dict[str, float]]:
    """Every aggregate score as `set/half -> "extractor: metric" -> value` (ms excluded)."""
    rows: dict[str, dict[str, float]] = {}
    for r in results:
        key = f"{r.name}/{r.half}" if r.half else r.name
        rows[key] = {f"{name}: {x.label.strip()}": round(x.value, 6) for name, metrics in r.metrics.items()
                     for x in metrics if x.fmt != "ms"}
    return rows


LOWER_IS_BETTER = ("lower is better", "errors")


def compare(results: Iterable[SetResult], baseline: dict[str, dict[str, float]], extractor: str) -> str:
    """Lines with each of an extractor's scores beside the baseline's, worse ones marked."""
    lines = []
    for key, now in baseline_rows(results).items():
        then = baseline.get(key, {})
        for name, value in now.items():
            if not name.startswith(f"{extractor}: ") or name not in then:
                continue
            delta = value - then[name]
            lower_better = any(w in name for w in LOWER_IS_BETTER) or name.endswith(" emitted")  # per page type
            worse = delta > 1e-9 if lower_better else delta < -1e-9
            mark = "  WORSE" if worse else ""
            lines.append(f"{key:<18} {name.removeprefix(extractor + ': '):<42} "
                         f"{then[name]:>9.4f} -> {value:>9.4f} ({delta:+.4f}){mark}")
    return "\n".join(lines)


def run(
    directories: Sequence[Path | str],
    extractors: dict[str, Extract] | None = None,
    *,
    limit: int | None = None,
    worst: int = 0,
    json_path: Path | str | None = None,
    out: TextIO | None = None,
    halves: Sequence[str | None] = (None,),
    baseline: dict[str, dict[str, float]] | None = None,
    save_baseline: Path | str | None = None,
) -> list[SetResult]:
    """Evaluate, print a table per data set and half, optionally write JSON.

    ``worst`` lists the lowest-scoring pages per field of the first extractor given, on the
    tune half only (the check half is scored in aggregate, never opened page by page).
    """
    out = out or sys.stdout
    extractors = extractors or EXTRACTORS
    if directories:
        warm_up(extractors, directories[0])
    results = []
    for directory in directories:
        for half in halves:
            if half == "check" and datasets.detect_kind(Path(directory)) == split.WHOLE:
                continue  # a set kept whole is shown once
            result = evaluate(directory, extractors, limit, half)
            results.append(result)
            print(format_table(result), end="\n\n", file=out, flush=True)
            if worst and result.half != "check":
                text = format_worst(result, next(iter(extractors)), worst)
                if text:
                    print(text, end="\n\n", file=out, flush=True)
    if baseline is not None:
        print("against the baseline:\n" + compare(results, baseline, next(iter(extractors))),
              file=out, flush=True)
    if json_path:
        Path(json_path).write_text(
            json.dumps(to_json(results), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    if save_baseline:
        Path(save_baseline).write_text(json.dumps(baseline_rows(results), indent=1, sort_keys=True)
                                       + "\n", encoding="utf-8")
    return results
