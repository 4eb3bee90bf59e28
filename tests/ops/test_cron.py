"""`scrapy cron` for unattended runs: health exit codes, the lock (exit 75), a killed run's part
file recovered, since, the summary JSON; and `scrapy state` (info, export, prune)."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from newscrawl.commands.state import Command as StateCommand
from newscrawl.crawl.middlewares.seen import SeenBeforeMiddleware
from newscrawl.crawl.spider import SiteSpider
from newscrawl.ops.cron import update_quiet_runs
from newscrawl.output.recovery import recover_part, remember_output
from newscrawl.state.crawler import state_for
from newscrawl.state.sqlite import SQLiteStateStore
from tests.conftest import REPO, free_port, lines_in, read_jsonl
from tests.support.faultserver import FaultServer, articles_then_wait
from tests.support.sites.build import build_site, expected_urls
from tests.support.sites.harness import cron_result, finish, run_cron, scrapy_command, start
from tests.support.sites.server import serve_site


def _start_cron(args: list[str], state: Path, out: Path, extra: list[str] | None = None):
    return start(scrapy_command("cron", [*args, "--output-dir", str(out)], state, extra))


def test_unhealthy_runs_exit_1_under_cron_and_under_plain_crawl_when_no_page_could_be_read(tmp_path):
    forbidding = tmp_path / "forbidding"
    forbidding.mkdir()
    (forbidding / "robots.txt").write_text("User-agent: *\nDisallow: /\n", "utf-8")
    (forbidding / "index.html").write_text("<html><body><h1>Private</h1></body></html>", "utf-8")
    down = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
    with serve_site(None, host="127.0.0.2", challenge=True) as challenged, serve_site(forbidding) as robots:
        runs = {
            "challenge": _start_cron(["-a", f"url={challenged.base}"], tmp_path / "a.sqlite", tmp_path / "a"),
            "crawl": start(scrapy_command("crawl", ["site", "-a", f"url={challenged.base}",
                                                    "-O", str(tmp_path / "crawl.jsonl")], tmp_path / "b.sqlite")),
            "robots": _start_cron(["-a", f"url={robots.base}"], tmp_path / "c.sqlite", tmp_path / "c"),
            "down": _start_cron(["-a", f"url={down}"], tmp_path / "d.sqlite", tmp_path / "d",
                                ["-s", "RETRY_TIMES=0"]),
        }
        codes = {name: finish(proc) for name, proc in runs.items()}
    # plain `scrapy crawl` has no health rules, but a site none of whose pages could be read is no
    # quiet hour: exit 1, with one line
    assert codes["crawl"][0] == 1, codes["crawl"][1][-2000:]
    assert codes["crawl"][1].count("no page of the site could be read") == 1
    assert read_jsonl(tmp_path / "crawl.jsonl") == []
    expected = {"challenge": "bot-challenge or empty pages where content was expected",
                "robots": "robots.txt forbids every page", "down": "most requests failed"}
    folders = {"challenge": tmp_path / "a", "robots": tmp_path / "c", "down": tmp_path / "d"}
    for name, problem in expected.items():
        code, err = codes[name]
        run = cron_result(code, err, folders[name], set())
        assert code == 1, (name, err[-2000:])
        assert run.summary["exit_code"] == 1 and not run.summary["healthy"]
        assert any(problem in p for p in run.summary["problems"]), (name, run.summary["problems"])
        assert f"unhealthy: {next(iter(run.summary['sites']))}: {problem}" in err  # cron mails this
        assert run.articles == []
        assert (folders[name] / "cron.log").exists()
    challenge = cron_result(*codes["challenge"], tmp_path / "a", set()).summary
    assert challenge["sites"]["127.0.0.2"]["home_blocked"] == 1
    assert challenge["dropped"]["challenge_page"] >= 1
    assert cron_result(*codes["down"], tmp_path / "d", set()).summary["errors"]


def test_a_second_cron_exits_75_while_one_runs_and_a_killed_run_leaves_no_stale_lock(tmp_path):
    state, out = tmp_path / "state.sqlite", tmp_path / "out"
    with serve_site(None, gate=threading.Event()) as site:
        first = _start_cron(["-a", f"url={site.base}"], state, out)
        deadline = time.monotonic() + 90
        while not site.active and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)  # until the first run has a request in flight (it holds the lock)
        assert site.active, "the first run never reached the server"
        second = run_cron(["-a", f"url={site.base}"], state, out)
        assert second.code == 75
        assert "still holds" in second.stderr and str(state) + ".lock" in second.stderr
        assert second.summary == {}  # it wrote nothing
        # kill -9 the first run: the kernel releases its flock, so the next run starts
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        parts = list(out.glob("*.jsonl.part"))  # the killed run's output, if it opened one yet
        site.gate.set()
        third = run_cron(["-a", f"url={site.base}"], state, out)
    assert third.code == 1  # it ran: a site where every page is missing is unhealthy
    assert "still holds" not in third.stderr
    assert [r["file"] for r in third.summary["recovered"]] == [p.name.removesuffix(".part") for p in parts]
    assert not list(out.glob("*.part"))


def test_a_run_that_finds_the_lock_held_leaves_nothing_behind(tmp_path):
    """A run that exits 75 (another run holds the lock) made its --output-dir and wrote Scrapy's
    start-up lines into a cron.log there: a run that did nothing left a folder and a log behind,
    and appended to the log of a folder that had one."""
    import fcntl

    state = tmp_path / "state.sqlite"
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "cron.log").write_text("an earlier run's log\n", "utf-8")
    with (tmp_path / "state.sqlite.lock").open("a+") as lock:  # as a running cron holds it
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        new = run_cron(["-a", "url=http://127.0.0.1:9/"], state, tmp_path / "new" / "runs", timeout=60)
        old = run_cron(["-a", "url=http://127.0.0.1:9/"], state, kept, timeout=60)
    for run in (new, old):
        assert run.code == 75, run.stderr[-2000:]
        assert run.stderr.strip().splitlines() == [
            f"scrapy cron: an earlier run (pid ?) still holds {state}.lock; not starting (exit 75)"]
    assert not (tmp_path / "new").exists()
    assert sorted(p.name for p in kept.iterdir()) == ["cron.log"]
    assert (kept / "cron.log").read_text("utf-8") == "an earlier run's log\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept", "state.sqlite.lock"]


def test_a_lock_that_is_a_named_pipe_is_one_line_not_a_wait(tmp_path):
    """Looking whether the lock is held must not open a named pipe there for reading, which
    waits for a writer for ever."""
    state = tmp_path / "state.sqlite"
    os.mkfifo(tmp_path / "state.sqlite.lock")
    run = run_cron(["-a", "url=http://127.0.0.1:9/"], state, tmp_path / "runs", timeout=60)
    assert run.code == 1, run.stderr[-2000:]
    assert run.stderr.strip().splitlines()[-1].startswith(f"scrapy cron: cannot write the lock {state}.lock: ")


def test_a_lock_the_look_cannot_test_is_not_taken_for_held(tmp_path, monkeypatch):
    """On NFS an exclusive flock needs a file open for writing: the look at the lock, on a file
    opened read-only, failed (EBADF) and took that for a lock held, so every cron run exited 75
    ('an earlier run still holds') and none ran again. Only a lock that would block is held; the
    run's own flock, on the file opened for writing, decides the rest. (NFS cannot be mounted
    here: flock's refusal is made by hand, the one fake in these tests.)"""
    import errno
    import fcntl

    from newscrawl.ops import cron

    lock = tmp_path / "state.sqlite.lock"
    lock.write_text("", "utf-8")
    real_flock = fcntl.flock

    def nfs_flock(fd: int, operation: int) -> None:  # as NFS refuses LOCK_EX on a read-only file
        if operation & fcntl.LOCK_EX and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
            raise OSError(errno.EBADF, "Bad file descriptor")
        real_flock(fd, operation)

    monkeypatch.setattr(cron.fcntl, "flock", nfs_flock)
    assert not cron.lock_taken(lock)
    with lock.open("a+") as holder:  # a running cron's lock, opened for writing as it opens it
        real_flock(holder.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert cron.lock_taken(lock)


def test_a_link_to_the_state_shares_its_lock(tmp_path):
    """A run given a symbolic link to the state locked `link.sqlite.lock`, not the state's lock:
    two runs of one state at once both ran (exit 0). The lock is beside the file linked to."""
    state, out = tmp_path / "state.sqlite", tmp_path / "out"
    link = tmp_path / "link.sqlite"
    link.symlink_to(state.name)  # before the state exists, as a user may set it up
    with serve_site(None, gate=threading.Event()) as site:
        first = _start_cron(["-a", f"url={site.base}"], state, out)
        try:
            deadline = time.monotonic() + 90
            while not site.active and first.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)  # until the first run has a request in flight (it holds the lock)
            assert site.active, "the first run never reached the server"
            second = run_cron(["-a", f"url={site.base}"], link, out, timeout=60)
        finally:
            site.gate.set()
            finish(first)
    assert second.code == 75, second.stderr[-2000:]
    assert f"still holds {state}.lock; not starting" in second.stderr
    assert not (tmp_path / "link.sqlite.lock").exists()


