"""Never lose a record, never fail silently: unwritable outputs, `-O` twice, crawls without
state, runs that write nothing, the summary of every run and the field-coverage alarm.

Real `scrapy crawl` and `scrapy cron` runs against article sites on 127.0.0.7, real files, a
real read-only filesystem (a tmpfs mounted read-only, or a folder without write permission
when the tests do not run as root), and /proc, where nothing can be created."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newscrawl.output.recovery import adopt_outputs, meta_key
from newscrawl.state.sqlite import SQLiteStateStore
from tests.conftest import REPO, lines_in, read_jsonl, run_scrapy
from tests.support.faultserver import FaultServer, article_page, articles_then_wait
from tests.support.kills import wait_for_lines
from tests.support.schema import parse_articles

pytestmark = pytest.mark.timeout(240)

HOST = "127.0.0.7"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0"]


def crawl(site: FaultServer | str, *args: str, state: Path | str | None = None, cwd: Path = REPO,
          ) -> subprocess.CompletedProcess:
    """`scrapy crawl site -a url=...` (or the arguments given) with a state file."""
    target = ["-a", f"url={site.url('/')}"] if isinstance(site, FaultServer) else ["-a", site]
    state_args = [] if state is None else ["-s", f"NEWSCRAWL_STATE={state}"]
    env = {"SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
    return run_scrapy(["crawl", "site", *target, *args, *state_args, *FAST], cwd=cwd, env=env,
                      timeout=150)


def lines(stderr: str, level: str) -> list[str]:
    return [line for line in stderr.splitlines() if f"] {level}:" in line]


def one_error(result: subprocess.CompletedProcess) -> str:
    """The run's only ERROR line; never a traceback."""
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    errors = lines(result.stderr, "ERROR")
    assert len(errors) == 1, result.stderr[-3000:]
    return errors[0]


def recorded(state: Path) -> int:
    if not state.exists():
        return 0
    with sqlite3.connect(state) as db:
        return db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]


def stories(items: list[dict]) -> list[str]:
    return sorted(item["url"].rsplit("/", 1)[-1] for item in items)


def all_stories(n: int) -> list[str]:
    return sorted(f"story-{i}" for i in range(1, n + 1))


@pytest.fixture
def read_only_dir(tmp_path: Path):
    """A folder nothing can be written in: a read-only tmpfs as root, else a mode 555 folder."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    if os.geteuid() == 0:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)],
                                 capture_output=True, text=True, check=False)
        if mounted.returncode != 0:
            pytest.skip(f"root, and cannot mount a read-only tmpfs here: {mounted.stderr.strip()}")
        try:
            yield folder
        finally:
            subprocess.run(["umount", str(folder)], capture_output=True, check=False)
    else:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)


def unwritable_paths(tmp_path: Path, read_only: Path) -> dict[str, tuple[Path, str]]:
    """Outputs that cannot be written, and the reason the one line must give."""
    regular = tmp_path / "a-file"
    regular.write_text("not a folder\n")
    return {
        "parent is a file": (regular / "out.jsonl", f"{regular} is a file, not a folder"),
        "read-only folder": (read_only / "out.jsonl",
                             "Read-only file system" if os.geteuid() == 0 else "Permission denied"),
        "/proc": (Path("/proc/newscrawl-test/out.jsonl"), "cannot write to /proc/newscrawl-test/out.jsonl"),
    }


def test_an_unwritable_output_stops_at_once_records_nothing_and_a_rerun_gets_everything(
        tmp_path: Path, read_only_dir: Path) -> None:
    state = tmp_path / "state.sqlite"
    with FaultServer(HOST, robots="allow", articles=6) as site:
        for name, (path, reason) in unwritable_paths(tmp_path, read_only_dir).items():
            result = crawl(site, "-O", str(path), state=state)
            assert result.returncode == 1, (name, result.stderr[-2000:])
            line = one_error(result)
            assert f"cannot write to {path}" in line and reason in line, (name, line)
            assert recorded(state) == 0, name
        fetched = sum(site.hits.values())
        assert fetched == 0  # stopped before the first request, robots.txt included
        good = tmp_path / "good.jsonl"
        rerun = crawl(site, "-O", str(good), state=state)
        assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert stories(read_jsonl(good)) == all_stories(6)


def test_a_device_as_output_is_not_reported_gone_by_the_next_crawl(tmp_path: Path) -> None:
    """-O /dev/full twice on one state: the second said "output /dev/full is gone since the crawl
    that wrote it (0 bytes then)", of a device that is there and had nothing written to it (a
    stranger's find)."""
    state = tmp_path / "state.sqlite"
    with FaultServer(HOST, robots="allow", articles=2) as site:
        results = [crawl(site, "-O", "/dev/full", state=state) for _ in range(2)]
    for result in results:
        assert result.returncode == 1, result.stderr[-2000:]
        assert "cannot write to /dev/full: No space left on device" in one_error(result)
        assert "since the crawl that wrote it" not in result.stderr, result.stderr[-2000:]
    assert recorded(state) == 0


def test_an_unwritable_stats_file_stops_before_the_crawl(tmp_path: Path) -> None:
    state, out = tmp_path / "state.sqlite", tmp_path / "out.jsonl"
    (tmp_path / "a-file").write_text("x")
    bad = tmp_path / "a-file" / "stats.json"
    with FaultServer(HOST, robots="allow", articles=2) as site:
        result = crawl(site, "-O", str(out), "-s", f"NEWSCRAWL_STATS_FILE={bad}", state=state)
        assert sum(site.hits.values()) == 0
    assert result.returncode == 1
    assert f"cannot write the stats file to {bad}" in one_error(result)
    assert recorded(state) == 0 and not out.exists()


