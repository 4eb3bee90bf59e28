"""`seen_before` counts only articles an earlier run emitted: on a first run with a fresh state it
is 0, though the demo site's pages link to each other; links back to an article this run
emitted already are `emitted_this_run`. An article written by a run stopped before its end is
fetched once more by the next run, for the links on its page (found by a stranger: after Ctrl-C,
the articles only it linked to were never written)."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import DEMO, FAST, REPO, free_port, lines_in, read_jsonl, run_scrapy
from tests.support.faultserver import LOREM, FaultServer, article_page
from tests.support.sites.harness import finish
from tools.devserver import serve_directory

MANIFEST = json.loads((DEMO / "MANIFEST.json").read_text("utf-8"))
ARTICLES = [p for p in MANIFEST if p["kind"] == "article"]


def test_seen_before_counts_earlier_runs_only(tmp_path):
    runs = []
    with serve_directory(DEMO, port=free_port()) as base:
        for run in (1, 2):
            out, stats_file = tmp_path / f"run{run}.jsonl", tmp_path / f"run{run}.stats.json"
            proc = run_scrapy(["crawl", "site", "-a", f"url={base}", "-O", str(out),
                               "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}",
                               "-s", f"NEWSCRAWL_STATS_FILE={stats_file}", *FAST])
            assert proc.returncode == 0, proc.stderr[-3000:]
            runs.append((read_jsonl(out), json.loads(stats_file.read_text("utf-8"))))
    (first, first_stats), (second, second_stats) = runs
    site = first[0]["site"]
    assert site == "127.0.0.1"
    # first run, fresh state: every article written once, nothing seen before, the links back
    # to this run's own articles counted under their own name and not fetched again
    assert len(first) == len(ARTICLES)
    assert first_stats.get("newscrawl/skipped/seen_before", 0) == 0
    assert first_stats.get(f"newscrawl/site/{site}/seen_before", 0) == 0
    assert first_stats["newscrawl/skipped/emitted_this_run"] > 0
    assert first_stats[f"newscrawl/site/{site}/emitted_this_run"] == first_stats["newscrawl/skipped/emitted_this_run"]
    # second run, same state: nothing new, the articles the first run wrote are seen before
    assert second == []
    assert second_stats["newscrawl/skipped/seen_before"] >= len(ARTICLES) - 1
    assert second_stats[f"newscrawl/site/{site}/seen_before"] == second_stats["newscrawl/skipped/seen_before"]
    assert second_stats.get("newscrawl/skipped/emitted_this_run", 0) == 0


# a home page that links to the first story only; each story links to the next
CHAIN = ["harbour-opens-season", "ferry-timetable-changes", "bridge-repairs-begin", "market-moves-to-quay",
         "lighthouse-reopens", "pier-gets-new-lights"]


def _chain_site(root: Path) -> Path:
    (root / "news").mkdir(parents=True)
    (root / "index.html").write_text(f'<html><head><title>Chain Times</title></head><body><h1>Chain Times</h1>'
                                     f'<a href="/news/{CHAIN[0]}.html">The season opens</a></body></html>')
    for number, slug in enumerate(CHAIN):
        title = slug.replace("-", " ").capitalize()
        page = article_page(title, [f"Story {slug}. {LOREM}", LOREM, f"End of {slug}."],
                            published=f"2024-03-0{number + 1}T08:00:00+01:00")
        if number + 1 < len(CHAIN):
            after = CHAIN[number + 1]
            page = page.replace("</article>", f'<p>Read next: <a href="/news/{after}.html">{after}</a></p></article>')
        (root / "news" / f"{slug}.html").write_text(page)
    return root


def _chain_urls(base: str) -> list[str]:
    return sorted(f"{base}news/{slug}.html" for slug in CHAIN)


def _stats(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def test_a_run_stopped_early_leaves_the_links_of_its_articles_to_the_next_run(tmp_path):
    out, state = tmp_path / "out.jsonl", tmp_path / "state.sqlite"
    with serve_directory(_chain_site(tmp_path / "site"), port=free_port()) as base:
        args = ["crawl", "site", "-a", f"url={base}", "-s", f"NEWSCRAWL_STATE={state}", *FAST]
        runs = []
        for number, extra in enumerate((["-O", str(out), "-s", "CLOSESPIDER_ITEMCOUNT=1"], ["-o", str(out)],
                                        ["-o", str(out)])):
            stats = tmp_path / f"stats{number}.json"
            proc = run_scrapy([*args, *extra, "-s", f"NEWSCRAWL_STATS_FILE={stats}"])
            assert proc.returncode == 0, proc.stderr[-3000:]
            runs.append((read_jsonl(out), _stats(stats), proc.stderr))
    (first, first_stats, first_err), (second, second_stats, second_err), (third, third_stats, _) = runs
    assert first_stats["finish_reason"] == "closespider_itemcount" and 1 <= len(first) < len(CHAIN)
    # the limit the user set: exit 0, and said, with how to go on
    assert (f"the crawl stopped at its limit (CLOSESPIDER_ITEMCOUNT) before it finished: "
            f"{len(first)} article{'s' if len(first) > 1 else ''} written and recorded; run the same command "
            "again") in first_err, first_err[-3000:]
    # the next run fetches the stopped run's articles once more, writes none of them again, and
    # follows their links to the rest
    assert sorted(a["url"] for a in second) == _chain_urls(base), second_err[-3000:]
    assert second_stats["newscrawl/refetched/links_pending"] == len(first)
    assert second_stats["newscrawl/dropped/seen_in_earlier_run"] == len(first)
    assert "fetching once more the pages of articles that a run stopped before its end wrote" in second_err
    # that run finished: the run after it fetches none of them again
    assert third == second
    assert "newscrawl/refetched/links_pending" not in third_stats
    assert third_stats["newscrawl/skipped/seen_before"] == 1  # the first story, linked from home


@pytest.mark.timeout(300)
def test_after_ctrl_c_the_same_command_again_writes_the_articles_only_a_written_one_links_to(tmp_path):
    out, state = tmp_path / "out.jsonl", tmp_path / "state.sqlite"
    with serve_directory(_chain_site(tmp_path / "site"), port=free_port()) as base:
        args = ["crawl", "site", "-a", f"url={base}", "-s", f"NEWSCRAWL_STATE={state}", *FAST]
        cmd = [sys.executable, "-m", "scrapy", *args, "-O", str(out), "-s", "DOWNLOAD_DELAY=1"]  # paced
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None and lines_in(out) < 1:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        code, err = finish(proc, timeout=120)
        stopped = read_jsonl(out)
        rest = run_scrapy([*args, "-o", str(out)], timeout=150)  # appending, as the stop line says
    assert code == 130, err[-3000:]
    assert 1 <= len(stopped) < len(CHAIN), err[-3000:]
    assert rest.returncode == 0, rest.stderr[-3000:]
    assert sorted(a["url"] for a in read_jsonl(out)) == _chain_urls(base), rest.stderr[-3000:]  # each once


def test_a_link_that_failed_for_a_passing_fault_is_followed_again_by_the_next_run(tmp_path):
    """The second story answered 503 to every attempt of the first run, which finished: the next
    run fetches the first story once more for its link (the summary says a rerun fetches what a
    passing fault kept out, and nothing else links to the second story)."""
    def story(slug: str, after: str | None):
        page = article_page(slug.replace("-", " ").capitalize(), [f"Story {slug}. {LOREM}", LOREM])
        if after:
            page = page.replace("</article>", f'<p>Read next: <a href="/news/{after}.html">{after}</a></p></article>')

        def handler(h) -> None:
            if slug == CHAIN[1] and h.server.owner.failing.is_set():
                h.send_bytes(b"<html><body><h1>503</h1></body></html>", status=503)
            else:
                h.send_bytes(page.encode())
        return handler

    routes = {f"/news/{slug}.html": story(slug, CHAIN[n + 1] if n + 1 < 3 else None)
              for n, slug in enumerate(CHAIN[:3])}
    routes["/"] = lambda h: h.send_bytes(f'<html><head><title>Chain Times</title></head><body>'
                                         f'<a href="/news/{CHAIN[0]}.html">The season opens</a></body></html>'.encode())
    out, state = tmp_path / "out.jsonl", tmp_path / "state.sqlite"
    with FaultServer("127.0.0.1", robots="allow", extra=routes) as site:
        site.failing = threading.Event()
        site.failing.set()
        args = ["crawl", "site", "-a", f"url={site.url('/')}", "-s", f"NEWSCRAWL_STATE={state}", *FAST]
        first = run_scrapy([*args, "-O", str(out), "-s", f"NEWSCRAWL_STATS_FILE={tmp_path / 's1.json'}"])
        written_first = read_jsonl(out)
        site.failing.clear()
        second = run_scrapy([*args, "-o", str(out), "-s", f"NEWSCRAWL_STATS_FILE={tmp_path / 's2.json'}"])
    assert first.returncode == 0 and second.returncode == 0, (first.stderr + second.stderr)[-3000:]
    assert _stats(tmp_path / "s1.json")["finish_reason"] == "finished"
    assert [a["url"] for a in written_first] == [site.url(f"/news/{CHAIN[0]}.html")], first.stderr[-3000:]
    assert sorted(a["url"] for a in read_jsonl(out)) == sorted(site.url(f"/news/{slug}.html") for slug in CHAIN[:3])
    assert _stats(tmp_path / "s2.json")["newscrawl/refetched/links_pending"] == 1


def _export(state: Path) -> dict[str, bool]:
    proc = run_scrapy(["state", "export", "-s", f"NEWSCRAWL_STATE={state}"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {row["url"]: row["links_pending"] for row in map(json.loads, proc.stdout.splitlines())}


def test_a_pending_article_that_is_gone_or_moved_is_not_fetched_again_after_a_finished_run(tmp_path):
    """Found by a second stranger: a pending story that answered 404 stayed pending (fetched again
    on every run), and one redirected elsewhere stayed pending under its new address."""
    pages = {f"/news/{slug}.html": article_page(slug.replace("-", " ").capitalize(), [f"Story {slug}. {LOREM}", LOREM])
             for slug in CHAIN[:3]}
    state_of = {"gone": False}

    def story(path: str):
        def handler(h) -> None:
            if path == f"/news/{CHAIN[0]}.html" and state_of["gone"]:
                h.send_bytes(b"<html><body><h1>Not found</h1></body></html>", status=404)
            elif path == f"/news/{CHAIN[1]}.html" and state_of["gone"]:
                h.redirect(f"/news/{CHAIN[2]}.html", status=301)
            else:
                h.send_bytes(pages[path].encode())
        return handler

    links = "".join(f'<a href="{path}">{path}</a> ' for path in pages)
    routes = {path: story(path) for path in pages}
    routes["/"] = lambda h: h.send_bytes(f"<html><head><title>Chain Times</title></head><body>{links}</body></html>".encode())
    out, state = tmp_path / "out.jsonl", tmp_path / "state.sqlite"
    with FaultServer("127.0.0.1", robots="allow", extra=routes) as site:
        args = ["crawl", "site", "-a", f"url={site.url('/')}", "-s", f"NEWSCRAWL_STATE={state}", *FAST]
        # a killed run's articles: recorded with their links pending
        first = run_scrapy([*args, "-O", str(out), "-s", "CLOSESPIDER_ITEMCOUNT=5"])
        assert first.returncode == 0, first.stderr[-3000:]
        with sqlite3.connect(state) as db:
            db.execute("UPDATE seen SET links_pending = 1")
        state_of["gone"] = True
        # run 2 reads the moved story's new address once more (the redirect there is this run's
        # duplicate, dropped, so the moved one stays pending); run 3 follows the redirect
        for run in (2, 3, 4):
            proc = run_scrapy([*args, "-o", str(out), "-s", f"NEWSCRAWL_STATS_FILE={tmp_path / f's{run}.json'}"])
            assert proc.returncode == 0, proc.stderr[-3000:]
    assert not any(_export(state).values())  # gone, moved or read: none pending
    assert _stats(tmp_path / "s2.json")["newscrawl/refetched/links_pending"] == 3
    assert "newscrawl/refetched/links_pending" not in _stats(tmp_path / "s4.json")
    assert sorted(a["url"] for a in read_jsonl(out)) == sorted(site.url(path) for path in pages)  # each once


def test_an_undated_article_is_not_written_again_once_its_entry_is_past_the_state_max_age(crawl, tmp_path):
    """NEWSCRAWL_STATE_MAX_AGE forgets entries emitted longer ago, and skips articles published
    before that horizon so that a forgotten one is never written again: an undated article has no
    date to skip it by, so its entry is kept (found by a stranger: a run after the max age wrote
    the undated story a second time, exit 0)."""
    from tests.support.sites.server import serve_site

    root = tmp_path / "site"
    (root / "news").mkdir(parents=True)
    (root / "news" / "undated.html").write_text(article_page("Ferry timetable for the islands", [
        f"The ferry timetable. {LOREM}", LOREM, "End of the timetable."], published=""), "utf-8")
    (root / "index.html").write_text('<html><head><title>Quay Times</title></head><body>'
                                     '<a href="/news/undated.html">Ferry timetable</a></body></html>', "utf-8")
    max_age = ["-s", "NEWSCRAWL_STATE_MAX_AGE=2"]
    with serve_site(root, host="127.0.0.44") as site:
        first, _, proc = crawl("-a", f"url={site.base}", output="first.jsonl", extra=max_age)
        time.sleep(2.5)  # the entry is past the max age when the second run starts
        second, stats, _ = crawl("-a", f"url={site.base}", output="second.jsonl", extra=max_age)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [(item["url"].rsplit("/", 1)[1], item["published"]) for item in first] == [("undated.html", None)]
    assert second == []
    assert stats.get("newscrawl/skipped/seen_before") == 1