def _remember(state: Path, path: Path) -> None:
    """List `path` among a state's outputs, as its crawl does when it opens the file."""
    store = SQLiteStateStore(state)
    try:
        remember_output(store, str(path))
    finally:
        store.close()


def test_a_killed_runs_part_file_is_left_to_its_own_states_next_run(tmp_path):
    other, own, out = tmp_path / "other.sqlite", tmp_path / "own.sqlite", tmp_path / "out"
    out.mkdir()
    with serve_site(tmp_path / "site") as site:
        base = site.base
        build_site(tmp_path / "site", base, stage=1)
        # a run of `own` (another site) killed after one line: a story the other site prints too
        killed = out / "articles-20240101T000000Z.jsonl.part"
        line = json.dumps({"url": "http://127.0.0.2:9/other/harbour-cranes.html",
                           "canonical_url": "http://127.0.0.2:9/other/harbour-cranes.html",
                           "fingerprint": "fp-shared", "revision": 1}) + "\n"
        killed.write_text(line, "utf-8")
        _remember(own, killed)
        first = run_cron(["-a", f"url={base}", "-a", "since=2d"], other, out,
                         ["-s", "NEWSCRAWL_CRON_PROGRESS_INTERVAL=0.5"])
        assert first.code == 0, first.stderr[-3000:]
        # left alone: not published, not recorded in the other state
        assert first.summary["recovered"] == [] and killed.read_text("utf-8") == line
        store = SQLiteStateStore(other)
        try:
            assert not store.is_seen("http://127.0.0.2:9/other/harbour-cranes.html")
        finally:
            store.close()
        second = run_cron(["-a", f"url={base}", "-a", "since=2d"], own, out,
                          ["-s", "NEWSCRAWL_CRON_PROGRESS_INTERVAL=0.5"])
    assert second.code == 0, second.stderr[-3000:]
    assert [r["file"] for r in second.summary["recovered"]] == ["articles-20240101T000000Z.jsonl"]
    assert (out / "articles-20240101T000000Z.jsonl").read_text("utf-8") == line and not killed.exists()


