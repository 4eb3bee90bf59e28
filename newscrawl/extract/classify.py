"""Tell one article from every other kind of page (listings, products, services, forums, docs).

The decision weighs the named features of `newscrawl.extract.features` with a small model
trained on labelled pages (benchmarks/quality/train_classifier.py) and shipped as package data
(article_model.json): a logistic regression, evaluated here in pure Python. Its reasons are the
features that pushed the score most, so every verdict can be explained.
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources
from typing import Any

MODEL_FILE = "article_model.json"
# features named in the reasons: the strongest pushes either way
REASONS = 4


@cache
def load_model() -> dict[str, Any]:
    """The shipped model (read once per process)."""
    text = resources.files("newscrawl.extract").joinpath(MODEL_FILE).read_text("utf-8")
    return json.loads(text)


def contributions(features: dict[str, float], model: dict[str, Any] | None = None) -> dict[str, float]:
    """Each feature's push on the log-odds that the page is an article (standardized x weight).
    A feature the page does not give (a path shape where the query names the page) pushes
    nothing: it stands at the training mean, as in training."""
    model = model or load_model()
    pushes = {}
    for name, weight, mean, scale in zip(model["features"], model["weights"], model["mean"],
                                         model["scale"], strict=True):
        if name not in features:
            pushes[name] = 0.0
            continue
        value = min(max(features[name], model["low"][name]), model["high"][name])
        pushes[name] = weight * (value - mean) / scale
    return pushes


def article_score(features: dict[str, float], model: dict[str, Any] | None = None) -> float:
    """The probability, as the model sees it, that the page is one article."""
    model = model or load_model()
    logit = model["bias"] + sum(contributions(features, model).values())
    return 1.0 / (1.0 + math.exp(-max(min(logit, 50.0), -50.0)))


def best_score(features: dict[str, float], unknown: frozenset[str]) -> float:
    """The highest score the page can reach whatever values the `unknown` features take: each
    at the end of its range that pushes towards an article (the model is linear in them)."""
    model = load_model()
    best = dict(features)
    for name, weight in zip(model["features"], model["weights"], strict=True):
        if name in unknown:
            best[name] = model["high"][name] if weight > 0 else model["low"][name]
    return article_score(best, model)


def is_article(features: dict[str, float]) -> tuple[bool, list[str]]:
    """Decide and explain: the score against the model's threshold, and the features that
    pushed it most (`+name` towards an article, `-name` away from one)."""
    model = load_model()
    pushes = contributions(features, model)
    score = article_score(features, model)
    verdict = score >= model["threshold"] and features.get("body_chars", 0.0) > 0
    strongest = sorted(pushes.items(), key=lambda item: -abs(item[1]))[:REASONS]
    reasons = [f"{'+' if push > 0 else '-'}{name}" for name, push in strongest if push]
    return verdict, [f"score={score:.2f}", *reasons]
