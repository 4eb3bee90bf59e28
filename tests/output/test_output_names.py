"""Output names with a colon: `-o articles-2026-12-06T01:15.jsonl` (a timestamp, as cron jobs
name files) is a local file, the same file as `./articles-2026-12-06T01:15.jsonl`, for the
crawl, the summary, the state's list of outputs and the `-O` refusal; so is a cron run's file in
a folder with a colon. A real URI (s3://, ftp://) is refused in one line as bad input (exit 2).

Real `scrapy crawl` and `scrapy cron` runs against a site on 127.0.0.1, in a folder of their own."""

from __future__ import annotations

import csv
import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.conftest import REPO, read_jsonl, run_scrapy
from tests.support.faultserver import FaultServer

pytestmark = pytest.mark.timeout(300)

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0"]
NAME = "articles-2026-12-06T01:15.jsonl"


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
    return run_scrapy(list(args), cwd=cwd, env=env, timeout=150)


def crawl(cwd: Path, site: FaultServer, *args: str) -> subprocess.CompletedProcess:
    return run(cwd, "crawl", "site", "-a", f"url={site.url('/')}", "-s", "NEWSCRAWL_STATE=state.sqlite",
               *args, *FAST)


def listed_outputs(state: Path) -> list[str]:
    """The output files the state lists for recovery on this machine."""
    with sqlite3.connect(state) as db:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (f"outputs:{socket.gethostname()}",)).fetchone()
    return json.loads(row[0]) if row else []


def test_a_timestamped_name_with_a_colon_is_a_local_file_like_its_dot_slash_spelling(tmp_path: Path) -> None:
    with FaultServer("127.0.0.1", robots="allow", articles=3) as site:
        first = crawl(tmp_path, site, "-o", NAME)
        assert first.returncode == 0, first.stderr[-3000:]
        out = tmp_path / NAME
        urls = sorted(item["url"] for item in read_jsonl(out))
        assert len(urls) == 3
        summary = [line for line in first.stderr.splitlines() if line.startswith("summary: ")]
        assert summary[0].startswith(f"summary: 3 articles written to {out}"), summary  # not "(not created)"
        assert listed_outputs(tmp_path / "state.sqlite") == [str(out.resolve())]
        # the state knows those articles are in it, under either spelling: -O is refused
        for spelling in (NAME, f"./{NAME}"):
            refused = crawl(tmp_path, site, "-O", spelling)
            assert refused.returncode == 2, refused.stderr[-3000:]
            assert "refusing to overwrite" in refused.stderr and "records its articles as written" in refused.stderr
            # the advice says what a new file would hold, and spells the no-state setting as it works
            assert "(it gets only the articles not written before)" in refused.stderr
            assert "without state to write them all again (-s NEWSCRAWL_STATE=none)" in refused.stderr
        # appending under the other spelling: the same file, nothing written twice
        again = crawl(tmp_path, site, "-o", f"./{NAME}")
        assert again.returncode == 0, again.stderr[-3000:]
        assert sorted(item["url"] for item in read_jsonl(out)) == urls
        # a name whose colon is followed by no extension at all is JSON Lines too; without state
        # (as the refusal advises) it gets every article again
        bare = crawl(tmp_path, site, "-O", "run-2026-12-06T01:15", "-s", "NEWSCRAWL_STATE=none")
        assert bare.returncode == 0, bare.stderr[-3000:]
        assert len(read_jsonl(tmp_path / "run-2026-12-06T01:15")) == 3
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(("state.sqlite", "."))) == [
        NAME, "run-2026-12-06T01:15"]  # no folder "articles-2026-12-06T01:", no file of another name


@pytest.mark.parametrize("uri", ["s3://bucket/articles.jsonl", "ftp://127.0.0.1:9/articles.jsonl",
                                 "sftp://host/articles.jsonl", "webdav://host/articles.jsonl"])
