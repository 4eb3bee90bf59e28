"""The extraction forkserver's warm-up (newscrawl/crawl/warmup.py) leaves nothing lazy for a
worker's first undated page: dateparser's parser and htmldate's month names are built."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_warm_up_builds_what_the_date_search_loads_on_first_use() -> None:
    # a fresh interpreter: in this one, other tests may have built them already
    code = textwrap.dedent("""
        from htmldate.extractors import month_words
        from newscrawl.extract import dates
        assert month_words.cache_info().currsize == 0
        assert dates._language_parser.cache_info().currsize == 0
        import newscrawl.crawl.warmup  # noqa: F401
        print(month_words.cache_info().currsize, dates._language_parser.cache_info().currsize)
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "1"]