def test_since_skips_old_articles_and_a_killed_runs_part_file_is_published_once(tmp_path):
    state, out = tmp_path / "state.sqlite", tmp_path / "out"
    out.mkdir()
    with serve_site(tmp_path / "site") as site:
        base = site.base
        build_site(tmp_path / "site", base, stage=1)
        # what a run killed mid-write leaves: two whole lines and a torn third one
        killed = out / "articles-20240101T000000Z.jsonl.part"
        lines = [json.dumps({"url": f"{base}stories/{slug}.html", "canonical_url": f"{base}stories/{slug}.html",
                             "fingerprint": f"fp-{slug}", "revision": 1}) + "\n"
                 for slug in ("harbour-cranes", "tall-ships")]
        killed.write_text("".join(lines) + '{"url": "' + base + "stories/fish-m", "utf-8")
        _remember(state, killed)  # as the killed run of this state listed it before its first line
        run = run_cron(["-a", f"url={base}", "-a", "since=2d"], state, out,
                       ["-s", "NEWSCRAWL_CRON_PROGRESS_INTERVAL=0.5"])
        paths = site.paths()
    assert run.code == 0, run.stderr[-3000:]
    # the killed run's file is published with its whole lines; its articles are not emitted again
    recovered = out / "articles-20240101T000000Z.jsonl"
    assert recovered.read_text("utf-8") == "".join(lines)
    assert run.summary["recovered"][0]["articles"] == 2 and run.summary["recovered"][0]["torn_tail_bytes"] > 0
    assert json.loads((out / "articles-20240101T000000Z.summary.json").read_text("utf-8"))["articles"] == 2
    emitted = {a["url"] for a in run.articles}
    assert emitted == expected_urls(base, stage=1, since_days=2) - {
        f"{base}stories/harbour-cranes.html", f"{base}stories/tall-ships.html"}
    # since=2d: skipped before fetching where a sitemap or the URL gave the date, after otherwise
    assert "/stories/old-regatta.html" not in paths and "/sitemap-2015.xml" not in paths
    assert "/stories/old-ferry-timetable.html" in paths
    assert run.summary["dropped"]["older_than_since"] == 1
    # once each, however often listed or linked: old-regatta, /about/ (sitemaps), old-harbour-story (URL)
    assert run.summary["skipped"]["older_than_since"] == 3
    # the summary: counts, drops, errors, duration, per site
    summary = run.summary
    assert summary["healthy"] and summary["exit_code"] == 0 and summary["problems"] == []
    assert summary["articles"] == len(run.articles) and summary["articles_file"].endswith(".jsonl")
    assert summary["duration_seconds"] > 0 and summary["finish_reason"] == "finished"
    assert summary["sites"]["127.0.0.1"]["emitted"] == len(run.articles)
    # a site's `articles` are the articles written, as the top level's; the article pages found
    # (the one older than since among them) are `article_pages`; no page was forced under cron
    counts = summary["sites"]["127.0.0.1"]
    assert counts["articles"] == len(run.articles), counts
    assert counts["article_pages"] > len(run.articles), counts
    assert summary["forced"] == 0
    assert not list(out.glob("*.part"))
    # the log file, with progress lines during the run
    log = (out / "cron.log").read_text("utf-8")
    assert re.search(r"progress: \d+ pages, \d+ articles, \d+ pages/min, \d+ errors", log)


