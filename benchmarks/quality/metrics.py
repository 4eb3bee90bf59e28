"""The data sets' metrics, computed exactly as the data sets' README (../shared/data/README.md) defines them.

Pure functions over plain values, so every rule can be tested on hand-made inputs.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

# Invisible, zero-width code points: ZWSP, ZWNJ, ZWJ, LRM, RLM, word joiner, BOM / ZWNBSP,
# Mongolian vowel separator and the soft hyphen.
_ZERO_WIDTH = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u180e\u00ad"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2039\u203a"  # ‘ ’ ‚ ‛ ′ ‹ ›
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"  # “ ” „ ‟ ″ « »
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
_TRANSLATE = {
    **dict.fromkeys(map(ord, _ZERO_WIDTH), None),
    **dict.fromkeys(map(ord, _SINGLE_QUOTES), "'"),
    **dict.fromkeys(map(ord, _DOUBLE_QUOTES), '"'),
    **dict.fromkeys(map(ord, _DASHES), "-"),
}

# CJK characters each count as one token: Han (with extensions and compatibility
# ideographs), the iteration and ideographic-zero marks, kana and Hangul.
_CJK = (
    "\u1100-\u11ff\u3005-\u3007\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
_BOW_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_WORD = re.compile(r"\w+")
_TIME_SEP = re.compile(r"\d[Tt ]\d")


class PRF(NamedTuple):
    """Precision, recall and F1, each in [0, 1]."""

    precision: float
    recall: float
    f1: float


def harmonic(precision: float, recall: float) -> float:
    """F1 of a precision and a recall; 0 when both are 0."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def mean(values: Iterable[float]) -> float:
    """Arithmetic mean; 0 for no values."""
    values = list(values)
    return sum(values) / len(values) if values else 0.0


# --- headline -------------------------------------------------------------------------------


def normalize_text(text: str | None) -> str:
    """NFKC, zero-width characters dropped, typographic quotes, guillemets and dashes made
    ASCII, whitespace collapsed. Case is kept."""
    text = unicodedata.normalize("NFKC", text or "").translate(_TRANSLATE)
    return " ".join(text.split())


def headline_exact(pred: str | None, truth: str) -> bool:
    """Headline equal after :func:`normalize_text` (case-sensitive)."""
    return pred is not None and normalize_text(pred) == normalize_text(truth)


# --- published ------------------------------------------------------------------------------


class Stamp(NamedTuple):
    """A parsed ISO 8601 value and whether it had a time of day."""

    value: datetime
    has_time: bool


def parse_iso(text: str | None) -> Stamp | None:
    """Parse an ISO 8601 date or date-time; None when missing or unparsable."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return Stamp(value, bool(_TIME_SEP.search(text)))


def has_time_of_day(text: str | None) -> bool:
    """True when an ISO 8601 value carries a time of day."""
    stamp = parse_iso(text)
    return bool(stamp and stamp.has_time)


def same_day(pred: str | None, truth: str) -> bool:
    """Same calendar day; with offsets on both sides the prediction moves to the truth's."""
    p, t = parse_iso(pred), parse_iso(truth)
    if p is None or t is None:
        return False
    value = p.value
    if value.tzinfo is not None and t.value.tzinfo is not None:
        value = value.astimezone(t.value.tzinfo)
    return value.date() == t.value.date()


def same_minute(pred: str | None, truth: str) -> bool:
    """Equal when both are truncated to the minute (in UTC when both have offsets).

    Score it only where the truth has a time of day; a prediction without one fails.
    """
    p, t = parse_iso(pred), parse_iso(truth)
    if p is None or t is None or not p.has_time:
        return False
    a, b = p.value, t.value
    if a.tzinfo is not None and b.tzinfo is not None:
        a, b = a.astimezone(UTC), b.astimezone(UTC)
    else:
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


# --- authors --------------------------------------------------------------------------------


def normalize_author(name: str) -> str:
    """NFKC, casefold, ``\\w+`` tokens joined by one space."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", name).casefold()))


def author_counts(pred: Iterable[str] | None, truth: Iterable[str]) -> tuple[int, int, int]:
    """(true positives, predicted, expected) of one page, names compared as sets."""
    p = {normalize_author(n) for n in pred or () if isinstance(n, str)} - {""}
    t = {normalize_author(n) for n in truth} - {""}
    return len(p & t), len(p), len(t)


def micro_prf(counts: Iterable[tuple[int, int, int]]) -> PRF:
    """P/R/F1 from (tp, predicted, expected) counts pooled over all pages."""
    tp = n_pred = n_truth = 0
    for a, b, c in counts:
        tp, n_pred, n_truth = tp + a, n_pred + b, n_truth + c
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_truth if n_truth else 0.0
    return PRF(precision, recall, harmonic(precision, recall))


# --- body, bag of words (fundus, wcxb) -------------------------------------------------------


def bow_tokens(text: str | None) -> Counter[str]:
    """NFKC, casefold; each CJK character or each run of other ``\\w`` is a token."""
    return Counter(_BOW_TOKEN.findall(unicodedata.normalize("NFKC", text or "").casefold()))


def bag_of_words(pred: str | None, truth: str) -> PRF:
    """One page's multiset-overlap P/R/F1; an empty prediction scores 0."""
    p, t = bow_tokens(pred), bow_tokens(truth)
    if not p or not t:
        return PRF(0.0, 0.0, 0.0)
    overlap = sum((p & t).values())
    precision, recall = overlap / p.total(), overlap / t.total()
    return PRF(precision, recall, harmonic(precision, recall))


