"""Imported only by the extraction forkserver (newscrawl/crawl/pool.py): load the extraction
code and run it once on a small page, so every worker forked from there starts warm (lazy
imports such as dateparser done, caches filled) and its first real page meets the time limit."""

from __future__ import annotations

import logging

from newscrawl.extract import extract_page

# the forkserver has no log of its own: without a handler, logging's last resort would print a
# warning of the warm-up on the crawl's stderr (each worker sets up its own logging, pool.py)
logging.getLogger().addHandler(logging.NullHandler())

SAMPLE = b"""<!doctype html><html lang="en"><head><title>Warm-up - Site</title>
<meta property="og:title" content="Warm-up"><meta property="article:published_time" content="2024-05-03T14:05:00+02:00">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Warm-up", "author": {"name": "A. Writer"}}</script>
</head><body><header><nav><a href="/">Home</a></nav></header><article><h1>Warm-up</h1>
<p class="dateline">3 May 2024</p><p>By A. Writer</p>
<p>One paragraph of a short article, long enough to be taken for text by the extractor here.</p>
<p>Another paragraph of the same short article, so that the body has more than one block.</p>
</article><footer>Footer</footer></body></html>"""
# a page that dates nothing in its markup: htmldate's search of its text runs, and dateparser
# builds its parser and its time-zone patterns (about 0.2 s on first use)
UNDATED = b"""<!doctype html><html lang="en"><head><title>Notes - Site</title></head><body><main>
<h1>Notes from the meeting</h1><p>The committee met again and agreed on the plan for the new library.</p>
<p>Work is expected to start in the spring, once the last permits are granted by the city.</p>
<p class="updated">Last updated on 04-Aug-2024 5:11:10</p></main></body></html>"""

try:
    import dateparser  # noqa: F401 - the extractor imports it lazily; pay for it once here

    extract_page("http://127.0.0.1/warm-up/2024/05/03/sample/", SAMPLE, encoding="utf-8")
    extract_page("http://127.0.0.1/warm-up/notes/", UNDATED, encoding="utf-8")
    # htmldate reads every dateparser locale's month names the first time a date string holds
    # neither a year nor a month it knows (about 0.3 s)
    from htmldate.extractors import month_words

    month_words()
except Exception:  # a warm-up must never stop the forkserver; workers then warm up themselves
    pass