def test_a_remote_output_is_refused_as_bad_input(tmp_path: Path, uri: str) -> None:
    with FaultServer("127.0.0.1", robots="allow", articles=2) as site:
        result = crawl(tmp_path, site, "-o", uri, "--nolog")
        assert sum(site.hits.values()) == 0
    assert result.returncode == 2, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].endswith(
        f"ERROR: newscrawl writes its articles to local files or standard output only, not to {uri}: "
        "write to a file and copy it afterwards"), result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_cron_run_in_a_folder_with_a_colon_publishes_its_articles(tmp_path: Path) -> None:
    folder = tmp_path / "runs-2026-12-06T01:15"
    with FaultServer("127.0.0.1", robots="allow", articles=2) as site:
        result = run(tmp_path, "cron", "-a", f"url={site.url('/')}", "--output-dir", folder.name,
                     "-s", "NEWSCRAWL_STATE=state.sqlite", *FAST)
    assert result.returncode == 0, result.stderr[-3000:] + (folder / "cron.log").read_text()[-3000:]
    published = sorted(folder.glob("articles-*.jsonl"))
    assert len(published) == 1 and len(read_jsonl(published[0])) == 2
    assert not list(folder.glob("*.part"))


def test_the_format_comes_from_the_extension_whatever_its_case(tmp_path: Path) -> None:
    """OUT.CSV, out.XML and out.Json got JSON Lines, exit 0 (Scrapy matches an extension as
    written, and newscrawl added `:jsonlines` to a name whose extension it did not know); a
    FEEDS entry without a format named so was no format at all. Each is now the format its
    extension says, and the checks of a file (no appending to CSV) take it for that too."""
    feeds = json.dumps({str(tmp_path / "feed.CSV"): {"overwrite": True}})
    with FaultServer("127.0.0.1", robots="allow", articles=2) as site:
        first = crawl(tmp_path, site, "-O", "OUT.CSV", "-O", "out.XML", "-O", "out.Json", "-s", f"FEEDS={feeds}")
        assert first.returncode == 0, first.stderr[-3000:]
        for name in ("OUT.CSV", "feed.CSV"):
            with (tmp_path / name).open(newline="", encoding="utf-8") as handle:
                assert len([row["url"] for row in csv.DictReader(handle)]) == 2, name
        assert len(ElementTree.parse(tmp_path / "out.XML").getroot().findall("item")) == 2
        assert len(json.loads((tmp_path / "out.Json").read_text("utf-8"))) == 2
        hits = sum(site.hits.values())
        appended = crawl(tmp_path, site, "-o", "OUT.CSV", "-s", "NEWSCRAWL_STATE=none")
        assert appended.returncode == 2, appended.stderr[-3000:]
        assert "ERROR: cannot append to OUT.CSV: a CSV file is one document" in appended.stderr
        assert sum(site.hits.values()) == hits  # refused before the first request


@pytest.mark.parametrize(("name", "given", "named", "written"), [
    ("out.csv", "jsonl", "CSV", "JSON Lines"), ("out.jsonl", "csv", "JSON Lines", "CSV"),
    ("out.JSON", "jsonlines", "JSON", "JSON Lines")])
def test_a_format_the_extension_contradicts_is_refused(tmp_path: Path, name: str, given: str, named: str,
                                                       written: str) -> None:
    """`-o out.csv:jsonl` onto a CSV file appended JSON Lines into it, exit 0, while the other way
    round was refused only as CSV that cannot be appended to. Either way now: one line, exit 2,
    the file as it was, nothing fetched."""
    out = tmp_path / name
    out.write_text("url\nhttp://127.0.0.1:9/a\n" if name.endswith("csv") else '{"url": "x"}\n', "utf-8")
    before = out.read_bytes()
    with FaultServer("127.0.0.1", robots="allow", articles=2) as site:
        result = crawl(tmp_path, site, "-o", f"{name}:{given}", "--nolog")
        assert sum(site.hits.values()) == 0
    assert result.returncode == 2, result.stderr[-3000:]
    extension = "jsonl" if given.startswith("json") else given
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].endswith(
        f"ERROR: -o {name} is named as a {named} file, but its format is {given}: name it "
        f"{Path(name).with_suffix('.' + extension)} to write {written}, or give no format to write {named}"), lines
    assert out.read_bytes() == before and "Traceback" not in result.stderr