def test_a_killed_runs_part_file_under_renamed_fields_is_not_written_again(tmp_path):
    """FEED_EXPORT_FIELDS may rename the fields (url as "link"): the recovery of a killed run's
    part file read every record as having no URL, recorded none, and the next run wrote the
    killed run's articles again. It reads them under the output's names, as a crawl's does."""
    state, out = tmp_path / "state.sqlite", tmp_path / "out"
    out.mkdir()
    fields = json.dumps({"url": "link", "headline": "title", "published": "published"})
    with serve_site(tmp_path / "site") as site:
        base = site.base
        build_site(tmp_path / "site", base, stage=1)
        killed = out / "articles-20240101T000000Z.jsonl.part"
        lines = "".join(json.dumps({"link": f"{base}stories/{slug}.html", "title": slug,
                                    "published": "2024-01-01T00:00:00+00:00"}) + "\n"
                        for slug in ("harbour-cranes", "tall-ships"))
        killed.write_text(lines, "utf-8")
        _remember(state, killed)
        code, err = finish(start(scrapy_command("cron", ["-a", f"url={base}", "--output-dir", str(out)], state,
                                                ["-s", f"FEED_EXPORT_FIELDS={fields}"])))
    assert code == 0, err[-3000:]
    assert (out / "articles-20240101T000000Z.jsonl").read_text("utf-8") == lines
    run = [path for path in out.glob("articles-*.jsonl") if "20240101" not in path.name]
    written = [json.loads(line)["link"] for line in run[0].read_text("utf-8").splitlines()]
    assert written and f"{base}stories/harbour-cranes.html" not in written
    assert f"{base}stories/tall-ships.html" not in written