def mean_prf(scores: Sequence[PRF]) -> PRF:
    """Mean of per-page P, R and F1 (F1 is averaged, not recomputed)."""
    return PRF(*(mean(s[i] for s in scores) for i in range(3)))


# --- body, 4-gram shingles (aeb) ------------------------------------------------------------


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of consecutive ``n``-token shingles; 1 to n-1 tokens make one shingle."""
    tokens = _WORD.findall(text or "")
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def shingle_counts(pred: str | None, truth: str | None, n: int = 4) -> tuple[int, int, int]:
    """(shared shingles, predicted shingles, expected shingles) of one page."""
    p, t = shingles(pred, n), shingles(truth, n)
    return sum((p & t).values()), p.total(), t.total()


def shingle_prf(counts: Iterable[tuple[int, int, int]]) -> PRF:
    """aeb's score: precision averaged over pages with a prediction, recall over pages with
    a truth, F1 the harmonic mean of the two averages."""
    counts = list(counts)
    precision = mean(tp / n_pred for tp, n_pred, _ in counts if n_pred)
    recall = mean(tp / n_truth for tp, _, n_truth in counts if n_truth)
    return PRF(precision, recall, harmonic(precision, recall))


def page_shingle_f1(tp: int, n_pred: int, n_truth: int) -> float:
    """One page's 4-gram F1 (for ranking the worst pages)."""
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_truth if n_truth else 0.0
    return harmonic(precision, recall)


# --- snippets, leaks, noise (wcxb, wpnews) ---------------------------------------------------


def _squash(text: str) -> str:
    """:func:`normalize_text` with all whitespace removed, for substring checks."""
    return "".join(normalize_text(text).split())


def snippet_flags(body: str | None, snippets: Iterable[str]) -> list[tuple[str, bool]]:
    """Each non-empty snippet with whether the body contains it (case- and
    whitespace-insensitive, after :func:`normalize_text`)."""
    text = _squash(body or "").casefold()
    return [(s, _squash(s).casefold() in text) for s in snippets if _squash(s)]


def snippet_hits(body: str | None, snippets: Iterable[str]) -> tuple[int, int]:
    """(snippets found in the body, non-empty snippets)."""
    flags = snippet_flags(body, snippets)
    return sum(found for _, found in flags), len(flags)


def _strip_optional(lines: list[str], optional: Sequence[str]) -> list[str]:
    """Drop leading and trailing lines that start with an optional line."""

    def is_optional(line: str) -> bool:
        return any(line.startswith(o) for o in optional)

    start, end = 0, len(lines)
    while start < end and is_optional(lines[start]):
        start += 1
    while end > start and is_optional(lines[end - 1]):
        end -= 1
    return lines[start:end]


def body_bounds(
    body: str | None, first: str, last: str, optional: Sequence[str] = ()
) -> tuple[bool, bool]:
    """(body starts with ``first``, body ends with ``last``), ignoring optional lines at
    either end; compared after :func:`normalize_text`."""
    lines = [x for x in (normalize_text(line) for line in (body or "").splitlines()) if x]
    opts = [x for x in (normalize_text(o) for o in optional) if x]
    first, last = normalize_text(first), normalize_text(last)
    texts = {" ".join(lines), " ".join(_strip_optional(lines, opts))}
    starts = any(t and t.startswith(first) for t in texts)
    ends = any(t and t.endswith(last) for t in texts)
    return starts, ends


def field_texts(item: Any, exclude: Iterable[str] = ("noise",)) -> Iterator[str]:
    """Every string in an item's fields (strings and lists of strings), minus ``exclude``."""
    if dataclasses.is_dataclass(item):
        values = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
    elif isinstance(item, dict):
        values = item
    else:
        values = vars(item)
    skip = set(exclude)
    for name, value in values.items():
        if name in skip:
            continue
        if isinstance(value, str):
            yield value
        elif isinstance(value, list | tuple):
            yield from (v for v in value if isinstance(v, str))


def leaks(item: Any, must_not_contain: Iterable[str]) -> list[str]:
    """The ``must_not_contain`` strings found in any field other than ``noise``."""
    texts = [_squash(t) for t in field_texts(item)]
    return [s for s in must_not_contain if _squash(s) and any(_squash(s) in t for t in texts)]


def noise_hits(noise: Iterable[str] | None, expected: Iterable[str]) -> tuple[int, int]:
    """(expected noise strings captured by some entry of the item's noise, expected)."""
    got = [_squash(n) for n in noise or () if isinstance(n, str)]
    wanted = [s for s in (_squash(x) for x in expected) if s]
    return sum(1 for s in wanted if any(s in g for g in got)), len(wanted)