def crawl_to_file(cwd: Path, site: FaultServer, stdout: Path, *args: str) -> subprocess.CompletedProcess:
    """A crawl whose standard output goes to a file (`> stdout`), as a user redirects it."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
    with stdout.open("w") as handle:
        return subprocess.run([sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={site.url('/')}",
                               "-s", "NEWSCRAWL_STATE=none", *args, *FAST],
                              cwd=cwd, stdout=handle, stderr=subprocess.PIPE, text=True, env=env, timeout=150)


@pytest.mark.parametrize("log", [["--logfile", "/dev/stdout"], ["--logfile", "/dev/fd/1"],
                                 ["-s", "LOG_FILE=/dev/stdout"], ["-s", "NEWSCRAWL_STATS_FILE=/dev/stdout"],
                                 ["--logfile", "run.out"]])
def test_a_log_or_stats_file_on_standard_output_is_refused_when_the_articles_go_there(
        tmp_path: Path, log: list[str]) -> None:
    """`-O - > run.out` writes the records to run.out: a log or stats file that is standard output
    too (/dev/stdout, or run.out by name) would mix its lines into them (a stranger's find: 94
    log lines among the records, exit 0). Refused before the crawl, exit 2, nothing written."""
    out = tmp_path / "run.out"
    with FaultServer(robots="allow", articles=2) as site:
        proc = crawl_to_file(tmp_path, site, out, "-O", "-", *log)
        assert proc.returncode == 2, proc.stderr[-2000:]
        assert "the articles go to standard output (-O -), and the" in proc.stderr
        assert "is standard output too: its lines would be mixed into the records" in proc.stderr
        assert "{" not in out.read_text()  # no record
        fine = crawl_to_file(tmp_path, site, out, "-O", "-", "--logfile", str(tmp_path / "crawl.log"))
    assert fine.returncode == 0, fine.stderr[-2000:]
    assert len(read_jsonl(out)) == 2


def test_a_quoted_tilde_in_the_output_is_the_home_folder(tmp_path: Path) -> None:
    """`-O '~/articles.jsonl'` (quoted, so the shell left the ~) made a folder named "~" in the
    working folder; the home folder was meant."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    env = {"SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO), "HOME": str(home)}
    with FaultServer("127.0.0.1", robots="allow", articles=2) as site:
        proc = run_scrapy(["crawl", "site", "-a", f"url={site.url('/')}", "-s", "NEWSCRAWL_STATE=none",
                           "-O", "~/articles.jsonl", *FAST], cwd=work, env=env, timeout=150)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(read_jsonl(home / "articles.jsonl")) == 2
    assert list(work.iterdir()) == []


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return [line for line in result.stderr.splitlines() if "ERROR:" in line]


def summary(result: subprocess.CompletedProcess) -> str:
    return next(line for line in result.stderr.splitlines() if line.startswith("summary: ") and " written" in line)


def test_a_name_with_the_spiders_name_is_guarded_as_the_file_scrapy_writes(tmp_path: Path) -> None:
    """`-O '%(name)s.jsonl'` is site.jsonl (the spider is "site"): the summary names it, a second
    -O is refused as `-O site.jsonl` is, and it is one file with `-o site.jsonl`."""
    with FaultServer("127.0.0.1", robots="allow", articles=3) as site:
        first = crawl(tmp_path, site, "-O", "%(name)s.jsonl")
        assert first.returncode == 0, first.stderr[-3000:]
        out = tmp_path / "site.jsonl"
        urls = sorted(item["url"] for item in read_jsonl(out))
        assert len(urls) == 3
        assert summary(first).startswith("summary: 3 articles written to site.jsonl;"), first.stderr[-3000:]
        assert listed_outputs(tmp_path / "state.sqlite") == [str(out.resolve())]
        hits = sum(site.hits.values())
        again = crawl(tmp_path, site, "-O", "%(name)s.jsonl", "--nolog")
        assert again.returncode == 2, again.stderr[-3000:]
        errors = error_lines(again)
        assert len(errors) == 1 and "refusing to overwrite site.jsonl: the state" in errors[0], again.stderr
        assert sum(site.hits.values()) == hits  # refused before anything was fetched
        assert sorted(item["url"] for item in read_jsonl(out)) == urls  # nothing lost
        # the same file under its two names: every article would be written to it twice
        twice = crawl(tmp_path, site, "-o", "%(name)s.jsonl", "-o", "site.jsonl", "-s", "NEWSCRAWL_STATE=none",
                      "--nolog")
        assert twice.returncode == 2, twice.stderr[-3000:]
        errors = error_lines(twice)
        assert len(errors) == 1 and errors[0].endswith(
            "-o %(name)s.jsonl (site.jsonl) and -o site.jsonl are one file: every article would be written "
            "to it twice; give it once"), twice.stderr
        assert sorted(item["url"] for item in read_jsonl(out)) == urls
        # a name Scrapy cannot fill fails before the crawl, in one line, not as the spider opens
        unknown = crawl(tmp_path, site, "-O", "%(nmae)s.jsonl", "--nolog")
        assert unknown.returncode == 2, unknown.stderr[-3000:]
        errors = error_lines(unknown)
        assert len(errors) == 1 and "the output %(nmae)s.jsonl names %(nmae)s, which Scrapy cannot fill" in errors[0]
        assert sum(site.hits.values()) == hits
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(("state.sqlite", "."))) == [
        "site.jsonl"]