def test_a_killed_runs_new_revision_written_without_its_revision_field_is_not_written_again(tmp_path):
    """Fields that leave `revision` out (FEED_EXPORT_FIELDS): the line of an article's new
    revision that a killed run wrote but did not record read as revision 1, which the state had:
    the recovery kept the old fingerprint, and the next run wrote the revision again."""
    import shutil

    from tests.support.faultserver import LOREM, article_page

    text = {"body": LOREM}

    def home(handler) -> None:
        handler.send_bytes(b'<html><body><h1>Home</h1><a href="/articles/story">story</a></body></html>')

    def story(handler) -> None:
        handler.send_bytes(article_page("Harbour story", [text["body"], LOREM, "End."]).encode())

    state, out = tmp_path / "state.sqlite", tmp_path / "out"
    extra = ["-s", "FEED_EXPORT_FIELDS=url,headline,body,fingerprint", "-s", "NEWSCRAWL_REVISIT=3600"]
    with FaultServer("127.0.0.1", robots="allow", extra={"/": home, "/articles/story": story}) as site:
        def cron(folder: Path) -> list[dict]:
            code, err = finish(start(scrapy_command("cron", ["-a", f"url={site.url('/')}", "--output-dir",
                                                             str(folder)], state, extra)))
            assert code == 0, err[-3000:]
            return [json.loads(line) for path in sorted(folder.glob("articles-*.jsonl"))
                    for line in path.read_text("utf-8").splitlines()]

        assert len(cron(tmp_path / "first")) == 1
        shutil.copy(state, tmp_path / "before.sqlite")
        text["body"] = LOREM.replace("council", "harbour board")
        revised = cron(tmp_path / "revised")  # the new revision's line, as the killed run wrote it
        assert len(revised) == 1 and "revision" not in revised[0]
        shutil.copy(tmp_path / "before.sqlite", state)  # killed before it recorded the line
        out.mkdir()
        killed = out / "articles-20240101T000000Z.jsonl.part"
        killed.write_text(json.dumps(revised[0]) + "\n", "utf-8")
        _remember(state, killed)
        assert cron(out) == revised  # the killed run's file, published; nothing written again


@pytest.mark.parametrize(("args", "reason", "label"), [
    (["-s", "NEWSCRAWL_STATE_MAX_AGE=172800"], "older_than_state_max_age", "older than NEWSCRAWL_STATE_MAX_AGE"),
    # the documented crontab line: since=2d and 90 days of state; since= is what leaves them out
    (["-a", "since=2d", "-s", "NEWSCRAWL_STATE_MAX_AGE=7776000"], "older_than_since", "older than since"),
])
def test_articles_older_than_the_states_horizon_are_counted_under_it_not_under_since(tmp_path, args, reason,
                                                                                  label):
    # with no since= at all, the summary said "older than since" (found by a stranger)
    state, out = tmp_path / "state.sqlite", tmp_path / "out"
    with serve_site(tmp_path / "site") as site:
        build_site(tmp_path / "site", site.base, stage=1)
        run = run_cron(["-a", f"url={site.base}", *args], state, out)
    assert run.code == 0, run.stderr[-3000:]
    assert {a["url"] for a in run.articles} == expected_urls(site.base, stage=1, since_days=2)
    # the same pages as since=2d leaves out, under the reason that left them out
    old = {key: count for key, count in run.summary["skipped"].items() if key.startswith("older")}
    assert old == {reason: 3} and run.summary["dropped"] == {reason: 1}
    assert run.summary["not_written"][label] == 4
    other = {"older than since", "older than NEWSCRAWL_STATE_MAX_AGE"} - {label}
    assert not other & run.summary["not_written"].keys()


def test_a_finished_runs_published_file_is_no_lost_output_at_the_next_run(tmp_path):
    # the state names the run's part file, which the run renamed when it ended: the next run
    # found it "gone" and warned, in cron.log, that its articles were lost (found by a stranger)
    state, out = tmp_path / "state.sqlite", tmp_path / "out"
    out.mkdir()
    with serve_site(tmp_path / "site") as site:
        build_site(tmp_path / "site", site.base, stage=1)
        first = run_cron(["-a", f"url={site.base}"], state, out)
        time.sleep(1.1)  # a run's file is named by the second it started
        second = run_cron(["-a", f"url={site.base}"], state, out)
    assert first.code == 0 and second.code == 0, second.stderr[-3000:]
    assert first.articles and second.articles == []
    log = (out / "cron.log").read_text("utf-8")
    assert "since the crawl that wrote it" not in log, log[-3000:]
    assert "this state had not recorded" not in log