def test_a_stats_file_that_is_a_link_is_written_through_the_link(tmp_path: Path) -> None:
    """NEWSCRAWL_STATS_FILE=/dev/stdout, with standard output redirected to a file, replaced the
    system's /dev/stdout link with a regular file (the stats were written beside it and renamed
    over it); a link to a stats file kept elsewhere lost its target the same way. The link stays
    a link, and what it points to gets the stats."""
    kept = tmp_path / "kept" / "stats.json"
    kept.parent.mkdir()
    kept.write_text("{}\n")
    link = tmp_path / "stats-link.json"
    link.symlink_to(kept)
    with FaultServer(HOST, robots="allow", articles=2) as site:
        result = crawl(site, "-O", str(tmp_path / "out.jsonl"), "-s", f"NEWSCRAWL_STATS_FILE={link}",
                       state=tmp_path / "state.sqlite")
    assert result.returncode == 0, result.stderr[-2000:]
    assert link.is_symlink() and link.resolve() == kept.resolve()
    assert json.loads(kept.read_text("utf-8"))["item_scraped_count"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept", "out.jsonl", "state.sqlite", "stats-link.json"]


def test_an_unwritable_state_path_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    state = tmp_path / "a-file" / "state.sqlite"
    result = crawl("url=http://127.0.0.7:9/", "-O", str(tmp_path / "out.jsonl"), state=state)
    assert result.returncode == 1
    line = one_error(result)
    assert f"state file {state} cannot be used" in line and "NEWSCRAWL_STATE=" in line


def test_the_same_dash_O_twice_is_refused_and_names_the_safe_commands(tmp_path: Path) -> None:
    state, out = tmp_path / "state.sqlite", tmp_path / "out.jsonl"
    with FaultServer(HOST, robots="allow", articles=4) as site:
        first = crawl(site, "-O", str(out), state=state)
        assert first.returncode == 0, first.stderr[-2000:]
        before = out.read_bytes()
        again = crawl(site, "-O", str(out), state=state)
        assert again.returncode == 2
        line = one_error(again)
        for safe in (f"-o {out}", "new file", "-s NEWSCRAWL_STATE=", "NEWSCRAWL_OVERWRITE_OUTPUT=True"):
            assert safe in line, line
        assert out.read_bytes() == before  # not emptied
        appended = crawl(site, "-o", str(out), state=state)  # the safe command it names
        assert appended.returncode == 0 and out.read_bytes() == before
        forced = crawl(site, "-O", str(out), "-s", "NEWSCRAWL_OVERWRITE_OUTPUT=True", state=state)
        assert forced.returncode == 0, forced.stderr[-2000:]
    assert out.read_bytes() == b""  # what the user asked for: nothing new, the file emptied


def test_dash_O_onto_a_file_the_state_does_not_know_is_allowed(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"url": "http://elsewhere.example/a"}\n')
    with FaultServer(HOST, robots="allow", articles=2) as site:
        result = crawl(site, "-O", str(out), state=tmp_path / "state.sqlite")
    assert result.returncode == 0, result.stderr[-2000:]
    assert stories(read_jsonl(out)) == all_stories(2)


def test_appending_to_a_file_whose_last_line_has_no_line_break_starts_a_new_line(tmp_path: Path) -> None:
    out, state = tmp_path / "out.jsonl", tmp_path / "state.sqlite"
    out.write_text('{"url": "http://elsewhere.example/kept"}', encoding="utf-8")  # no line break
    with FaultServer(HOST, robots="allow", articles=2) as site:
        result = crawl(site, "-o", str(out), state=state)
    assert result.returncode == 0, result.stderr[-3000:]
    warnings = lines(result.stderr, "WARNING")
    assert any(f"{out} did not end with a line break: one was added" in line for line in warnings)
    first, *appended = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(first) == {"url": "http://elsewhere.example/kept"}  # nothing glued onto it
    assert stories(parse_articles("\n".join(appended), str(out))) == all_stories(2)


def test_a_complete_line_added_after_a_crawl_is_kept_by_the_next_crawl(tmp_path: Path) -> None:
    """A line without a line break after the state's last recorded line: one that parses as a
    complete JSON value is no torn write, and is kept (it was cut as "a torn last line")."""
    out, state = tmp_path / "out.jsonl", tmp_path / "state.sqlite"
    with FaultServer(HOST, robots="allow", articles=2) as site:
        first = crawl(site, "-o", str(out), state=state)
        assert first.returncode == 0, first.stderr[-3000:]
        with out.open("ab") as handle:
            handle.write(b'{"note": "mine"}')  # no line break
        again = crawl(site, "-o", str(out), state=state)
    assert again.returncode == 0, again.stderr[-3000:]
    assert [line.split("WARNING: ", 1)[1] for line in lines(again.stderr, "WARNING")
            if str(out) in line] == [f"{out} did not end with a line break: one was added after its "
                                     "last line, so the articles appended start on a line of their own"]
    *articles, mine = out.read_text(encoding="utf-8").split("\n")[:-1]
    assert json.loads(mine) == {"note": "mine"} and out.read_bytes().endswith(b"\n")
    assert stories(parse_articles("\n".join(articles), str(out))) == all_stories(2)


def test_articles_another_state_appended_are_recorded_and_said_as_what_is_known(tmp_path: Path) -> None:
    """Crawl A, then crawl B (its own state) appending to A's file, then A again: A records B's
    articles (writing them again would put them twice in the file it writes), and its line says
    what it can know: not "after an interrupted crawl", which nothing interrupted."""
    out = tmp_path / "all.jsonl"

    def other_stories(h) -> None:  # B's own texts: A's, in the file B appends to, are B's duplicates
        links = "".join(f'<a href="/articles/story-{i}">Story {i}</a>' for i in (11, 12, 13))
        h.send_bytes(f"<html><body><h1>All stories</h1>{links}</body></html>".encode())

    with FaultServer(HOST, robots="allow", articles=2) as site_a, \
            FaultServer("127.0.0.8", robots="allow", extra={"/": other_stories}) as site_b:
        runs = [crawl(site_a, "-o", str(out), state=tmp_path / "a.sqlite"),
                crawl(site_b, "-o", str(out), state=tmp_path / "b.sqlite"),
                crawl(site_a, "-o", str(out), state=tmp_path / "a.sqlite")]
    assert [run.returncode for run in runs] == [0, 0, 0], runs[-1].stderr[-3000:]
    assert [line.split("WARNING: ", 1)[1] for line in lines(runs[2].stderr, "WARNING") if str(out) in line] == [
        f"{out} holds 3 articles this state had not recorded (an interrupted crawl, or another "
        "writer): marked as emitted"]
    assert "interrupted crawl:" not in runs[2].stderr
    items = read_jsonl(out)
    assert sorted(item["url"] for item in items) == sorted(
        [site_a.url(f"/articles/story-{i}") for i in (1, 2)] + [site_b.url(f"/articles/story-{i}") for i in (11, 12, 13)])


def test_a_new_state_appending_to_a_file_another_state_wrote_writes_no_article_twice(tmp_path: Path) -> None:
    """The same command from another folder has a state of its own (.newscrawl/ there): the
    articles already in the output are marked as written, not appended a second time."""
    out, here, there = tmp_path / "a.jsonl", tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    with FaultServer(HOST, robots="allow", articles=3) as site:
        first = crawl(site, "-o", str(out), cwd=here)
        assert first.returncode == 0, first.stderr[-2000:]
        before = out.read_bytes()
        again = crawl(site, "-o", str(out), cwd=there)
    assert again.returncode == 0, again.stderr[-2000:]
    assert (there / ".newscrawl" / "state.sqlite").is_file()
    assert out.read_bytes() == before  # no article written twice
    assert [line.split("WARNING: ", 1)[1] for line in lines(again.stderr, "WARNING") if str(out) in line] == [
        f"{out} holds 3 articles already that this state had not recorded (written by a crawl of another "
        "state, or another tool): not written again"]
    assert recorded(there / ".newscrawl" / "state.sqlite") >= 3


def test_a_file_this_state_wrote_is_not_read_again_from_its_first_line(tmp_path: Path) -> None:
    """Only a file no crawl of the state wrote is adopted: one it wrote and reconciled (its key
    emptied) would be read whole at every start of an hourly crawl appending to it."""
    own, foreign = tmp_path / "own.jsonl", tmp_path / "foreign.jsonl"
    for path in (own, foreign):
        path.write_text('{"url": "https://a.example/1"}\n', "utf-8")
    store = SQLiteStateStore(tmp_path / "state.sqlite")
    store.set_meta(meta_key(own), "")  # as recover_file leaves a file it reconciled
    adopt_outputs(store, [own, foreign])
    assert store.get_meta(meta_key(own)) == ""
    assert json.loads(store.get_meta(meta_key(foreign))) == {"offset": 0, "adopted": True}


def test_a_crawl_without_state_keeps_nothing_and_emits_everything_every_time(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    with FaultServer(HOST, robots="allow", articles=3) as site:
        for _ in range(2):  # the same -O command twice: no state, so nothing is refused or lost
            result = crawl(site, "-O", "out.jsonl", state="", cwd=work)
            assert result.returncode == 0, result.stderr[-2000:]
            assert stories(read_jsonl(work / "out.jsonl")) == all_stories(3)
    assert sorted(p.name for p in work.iterdir()) == ["out.jsonl"]  # no state, no cache beside it


def empty_runs(site: FaultServer, tmp_path: Path) -> dict[str, subprocess.CompletedProcess]:
    state = tmp_path / "state.sqlite"
    seen = crawl(site, "-o", str(tmp_path / "first.jsonl"), state=state)
    assert seen.returncode == 0, seen.stderr[-2000:]
    article = f"article={site.url('/articles/story-1')}"
    return {
        "seen": crawl(article, "-o", str(tmp_path / "seen.jsonl"), state=state),
        "short": crawl(f"article={site.url('/short')}", "-o", str(tmp_path / "short.jsonl"), state=state),
        "404": crawl(f"article={site.url('/missing')}", "-o", str(tmp_path / "404.jsonl"), state=state),
        "nolog": crawl(article, "-o", str(tmp_path / "nolog.jsonl"), "--nolog", state=state),
    }


def test_a_crawl_that_writes_nothing_says_why(tmp_path: Path) -> None:
    short = article_page("A brief", ["Two sentences only. That is all."]).encode()
    with FaultServer(HOST, robots="allow", articles=2,
                     extra={"/short": lambda h: h.send_bytes(short)}) as site:
        runs = empty_runs(site, tmp_path)
    story = site.url("/articles/story-1")
    expected = {"seen": f"not written: {story} (written in an earlier run",
                "short": f"not written: {site.url('/short')} (too short: ",
                "404": f"not written: {site.url('/missing')} (HTTP 404)"}
    for name, reason in expected.items():
        result = runs[name]
        assert result.returncode == 1, (name, result.stderr[-2000:])  # -a article= wrote nothing
        # the page's own line says why; a `no articles written:` line would only repeat it
        warnings = [line for line in lines(result.stderr, "WARNING") if "written" in line]
        assert len(warnings) == 1 and reason in warnings[0], (name, warnings)
        assert "Traceback" not in result.stderr
    nolog = runs["nolog"]
    assert nolog.returncode == 1
    assert nolog.stderr.strip() == (f"WARNING: not written: {story} (written in an earlier run, as the state "
                                    "records; -s NEWSCRAWL_STATE=off writes it again)")


def test_robots_forbidding_everything_and_a_site_without_articles_warn(tmp_path: Path) -> None:
    empty_home = b"<html><head><title>Soon</title></head><body><h1>Coming soon</h1></body></html>"
    with FaultServer(HOST, robots="deny", articles=3) as forbidding, \
            FaultServer(HOST, robots="allow", extra={"/": lambda h: h.send_bytes(empty_home)}) as bare:
        denied = crawl(forbidding, "-O", str(tmp_path / "a.jsonl"), state=tmp_path / "a.sqlite")
        nothing = crawl(bare, "-O", str(tmp_path / "b.jsonl"), state=tmp_path / "b.sqlite")
    for result, reason, code in ((denied, "forbidden by robots.txt", 1), (nothing, "1 not an article", 0)):
        # a crawl of a site: nothing new is an answer, said out loud; no page it could read is a failure
        assert result.returncode == code, result.stderr[-2000:]
        assert ("no page of the site could be read" in result.stderr) == bool(code)
        warnings = [line for line in lines(result.stderr, "WARNING") if "no articles written:" in line]
        assert len(warnings) == 1 and reason in warnings[0], result.stderr[-2000:]


def test_every_crawl_ends_with_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with FaultServer(HOST, robots="allow", articles=3) as site:
        result = crawl(site, "-O", str(out), "-L", "WARNING", state=tmp_path / "state.sqlite")
    assert result.returncode == 0
    summary = [line.removeprefix("summary: ") for line in result.stderr.splitlines()
               if line.startswith("summary: ")]
    assert summary[0].startswith(f"3 articles written to {out}; ")
    assert "pages fetched in" in summary[0] and "(finished)" in summary[0]
    assert "not written: 0 seen in earlier runs; 0 duplicates in this run; 1 not an article" in summary
    assert "coverage: 3 article pages; headline 100%, published 100%, authors 100%, body 100%" in summary


def undated_site(articles: int) -> dict:
    """Routes for /articles/story-N pages that have no publication date at all."""
    def page(slug: str) -> bytes:
        return article_page(f"Harbour report {slug}", [f"Report {slug}. " + "The council met. " * 30],
                            published="").encode()
    return {f"/articles/story-{i}": (lambda h, s=f"story-{i}": h.send_bytes(page(s)))
            for i in range(1, articles + 1)}


def test_a_field_that_stops_being_found_is_a_warning_and_makes_cron_unhealthy(tmp_path: Path) -> None:
    state, cron_dir = tmp_path / "state.sqlite", tmp_path / "cron"
    store = SQLiteStateStore(state)
    shares = {"headline": 1.0, "published": 1.0, "authors": 1.0, "body": 1.0}
    for day in range(1, 6):  # five earlier runs of this site, every field found
        store.add_run(HOST, {"finished": f"2026-11-0{day}T10:00:00+00:00", "articles": 25, "shares": shares})
    store.close()
    with FaultServer(HOST, robots="allow", articles=25, extra=undated_site(25)) as site:
        result = run_scrapy(["cron", "-a", f"url={site.url('/')}", "--output-dir", str(cron_dir),
                             "-s", f"NEWSCRAWL_STATE={state}", *FAST], timeout=150)
    assert result.returncode == 1  # unhealthy
    assert f"unhealthy: {HOST}: published found in only 0% of articles" in result.stderr
    log = (cron_dir / "cron.log").read_text("utf-8")
    assert f"coverage fell for site {HOST}: published in 0% of 25 articles" in log
    summary = json.loads(next(cron_dir.glob("*.summary.json")).read_text("utf-8"))
    assert summary["coverage"][HOST]["shares"]["published"] == 0.0
    assert summary["sites"][HOST]["healthy"] is False
    history = SQLiteStateStore(state)
    assert [run["shares"]["published"] for run in history.runs(HOST)] == [1.0] * 5 + [0.0]
    history.close()


def test_a_state_written_before_run_history_keeps_working(tmp_path: Path) -> None:
    state, out = tmp_path / "state.sqlite", tmp_path / "out.jsonl"
    with sqlite3.connect(state) as db:  # the oldest layout: no validators, no meta table
        db.execute("CREATE TABLE seen (url TEXT PRIMARY KEY, fingerprint TEXT, modified TEXT, "
                   "revision INTEGER NOT NULL DEFAULT 1, emitted_at REAL NOT NULL)")
    with FaultServer(HOST, robots="allow", articles=2) as site:
        result = crawl(site, "-O", str(out), state=state)
    assert result.returncode == 0, result.stderr[-2000:]
    assert stories(read_jsonl(out)) == all_stories(2)
    store = SQLiteStateStore(state)
    assert [run["articles"] for run in store.runs(HOST)] == [2]
    store.close()


@pytest.mark.parametrize("option", ["--logfile", "HTTPCACHE_DIR", "JOBDIR"])
def test_every_other_path_the_crawl_writes_is_checked_before_it_starts(tmp_path: Path, option: str) -> None:
    (tmp_path / "a-file").write_text("x")
    bad = tmp_path / "a-file" / "inside"
    args = [option, str(bad)] if option.startswith("--") else ["-s", f"{option}={bad}"]
    result = crawl("url=http://127.0.0.7:9/", "-O", str(tmp_path / "out.jsonl"), *args,
                   state=tmp_path / "state.sqlite")
    assert result.returncode == 1
    line = one_error(result)
    assert f"{bad}: {tmp_path / 'a-file'} is a file, not a folder" in line, line


@pytest.mark.parametrize(("args", "line"), [
    (["-a", "url=http://127.0.0.7:9/", "-a", "profile=bogus"], "scrapy cron: unknown profile 'bogus'"),
    (["-a", "url=http://127.0.0.7:9/", "-a", "sience=2d"], "scrapy cron: unknown spider argument -a sience="),
    (["-a", "article=http://127.0.0.7:9/a"], "scrapy cron: -a article= extracts single pages once"),
    (["-a", "warc=archive"], "scrapy cron: -a warc= replays archives once"),
    ([], "scrapy cron: give -a url=START_URL, -a urls=FILE or -a sites=sites.toml"),
    (["-a", "url=http://127.0.0.7:9/", "-s", "NEWSCRAWL_STATE="], "scrapy cron: a cron run needs a state"),
    (["-a", "url=http://127.0.0.7:9/", "-a", "url=http://127.0.0.7:8/"],
     "scrapy cron: -a url= is given 2 times, and only the last would count"),
])
def test_cron_refuses_bad_arguments_with_one_line(tmp_path: Path, args: list[str], line: str) -> None:
    cron_dir = tmp_path / "cron"
    result = run_scrapy(["cron", "--output-dir", str(cron_dir), "--nolog",  # the last -s wins
                         "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}", *args], timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(line) and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "state.sqlite").exists() and not cron_dir.exists()


def test_an_output_that_is_another_file_of_the_crawl_is_refused(tmp_path: Path) -> None:
    state, stats_file, log, urls = (tmp_path / n for n in ("state.sqlite", "stats.json", "crawl.log", "urls.txt"))
    urls.write_text("http://127.0.0.7:9/\n")
    out = tmp_path / "out.jsonl"
    cases = {
        "the state file (NEWSCRAWL_STATE)": (["-O", str(state)], state),
        "the stats file (NEWSCRAWL_STATS_FILE)": (["-O", str(stats_file), "-s", f"NEWSCRAWL_STATS_FILE={stats_file}"], state),
        "the log file": (["-O", str(log), "--logfile", str(log)], state),
        "the -a urls= file": (["-O", str(urls)], state),
        "the job folder (JOBDIR)": (["-O", str(out), "-s", f"JOBDIR={out}"], state),
        "the archive folder (NEWSCRAWL_ARCHIVE)": (["-O", str(out), "-s", f"NEWSCRAWL_ARCHIVE={out}"], state),
        "one file": (["-o", str(out), "-o", f"{tmp_path}/./out.jsonl"], state),
    }
    for what, (args, state_path) in cases.items():
        target = "url=http://127.0.0.7:9/" if what != "the -a urls= file" else f"urls={urls}"
        result = crawl(target, *args, state=state_path)
        assert result.returncode == 2, (what, result.stderr[-2000:])
        line = one_error(result)
        assert what in line and ("give the output a path of its own" in line or "give it once" in line), line
    assert urls.read_text() == "http://127.0.0.7:9/\n" and not out.exists() and not state.exists()


def test_an_output_whose_fields_leave_out_the_url_is_not_emptied_by_a_second_run(tmp_path: Path) -> None:
    """Its records cannot be matched with the state, which records them as written: -O would
    lose them for good (a stranger's FEED_EXPORT_FIELDS=["headline","published"])."""
    fields = ["-s", 'FEED_EXPORT_FIELDS=["headline","published"]']
    with FaultServer(HOST, robots="allow", articles=2) as site:
        for name in ("out.jsonl", "out.csv", "out.xml"):
            out, state = tmp_path / name, tmp_path / f"{name}.sqlite"
            first = crawl(site, "-O", str(out), *fields, state=state)
            assert first.returncode == 0 and "url" not in out.read_text(), first.stderr[-2000:]
            before = out.read_bytes()
            again = crawl(site, "-O", str(out), *fields, state=state)
            assert again.returncode == 2 and "its records name no url" in one_error(again), name
            assert out.read_bytes() == before, name


def test_a_refused_overwrite_of_a_feeds_output_says_how_to_append_in_feeds(tmp_path: Path) -> None:
    """A FEEDS output with overwrite whose articles the state records: the refusal said "Append
    with -o FILE", which a FEEDS entry does not take; -O keeps its advice."""
    out, state = tmp_path / "out.jsonl", tmp_path / "state.sqlite"
    feeds = json.dumps({str(out): {"format": "jsonlines", "overwrite": True}})
    with FaultServer(HOST, robots="allow", articles=2) as site:
        first = crawl(site, "-o", str(out), state=state)
        assert first.returncode == 0, first.stderr[-2000:]
        before = out.read_bytes()
        in_feeds = crawl(site, "-s", f"FEEDS={feeds}", state=state)
        given = crawl(site, "-O", str(out), state=state)
    assert in_feeds.returncode == 2 and out.read_bytes() == before
    line = one_error(in_feeds)
    assert f'Append (set "overwrite": false in the FEEDS entry of {out}), write to a new file' in line, line
    assert "-o " not in line, line
    assert given.returncode == 2 and f"Append with -o {out}, write to a new file" in one_error(given)


def test_a_crawl_without_a_state_appending_to_a_file_that_holds_records_says_they_come_again(
        tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with FaultServer(HOST, robots="allow", articles=2) as site:
        runs = [crawl(site, "-o", str(out), "-s", "NEWSCRAWL_STATE=off") for _ in range(2)]
    assert [run.returncode for run in runs] == [0, 0], runs[1].stderr[-2000:]
    said = [lines(run.stderr, "WARNING") for run in runs]
    assert not any("without a state" in line for line in said[0]), said[0]
    assert sum(f"appending to {out} without a state" in line for line in said[1]) == 1, said[1]


def test_csv_and_xml_outputs_are_never_emptied_nor_broken_by_a_second_run(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    with FaultServer(HOST, robots="allow", articles=2) as site:
        for name in ("out.csv", "out.xml", "out.json"):
            out = tmp_path / name
            first = crawl(site, "-O", str(out), state=state if name == "out.csv" else tmp_path / f"{name}.sqlite")
            assert first.returncode == 0, first.stderr[-2000:]
            before = out.read_bytes()
            fmt_state = state if name == "out.csv" else tmp_path / f"{name}.sqlite"
            again = crawl(site, "-O", str(out), state=fmt_state)
            assert again.returncode == 2 and "refusing to overwrite" in one_error(again), name
            appended = crawl(site, "-o", str(out), state=fmt_state)
            assert appended.returncode == 2, name
            assert f"cannot append to {out}" in one_error(appended) and "JSON Lines" in one_error(appended)
            # JSON Lines into a file its name says is JSON, CSV or XML: refused as such
            as_lines = crawl(site, "-o", f"{out}:jsonl", state=fmt_state)
            assert as_lines.returncode == 2, name
            assert f"-o {out} is named as a {name[4:].upper()} file, but its format is jsonl" in one_error(as_lines)
            if name != "out.csv":  # JSON Lines after a JSON array or an XML document break it too
                misnamed = tmp_path / f"{name}.jsonl"
                misnamed.write_bytes(before)
                as_lines = crawl(site, "-o", str(misnamed), state=fmt_state)
                assert as_lines.returncode == 2, name
                assert f"cannot append JSON Lines to {misnamed}" in one_error(as_lines), name
                assert misnamed.read_bytes() == before, name
            assert out.read_bytes() == before, name


def test_json_lines_are_not_appended_to_a_file_that_holds_something_else(tmp_path: Path) -> None:
    """-o photo.jpg, -o notes.md: JSON Lines appended to an image or a text (exit 0, at most a
    line about a line break). Refused now, the file untouched, when its first or last line is
    no JSON object."""
    files = {"photo.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8, "first"),
             "notes.md": (b"# Notes\n\nRead the harbour story.\n", "first"),
             "mixed.jsonl": (b'{"url": "http://elsewhere.example/a"}\n# reviewed by Ann\n', "last")}
    with FaultServer(HOST, robots="allow", articles=1) as site:
        for name, (content, which) in files.items():
            out = tmp_path / name
            out.write_bytes(content)
            result = crawl(site, "-o", str(out), state=tmp_path / f"{name}.sqlite")
            assert result.returncode == 2, (name, result.stderr[-2000:])
            assert one_error(result).endswith(
                f"cannot append JSON Lines to {out}: it holds something else (its {which} line is not a "
                "JSON object), and the articles would be mixed into it. Write the JSON Lines to a new file"), name
            assert out.read_bytes() == content, name


def test_dev_null_keeps_nothing_so_nothing_is_recorded(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    with FaultServer(HOST, robots="allow", articles=2) as site:
        discarded = crawl(site, "-O", "/dev/null:jsonl", state=state)
        assert discarded.returncode == 0
        assert any("/dev/null keeps nothing" in line for line in lines(discarded.stderr, "WARNING"))
        assert recorded(state) == 0
        kept = crawl(site, "-O", str(tmp_path / "out.jsonl"), state=state)  # nothing was lost
    assert kept.returncode == 0 and stories(read_jsonl(tmp_path / "out.jsonl")) == all_stories(2)


def test_standard_output_without_a_format_is_json_lines_and_a_closed_pipe_is_one_line(tmp_path: Path) -> None:
    with FaultServer(HOST, robots="allow", articles=3) as site:
        whole = crawl(site, "-o", "-", "--nolog", state="")
        assert whole.returncode == 0, whole.stderr[-2000:]
        assert stories(parse_articles(whole.stdout, "standard output")) == all_stories(3)
    # articles that trickle in (one at a time, 0.2 s each): more are written after the reader left
    with FaultServer(HOST, robots="allow", articles=20, delay=0.2) as site:
        env = {"SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
        command = [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={site.url('/')}",
                   "-o", "-", "--nolog", "-s", "NEWSCRAWL_STATE=", *FAST,
                   "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY=0.01"]
        proc = subprocess.Popen(command, cwd=REPO, env={**os.environ, **env},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()  # one article, then the reader goes away: `| head -1`
        proc.stdout.close()
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == 1
    assert err.strip().splitlines() == [
        "ERROR: the crawl stopped: cannot write standard output: Broken pipe; the articles written "
        "before are recorded, the others come in the next run"]


def test_a_crawl_stopped_by_ctrl_c_says_so_and_the_rerun_brings_the_rest(tmp_path: Path) -> None:
    state, out = tmp_path / "state.sqlite", tmp_path / "out.jsonl"
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
    with FaultServer(HOST, robots="allow", articles=30) as site:
        proc = subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={site.url('/')}",
                                 "-O", str(out), "-s", f"NEWSCRAWL_STATE={state}", *FAST,
                                 "-s", "DOWNLOAD_DELAY=0.3", "-L", "WARNING"],  # paced: some left to do
                                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for_lines(proc, out, 2)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, err[-2000:]
        assert "the crawl was stopped before it finished" in err and "(shutdown)" in err
        first = stories(read_jsonl(out))
        assert 2 <= len(first) < 30
        rest = tmp_path / "rest.jsonl"
        again = crawl(site, "-O", str(rest), state=state)
    assert again.returncode == 0, again.stderr[-2000:]
    assert sorted(first + stories(read_jsonl(rest))) == all_stories(30)


def test_cron_on_a_state_that_is_not_a_database_is_one_line_and_no_run(tmp_path: Path) -> None:
    state, cron_dir = tmp_path / "state.sqlite", tmp_path / "cron"
    state.write_bytes(b"not a database " * 100)
    result = run_scrapy(["cron", "-a", "url=http://127.0.0.7:9/", "--output-dir", str(cron_dir),
                         "-s", f"NEWSCRAWL_STATE={state}", *FAST], timeout=60)
    assert result.returncode == 2  # no SQLite file at all: something else, not a corrupt state
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]  # one line
    assert result.stderr.startswith(f"scrapy cron: state path {state} holds something else: it is not a "
                                    "newscrawl state (not a SQLite database) and was left untouched")
    assert state.read_bytes() == b"not a database " * 100 and not cron_dir.exists()
    # a SQLite file that cannot be read is a state gone bad: that one is said to be unusable
    state.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    result = run_scrapy(["cron", "-a", "url=http://127.0.0.7:9/", "--output-dir", str(cron_dir),
                         "-s", f"NEWSCRAWL_STATE={state}", *FAST], timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]  # one line
    assert result.stderr.startswith(f"scrapy cron: state file {state} cannot be used (file is not a database)")
    assert not list(cron_dir.glob("articles-*")) and not (cron_dir / "cron-status.json").exists()


def test_a_compressed_output_is_refused_before_anything_is_fetched(tmp_path: Path) -> None:
    """newscrawl writes whole, uncompressed lines: a .gz name would hold plain JSON Lines, and
    Scrapy's postprocessing would hold lines back that the state records as written."""
    state = tmp_path / "state.sqlite"
    gzipped = {str(tmp_path / "o.jsonl"): {"format": "jsonlines",
                                           "postprocessing": ["scrapy.extensions.postprocessing.GzipPlugin"]}}
    cases = {
        "o.jsonl.gz": (["-o", str(tmp_path / "o.jsonl.gz")],
                       f"name it {tmp_path / 'o.jsonl'} and compress it after the crawl (gzip "),
        "o.gz": (["-O", str(tmp_path / "o.gz")], f"name it {tmp_path / 'o.jsonl'} and compress"),
        # a name that says another format is no name for JSON Lines either
        "o.warc.gz": (["-O", str(tmp_path / "o.warc.gz")], f"name it {tmp_path / 'o.jsonl'} and compress"),
        "o.warc": (["-o", str(tmp_path / "o.warc")], f"the name of a web archive, but the crawl writes JSON "
                                                    f"Lines: name it {tmp_path / 'o.jsonl'}"),
        "o.json.BZ2": (["-O", str(tmp_path / "o.json.BZ2")], "(bzip2 "),
        "o.jsonl.zst": (["-o", f"{tmp_path / 'o.jsonl.zst'}:jsonl"], "(zstd "),
        "postprocessing": (["-s", f"FEEDS={json.dumps(gzipped)}"], "FEEDS postprocessing (compression) is "
                           "not supported"),
    }
    with FaultServer(HOST, robots="allow", articles=2) as site:
        for name, (args, says) in cases.items():
            result = crawl(site, *args, state=state)
            assert result.returncode == 2, (name, result.stderr[-2000:])
            line = one_error(result)
            assert says in line and ("a compressor holds lines back" in line or name == "o.warc"), (name, line)
        assert sum(site.hits.values()) == 0  # refused before the first request
    assert list(tmp_path.iterdir()) == []  # no output, no state


def test_an_unknown_format_after_the_colon_is_named(tmp_path: Path) -> None:
    out = tmp_path / "c.jsonl"
    for flag in ("-o", "-O"):
        result = crawl("url=http://127.0.0.7:9/", flag, f"{out}:foo", state=tmp_path / "state.sqlite")
        assert result.returncode == 2, result.stderr[-2000:]
        line = one_error(result)
        assert f"unknown output format 'foo' in {flag} {out}:foo" in line, line
        assert f"({flag} FILE:FORMAT)" in line and f"({flag} {out})" in line and "jsonlines" in line, line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("how", ["moved", "deleted"])
def test_an_output_moved_or_deleted_mid_crawl_stops_it_and_the_rerun_writes_the_rest(tmp_path: Path,
                                                                                   how: str) -> None:
    """Lines written to a file that is no longer at its path reach no reader there: the crawl
    stops at the next article with one line (it wrote on into the moved or deleted file, exit 0,
    and its summary said the output was "not created"), and the rerun writes the rest once."""
    state, out, moved = tmp_path / "state.sqlite", tmp_path / "out.jsonl", tmp_path / "rotated.jsonl"
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
    with FaultServer(HOST, robots="allow", articles=30) as site:
        proc = subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={site.url('/')}",
                                 "-o", str(out), "-s", f"NEWSCRAWL_STATE={state}", *FAST,
                                 "-s", "DOWNLOAD_DELAY=0.3"],  # paced: some left to do
                                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for_lines(proc, out, 2)
        if how == "moved":
            out.rename(moved)
        else:
            out.unlink()
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 1, err[-2000:]
        assert "Traceback" not in err and len(lines(err, "ERROR")) == 1, err[-3000:]
        assert f"cannot write to {out}: deleted or moved during the crawl" in lines(err, "ERROR")[0]
        assert f"articles written to {out} (deleted or moved during the crawl)" in err
        first = stories(read_jsonl(moved)) if how == "moved" else []
        again = crawl(site, "-o", str(out), state=state)
    assert again.returncode == 0, again.stderr[-2000:]
    rest = stories(read_jsonl(out))
    if how == "moved":  # every article once: what went with the moved file and what came after
        assert 2 <= len(first) < 30
        assert sorted(first + rest) == all_stories(30)
    else:  # the deleted lines went with the file, and the state forgot them: written again
        assert rest == all_stories(30)  # before: 28 at most, the deleted ones lost for good


@pytest.mark.parametrize("how", ["file", "folder", "replaced"])
def test_an_output_deleted_after_its_last_article_is_no_success_and_the_rerun_writes_them(
        tmp_path: Path, how: str) -> None:
    """The output file (or its folder) deleted, or replaced by another file, after the crawl
    wrote its last article: before, "6 articles written", exit 0, and the state recorded them,
    so no later run wrote them again."""
    state, folder = tmp_path / "state.sqlite", tmp_path / "outdir"
    out = folder / "out.jsonl"
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
    with FaultServer(HOST, robots="allow", articles=6, extra=articles_then_wait(6)) as site:
        proc = subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={site.url('/')}",
                                 "-o", str(out), "-s", f"NEWSCRAWL_STATE={state}", *FAST],
                                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None and (lines_in(out) < 6 or not site.hits["/wait"]):
            time.sleep(0.05)
        assert lines_in(out) == 6
        if how == "folder":
            shutil.rmtree(folder)
        elif how == "file":
            out.unlink()
        else:
            (folder / "new.jsonl").write_text("")
            (folder / "new.jsonl").replace(out)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 1, err[-2000:]
        assert "Traceback" not in err and len(lines(err, "ERROR")) == 1, err[-3000:]
        assert f"cannot write to {out}: deleted or moved during the crawl; the 6 articles this run wrote " \
               "to it are gone with it" in lines(err, "ERROR")[0]
        assert f"summary: 0 articles written to {out} (deleted or moved during the crawl)" in err
        assert recorded(state) == 0
        again = crawl(site, "-o", str(out), state=state)
    assert again.returncode == 0, again.stderr[-2000:]
    assert stories(read_jsonl(out)) == all_stories(6)


def test_the_second_of_two_outputs_moved_mid_crawl_gets_every_article_after_the_rerun(tmp_path: Path) -> None:
    """The first output had taken the article the moved one refused; the rerun counted it
    written to both, so the moved output never got it (a stranger: 149 of 150)."""
    state, first, second, moved = (tmp_path / name for name in ("state.sqlite", "a.jsonl", "b.jsonl", "rotated.jsonl"))
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
    with FaultServer(HOST, robots="allow", articles=30) as site:
        outputs = ["-o", str(first), "-o", str(second), "-s", f"NEWSCRAWL_STATE={state}"]
        proc = subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={site.url('/')}",
                                 *outputs, *FAST, "-s", "DOWNLOAD_DELAY=0.3"],
                                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for_lines(proc, second, 2)
        second.rename(moved)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 1, err[-2000:]
        assert len(read_jsonl(first)) == len(read_jsonl(moved))  # the refused article in neither
        again = crawl(site, *outputs)
    assert again.returncode == 0, again.stderr[-2000:]
    assert stories(read_jsonl(first)) == sorted(stories(read_jsonl(moved)) + stories(read_jsonl(second))) \
        == all_stories(30)


def test_standard_output_redirected_to_a_file_is_written(tmp_path: Path) -> None:
    """`-o - > file.jsonl`: standard output is a regular file without a path of the crawl's, never
    "deleted or moved" (a first version of the rotation check stopped every such crawl at its
    first article, exit 1, nothing written)."""
    out = tmp_path / "redirected.jsonl"
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
    with FaultServer(HOST, robots="allow", articles=5) as site, out.open("wb") as stdout:
        result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={site.url('/')}",
                                 "-o", "-", "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}", *FAST],
                                cwd=REPO, env=env, stdout=stdout, stderr=subprocess.PIPE, text=True,
                                timeout=150, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert stories(read_jsonl(out)) == all_stories(5)


def test_a_failed_write_stops_fetching(tmp_path: Path) -> None:
    """The first write fails (/dev/full): no request starts after it; only the ones already
    under way (at most CONCURRENT_REQUESTS, 16) finish, of a site of 150 articles."""
    state = tmp_path / "state.sqlite"
    # articles that take 0.2 s each: without the stop, the crawl would fetch all 150
    with FaultServer(HOST, robots="allow", articles=150, delay=0.2) as site:
        result = crawl(site, "-O", "/dev/full:jsonl", state=state)
        fetched = sum(site.hits.values())
    assert result.returncode == 1, result.stderr[-2000:]
    assert "cannot write to /dev/full: No space left on device" in one_error(result)
    assert "(output_error)" in result.stderr
    assert "summary: errors: output_error=1\n" in result.stderr  # by its reason, not as log_error
    assert fetched <= 45, fetched  # robots.txt, the home page, a few probes, 16 under way
    assert recorded(state) == 0


@pytest.mark.parametrize("size", ["64k", "96k", "192k"])
def test_a_state_whose_disk_fills_stops_with_one_line_and_the_rerun_writes_each_article_once(
        tmp_path: Path, small_disk, size: str) -> None:
    """The state's disk fills before the crawl (64k), before the output is listed in it (96k),
    or mid-crawl (192k). Before: a traceback for every article (the output could not be listed)
    and none written; a summary of "0 articles written" beside a file of 26; and, once the output
    was written but not listed, the rerun wrote those articles a second time."""
    disk, mount = small_disk
    mount(size)
    state, out = disk / "state.sqlite", tmp_path / "out.jsonl"
    with FaultServer(HOST, robots="allow", articles=60) as site:
        first = crawl(site, "-O", str(out), state=state)
        assert first.returncode == 1
        assert "disk is full" in one_error(first)
        written = read_jsonl(out)
        summary = [line for line in first.stderr.splitlines() if line.startswith("summary: ")]
        if summary:  # the crawl ran (at 64k the state could not even be opened: nothing fetched)
            assert summary[0].startswith(f"summary: {len(written)} article")
            assert "summary: errors: state_error=1" in summary
        else:
            assert not out.exists() and "nothing was fetched" in one_error(first)
        mount("8m", "remount")
        again = crawl(site, "-o", str(out), state=state)
    assert again.returncode == 0, again.stderr[-3000:]
    assert stories(read_jsonl(out)) == all_stories(60)


def test_a_cron_run_whose_state_disk_fills_is_unhealthy_and_the_next_run_writes_the_rest_once(
        tmp_path: Path, small_disk) -> None:
    """The crawl stopped at the state's failure (state_error), and cron called the run healthy:
    exit 0 and nothing printed, so no mail, with half the site left for later."""
    disk, mount = small_disk
    mount("192k")
    state, cron_dir = disk / "state.sqlite", tmp_path / "cron"
    with FaultServer(HOST, robots="allow", articles=60) as site:
        args = ["cron", "-a", f"url={site.url('/')}", "--output-dir", str(cron_dir),
                "-s", f"NEWSCRAWL_STATE={state}", *FAST]
        first = run_scrapy(args, timeout=150)
        assert first.returncode == 1, first.stderr[-3000:]
        assert first.stderr.splitlines()[0].startswith(
            "scrapy cron: unhealthy: the state cannot be written (database or disk is full)")
        summary = json.loads(next(cron_dir.glob("articles-*.summary.json")).read_text("utf-8"))
        assert summary["finish_reason"] == "state_error" and not summary["healthy"]
        assert summary["articles"] == len(read_jsonl(cron_dir / summary["articles_file"])) < 60
        mount("8m", "remount")
        time.sleep(1.1)  # a run's file is named by the second it started
        again = run_scrapy(args, timeout=150)
    assert again.returncode == 0, again.stderr[-3000:]
    runs = [item for path in sorted(cron_dir.glob("articles-*.jsonl")) for item in read_jsonl(path)]
    assert stories(runs) == all_stories(60)


def test_a_first_cron_run_with_its_state_on_a_full_disk_is_one_line(tmp_path: Path, small_disk) -> None:
    """The run lock's pid could not be written: an OSError traceback, before the state's line."""
    disk, mount = small_disk
    mount("64k")
    with (disk / "filler").open("wb", buffering=0) as filler, pytest.raises(OSError):
        while True:  # until the disk is full
            filler.write(b"\0" * 4096)
    result = run_scrapy(["cron", "-a", "url=http://127.0.0.7:9/", "--output-dir", str(tmp_path / "cron"),
                         "-s", f"NEWSCRAWL_STATE={disk / 'state.sqlite'}", *FAST], timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"scrapy cron: state file {disk / 'state.sqlite'} cannot be written: the disk is full (database or "
        "disk is full); free space and run again (nothing was fetched or changed)"], result.stderr[-3000:]


def test_a_cron_run_whose_output_disk_fills_says_what_stopped_it_and_leaves_no_temporary_file(
        tmp_path: Path, small_disk) -> None:
    """Before: the summary's own failure was the only line about the articles ("the articles are
    in FILE", of which the run wrote a part), the log advised `-o FILE.part`, which cron refuses,
    and two empty *.PID.tmp files stayed in the folder."""
    disk, mount = small_disk
    mount("64k")
    state = tmp_path / "state.sqlite"
    with FaultServer(HOST, robots="allow", articles=60) as site:
        result = run_scrapy(["cron", "-a", f"url={site.url('/')}", "--output-dir", str(disk),
                             "-s", f"NEWSCRAWL_STATE={state}", *FAST], timeout=150)
        assert result.returncode == 1, result.stderr[-3000:]
        assert "Traceback" not in result.stderr
        assert "scrapy cron: unhealthy: cannot write to " in result.stderr, result.stderr[-3000:]
        assert "No space left on device" in result.stderr and " articles written to " in result.stderr
        assert not list(disk.glob("*.tmp")), list(disk.iterdir())
        log = (disk / "cron.log").read_text("utf-8", "replace")
        assert "-o " not in log.split("cannot write to", 1)[-1].splitlines()[0]
        assert "the next cron run writes the articles that were not written" in log
        written = read_jsonl(next(disk.glob("articles-*.jsonl")))
        mount("8m", "remount")
        again = run_scrapy(["cron", "-a", f"url={site.url('/')}", "--output-dir", str(disk),
                            "-s", f"NEWSCRAWL_STATE={state}", *FAST], timeout=150)
    assert again.returncode == 0, again.stderr[-3000:]
    rest = [item for file in sorted(disk.glob("articles-*.jsonl")) for item in read_jsonl(file)]
    assert 0 < len(written) < 60 and stories(rest) == all_stories(60)


@pytest.mark.parametrize("full_one", ["first", "second"])
def test_when_one_of_two_outputs_fills_up_the_rerun_brings_every_article_to_both(tmp_path: Path,
                                                                                 small_disk, full_one: str) -> None:
    """The other output took the articles under way after the failure; the rerun recorded them
    from it, so the full one never got them (17 lost from it for good). Written second, the full
    one failed on an article the first had taken already: one lost from it (a stranger)."""
    disk, mount = small_disk
    mount("48k")
    full, other, state = disk / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "state.sqlite"
    outputs = [full, other] if full_one == "first" else [other, full]
    args = [arg for output in outputs for arg in ("-o", str(output))]
    with FaultServer(HOST, robots="allow", articles=60) as site:
        first = crawl(site, *args, state=state)
        assert first.returncode == 1 and "No space left on device" in one_error(first)
        assert 0 < len(read_jsonl(full)) == len(read_jsonl(other)) < 60
        mount("8m", "remount")
        again = crawl(site, *args, state=state)
    assert again.returncode == 0, again.stderr[-3000:]
    assert stories(read_jsonl(full)) == stories(read_jsonl(other)) == all_stories(60)


USER_COMPONENTS = '''
from pathlib import Path


class CountingPipeline:
    """A user's own pipeline: it notes every item it sees."""

    def process_item(self, item, spider=None):
        with open(Path(__file__).with_name("seen-by-pipeline.txt"), "a") as notes:
            notes.write(item.url + "\\n")
        return item


class QuietExtension:
    """A user's own extension, which does nothing."""


class FailingPipeline:
    """A user's own pipeline with a bug: items are Article objects, not dicts."""

    def process_item(self, item, spider=None):
        item["headline"] = item["headline"].upper()
        return item
'''


def test_a_users_own_pipeline_and_extension_go_beside_newscrawls(tmp_path: Path) -> None:
    (tmp_path / "usercomponents.py").write_text(USER_COMPONENTS)
    state, out = tmp_path / "state.sqlite", tmp_path / "out.jsonl"
    env = {"SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": f"{REPO}{os.pathsep}{tmp_path}"}
    own = ["-s", 'ITEM_PIPELINES={"usercomponents.CountingPipeline": 300}',
           "-s", 'EXTENSIONS={"usercomponents.QuietExtension": 100}']
    with FaultServer(HOST, robots="allow", articles=3) as site:
        runs = [run_scrapy(["crawl", "site", "-a", f"url={site.url('/')}", "-o", str(out), *own,
                            "-s", f"NEWSCRAWL_STATE={state}", *FAST], env=env, timeout=150) for _ in range(2)]
    for result in runs:
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-3000:]
    # the user's pipeline ran, and newscrawl's state and dedupe still did: the second run of the
    # same command writes nothing again
    assert (tmp_path / "seen-by-pipeline.txt").read_text().count("\n") == 3
    assert stories(read_jsonl(out)) == all_stories(3)
    assert recorded(state) == 3


