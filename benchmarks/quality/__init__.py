"""Quality benchmark: load the ground-truth data sets, score extractors, print tables."""

from benchmarks.quality.datasets import Page, detect_kind, load
from benchmarks.quality.report import EXTRACTORS, evaluate, run

__all__ = ["EXTRACTORS", "Page", "detect_kind", "evaluate", "load", "run"]