def test_nolog_writes_no_cron_log_and_a_new_output_folder_is_made(tmp_path):
    # --nolog with a folder that did not exist yet: a traceback (cron.log could not be opened)
    state, out = tmp_path / "state.sqlite", tmp_path / "new" / "out"
    with serve_site(tmp_path / "site") as site:
        build_site(tmp_path / "site", site.base, stage=1)
        run = run_cron(["-a", f"url={site.base}"], state, out, extra=["--nolog"])
        expected = expected_urls(site.base, 1)
    assert run.code == 0 and "Traceback" not in run.stderr, run.stderr[-3000:]
    assert {article["url"] for article in run.articles} == expected
    assert not (out / "cron.log").exists()


def test_two_runs_for_other_sites_started_in_one_second_into_one_folder_both_keep_their_articles(tmp_path):
    # both were named articles-<that second>.jsonl: one run's articles were lost, though its state
    # recorded them as written, and both exited 0 (found by a stranger)
    with serve_site(tmp_path / "a") as a, serve_site(tmp_path / "b", host="127.0.0.2") as b:
        build_site(tmp_path / "a", a.base, stage=1)
        build_site(tmp_path / "b", b.base, stage=1)
        expected = expected_urls(a.base, stage=1) | expected_urls(b.base, stage=1)
        for attempt in range(6):  # until the two runs start in the same second (the first, mostly)
            out = tmp_path / f"out{attempt}"
            runs = [_start_cron(["-a", f"url={site.base}"], tmp_path / f"{name}{attempt}.sqlite", out)
                    for name, site in (("a", a), ("b", b))]
            codes = [finish(proc) for proc in runs]
            assert [code for code, _ in codes] == [0, 0], codes
            urls = [r["url"] for p in out.glob("articles-*.jsonl") for r in read_jsonl(p)]
            assert len(urls) == len(set(urls)) and set(urls) == expected  # each article once
            summaries = [json.loads(p.read_text("utf-8")) for p in out.glob("articles-*.summary.json")]
            if len({s["started"] for s in summaries}) == 1:
                break
        else:
            pytest.skip("the two runs never started in the same second")
    assert len(summaries) == 2 and len({s["articles_file"] for s in summaries}) == 2
    assert not list(out.glob("*.part")) and not list(out.glob("*.tmp"))


def test_a_run_leaves_alone_the_part_file_another_run_is_writing(tmp_path):
    # a run for another site, started while the first one wrote into the same folder, published
    # that run's part file as "recovered from a killed run" and marked its articles in its own
    # state; the first run then said it had written no file
    out = tmp_path / "out"
    gate = threading.Event()
    gate.set()
    with serve_site(tmp_path / "a", gate=gate, sleep=0.1) as a, \
            serve_site(tmp_path / "b", host="127.0.0.2") as b:
        build_site(tmp_path / "a", a.base, stage=1)
        build_site(tmp_path / "b", b.base, stage=1)
        first = _start_cron(["-a", f"url={a.base}"], tmp_path / "a.sqlite", out)
        deadline = time.monotonic() + 90
        while first.poll() is None and time.monotonic() < deadline and not any(
                part.read_bytes().count(b"\n") for part in out.glob("*.jsonl.part")):
            time.sleep(0.02)
        gate.clear()  # the first run has written an article: it waits here, its part file open
        assert first.poll() is None, "the first run ended before the second one started"
        second = run_cron(["-a", f"url={b.base}"], tmp_path / "b.sqlite", out)
        gate.set()
        code, err = finish(first)
    assert second.code == 0 and code == 0, (second.stderr[-2000:], err[-2000:])
    assert second.summary["recovered"] == []
    assert {r["url"] for r in second.articles} == expected_urls(b.base, stage=1)
    own = [s for s in (json.loads(p.read_text("utf-8")) for p in out.glob("*.summary.json"))
           if s.get("run") != second.summary["run"]]
    assert len(own) == 1 and own[0]["articles_file"], own
    assert {r["url"] for r in read_jsonl(out / own[0]["articles_file"])} == expected_urls(a.base, stage=1)


