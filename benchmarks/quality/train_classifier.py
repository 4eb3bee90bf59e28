"""Train the article-or-not model on the TUNE half only, with site-grouped cross-validation.

`python -m benchmarks.quality.train_classifier DATA_DIR [--write]`

Positives are the article pages of wcxb (and aeb, fundus) in the tune half; negatives are the
pagetypes pages of the tune half. Every page is read as the crawl reads it (`extract_page`),
its named features kept (newscrawl.extract.features). Cross-validation holds out whole sites,
so a score says how the model does on sites it has never seen; the threshold is chosen on
those held-out predictions and the model is then fitted on every tune page. The check half is
never read here: `make quality` scores it in aggregate.

Needs scikit-learn (`pip install -e .[train]`); the crawl itself evaluates the written JSON in
pure Python (newscrawl.extract.classify).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

from benchmarks.quality import datasets, split
from newscrawl.extract.features import FEATURES
from newscrawl.extract.vocabulary import text_size

MODEL_PATH = Path(__file__).resolve().parents[2] / "newscrawl" / "extract" / "article_model.json"
CACHE = Path(__file__).with_name(".features-tune.json.gz")
MIN_BODY_CHARS = 200  # what the crawl writes (NEWSCRAWL_MIN_BODY_CHARS)
SETS = ("wcxb", "pagetypes", "aeb", "fundus")
TARGET_EMITTED = 0.07  # at most this share of tune non-articles emitted in CV (the target is 8%)
FOLDS = 5
C = 0.05  # inverse L2 strength: a few strong, general weights rather than many small ones


def read_pages(data_dir: Path) -> list[dict]:
    """The tune pages of every set, each with its features, label, site and body length."""
    from newscrawl.extract import extract_page

    halves = split.load_split()
    rows = []
    for name in SETS:
        folder = data_dir / name
        kind = datasets.detect_kind(folder)

        def keep(page: datasets.Page, kind: str = kind, name: str = name) -> bool:
            return split.in_half(halves, name, kind, "tune", page.id, page.url, page.truth)

        for page in datasets.load(folder, keep=keep):
            result = extract_page(page.url, page.html)
            rows.append({
                "set": name, "id": page.id, "url": page.url,
                "site": split.site_name(kind, page.url, page.truth),
                "type": page.truth.get("page_type") or "article",
                "label": int(kind != "pagetypes"),
                "body": text_size(result.article.body or ""),
                "features": {k: v for k, v in result.features.items() if k in FEATURES},
            })
        print(f"read {name}: {sum(1 for r in rows if r['set'] == name)} tune pages", file=sys.stderr)
    return rows


def load_rows(data_dir: Path, refresh: bool) -> list[dict]:
    if CACHE.is_file() and not refresh:
        with gzip.open(CACHE, "rt", encoding="utf-8") as fh:
            return json.load(fh)
    rows = read_pages(data_dir)
    with gzip.open(CACHE, "wt", encoding="utf-8") as fh:
        json.dump(rows, fh)
    return rows


def matrix(rows: list[dict], names: list[str]):
    import numpy as np

    # a feature a page does not give (see newscrawl.extract.classify.contributions) is missing:
    # the model imputes the mean, so it pushes nothing, as in the crawl
    return np.array([[r["features"].get(n, np.nan) for n in names] for r in rows], dtype=float)


def make_model(kind: str):
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if kind == "gbm":  # for comparison only: the shipped model is the logistic regression
        return make_pipeline(SimpleImputer(strategy="mean"),
                             GradientBoostingClassifier(n_estimators=150, max_depth=3, learning_rate=0.05,
                                                        subsample=0.8, random_state=0))
    return make_pipeline(SimpleImputer(strategy="mean"), StandardScaler(),
                         LogisticRegression(C=C, max_iter=5000, class_weight="balanced"))


def cross_validate(rows: list[dict], names: list[str], kind: str, seed: int = 0):
    """Held-out probabilities for every row, sites grouped so no site is in two folds."""
    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold

    x, y = matrix(rows, names), np.array([r["label"] for r in rows])
    groups = [r["site"] for r in rows]
    proba = np.zeros(len(rows))
    for train, test in StratifiedGroupKFold(FOLDS, shuffle=True, random_state=seed).split(x, y, groups):
        model = make_model(kind).fit(x[train], y[train])
        proba[test] = model.predict_proba(x[test])[:, 1]
    return proba


def rates(rows: list[dict], proba, threshold: float) -> dict[str, float]:
    """Articles found (wcxb; aeb, fundus apart) and non-articles emitted, as the crawl emits."""
    out: dict[str, list[bool]] = {}
    for r, p in zip(rows, proba, strict=True):
        emitted = p >= threshold and r["body"] >= MIN_BODY_CHARS
        key = r["set"] if r["label"] else f"pagetypes/{r['type']}"
        out.setdefault(key, []).append(emitted)
        if not r["label"]:
            out.setdefault("pagetypes", []).append(emitted)
    return {k: sum(v) / len(v) for k, v in sorted(out.items())}


def choose_threshold(rows: list[dict], proba) -> float:
    """The threshold where held-out articles found minus non-articles emitted is highest (both
    errors weigh the same), among those that emit at most TARGET_EMITTED; of equal ones, the
    middle."""
    scored = []
    for step in range(5, 96):
        r = rates(rows, proba, step / 100)
        if r["pagetypes"] <= TARGET_EMITTED:
            scored.append((round(r["wcxb"] - r["pagetypes"], 4), step / 100))
    if not scored:
        return 0.95
    best = max(score for score, _ in scored)
    ties = [threshold for score, threshold in scored if score == best]
    return ties[len(ties) // 2]


def export(rows: list[dict], names: list[str], threshold: float, cv: dict[str, float]) -> dict:
    """Fit on every tune page and write the weights as plain numbers."""
    import numpy as np

    x, y = matrix(rows, names), np.array([r["label"] for r in rows])
    model = make_model("logistic").fit(x, y)
    scaler, logistic = model.steps[-2][1], model.steps[-1][1]
    scale = [float(s) if s > 0 else 1.0 for s in scaler.scale_]
    return {
        "kind": "logistic",
        "about": "article-or-not model: named features of newscrawl.extract.features, trained by "
                 "benchmarks/quality/train_classifier.py on the tune half only",
        "features": names,
        "weights": [round(float(w), 5) for w in logistic.coef_[0]],
        "mean": [round(float(m), 5) for m in scaler.mean_],
        "scale": [round(s, 5) for s in scale],
        "low": {n: round(float(v), 5) for n, v in zip(names, np.nanmin(x, axis=0), strict=True)},
        "high": {n: round(float(v), 5) for n, v in zip(names, np.nanmax(x, axis=0), strict=True)},
        "bias": round(float(logistic.intercept_[0]), 5),
        "threshold": threshold,
        "cv": {k: round(v, 4) for k, v in cv.items()},
        "pages": {"articles": int(y.sum()), "other": int(len(y) - y.sum())},
    }


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(prog="python -m benchmarks.quality.train_classifier",
                                      description=__doc__.splitlines()[0])
    options.add_argument("data_dir", type=Path, help="the folder holding wcxb/, pagetypes/, aeb/, fundus/")
    options.add_argument("--refresh", action="store_true", help="re-read the pages (features changed)")
    options.add_argument("--compare", action="store_true", help="also cross-validate gradient boosting")
    options.add_argument("--seeds", type=int, default=1, help="repeat CV over this many fold draws")
    options.add_argument("--write", action="store_true", help=f"write {MODEL_PATH.name}")
    opts = options.parse_args(argv)
    rows = load_rows(opts.data_dir, opts.refresh)
    names = list(FEATURES)
    proba = cross_validate(rows, names, "logistic")
    threshold = choose_threshold(rows, proba)
    cv = rates(rows, proba, threshold)
    print(f"logistic, {FOLDS}-fold site-grouped CV on the tune half, threshold {threshold}:")
    for key, value in cv.items():
        print(f"  {key:28} {100 * value:5.1f}%")
    if opts.seeds > 1:  # how much the estimate moves with the folds drawn
        found, emitted = [], []
        for seed in range(opts.seeds):
            r = rates(rows, cross_validate(rows, names, "logistic", seed), threshold)
            found.append(r["wcxb"])
            emitted.append(r["pagetypes"])
        print(f"over {opts.seeds} fold draws: found {100 * min(found):.1f}-{100 * max(found):.1f}% "
              f"(mean {100 * sum(found) / len(found):.1f}), emitted {100 * min(emitted):.1f}-"
              f"{100 * max(emitted):.1f}% (mean {100 * sum(emitted) / len(emitted):.1f})")
    if opts.compare:
        gbm = cross_validate(rows, names, "gbm")
        gbm_threshold = choose_threshold(rows, gbm)
        print(f"gradient boosting, threshold {gbm_threshold}:")
        for key, value in rates(rows, gbm, gbm_threshold).items():
            print(f"  {key:28} {100 * value:5.1f}%")
    if opts.write:
        model = export(rows, names, threshold, cv)
        MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