def test_a_named_pipe_as_output_or_stats_file_is_one_line_not_a_hang(tmp_path: Path) -> None:
    """Opening a pipe nobody reads waits for ever (a stranger's crawl hung without a word)."""
    pipe = tmp_path / "records"
    os.mkfifo(pipe)
    env = {"SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
    state = ["-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}"]
    as_output = run_scrapy(["crawl", "site", "-a", f"article=http://{HOST}:9/a", "-O", str(pipe), *state, *FAST],
                           env=env, timeout=60)
    assert as_output.returncode == 1
    assert "named pipe" in one_error(as_output) and "(-o -)" in one_error(as_output)
    as_stats = run_scrapy(["crawl", "site", "-a", f"article=http://{HOST}:9/a", "-o", str(tmp_path / "out.jsonl"),
                           "-s", f"NEWSCRAWL_STATS_FILE={pipe}", *state, *FAST], env=env, timeout=60)
    assert as_stats.returncode == 1
    assert f"cannot write the stats file to {pipe}: it is a named pipe, not a file" in one_error(as_stats)


def test_records_an_item_pipeline_fails_on_are_counted_and_the_run_fails(tmp_path: Path) -> None:
    """A stranger's pipeline raised on every article: all were lost, the summary counted none of
    them, and the crawl exited 0."""
    (tmp_path / "usercomponents.py").write_text(USER_COMPONENTS)
    state, out = tmp_path / "state.sqlite", tmp_path / "out.jsonl"
    env = {"SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": f"{REPO}{os.pathsep}{tmp_path}"}
    with FaultServer(HOST, robots="allow", articles=3) as site:
        result = run_scrapy(["crawl", "site", "-a", f"url={site.url('/')}", "-o", str(out), "-s",
                             'ITEM_PIPELINES={"usercomponents.FailingPipeline": 300}',
                             "-s", f"NEWSCRAWL_STATE={state}", *FAST], env=env, timeout=150)
    assert result.returncode == 1, result.stderr[-3000:]
    assert read_jsonl(out) == [] and recorded(state) == 0
    ours = [line for line in lines(result.stderr, "ERROR") if "an item pipeline failed" in line]
    assert len(ours) == 1 and "on 3 records, which were not written" in ours[0], result.stderr[-3000:]
    summary = [line for line in result.stderr.splitlines() if line.startswith("summary: not written:")]
    assert summary and summary[0].endswith("; 3 failed in an item pipeline"), summary


def test_csv_cells_holding_a_list_or_a_dict_read_back_as_the_record_held_them(tmp_path: Path) -> None:
    """Scrapy's CSV joined a list with commas (a `noise` item "Friday, April 26, 2024" could not be
    told from two) and wrote a dict as Python's repr: such cells are JSON now."""
    lines_out, csv_out = tmp_path / "out.jsonl", tmp_path / "out.csv"
    with FaultServer(HOST, robots="allow", articles=2) as site:
        result = crawl(site, "-O", str(lines_out), "-O", str(csv_out), state=tmp_path / "state.sqlite")
    assert result.returncode == 0, result.stderr[-2000:]
    records = {record["url"]: record for record in read_jsonl(lines_out)}
    with csv_out.open(newline="", encoding="utf-8") as handle:
        rows = {row["url"]: row for row in csv.DictReader(handle)}
    assert rows.keys() == records.keys() and len(rows) == 2
    nested = [(url, key) for url, record in records.items() for key, value in record.items()
              if isinstance(value, list | dict) and value]
    assert nested, "no list or dict field to compare"
    for url, key in nested:
        assert json.loads(rows[url][key]) == records[url][key], key