def test_recover_part_cuts_a_torn_tail_and_marks_articles_emitted(tmp_path):
    store = SQLiteStateStore(tmp_path / "state.sqlite")
    part = tmp_path / "articles-x.jsonl.part"
    torn = b'{"url": "https://a.exa'
    part.write_bytes(b'{"url": "https://a.example/1", "fingerprint": "f1", "revision": 2}\n'
                     b"not json\n"
                     b'{"url": "https://a.example/2"}\n' + torn)
    info = recover_part(part, tmp_path / "articles-x.jsonl", store)
    assert info == {"file": "articles-x.jsonl", "articles": 2, "torn_tail_bytes": len(torn), "bad_lines": 1}
    assert (tmp_path / "articles-x.jsonl").read_bytes().count(b"\n") == 2
    assert store.get("https://a.example/1").revision == 2
    assert store.get("https://a.example/2") is not None
    store.close()


def test_state_command_shows_size_exports_and_prunes(tmp_path, capsys):
    path = tmp_path / "state.sqlite"
    store = SQLiteStateStore(path)
    store.record("https://a.example/new", "f1", None, 1, etag='"abc"', last_modified="Tue, 30 Apr 2024 09:00:00 GMT")
    store.record("https://a.example/old", "f2", "2020-01-01T00:00:00+00:00", 3)
    store.db.execute("UPDATE seen SET emitted_at = ? WHERE url = ?", (time.time() - 40 * 86400, "https://a.example/old"))
    store.close()
    settings = get_project_settings()
    settings.set("NEWSCRAWL_STATE", str(path))
    command = StateCommand()
    command.settings = settings

    command.run(["info"], argparse.Namespace())
    info = json.loads(capsys.readouterr().out)
    assert info["urls"] == 2 and info["bytes"] > 0 and info["revised"] == 1
    assert info["state"] == str(path)

    command.run(["export", str(tmp_path / "export.jsonl")], argparse.Namespace())
    rows = {r["url"]: r for r in read_jsonl(tmp_path / "export.jsonl", articles=False)}
    assert rows["https://a.example/new"]["etag"] == '"abc"'
    assert rows["https://a.example/old"]["revision"] == 3
    assert rows["https://a.example/new"]["emitted_at"].startswith(str(datetime.now(UTC).year))

    command.run(["prune", "30d"], argparse.Namespace())
    assert json.loads(capsys.readouterr().out)["removed"] == 1
    reopened = SQLiteStateStore(path)
    assert reopened.is_seen("https://a.example/new") and not reopened.is_seen("https://a.example/old")
    reopened.close()


def test_state_max_age_prunes_at_start_and_never_reemits_what_it_forgot(tmp_path):
    """Entries older than NEWSCRAWL_STATE_MAX_AGE are forgotten; articles that old are skipped,
    so a forgotten article is not emitted again."""
    crawler = get_crawler(SiteSpider, {"NEWSCRAWL_STATE": str(tmp_path / "s.sqlite"),
                                       "NEWSCRAWL_STATE_MAX_AGE": 30 * 86400})
    spider = SiteSpider.from_crawler(crawler, url="https://a.example/")
    crawler.spider = spider
    store = state_for(crawler)
    store.record("https://a.example/old", "f", None, 1)
    store.db.execute("UPDATE seen SET emitted_at = ?", (time.time() - 31 * 86400,))
    SeenBeforeMiddleware.from_crawler(crawler).spider_opened(spider)
    assert not store.is_seen("https://a.example/old")
    assert crawler.stats.get_value("newscrawl/state/pruned") == 1
    site = spider.sites["a.example"]
    cutoff = spider.cutoff(site)
    assert cutoff is not None and (datetime.now(UTC) - cutoff).days == 30


