"""URL and sites files given as a stream (newscrawl/config/sites.py): `-a urls=/dev/stdin`."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import FAST, REPO, read_jsonl
from tests.support.faultserver import FaultServer


def test_a_url_file_piped_to_standard_input_is_read_once_and_crawled(tmp_path):
    """`... | newscrawl crawl -a urls=/dev/stdin`: the file was read once to check the arguments
    and again by the spider, which found the pipe empty: `/dev/stdin: no URL in the file`, exit 2.
    The same for `-a articles=` and `-a sites=`."""
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}
    with FaultServer("127.0.0.13", robots="allow", articles=2) as site:
        for argument, text in (("articles", f"{site.url('/articles/story-1')}\n"),
                               ("sites", f'[sites.fault]\nurl = "{site.url("/")}"\n')):
            done = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"{argument}=/dev/stdin",
                                   "-O", str(out), "-s", "NEWSCRAWL_STATE=none", *FAST],
                                  input=text, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr[-2000:]
            assert "no URL in the file" not in done.stderr and "no sites" not in done.stderr
            assert read_jsonl(out), argument