def test_the_summary_names_the_files_a_time_or_a_batch_number_named(tmp_path: Path) -> None:
    """%(time)s names a new file each run and %(batch_id)d one per batch: the summary names the
    files written, never the pattern "(not created)"."""
    with FaultServer("127.0.0.1", robots="allow", articles=3) as site:
        timed = crawl(tmp_path, site, "-O", "out-%(time)s.jsonl")
        assert timed.returncode == 0, timed.stderr[-3000:]
        [written] = tmp_path.glob("out-*.jsonl")
        assert len(read_jsonl(written)) == 3 and "%" not in written.name
        assert summary(timed).startswith(f"summary: 3 articles written to {written.name};"), timed.stderr[-3000:]
        feeds = json.dumps({"f14-%(batch_id)d.jsonl": {"format": "jsonlines", "batch_item_count": 2}})
        batches = crawl(tmp_path, site, "-s", f"FEEDS={feeds}", "-s", "NEWSCRAWL_STATE=none")
        assert batches.returncode == 0, batches.stderr[-3000:]
        assert [len(read_jsonl(tmp_path / name)) for name in ("f14-1.jsonl", "f14-2.jsonl")] == [2, 1]
        assert summary(batches).startswith("summary: 3 articles written to f14-1.jsonl, f14-2.jsonl;"), \
            batches.stderr[-3000:]


def test_outputs_given_in_feeds_are_known_by_the_key_the_crawl_writes_them_under() -> None:
    """guard.feeds_outputs: a FEEDS name with a colon is the absolute path the crawl settles it
    to (settled_feeds), so that its messages say "the FEEDS output" and not -o."""
    from scrapy.settings import Settings

    from newscrawl.output.guard import feeds_outputs, settled_feeds

    feeds = {NAME: {}, "plain.jsonl": {}, "stdout:": {}}
    settings = Settings({"FEEDS": feeds})
    assert feeds_outputs(feeds, settings) == frozenset(settled_feeds(settings))
    assert feeds_outputs(feeds, settings) == {str(Path(NAME).absolute()), "plain.jsonl", "stdout:"}


def test_a_distributed_worker_needs_an_output_that_keeps_its_articles() -> None:
    """guard.worker_without_output: none for a crawl of its own or a worker with a file; one
    line naming each output that keeps nothing (/dev/null), as it was given."""
    from scrapy.settings import Settings

    from newscrawl.output.guard import feed_targets, worker_without_output

    def said(feeds: dict, redis: str | None = "redis://127.0.0.1:6379/0", in_feeds: frozenset = frozenset()):
        settings = Settings({"FEEDS": feeds, "REDIS_URL": redis})
        return worker_without_output(settings, feed_targets(settings, in_feeds=in_feeds))

    assert said({}, redis=None) is None and said({os.devnull: {"overwrite": True}}, redis=None) is None
    assert said({"out.jsonl": {}}) is None and said({"out.jsonl": {}, os.devnull: {}}) is None
    need = "a worker of the shared crawl needs an output (-o FILE)"
    assert said({}).startswith(need)
    assert said({os.devnull: {"overwrite": True}}).startswith(f"-O {os.devnull} keeps nothing, and {need}")
    assert said({os.devnull: {}}, in_feeds=frozenset({os.devnull})).startswith(
        f"the FEEDS output {os.devnull} keeps nothing, and {need}")