def _as_a_terminal_job() -> None:
    """Ctrl-C and a hangup as a terminal's job gets them: not ignored, whatever started the tests."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


@pytest.mark.parametrize("how", ["SIGINT to the process group", "SIGTERM to the process",
                                 "SIGHUP to the process group"])
def test_a_run_stopped_by_ctrl_c_term_or_hup_exits_130_unhealthy_and_the_next_run_goes_on(tmp_path, how):
    # it exited 0, silent, with a summary that called the part run healthy (found by a stranger);
    # a hangup (the terminal or SSH session closed) ended it at once: 129, no summary at all
    state, out = tmp_path / "state.sqlite", tmp_path / "out"
    with FaultServer("127.0.0.7", robots="allow", articles=30) as site:
        cmd = scrapy_command("cron", ["-a", f"url={site.url('/')}", "--output-dir", str(out)], state,
                             ["-s", "DOWNLOAD_DELAY=0.3"])  # paced: some left to do
        # a new session, as a terminal's job: Ctrl-C reaches the whole group, with SIGINT not ignored
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True, start_new_session=True,
                                preexec_fn=_as_a_terminal_job)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None and not any(
                part.read_bytes().count(b"\n") >= 2 for part in out.glob("*.jsonl.part")):
            time.sleep(0.05)
        if how.startswith("SIGTERM"):
            proc.send_signal(signal.SIGTERM)
        else:
            os.killpg(proc.pid, signal.SIGHUP if how.startswith("SIGHUP") else signal.SIGINT)
        code, err = finish(proc, timeout=120)
        stopped = cron_result(code, err, out, set())
        rest = run_cron(["-a", f"url={site.url('/')}"], state, out)
    assert code == 130, err[-3000:]
    assert err.strip().splitlines() == [err.strip()], err[-3000:]  # one line, no traceback
    assert err.startswith("scrapy cron: the run was stopped (Ctrl-C or a TERM signal) before it finished: "
                          f"{len(stopped.articles)} articles written and recorded in {out / stopped.summary['articles_file']}")
    summary = stopped.summary
    assert not summary["healthy"] and summary["exit_code"] == 130 and summary["finish_reason"] == "shutdown"
    assert summary["problems"][0] == "the run was stopped (Ctrl-C or a TERM signal) before it finished"
    assert 2 <= len(stopped.articles) < 30 and summary["articles"] == len(stopped.articles)
    # what it wrote stays written and recorded: the next run brings the rest, each article once
    assert rest.code == 0, rest.stderr[-3000:]
    urls = sorted(a["url"] for a in stopped.articles + rest.articles)
    assert urls == sorted(site.url(f"/articles/story-{i}") for i in range(1, 31))


def test_a_stopped_run_ends_a_quiet_streak_but_adds_none(tmp_path):
    status = tmp_path / "cron-status.json"
    assert update_quiet_runs(status, ["a", "b"], {}) == {"a": 1, "b": 1}
    stopped = {"newscrawl/site/a/emitted": 2}
    assert update_quiet_runs(status, ["a", "b"], stopped, complete=False) == {"a": 0, "b": 1}
    assert json.loads(status.read_text("utf-8"))["quiet_runs"] == {"a": 0, "b": 1}


def test_an_output_folder_deleted_during_the_run_is_one_line_exit_1_and_the_next_run_writes_its_articles(
        tmp_path):
    """The folder deleted after the run wrote its 6 articles: before, "6 articles written", and
    the state recorded them, so no later run wrote them again."""
    state, out = tmp_path / "state.sqlite", tmp_path / "cron"
    with FaultServer("127.0.0.7", robots="allow", articles=6, extra=articles_then_wait(6)) as site:
        proc = _start_cron(["-a", f"url={site.url('/')}"], state, out)
        deadline = time.monotonic() + 90
        parts = lambda: list(out.glob("articles-*.jsonl.part"))  # noqa: E731
        while time.monotonic() < deadline and proc.poll() is None and not (
                site.hits["/wait"] and parts() and lines_in(parts()[0]) == 6):
            time.sleep(0.05)
        assert parts() and lines_in(parts()[0]) == 6
        shutil.rmtree(out)
        code, err = finish(proc)
        assert code == 1, err[-2000:]
        assert err.strip().splitlines() == [
            f"scrapy cron: the output folder {out} was deleted during the run: the 6 articles this run "
            "wrote went with it; the state does not record them, and the next run writes them again"]
        store = SQLiteStateStore(state)
        assert store.count() == 0
        store.close()
        again = run_cron(["-a", f"url={site.url('/')}"], state, out)
    assert again.code == 0, again.stderr[-2000:]
    assert sorted(a["url"].rsplit("/", 1)[-1] for a in again.articles) == sorted(f"story-{i}" for i in range(1, 7))
