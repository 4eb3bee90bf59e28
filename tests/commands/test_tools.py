"""The tool commands (scrapy parse, state, fixture, seed, extract, and cron's arguments and
help) on everyday mistakes, a reader that goes away and Ctrl-C: each case runs the real command in a subprocess, from a project folder of
its own, against a real server on 127.0.0.1, and checks the exit code, the one line on stderr,
and the files and state afterwards. Exit codes: 2 for a bad command line, 1 for a failure."""

from __future__ import annotations

import gzip
import json
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newscrawl.extract import extract_article
from newscrawl.output.replay import load_page
from newscrawl.state.sqlite import SQLiteStateStore
from tests.conftest import REPO, read_jsonl, run_scrapy
from tests.support.faultserver import CROWDED_TAG_PAGE, LOREM, FaultServer, article_page
from tests.support.fixture_checks import problems
from tests.support.redis_fixtures import redis_server, redis_url  # noqa: F401 - pytest fixtures

pytestmark = pytest.mark.timeout(180)

# an article by every sign (JSON-LD, a dated URL, a story under its h1) with a body under the minimum
SHORT_ARTICLE = article_page("A short note", [f"Line {i} of the brief says a little." for i in range(4)]).encode()
SHORT_PATH = "/2024/03/01/short"
# a section front whose pagination runs past NEWSCRAWL_MAX_PAGE_NUMBER: the links are skipped
DEEP_LIST_PATH = "/news/"
DEEP_LIST = ("<html><head><title>News</title></head><body><h1>News</h1>"
             + "".join(f"<p><a href='/news/?page={n}'>Page {n}</a></p>" for n in (2, 3, 40, 41))
             + "</body></html>").encode()
FEED = (b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>F</title>'
        b"<item><link>https://x.example/a</link></item></channel></rss>")
CLI = "import sys; from newscrawl.cli import main; main(sys.argv[1:])"  # the console script


@pytest.fixture(scope="module")
def site():
    """The fault site (article pages, 404, empty, binary, PDF, challenge) plus a short article."""
    extra = {SHORT_PATH: lambda h: h.send_bytes(SHORT_ARTICLE), DEEP_LIST_PATH: lambda h: h.send_bytes(DEEP_LIST),
             "/feed.xml": lambda h: h.send_bytes(FEED, content_type="application/xml")}
    with FaultServer("127.0.0.1", robots="allow", extra=extra) as server:
        yield server


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder to run commands in: the project's scrapy.cfg and nothing else, so anything a
    command creates (a state, a cache) shows."""
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy(REPO / "scrapy.cfg", folder / "scrapy.cfg")
    return folder


def scrapy(project: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return run_scrapy(list(args), cwd=project, timeout=timeout, env={"COLUMNS": "100"})


def one_line(proc: subprocess.CompletedProcess) -> str:
    """The one line a failed command printed on stderr (and nothing else there)."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def left_behind(project: Path) -> set[str]:
    """What a command created in its project folder."""
    return {p.name for p in project.iterdir()} - {"scrapy.cfg"}


def make_state(path: Path, urls: int = 3) -> None:
    store = SQLiteStateStore(path)
    for number in range(urls):
        store.record(f"https://a.example/{number}", f"f{number}", None, 1)
    store.close()


def count(path: Path) -> int:
    store = SQLiteStateStore(path, readonly=True)
    try:
        return store.count()
    finally:
        store.close()


# -- help ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["cron", "state", "seed", "fixture", "parse"])
def test_help_underlines_only_the_section_titles(project, command):
    """Scrapy's formatter made a heading of any help line that a terminal's width wrapped just
    after "default:"; at 40 and 100 columns only Usage, Options and Global Options are."""
    for columns in ("40", "100"):
        proc = run_scrapy([command, "--help"], cwd=project, env={"COLUMNS": columns})
        assert proc.returncode == 0, proc.stderr
        lines = proc.stdout.splitlines()
        headings = [lines[i - 1] for i, line in enumerate(lines)
                    if i and line and set(line) in ({"="}, {"-"})]
        assert headings == ["Usage", "Options", "Global Options"], (columns, proc.stdout)


# -- scrapy cron: its arguments -----------------------------------------------------------------

@pytest.mark.parametrize("flag", ["-o", "-O"])
def test_cron_refuses_an_output_file(project, flag):
    out = project / "articles.jsonl"
    proc = scrapy(project, "cron", "-a", "url=http://127.0.0.5:9/", flag, str(out),
                  "--output-dir", str(project / "cron"))
    assert proc.returncode == 2
    assert one_line(proc) == (f"scrapy cron: {flag} is not for scrapy cron: it writes each run's "
                              "articles to its own file in --output-dir DIR (use scrapy crawl for "
                              "one output file)")
    assert left_behind(project) == set()  # no output file, no output folder, no state, no lock


KNOWN_ARGUMENTS = "(the site spider takes article, articles, profile, since, sites, url, urls, warc)"


@pytest.mark.parametrize(("args", "line"), [
    # the -a names are checked before cron asks for a URL: a misspelt url= is "did you mean"
    (["-a", "ulr=http://127.0.0.5:9/"], f"unknown spider argument -a ulr=: did you mean -a url=? {KNOWN_ARGUMENTS}"),
    (["-a", "since=2d"], "give -a url=START_URL, -a urls=FILE or -a sites=sites.toml"),
    # Scrapy hands an option it does not know on as a word: it is no spider
    (["-a", "url=http://127.0.0.5:9/", "--bogus"], "unknown option --bogus: scrapy cron --help lists the options"),
    (["-a", "url=http://127.0.0.5:9/", "--bogus=3"], "unknown option --bogus: scrapy cron --help lists the options"),
    (["site", "extra", "-a", "url=http://127.0.0.5:9/"],
     "too many arguments: 'extra' after 'site' (use scrapy cron [site] -a url=START_URL)"),
    (["extra", "-a", "url=http://127.0.0.5:9/"],
     "unexpected argument 'extra': use scrapy cron [site] -a url=START_URL (this project's spiders: site)"),
    (["-a", "url=http://127.0.0.5:9/", "-O"], "argument -O/--overwrite-output: expected one argument"),
])
def test_cron_argument_mistakes(project, tmp_path, args, line):
    """One line naming the mistake; the log file's new folder, the state and the output folder
    are not created for a refused run."""
    log = tmp_path / "new-logs" / "cron.log"
    proc = scrapy(project, "cron", *args, "--output-dir", str(project / "cron"), "--logfile", str(log),
                  "-s", f"NEWSCRAWL_STATE={project / 'state.sqlite'}")
    assert (proc.returncode, one_line(proc)) == (2, f"scrapy cron: {line}")
    assert left_behind(project) == set() and not log.parent.exists()


@pytest.mark.parametrize("given", [["--output-dir", "-"], ["--output-dir=-"], ["-s", "NEWSCRAWL_CRON_DIR=-"]])
def test_cron_refuses_standard_output_for_its_folder(project, given):
    """`cron --output-dir -` made a folder named "-" (every other command reads `-` as standard output)."""
    proc = scrapy(project, "cron", "-a", "url=http://127.0.0.5:9/", *given, "-s", f"NEWSCRAWL_STATE={project / 'state.sqlite'}")
    named = "NEWSCRAWL_CRON_DIR=-" if "-s" in given else "--output-dir -"
    assert (proc.returncode, one_line(proc)) == (2, f"scrapy cron: {named} names no folder: a cron run writes each run's "
                                                    "articles, summary and log as files in a folder (give one, such as "
                                                    "output/cron); for articles on standard output, use scrapy crawl -o -")
    assert left_behind(project) == set()


def test_cron_creates_the_folder_of_its_log_file(project, tmp_path):
    """As scrapy crawl does (it said "has no folder", exit 2); a file in the way is exit 1."""
    log = tmp_path / "logs" / "nightly" / "cron.log"
    common = ["--output-dir", str(project / "cron"), "-s", f"NEWSCRAWL_STATE={project / 'state.sqlite'}",
              "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
    with FaultServer("127.0.0.1", robots="allow", articles=2) as stories:
        proc = scrapy(project, "cron", "-a", f"url={stories.url('/')}", "--logfile", str(log), *common)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert "Spider closed (finished)" in log.read_text("utf-8")
    assert len(read_jsonl(next((project / "cron").glob("articles-*.jsonl")))) == 2
    (tmp_path / "a-file").write_text("x")
    blocked = tmp_path / "a-file" / "cron.log"
    proc = scrapy(project, "cron", "-a", "url=http://127.0.0.5:9/", "--logfile", str(blocked), *common)
    assert (proc.returncode, one_line(proc)) == (
        1, f"scrapy cron: cannot write the log file {blocked}: {tmp_path / 'a-file'} is a file, not a folder")


@pytest.fixture
def full_disk(tmp_path: Path):
    """A folder on a tiny filesystem with no space left (a 48 KiB tmpfs, filled): a file can be
    created there, empty, and the first write to it fails with ENOSPC. Needs root to mount."""
    folder = tmp_path / "full"
    folder.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(folder)],
                           capture_output=True, text=True, timeout=30, check=False)
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mount.stderr.strip()}")
    try:
        fill = os.open(folder / "fill", os.O_WRONLY | os.O_CREAT)
        try:
            with pytest.raises(OSError, match="No space left"):
                while True:
                    os.write(fill, b"\0" * 4096)
        finally:
            os.close(fill)
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], timeout=30, check=False)


def test_cron_on_a_full_disk_says_its_log_file_cannot_be_written(project, tmp_path, full_disk):
    """It said `--- Logging error ---` with a traceback for every record, then one more at exit."""
    proc = scrapy(project, "cron", "-a", "url=http://127.0.0.5:9/", "--output-dir", str(full_disk / "cron"),
                  "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}")
    assert (proc.returncode, one_line(proc)) == (
        1, f"scrapy cron: cannot write the log file {full_disk / 'cron' / 'cron.log'}: No space left on device")


def test_a_log_file_that_fails_during_the_command_is_one_line_and_exit_1(project, site, tmp_path):
    """/dev/full opens, and every write to it fails, as a disk that fills up during a run does:
    one line, the command goes on (the articles are written), exit 1."""
    common = ["--output-dir", str(tmp_path / "cron"), "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}",
              "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
    line = "cannot write the log file /dev/full: No space left on device; the rest of the log is lost"
    with FaultServer("127.0.0.1", robots="allow", articles=2) as stories:
        proc = scrapy(project, "cron", "-a", f"url={stories.url('/')}", "--logfile", "/dev/full", *common)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [f"scrapy cron: {line}"]
    assert len(read_jsonl(next((tmp_path / "cron").glob("articles-*.jsonl")))) == 2
    page = tmp_path / "one.html"
    page.write_text(article_page("One record", [f"Paragraph {i}: {LOREM}" for i in range(5)]), "utf-8")
    proc = scrapy(project, "extract", str(page), "--url", "https://x.example/2024/01/01/one", "-L", "DEBUG",
                  "--logfile", "/dev/full")
    assert (proc.returncode, one_line(proc)) == (1, f"scrapy extract: {line}")
    assert json.loads(proc.stdout)["headline"] == "One record"


@pytest.mark.parametrize(("option", "what"), [("--pidfile", "pid"), ("--profile", "profile")])
def test_cron_refuses_a_pid_or_profile_file_it_cannot_write(project, tmp_path, option, what):
    afile = tmp_path / "afile"
    afile.write_text("", "utf-8")
    proc = scrapy(project, "cron", "-a", "url=http://127.0.0.5:9/", option, str(afile / "x"),
                  "--output-dir", str(tmp_path / "cron"))
    assert proc.returncode == 1
    assert one_line(proc) == f"scrapy cron: cannot write the {what} file {afile / 'x'}: {afile} is a file, not a folder"
    assert left_behind(project) == set() and not (tmp_path / "cron").exists()


def test_cron_help_names_its_own_log_file(project):
    proc = scrapy(project, "cron", "--help")
    assert proc.returncode == 0
    assert "--logfile FILE        the log file (default cron.log in --output-dir)" in proc.stdout
    assert "stderr will be used" not in proc.stdout


@pytest.mark.parametrize(("command", "level"), [("extract", "ERROR"), ("parse", "ERROR"), ("fixture", "ERROR"),
                                              ("seed", "WARNING"), ("state", "WARNING"), ("crawl", "INFO")])
def test_help_names_the_log_level_the_command_logs_at(project, command, level):
    proc = run_scrapy([command, "--help"], cwd=project, env={"COLUMNS": "100"})
    assert proc.returncode == 0, proc.stderr
    assert f"log level (default: {level})" in " ".join(proc.stdout.split())


# -- scrapy state -------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["info"], ["export"], ["prune", "0d"]])
def test_state_commands_never_create_a_state(project, tmp_path, args):
    typo = tmp_path / "typo" / "state.sqlite"
    proc = scrapy(project, "state", *args, "-s", f"NEWSCRAWL_STATE={typo}")
    assert proc.returncode == 2
    assert one_line(proc) == (f"scrapy state: no state at {typo} (nothing was created): check the "
                              "path (-s NEWSCRAWL_STATE=PATH); a crawl creates the state")
    assert not typo.parent.exists() and left_behind(project) == set()
    assert proc.stdout == ""


def test_state_info_reads_without_changing_anything(project, tmp_path):
    path = tmp_path / "state.sqlite"
    make_state(path, urls=3)
    before = path.read_bytes()
    proc = scrapy(project, "state", "info", "-s", f"NEWSCRAWL_STATE={path}")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["urls"] == 3
    assert proc.stderr == ""
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "project") == ["state.sqlite"]


def corrupt_in_the_middle(path: Path) -> None:
    """A state of 80 entries (about 19 pages) with 3,000 bytes of garbage from its 7th page on:
    the header and the table of seen URLs still read, so only an integrity check sees it."""
    store = SQLiteStateStore(path)
    for number in range(80):
        store.record(f"https://a.example/news/2024/{number:05d}-{'x' * 200}", f"f{number:040d}", None, 1)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    with path.open("r+b") as handle:
        handle.seek(24576)
        handle.write(bytes(range(256)) * 11 + bytes(184))


def test_state_commands_refuse_a_corrupt_state_as_cron_does(project, tmp_path):
    """info, export and prune read 80 URLs out of a state damaged in the middle and exited 0;
    they say what cron says of it (the same check), exit 1, and write and change nothing."""
    path = tmp_path / "state.sqlite"
    corrupt_in_the_middle(path)
    before = path.read_bytes()
    cron = scrapy(project, "cron", "-a", "url=http://127.0.0.1:9/", "--output-dir", str(tmp_path / "cron"),
                  "-s", f"NEWSCRAWL_STATE={path}")
    said = one_line(cron).removeprefix("scrapy cron: ")
    assert cron.returncode == 1 and said.startswith(f"state {path} is corrupt (integrity check failed")
    target = tmp_path / "export.jsonl"
    for action in (["info"], ["export", str(target)], ["export"], ["prune", "1d"]):
        proc = scrapy(project, "state", *action, "-s", f"NEWSCRAWL_STATE={path}")
        assert (proc.returncode, one_line(proc), proc.stdout) == (1, f"scrapy state: {said}", ""), action
    assert not target.exists()
    assert path.read_bytes() == before
    # NEWSCRAWL_STATE_CHECK=False skips the check here as it does for a crawl
    proc = scrapy(project, "state", "info", "-s", f"NEWSCRAWL_STATE={path}", "-s", "NEWSCRAWL_STATE_CHECK=False")
    assert proc.returncode == 0 and json.loads(proc.stdout)["urls"] == 80


def test_state_commands_give_a_truncated_state_the_advice_cron_gives(project, tmp_path):
    """`head -c 20000 state.sqlite > t.sqlite`: cron says to move it aside, and info, export and
    prune said only "cannot be read as a newscrawl state (database disk image is malformed)"."""
    whole = tmp_path / "whole.sqlite"
    store = SQLiteStateStore(whole)
    for number in range(80):
        store.record(f"https://a.example/news/{number:05d}-{'x' * 200}", f"f{number:040d}", None, 1)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    path = tmp_path / "t.sqlite"
    path.write_bytes(whole.read_bytes()[:20000])
    before = path.read_bytes()
    cron = scrapy(project, "cron", "-a", "url=http://127.0.0.1:9/", "--output-dir", str(tmp_path / "cron"),
                  "-s", f"NEWSCRAWL_STATE={path}")
    said = one_line(cron).removeprefix("scrapy cron: ")
    assert cron.returncode == 1 and f"move it aside (mv {path} {path}.broken)" in said, said
    for action in (["info"], ["export"], ["prune", "1d"]):
        proc = scrapy(project, "state", *action, "-s", f"NEWSCRAWL_STATE={path}")
        assert (proc.returncode, one_line(proc), proc.stdout) == (1, f"scrapy state: {said}", ""), action
    assert path.read_bytes() == before


def test_state_info_on_a_folder_or_a_file_that_is_no_state(project, tmp_path):
    # a folder is a path of the wrong kind: bad input (2), as scrapy crawl says of it
    for action in (["info"], ["export"], ["prune", "0d"]):
        proc = scrapy(project, "state", *action, "-s", f"NEWSCRAWL_STATE={tmp_path}")
        assert (proc.returncode, one_line(proc)) == (
            2, f"scrapy state: invalid setting NEWSCRAWL_STATE='{tmp_path}': that is a folder; give a "
               f"file path, such as {tmp_path}/state.sqlite"), action
        assert proc.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]
    # a file that is no SQLite database holds something else, not a state gone bad: bad input (2)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database, but a file the user cares about\n" * 100)
    before = notes.read_bytes()
    proc = scrapy(project, "state", "prune", "30d", "-s", f"NEWSCRAWL_STATE={notes}")
    assert proc.returncode == 2
    assert one_line(proc) == (f"scrapy state: state path {notes} holds something else: it is not a "
                              "newscrawl state (not a SQLite database) and was left untouched; give "
                              "NEWSCRAWL_STATE another path (a new state is created there)")
    assert notes.read_bytes() == before
    # a SQLite file that cannot be read may be a state gone bad: it cannot be used (1)
    notes.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = notes.read_bytes()
    proc = scrapy(project, "state", "prune", "30d", "-s", f"NEWSCRAWL_STATE={notes}")
    assert proc.returncode == 1
    assert one_line(proc).startswith(f"scrapy state: state file {notes} cannot be used (file is not a "
                                     f"database). If it is corrupt, move it aside (mv {notes} {notes}.broken)")
    assert notes.read_bytes() == before


def test_state_prune_0d_forgets_everything(project, tmp_path):
    path = tmp_path / "state.sqlite"
    make_state(path, urls=4)
    proc = scrapy(project, "state", "prune", "0d", "-s", f"NEWSCRAWL_STATE={path}")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"removed": 4, "removed_cached_responses": 0, "urls": 0}
    assert count(path) == 0
    # what forgetting means: a stranger's next crawl, appending, wrote all 4 again without a word
    assert "a crawl that meets their articles again writes them again" in proc.stderr


@pytest.mark.parametrize(("args", "line"), [
    (["prune", "-1d"], "scrapy state: age '-1d' is negative: give how long ago, e.g. 1d (0d forgets "
                       "everything); nothing was pruned"),
    (["prune", "soon"], "scrapy state: not an age: 'soon' (use e.g. 90d, 12h, 30m, 45s, or 0d for all)"),
    (["prune"], "scrapy state: give an age (scrapy state prune 90d; 0d forgets everything) or set "
                "NEWSCRAWL_STATE_MAX_AGE"),
    (["prune", "-s", "NEWSCRAWL_STATE_MAX_AGE=month"],
     "scrapy state: invalid setting NEWSCRAWL_STATE_MAX_AGE='month': expected a number of seconds"),
    (["prune", "30d", "60d"], "scrapy state: unexpected argument '60d': use scrapy state prune [AGE]"),
    (["info", "now"], "scrapy state: unexpected argument 'now': use scrapy state info"),
    (["show"], "scrapy state: give info, export [FILE] or prune AGE (e.g. scrapy state prune 90d), not 'show'"),
    ([], "scrapy state: give info, export [FILE] or prune AGE (e.g. scrapy state prune 90d)"),
])
def test_state_bad_arguments_change_nothing(project, tmp_path, args, line):
    path = tmp_path / "state.sqlite"
    make_state(path, urls=2)
    proc = scrapy(project, "state", *args, "-s", f"NEWSCRAWL_STATE={path}")
    assert proc.returncode == 2
    assert one_line(proc) == line
    assert count(path) == 2


def test_state_arguments_after_the_end_of_options(project, tmp_path):
    """`--` ends the options (so an AGE may start with `-`) and is no argument: `prune -- 1d` said
    "unexpected argument '1d'", and `prune -- -1d` the same of the age it refused."""
    path = tmp_path / "state.sqlite"
    make_state(path, urls=2)
    negative = scrapy(project, "state", "prune", "-s", f"NEWSCRAWL_STATE={path}", "--", "-1d")
    assert (negative.returncode, one_line(negative)) == (
        2, "scrapy state: age '-1d' is negative: give how long ago, e.g. 1d (0d forgets everything); "
           "nothing was pruned")
    assert count(path) == 2
    kept = scrapy(project, "state", "prune", "-s", f"NEWSCRAWL_STATE={path}", "--", "1d")
    assert kept.returncode == 0, kept.stderr
    assert json.loads(kept.stdout) == {"removed": 0, "removed_cached_responses": 0, "urls": 2}
    info = scrapy(project, "state", "-s", f"NEWSCRAWL_STATE={path}", "--", "info")
    assert info.returncode == 0 and json.loads(info.stdout)["urls"] == 2, info.stderr


def test_state_prune_while_a_crawl_holds_the_state(project, tmp_path):
    path = tmp_path / "state.sqlite"
    make_state(path, urls=2)
    holder = SQLiteStateStore(path)  # a crawl in the middle of writing
    holder.db.execute("BEGIN IMMEDIATE")
    try:
        proc = scrapy(project, "state", "prune", "0d", "-s", f"NEWSCRAWL_STATE={path}")
    finally:
        holder.db.execute("ROLLBACK")
        holder.close()
    assert proc.returncode == 1
    assert one_line(proc) == (f"scrapy state: the state {path} cannot be used (database is locked); another "
                              "process holds it (a crawl still running?): run again when it is done")
    assert count(path) == 2


def test_state_export_to_a_path_that_cannot_be_written(project, tmp_path):
    path = tmp_path / "state.sqlite"
    make_state(path, urls=2)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for target, error in ((blocker / "export.jsonl", "Not a directory"),
                          (Path("/proc/newscrawl-export.jsonl"), "No such file or directory")):
        proc = scrapy(project, "state", "export", str(target), "-s", f"NEWSCRAWL_STATE={path}")
        assert proc.returncode == 1
        assert one_line(proc) == (f"scrapy state: cannot write {target}: {error}; nothing was "
                                  "exported (give a FILE in a writable folder, or - for standard output)")
    assert blocker.read_text() == "x"
    # the state itself is not a place to export to: it would be replaced by its own export
    before = path.read_bytes()
    proc = scrapy(project, "state", "export", str(path), "-s", f"NEWSCRAWL_STATE={path}")
    assert proc.returncode == 2
    assert one_line(proc) == f"scrapy state: {path} is the state itself: give another FILE to export to"
    assert path.read_bytes() == before and count(path) == 2


@pytest.mark.parametrize("target", [".", "./", "..", "sub", "/tmp"])
def test_state_export_to_a_folder_is_one_line_and_exit_2(project, tmp_path, target):
    """`.` was a ValueError traceback ("has an empty name"), `..` "Device or resource busy"."""
    make_state(tmp_path / "state.sqlite")
    (project / "sub").mkdir()
    proc = scrapy(project, "state", "export", target, "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}")
    assert (proc.returncode, one_line(proc)) == (2, f"scrapy state: {Path(target)} is a folder: give a FILE to "
                                                    "export to (or - for standard output); nothing was exported")
    assert left_behind(project) == {"sub"} and not any((project / "sub").iterdir())


@pytest.mark.parametrize("age", ["90", "0", "1.5", " 30 "])
def test_state_prune_refuses_a_number_without_a_unit(project, tmp_path, age):
    """`prune 90` read as 90 seconds forgot a state meant to keep 90 days: a unit is required."""
    path = tmp_path / "state.sqlite"
    make_state(path, urls=3)
    before = path.read_bytes()
    proc = scrapy(project, "state", "prune", age, "-s", f"NEWSCRAWL_STATE={path}")
    number = age.strip()
    assert (proc.returncode, one_line(proc)) == (
        2, f"scrapy state: age {age!r} has no unit: give one, e.g. {number}d, {number}h, {number}m or "
           f"{number}s (0d forgets everything); nothing was pruned")
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert count(path) == 3 and path.read_bytes() == before


@pytest.mark.parametrize(("age", "removed"), [("45s", 0), ("30m", 0), ("12h", 0), ("90D", 0), ("1w", 0), ("0s", 3)])
def test_state_prune_takes_every_unit(project, tmp_path, age, removed):
    path = tmp_path / "state.sqlite"
    make_state(path, urls=3)  # entries emitted just now: only an age of 0 reaches them
    proc = scrapy(project, "state", "prune", age, "-s", f"NEWSCRAWL_STATE={path}")
    note = (f"note: {removed} URLs forgotten: a crawl that meets their articles again writes them again "
            "(appending to the same output repeats them)\n") if removed else ""
    assert (proc.returncode, proc.stderr) == (0, note), proc.stderr
    assert json.loads(proc.stdout) == {"removed": removed, "removed_cached_responses": 0, "urls": 3 - removed}
    assert count(path) == 3 - removed


def test_state_prune_default_from_the_setting_is_still_seconds(project, tmp_path):
    """NEWSCRAWL_STATE_MAX_AGE is documented in seconds: only the AGE argument needs a unit."""
    path = tmp_path / "state.sqlite"
    make_state(path, urls=3)
    proc = scrapy(project, "state", "prune", "-s", "NEWSCRAWL_STATE_MAX_AGE=7776000", "-s", f"NEWSCRAWL_STATE={path}")
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    assert json.loads(proc.stdout)["removed"] == 0 and count(path) == 3


def test_state_export_refuses_to_replace_a_file_with_content(project, tmp_path):
    """`state export acopy.jsonl` once replaced a crawl's output with state lines, exit 0."""
    path = tmp_path / "state.sqlite"
    make_state(path, urls=3)
    state_before = path.read_bytes()
    output = tmp_path / "acopy.jsonl"  # a crawl's output, by mistake given as the FILE
    output.write_bytes(b"".join(json.dumps({"url": f"https://a.example/{n}", "headline": f"Story {n}"}).encode()
                                + b"\n" for n in range(11)))
    before = output.read_bytes()
    for target in (str(output), os.path.relpath(output, project)):  # also as a relative path
        proc = scrapy(project, "state", "export", target, "-s", f"NEWSCRAWL_STATE={path}")
        assert (proc.returncode, one_line(proc)) == (
            2, f"scrapy state: refusing to replace {target}: it exists and is not empty, and an export "
               "never replaces a file; remove it first, or give a new FILE (or - for standard output)")
        assert "Traceback" not in proc.stderr and proc.stdout == ""
        assert output.read_bytes() == before
    assert path.read_bytes() == state_before and count(path) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acopy.jsonl", "project", "state.sqlite"]
    # a link to the file is the file
    link = tmp_path / "link.jsonl"
    link.symlink_to(output)
    proc = scrapy(project, "state", "export", str(link), "-s", f"NEWSCRAWL_STATE={path}")
    assert proc.returncode == 2 and one_line(proc).startswith(f"scrapy state: refusing to replace {link}:")
    assert link.is_symlink() and output.read_bytes() == before
    # standard output still works, with or without -
    for args in ([], ["-"]):
        proc = scrapy(project, "state", "export", *args, "-s", f"NEWSCRAWL_STATE={path}")
        assert (proc.returncode, proc.stderr) == (0, "")
        assert sorted(json.loads(line)["url"] for line in proc.stdout.splitlines()) == [
            f"https://a.example/{n}" for n in range(3)]
    assert output.read_bytes() == before


def test_state_export_failing_midway_leaves_no_file(project, tmp_path):
    """A write that fails part way (here the file size limit, as a full disk would) leaves neither
    a half FILE nor the temporary file beside it."""
    path = tmp_path / "state.sqlite"
    make_state(path, urls=1000)  # about 170 kB of JSON Lines, over the 64 kB limit
    target = tmp_path / "export.jsonl"

    def limit() -> None:  # Python ignores SIGXFSZ, so the write fails with EFBIG; SQLite needs
        # its 32 kB shared-memory file even to read a state
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))

    proc = subprocess.run([sys.executable, "-m", "scrapy", "state", "export", str(target), "-s",
                           f"NEWSCRAWL_STATE={path}"], cwd=project, capture_output=True, text=True,
                          timeout=120, preexec_fn=limit, check=False)
    assert (proc.returncode, one_line(proc)) == (
        1, f"scrapy state: cannot write {target}: File too large; nothing was exported (give a FILE "
           "in a writable folder, or - for standard output)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "state.sqlite"]
    assert count(path) == 1000


def test_state_export_writes_every_entry(project, tmp_path):
    path = tmp_path / "state.sqlite"
    make_state(path, urls=3)
    target = tmp_path / "export.jsonl"
    target.touch()  # an empty file holds nothing to lose: it is replaced
    proc = scrapy(project, "state", "export", str(target), "-s", f"NEWSCRAWL_STATE={path}")
    assert proc.returncode == 0 and proc.stderr == ""
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert sorted(row["url"] for row in rows) == [f"https://a.example/{n}" for n in range(3)]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_state_export_to_a_named_pipe_writes_into_it_and_keeps_it(project, tmp_path):
    """A device or a pipe is written to, never replaced by a renamed file (as root, an export to
    /dev/full replaced the device; a FIFO's reader got nothing)."""
    path = tmp_path / "state.sqlite"
    make_state(path, urls=3)
    fifo = tmp_path / "export.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so the writer's open does not wait
    try:
        proc = scrapy(project, "state", "export", str(fifo), "-s", f"NEWSCRAWL_STATE={path}")
        received = os.read(reader, 1 << 16).decode()
    finally:
        os.close(reader)
    assert proc.returncode == 0 and proc.stderr == ""
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(json.loads(line)["url"] for line in received.splitlines()) == [
        f"https://a.example/{n}" for n in range(3)]


def test_state_export_to_a_named_pipe_nothing_reads_is_one_line_and_exit_2(project, tmp_path):
    """`state export FIFO` with no reader waited for one for ever (a crawl refuses a pipe as an
    output): one line, exit 2, at once; the pipe stays a pipe."""
    path = tmp_path / "state.sqlite"
    make_state(path, urls=3)
    fifo = tmp_path / "export.fifo"
    os.mkfifo(fifo)
    proc = scrapy(project, "state", "export", str(fifo), "-s", f"NEWSCRAWL_STATE={path}", timeout=60)
    assert (proc.returncode, one_line(proc), proc.stdout) == (
        2, f"scrapy state: cannot write to {fifo}: it is a named pipe, not a file, and nothing reads it: start "
           "its reader first, or export to standard output (scrapy state export -) and pipe that; nothing was "
           "exported", "")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


# -- scrapy fixture -----------------------------------------------------------------------------

def test_fixture_is_quiet_and_refuses_to_overwrite(project, site, tmp_path):
    pages = tmp_path / "pages"
    url = site.url("/articles/plain-1")
    proc = scrapy(project, "fixture", url, "story", "--dir", str(pages))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no start-up log
    folder = pages / "story"
    assert proc.stdout == f"saved {folder}; review {folder / 'expected.json'} before committing it\n"
    expected = json.loads((folder / "expected.json").read_text())
    assert expected["headline"] == "Harbour report plain-1" and expected["body"].startswith("Report plain-1.")
    assert left_behind(project) == set()  # no state, no HTTP cache
    # the moment the item was made as of: its replay reads the page as of then
    fetched = load_page(folder).fetched_time()
    assert fetched is not None and abs((datetime.now(UTC) - fetched).total_seconds()) < 600

    # reviewed by hand, then the same command again: refused, the review kept
    (folder / "expected.json").write_text('{"headline": "reviewed"}\n')
    proc = scrapy(project, "fixture", url, "story", "--dir", str(pages))
    assert proc.returncode == 2
    assert one_line(proc) == f"scrapy fixture: fixture {folder} exists: give another NAME, or --force to replace it"
    assert json.loads((folder / "expected.json").read_text()) == {"headline": "reviewed"}

    # --force replaces the whole folder (an old uncompressed page.html would shadow the new page)
    (folder / "page.html").write_text("<html>an older page</html>")
    proc = scrapy(project, "fixture", site.url("/articles/plain-2"), "story", "--dir", str(pages), "--force")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["expected.json", "meta.json", "page.html.gz"]
    assert b"Report plain-2." in gzip.decompress((folder / "page.html.gz").read_bytes())
    assert [p.name for p in pages.iterdir()] == ["story"]


@pytest.mark.parametrize(("path", "line"), [
    ("/empty", "{url} is an empty page: nothing saved"),
    ("/binary", "{url} is binary data, not an HTML page: nothing saved"),
    ("/pdf", "{url} is a PDF, not an HTML page: nothing saved"),
    ("/feed.xml", "{url} is an RSS feed, not an HTML page: nothing saved"),
    ("/challenge", "{url} is a bot-challenge page, not the article: nothing saved (save the page from "
                   "a browser and give the file with --url)"),
    ("/status/404", "could not fetch {url}: HTTP 404; nothing saved"),
])
def test_fixture_refuses_a_page_with_nothing_to_test(project, site, tmp_path, path, line):
    pages = tmp_path / "pages"
    url = site.url(path)
    proc = scrapy(project, "fixture", url, "page", "--dir", str(pages))
    assert proc.returncode == 1
    assert one_line(proc) == "scrapy fixture: " + line.format(url=url)
    assert not pages.exists() or list(pages.iterdir()) == []
    assert left_behind(project) == set()


def test_extract_reads_the_files_after_a_double_dash(project, tmp_path):
    """`--` ends the options, as everywhere: `extract --url U -- FILE` counted `--` as a second
    saved file ("give one --url per saved file (2 files, 1 --url)"); a file named like an option
    is read after it."""
    saved = tmp_path / "--saved.html"
    saved.write_text(article_page("Saved from a browser", [LOREM, LOREM]))
    url = "https://a.example/2024/01/01/saved"
    proc = scrapy(project, "extract", "--url", url, "--", str(saved))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["headline"] == "Saved from a browser"


def test_extract_and_fixture_honour_a_profile_set_with_s(project, tmp_path):
    """-s NEWSCRAWL_PROFILE was checked, then ignored: the record kept the detected profile. A
    fixture keeps the profile in meta.json, so that its replay extracts as it was made."""
    saved = tmp_path / "saved.html"
    saved.write_text(article_page("Saved from a browser", [LOREM, LOREM]))
    url = "https://a.example/2024/01/01/saved"
    detected = json.loads(scrapy(project, "extract", str(saved), "--url", url).stdout)["extractor"]
    assert not detected.startswith("jnews/")
    proc = scrapy(project, "extract", str(saved), "--url", url, "-s", "NEWSCRAWL_PROFILE=jnews")
    assert proc.returncode == 0 and json.loads(proc.stdout)["extractor"].startswith("jnews/"), proc.stderr
    proc = scrapy(project, "fixture", str(saved), "forced", "--url", url, "--dir", str(tmp_path / "pages"),
                  "-s", "NEWSCRAWL_PROFILE=jnews")
    assert proc.returncode == 0, proc.stderr
    page = load_page(tmp_path / "pages" / "forced")
    assert page.profile == "jnews" and page.expected["extractor"].startswith("jnews/")
    assert problems(extract_article(page.url, page.body, profile=page.profile), page.expected) == []


def test_fixture_from_a_file(project, tmp_path):
    pages = tmp_path / "pages"
    saved = tmp_path / "saved.html"
    saved.write_text(article_page("Saved from a browser", [LOREM, LOREM]))
    missing = tmp_path / "missing.html"
    cases = [
        (["fixture", str(missing), "x", "--url", "https://a.example/x"], 2, f"no such file: {missing}"),
        (["fixture", "ftp://x/y", "x"], 2, "ftp://x/y is neither an http(s) URL nor a file: give an http:// "
                                           "or https:// address, or a saved HTML file with --url"),
        (["fixture", "www.example.com/story", "x"], 2,
         "no such file: www.example.com/story (a URL starts with http:// or https://)"),
        (["fixture", str(saved), "x"], 2, f"a local file needs --url, the address it was saved from: "
                                          f"scrapy fixture {saved} x --url https://..."),
        (["fixture", str(saved), "x", "--url", "a.example/x"], 2,
         "--url must be an http(s) address, not 'a.example/x'"),
        # an unclosed IPv6 bracket or a port that is none (a traceback and a fetch of nothing before)
        (["fixture", str(saved), "x", "--url", "https://[::1"], 2,
         "not a valid URL (Invalid IPv6 URL): 'https://[::1'"),
        (["fixture", "https://a.example:99999/x", "x"], 2,
         "not a valid URL (Port out of range 0-65535): 'https://a.example:99999/x'"),
        (["fixture", str(saved), "../x", "--url", "https://a.example/x"], 2,
         "NAME must be a plain folder name (like example-story), not '../x'"),
        (["fixture", "-", "x", "--url", "https://a.example/x"], 2,
         "a fixture is made from a saved file or a URL, not from standard input: save the page to a file "
         "and give it with --url"),
        (["fixture", str(saved), "My Fix!", "--url", "https://a.example/x"], 2,
         "NAME must be a plain folder name (like example-story), not 'My Fix!'"),
        (["fixture", str(saved), "x", "--url", "https://a.example/x", "--dir", str(saved)], 1,
         f"--dir {saved} is a file, not a folder: give the folder fixtures go in"),
        (["fixture", str(saved), "x", "--dir"], 2, "argument --dir: expected one argument"),
    ]
    for args, code, line in cases:
        proc = scrapy(project, *args, "--dir", str(pages)) if "--dir" not in args else scrapy(project, *args)
        assert (proc.returncode, one_line(proc)) == (code, f"scrapy fixture: {line}"), args
    assert not pages.exists()
    proc = scrapy(project, "fixture", str(saved), "saved", "--url", "https://a.example/x", "--dir", str(pages))
    assert proc.returncode == 0 and proc.stderr == ""
    meta = json.loads((pages / "saved" / "meta.json").read_text())
    assert meta["url"] == "https://a.example/x" and meta["source"] == str(saved)
    # a page kept gzip-compressed, as fixtures keep theirs, is read as extract reads it
    compressed = tmp_path / "saved.html.gz"
    compressed.write_bytes(gzip.compress(saved.read_bytes()))
    proc = scrapy(project, "fixture", str(compressed), "again", "--url", "https://a.example/x", "--dir", str(pages))
    assert proc.returncode == 0 and proc.stderr == ""
    assert gzip.decompress((pages / "again" / "page.html.gz").read_bytes()) == saved.read_bytes()
    # an archive of many pages is no page: its records would be mixed into one
    archive = tmp_path / "crawl.warc"
    archive.write_bytes(b"WARC/1.1\r\nWARC-Type: response\r\n\r\n" + saved.read_bytes())
    proc = scrapy(project, "fixture", str(archive), "warc", "--url", "https://a.example/x", "--dir", str(pages))
    assert (proc.returncode, one_line(proc)) == (1, f"scrapy fixture: {archive} is a WARC archive (replay it with "
                                                    "scrapy crawl -a warc=FILE), not an HTML page: nothing saved")
    assert not (pages / "warc").exists()


def test_fixture_of_a_page_that_is_no_article_says_so(project, site, tmp_path):
    """Saved all the same (a listing can be a fixture), but the reviewer is told: a crawl would
    emit no item for it."""
    pages = tmp_path / "pages"
    url = site.url("/list")
    proc = scrapy(project, "fixture", url, "listing", "--dir", str(pages))
    folder = pages / "listing"
    assert (proc.returncode, proc.stderr) == (0, "")
    saved, note = proc.stdout.splitlines()
    assert saved == f"saved {folder}; review {folder / 'expected.json'} before committing it"
    # the classifier's own account: its score, then the features that weighed most
    assert note.startswith(f"note: by newscrawl's judgement {url} is not an article page (article score 0.")
    assert "against: " in note and note.endswith("): a crawl emits no item for it")
    assert sorted(p.name for p in folder.iterdir()) == ["expected.json", "meta.json", "page.html.gz"]
    assert json.loads((folder / "expected.json").read_text())["headline"] == "All stories"


# -- scrapy parse -------------------------------------------------------------------------------

def test_parse_prints_the_article(project, site, tmp_path):
    url = site.url("/articles/plain-1")
    proc = scrapy(project, "parse", "--spider", "site", url, "--nocolour")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "'headline': 'Harbour report plain-1'" in proc.stdout
    assert left_behind(project) == set()  # no state read or written, no HTTP cache
    # the callback that extracts any page, and no --spider (the site spider is the default)
    proc = scrapy(project, "parse", url, "-c", "parse_article", "--nocolour")
    assert proc.returncode == 0, proc.stderr
    assert "'headline': 'Harbour report plain-1'" in proc.stdout
    # the site given as a file of start URLs (parse named an -a article= it had added itself)
    listed = tmp_path / "urls.txt"
    listed.write_text(f"{site.url('/')}\n")
    proc = scrapy(project, "parse", "-a", f"urls={listed}", url, "--nocolour")
    assert proc.returncode == 0, proc.stderr
    assert "'headline': 'Harbour report plain-1'" in proc.stdout


@pytest.mark.parametrize("command", ["parse", "fixture", "extract"])
def test_a_one_page_command_takes_no_part_in_a_distributed_crawl(project, site, redis_url, command):  # noqa: F811
    """-s REDIS_URL made parse's spider a distributed worker: a traceback from scrapy-redis's
    queue ("... is not an instance method"), then "could not fetch URL: no response", exit 1;
    fixture wrote into the shared state in Redis. REDIS_URL is not used, as extract never used it."""
    import redis

    url = site.url("/articles/plain-1")
    args = {"parse": [url, "--nocolour"], "fixture": [url, "story", "--dir", "pages"], "extract": [url]}[command]
    proc = scrapy(project, command, *args, "-s", f"REDIS_URL={redis_url}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stderr == ""
    assert "Harbour report plain-1" in (proc.stdout if command != "fixture" else
                                        (project / "pages" / "story" / "expected.json").read_text())
    assert redis.Redis.from_url(redis_url).dbsize() == 0  # no queue, no state: nothing shared
    assert left_behind(project) == ({"pages"} if command == "fixture" else set())


def test_parse_with_warnings_shown_has_none_of_a_crawl_that_writes(project, site):
    """parse prints and writes nothing: "no output given" or "no articles written" would be wrong."""
    proc = scrapy(project, "parse", site.url("/articles/plain-1"), "--nocolour", "-L", "WARNING")
    assert proc.returncode == 0 and "'headline': 'Harbour report plain-1'" in proc.stdout
    assert proc.stderr == ""


def test_parse_follows_links_with_depth(project):
    with FaultServer("127.0.0.1", robots="allow", articles=3) as stories:  # a home page listing 3
        proc = scrapy(project, "parse", stories.url("/"), "-d", "2", "--nocolour",
                      "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")
    assert proc.returncode == 0, proc.stderr
    assert ">>> STATUS DEPTH LEVEL 2 <<<" in proc.stdout
    for number in (1, 2, 3):
        assert f"'headline': 'Harbour report story-{number}'" in proc.stdout
    assert proc.stderr == ""


@pytest.mark.parametrize(("path", "args", "line"), [
    # the score and the signals, as extract prints them: docs/cli.md says parse is for seeing why
    # a page is not an article, and it printed only "not an article page"
    ("/", [], "no article in {url}: not an article page {why}; -c parse_article extracts it anyway"),
    # the links it did not follow are no reason of the page's own
    (DEEP_LIST_PATH, [], "no article in {url}: not an article page {why}; -c parse_article extracts it anyway"),
    ("/status/404", [], "could not fetch {url}: HTTP 404"),
    ("/empty", [], "no article in {url}: dropped as empty_page"),
    ("/pdf", [], "could not fetch {url}: binary_body: PDF bytes labelled text/html"),
    (SHORT_PATH, ["--pipelines"], "no article in {url}: dropped as short_body"),
])
def test_parse_says_why_no_article_came_out(project, site, path, args, line):
    url = site.url(path)
    proc = scrapy(project, "parse", url, *args, "--nocolour")
    assert proc.returncode == 1
    expected = re.escape("scrapy parse: " + line.format(url=url, why="\0")).replace(
        "\x00", r"\(article score 0\.\d+; against: [a-z0-9_]+(, [a-z0-9_]+)*(; for: [a-z0-9_]+(, [a-z0-9_]+)*)?\)")
    assert re.fullmatch(expected, one_line(proc)), one_line(proc)


@pytest.mark.parametrize(("args", "line"), [
    (["-c", "parse_item"], "the site spider has no callback 'parse_item': use -c parse or -c parse_article"),
    (["--spider", "news"], "unknown spider 'news': use one of site"),
    (["-d", "0"], "--depth must be 1 or more, not 0"),
    (["-r"], "the site spider has no CrawlSpider rules for -r/--rules: use -c parse or -c parse_article"),
    (["--cbkwargs", '{"page": 2}'], "the site spider's parse takes no --cbkwargs page"),
    (["-m", "[1]"], """-m/--meta takes a JSON object, like '{"name": "value"}'"""),
    (["-a", "profile=nosuch"], "the site spider could not start: unknown profile 'nosuch'; known "
                               "profiles: generic, jannah, jnews, soledad, tagdiv-classic, tagdiv-tdb, wordpress"),
    (["-a", "warc=crawl.warc.gz"], "-a warc= replays archives: use newscrawl crawl site -a warc=PATH -o FILE "
                                   "(parse fetches the one URL it is given)"),
    (["-a", "article=http://127.0.0.5:9/a", "-a", "article=http://127.0.0.5:9/b"],
     "-a article= is given 2 times, and only the last would count: give it once, with article URLs, "
     "separated by spaces"),
])
def test_parse_bad_arguments(project, args, line):
    proc = scrapy(project, "parse", "http://127.0.0.5:9/article", *args, "--nocolour")
    assert proc.returncode == 2
    assert one_line(proc) == f"scrapy parse: {line}"
    assert proc.stdout == ""


@pytest.mark.parametrize(("args", "code", "line"), [
    (["-L", "LOUD"], 2, "unknown log level 'LOUD': use -L with one of CRITICAL, ERROR, WARNING, INFO, DEBUG"),
    (["--logfile", "/dev/null/parse.log"], 1,
     "cannot write the log file /dev/null/parse.log: /dev/null is a file, not a folder"),
    (["--logfile", "/tmp"], 2, "log file /tmp is a folder: give --logfile a file"),
    # Scrapy's --pidfile and --profile: checked before the command runs (Scrapy wrote them with
    # a traceback, the profile only once the whole command had run)
    (["--pidfile", "/dev/null/x.pid"], 1, "cannot write the pid file /dev/null/x.pid: /dev/null is a file, not a folder"),
    (["--profile", "/dev/null/x.prof"], 1,
     "cannot write the profile file /dev/null/x.prof: /dev/null is a file, not a folder"),
])
@pytest.mark.parametrize("command", ["parse", "fixture", "extract", "state", "seed"])
def test_log_settings_that_scrapy_would_fail_on(project, command, args, code, line):
    """Every tool command: `state` and `seed` too, which once ignored --logfile (exit 0)."""
    proc = scrapy(project, command, "http://127.0.0.5:9/article", *args)
    assert proc.returncode == code
    assert one_line(proc) == f"scrapy {command}: {line}"
    assert left_behind(project) == set()


@pytest.mark.parametrize(("args", "line"), [
    # Scrapy hands an option no parser knows on as a word: each command read it as its argument
    (["seed", "-s", "REDIS_URL=redis://127.0.0.1:9/0", "--statuss"],
     "seed: unknown option --statuss: did you mean --status? scrapy seed --help lists the options"),
    (["seed", "-s", "REDIS_URL=redis://127.0.0.1:9/0", "-x", "http://127.0.0.5:9/"],
     "seed: unknown option -x: scrapy seed --help lists the options"),
    (["extract", "page.html", "--urll", "http://127.0.0.5:9/a"],
     "extract: unknown option --urll: did you mean --url? scrapy extract --help lists the options"),
    (["fixture", "--forcee", "http://127.0.0.5:9/article"],
     "fixture: unknown option --forcee: did you mean --force? scrapy fixture --help lists the options"),
    (["state", "export", "--fomat", "json"], "state: unknown option --fomat: scrapy state --help lists the options"),
    (["parse", "--nocolr", "http://127.0.0.5:9/article"],
     "parse: unknown option --nocolr: did you mean --nocolour? scrapy parse --help lists the options"),
    (["cron", "-a", "url=http://127.0.0.5:9/", "--output-dri", "out"],
     "cron: unknown option --output-dri: did you mean --output-dir? scrapy cron --help lists the options"),
    (["crawl", "site", "-a", "url=http://127.0.0.5:9/", "--outptu", "out.jsonl"],
     "ERROR: unknown option --outptu: did you mean --output? scrapy crawl --help lists the options"),
], ids=["seed", "seed-short", "extract", "fixture", "state", "parse", "cron", "crawl"])
def test_an_unknown_option_is_named_so(project, args, line):
    """`seed --statuss` said "url: not an http(s) URL: '--statuss'", `state export --fomat json`
    "unexpected argument 'json'"; now each command names the option, with the one it is close to."""
    proc = scrapy(project, *args)
    assert proc.returncode == 2
    assert one_line(proc).endswith(line)
    assert left_behind(project) == set()


# each command's own arguments, up to the point where the log file is checked
NOLOG_COMMANDS = {
    "crawl": ["site", "-a", "url=http://127.0.0.5:9/", "-O", "out.jsonl"],
    "cron": ["-a", "url=http://127.0.0.5:9/", "-s", "NEWSCRAWL_STATE=state.sqlite"],
    **{command: ["http://127.0.0.5:9/article"] for command in ("parse", "fixture", "extract", "state", "seed")},
}


@pytest.mark.parametrize("command", list(NOLOG_COMMANDS))
def test_nolog_with_a_log_file_that_cannot_be_written(project, command):
    """Scrapy opens LOG_FILE with --nolog too: the commands skipped their check then, and Scrapy's
    logging set-up failed with a traceback (exit 1), leaving crawl's empty output behind."""
    proc = scrapy(project, command, *NOLOG_COMMANDS[command], "--nolog", "--logfile", "/dev/null/x.log")
    assert proc.returncode == 1
    line = "cannot write the log file /dev/null/x.log: /dev/null is a file, not a folder"
    assert one_line(proc).endswith(f"{'ERROR: ' if command == 'crawl' else f'scrapy {command}: '}{line}")
    assert left_behind(project) == set()


def test_nolog_with_a_log_file_writes_the_log_there_and_it_is_no_output(project):
    """--nolog keeps the log off the terminal, --logfile still gets it (Scrapy's own handler):
    a log file that is the output was not refused under --nolog, and the log went into the
    articles (exit 0)."""
    page = project / "one.html"
    page.write_text(article_page("One record", [f"Paragraph {i}: {LOREM}" for i in range(5)]), "utf-8")
    proc = scrapy(project, "extract", str(page), "--url", "https://x.example/2024/01/01/one", "-L", "INFO",
                  "--nolog", "--logfile", "extract.log")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert "Scrapy 2." in (project / "extract.log").read_text("utf-8")
    proc = scrapy(project, "crawl", "site", "-a", "url=http://127.0.0.5:9/", "-O", "out.jsonl",
                  "--nolog", "--logfile", "out.jsonl")
    assert (proc.returncode, one_line(proc).split("ERROR: ")[-1]) == (
        2, "-O out.jsonl is also the log file: writing articles there would destroy it; give the output a "
           "path of its own")
    assert left_behind(project) == {"one.html", "extract.log"}


@pytest.mark.parametrize(("command", "args", "code"), [
    ("parse", ["http://127.0.0.5:9/article"], 1), ("state", ["info", "-s", "NEWSCRAWL_STATE=state.sqlite"], 0)])
def test_a_log_file_in_a_folder_not_made_yet(project, command, args, code):
    """The tool commands' log check made the missing folder and removed it again, so Scrapy's
    logging set-up failed on it with a traceback (exit 1); the folder is made, as for a crawl."""
    make_state(project / "state.sqlite")
    proc = scrapy(project, command, *args, "--logfile", "logs/day/tool.log")
    assert proc.returncode == code
    assert "Traceback" not in proc.stderr
    assert (project / "logs" / "day" / "tool.log").is_file()


def test_state_and_seed_write_their_log_file_at_the_level_asked(project, redis_url):  # noqa: F811
    """`state` and `seed` build no crawler process, where Scrapy sets its logging up: --logfile
    created no file and -L changed nothing (exit 0). Now the log file is Scrapy's, at the level
    asked, and holds what the command did."""
    make_state(project / "state.sqlite")
    proc = scrapy(project, "state", "info", "-s", "NEWSCRAWL_STATE=state.sqlite", "-L", "INFO",
                  "--logfile", "state.log")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert "[scrapy.utils.log] INFO: Scrapy 2." in (project / "state.log").read_text("utf-8")
    proc = scrapy(project, "seed", "http://127.0.0.5:9/", "-s", f"REDIS_URL={redis_url}", "-L", "INFO",
                  "--logfile", "logs/seed.log")
    assert (proc.returncode, proc.stderr) == (0, "")
    log = (project / "logs" / "seed.log").read_text("utf-8")
    assert "INFO: Scrapy 2." in log
    assert "INFO: seeded 1 site into site:start_urls: 127.0.0.5" in log
    proc = scrapy(project, "seed", "http://127.0.0.5:9/", "-s", f"REDIS_URL={redis_url}", "--logfile", "quiet.log")
    assert (proc.returncode, (project / "quiet.log").read_text("utf-8")) == (0, "")  # WARNING, its default


def test_a_seed_that_fails_says_why_in_its_log_file_too(project):
    """From cron, the log file is what is read later: a seed whose Redis is down said why on
    stderr only, and left no log at all."""
    proc = scrapy(project, "seed", "http://127.0.0.5:9/", "-s", "REDIS_URL=redis://127.0.0.1:9/0",
                  "--logfile", "seed.log")
    assert proc.returncode == 1
    line = one_line(proc)
    assert line.startswith("scrapy seed: cannot reach Redis at redis://127.0.0.1:9/0: ")
    assert (project / "seed.log").read_text("utf-8").rstrip("\n").endswith(f"ERROR: {line}")


@pytest.mark.parametrize(("command", "advice"), [
    ("extract", "to force the theme profile jannah, use -s NEWSCRAWL_PROFILE=jannah"),
    ("fixture", "to force the theme profile jannah, use -s NEWSCRAWL_PROFILE=jannah"),
    ("parse", "to force the theme profile jannah, use -a profile=jannah"),
    ("state", "state reads no page, so no theme profile applies"),
    ("seed", "seed reads no page, so no theme profile applies"),
])
def test_a_themes_name_given_to_scrapys_profile_option(project, command, advice):
    """`--profile jannah` wrote cProfile's statistics to a file named jannah, forced no theme and
    exited 0 (a stranger meant the theme); any case of the name is the theme's."""
    proc = scrapy(project, command, "http://127.0.0.5:9/article", "--profile", "Jannah")
    assert (proc.returncode, one_line(proc)) == (
        2, f"scrapy {command}: --profile Jannah would write Scrapy's cProfile statistics to a file "
           f"named Jannah; {advice}")
    assert left_behind(project) == set()


@pytest.mark.parametrize("flag", ["-o", "-O", "--output", "--overwrite-output"])
def test_parse_refuses_an_output_file(project, site, flag):
    """Scrapy's parse opened the file (with -O: emptied it) and exited 0; parse prints, the
    crawl writes."""
    out = project / "articles.jsonl"
    out.write_text('{"url": "https://a.example/kept"}\n')
    url = site.url("/articles/refused")
    proc = scrapy(project, "parse", url, flag, str(out))
    short = {"--output": "-o", "--overwrite-output": "-O"}.get(flag, flag)
    assert (proc.returncode, one_line(proc)) == (
        2, f"scrapy parse: {short} is not for scrapy parse, which prints the page's item and writes no "
           f"file: use scrapy crawl site -a article={url} {short} {out}")
    assert out.read_text() == '{"url": "https://a.example/kept"}\n' and proc.stdout == ""
    assert left_behind(project) == {"articles.jsonl"} and site.hits["/articles/refused"] == 0


def test_parse_a_page_off_the_given_site(project, site):
    url = site.url("/articles/plain-1")
    proc = scrapy(project, "parse", url, "-a", "url=http://news.example/")
    assert proc.returncode == 1
    assert one_line(proc) == (f"scrapy parse: could not fetch {url}: it is not on the site given with "
                              "-a url= or -a sites= (leave them out to parse any page)")


def test_parse_needs_one_http_url(project):
    proc = scrapy(project, "parse", "www.example.com/story")
    assert (proc.returncode, one_line(proc)) == (
        2, "scrapy parse: give one http(s) URL: scrapy parse URL, not 'www.example.com/story'")


# -- scrapy seed --------------------------------------------------------------------------------

def test_seed_mistakes(project, redis_url):  # noqa: F811
    import redis

    server = redis.Redis.from_url(redis_url)
    redis_setting = f"REDIS_URL={redis_url}"
    cases = [
        (["http://a.example/"], "set REDIS_URL, e.g. scrapy seed -s REDIS_URL=redis://host:6379/0 URL"),
        (["--spider", "sitee", "http://a.example/", "-s", redis_setting],
         "unknown spider 'sitee' for --spider: the workers run one of site"),
        (["http://a.example/", "-s", "REDIS_URL=localhost:6379"],
         "invalid setting REDIS_URL='localhost:6379': give a Redis URL such as redis://HOST:6379/0 "
         "(or rediss://, unix://)"),
        (["http://a.example/", "-s", "REDIS_URL=redis://:secret@127.0.0.1:6379/crawl"],
         "invalid setting REDIS_URL='redis://***@127.0.0.1:6379/crawl': the database after the host is a "
         "number, as in redis://HOST:6379/0, not 'crawl'"),
        (["-a", "url=http://a.example/", "-s", redis_setting],
         "unknown -a 'url=http://a.example/': use -a sites=FILE (start URLs are plain arguments: "
         "scrapy seed URL...)"),
        (["--status", "http://a.example/", "-s", redis_setting],
         "--status only shows the shared crawl: give it without URLs or -a sites=FILE"),
        (["-a", "sites=", "-s", redis_setting], "-a sites= needs a file: -a sites=sites.toml"),
        (["-a", "sites=https://a.example/", "-s", redis_setting],
         "-a sites= takes a sites file (TOML), not a URL: start URLs are plain arguments: scrapy seed "
         "https://a.example/"),
        (["-a", "url=http://a.example/", "-a", "url=http://b.example/", "-s", redis_setting],
         "unknown -a 'url=http://a.example/': use -a sites=FILE (start URLs are plain arguments: "
         "scrapy seed URL...)"),
        (["-a", "sites=a.toml", "-a", "sites=b.toml", "-s", redis_setting],
         "-a sites= is given 2 times, and only the last would count: give it once, with a sites file (TOML)"),
    ]
    for args, line in cases:
        proc = scrapy(project, "seed", *args)
        assert (proc.returncode, one_line(proc)) == (2, f"scrapy seed: {line}"), args
    assert server.keys("*") == []  # nothing was queued
    proc = scrapy(project, "seed", "http://a.example/", "http://a.example/", "-s", redis_setting)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ("seeded 1 site into site:start_urls: a.example; a new crawl: this Redis held none (if "
                           "it held one, it lost it, and articles written before come out again)\n")
    assert server.llen("site:start_urls") == 1
    again = scrapy(project, "seed", "http://a.example/", "-s", redis_setting)  # the same crawl
    assert again.stdout == ("seeded nothing into site:start_urls; not queued again, as a seed of it still waits "
                            "for a worker (which starts it as registered now): a.example (registered already, "
                            "unchanged)\n")  # the waiting seed is not doubled (docs/cli.md)
    assert server.llen("site:start_urls") == 1




# -- a reader that went away ---------------------------------------------------------------------

def _to_a_closed_pipe(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run with standard output a pipe whose reader has already gone (`| true`): every write fails."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run(args, cwd=cwd, stdout=writer, stderr=subprocess.PIPE, text=True,
                              timeout=120, check=False, env={**os.environ, "COLUMNS": "100"})
    finally:
        os.close(writer)


@pytest.mark.parametrize("args", [["-m", "scrapy", "state", "info"], ["-m", "scrapy", "parse", "URL"],
                                  ["-m", "scrapy", "state", "export"], ["-m", "scrapy", "crawl", "--help"],
                                  ["-c", CLI, "--version"], ["-c", CLI, "--help"], ["-c", CLI, "crawl", "--help"]])
def test_a_command_whose_reader_went_away_ends_quietly_as_sigpipe_would(project, site, tmp_path, args):
    make_state(tmp_path / "state.sqlite")
    args = [a.replace("URL", site.url("/articles/plain-1")) for a in args]
    if "state" in args:
        args += ["-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}"]
    proc = _to_a_closed_pipe([sys.executable, *args], project)
    assert (proc.returncode, proc.stderr) == (141, "")


FULL_STDOUT = [["-m", "scrapy", "extract", "PAGE", "--url", "https://x.example/2024/01/01/one"],
               ["-m", "scrapy", "extract", "URL"], ["-m", "scrapy", "parse", "URL"],
               ["-m", "scrapy", "state", "info"], ["-m", "scrapy", "state", "export"],
               ["-m", "scrapy", "state", "prune", "9999d"], ["-m", "scrapy", "crawl", "--help"],
               ["-m", "scrapy", "cron", "--help"], ["-c", CLI, "--help"], ["-c", CLI, "--version"],
               ["-c", CLI, "state", "info"]]


@pytest.mark.parametrize("args", FULL_STDOUT, ids=lambda a: " ".join(a).replace(f"-c {CLI}", "newscrawl"))
def test_a_command_whose_standard_output_is_a_full_disk_says_so_in_one_line(project, site, tmp_path, args):
    """Standard output on /dev/full (every write: ENOSPC): one line and exit 1, as `crawl -o -`."""
    make_state(tmp_path / "state.sqlite")
    page = tmp_path / "one.html"
    page.write_text(article_page("One record", [f"Paragraph {i}: {LOREM}" for i in range(5)]), "utf-8")
    args = [a.replace("URL", site.url("/articles/plain-1")).replace("PAGE", str(page)) for a in args]
    if "state" in args:
        args += ["-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}"]
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([sys.executable, *args], cwd=project, stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=120, check=False, env={**THIS_CHECKOUT, "COLUMNS": "100"})
    program = f"newscrawl {args[2]}" if args[0] == "-c" and args[2] == "state" else (
        "newscrawl" if args[0] == "-c" else f"scrapy {args[2]}")
    assert (proc.returncode, one_line(proc)) == (
        1, f"{program}: cannot write to standard output: No space left on device")


def test_extract_whose_reader_leaves_during_its_only_record_ends_as_sigpipe_would(project, tmp_path):
    """One 2 MB record to `| head -c 10`: the pipe takes part of it and the reader goes. The
    record is cut off, so the exit is 141, not 0, with no traceback."""
    page = tmp_path / "one.html"
    page.write_text(article_page("One long record", [f"Paragraph {i}: {LOREM}" for i in range(6000)]), "utf-8")
    reader = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert reader.stdin is not None and reader.stdout is not None
    try:
        proc = subprocess.run([sys.executable, "-m", "scrapy", "extract", str(page), "--url",
                               "https://x.example/2024/01/01/one"], cwd=project, stdout=reader.stdin,
                              stderr=subprocess.PIPE, text=True, timeout=120, check=False, env=THIS_CHECKOUT)
    finally:
        reader.stdin.close()
        first = reader.stdout.read()
        reader.wait(timeout=30)
    assert first == b'{"url": "h'
    assert proc.returncode == 141, proc.stderr
    assert "Traceback" not in proc.stderr and "Broken pipe" not in proc.stderr


# -- Ctrl-C ---------------------------------------------------------------------------------------

# the commands of this checkout, from the project folder too (a shared virtualenv's editable
# install may point at another checkout)
THIS_CHECKOUT = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}

def big_page(paragraphs: int = 40_000) -> bytes:
    """About 5 MB of nested divs and paragraphs under one headline: seconds to extract."""
    blocks = "".join(f"<div class='b{i % 50}'><div><p>Paragraph {i}: {LOREM[:60]}</p></div></div>"
                     for i in range(paragraphs))
    return (f"<html><head><title>Big</title></head><body><article><h1>A big page</h1>{blocks}"
            "</article></body></html>").encode()


def interrupt(args: list[str], cwd: Path, stdout: Path, running) -> tuple[int, list[str], float]:
    """Start `scrapy ARGS` (its standard output into the file `stdout`), wait until `running()`
    says it is at work (60 s at most), send it SIGINT; its exit code, stderr lines, and the
    seconds from the signal to its end (60 s at most)."""
    with stdout.open("wb") as out:
        # as from a terminal: a runner that started the tests in the background passes SIGINT
        # on as ignored, and Python then leaves it ignored
        proc = subprocess.Popen([sys.executable, "-m", "scrapy", *args], cwd=cwd, stdout=out,
                                stderr=subprocess.PIPE, text=True, env=THIS_CHECKOUT,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        running(proc)
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        os.kill(proc.pid, signal.SIGINT)
        sent = time.monotonic()
        _, stderr = proc.communicate(timeout=60)
        return proc.returncode, stderr.splitlines(), time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def feed_fifo(fifo: Path, body: bytes):
    """A `running` for interrupt(): the command has read the whole page from the named pipe
    `fifo` (the write ends when it has read all but the pipe's buffer, the close when it read
    the rest), so what comes next is the extraction."""
    def running(proc: subprocess.Popen) -> None:
        with fifo.open("wb") as writer:  # opens once the command opens the pipe to read it
            writer.write(body)
        time.sleep(0.5)  # the extraction has begun; it takes seconds
    return running


def hit(site: FaultServer, path: str):
    """A `running` for interrupt(): the command's request for `path` reached the server."""
    def running(proc: subprocess.Popen) -> None:
        deadline = time.monotonic() + 60
        while site.hits[path] < 1 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert site.hits[path] >= 1, "the request never came"
    return running


def test_extract_interrupted_while_it_extracts_a_big_page(project, tmp_path):
    fifo = tmp_path / "bigpage.html"
    os.mkfifo(fifo)
    out = tmp_path / "out.jsonl"
    code, lines, took = interrupt(["extract", str(fifo), "--url", "https://x.example/a/"], project,
                                  out, feed_fifo(fifo, big_page()))
    assert (code, lines) == (130, [f"scrapy extract: interrupted; nothing written for {fifo}"])
    assert took < 10
    assert out.read_bytes() == b""  # no half record


def test_fixture_interrupted_while_it_extracts_a_big_page(project, tmp_path):
    fifo = tmp_path / "bigpage.html"
    os.mkfifo(fifo)
    fixtures = tmp_path / "fixtures"
    code, lines, took = interrupt(["fixture", str(fifo), "big", "--dir", str(fixtures), "--url",
                                   "https://x.example/a/"], project, tmp_path / "out.txt",
                                  feed_fifo(fifo, big_page()))
    assert (code, lines) == (130, [f"scrapy fixture: interrupted; nothing saved for {fifo}"])
    assert took < 10
    assert not fixtures.exists()  # no fixture, no half-written one, no folder of one in progress


@pytest.mark.parametrize("command", ["extract", "parse", "fixture"])
def test_a_fetch_from_a_server_that_never_answers_stops_at_the_first_ctrl_c(project, site, tmp_path,
                                                                            command):
    """Scrapy's first Ctrl-C waits for the downloads in progress: this one waited for the 30 s
    download timeout, then said "could not fetch ...: timeout", exit 1."""
    url = site.url("/hang")
    fixtures = tmp_path / "fixtures"
    args = [command, url, *(["hung", "--dir", str(fixtures)] if command == "fixture" else [])]
    before = site.hits["/hang"]
    site.hits["/hang"] = 0  # the module's server: this case waits for its own request
    out = tmp_path / "out.txt"
    try:
        code, lines, took = interrupt(args, project, out, hit(site, "/hang"))
    finally:
        site.hits["/hang"] += before
    said = {"extract": f"interrupted; nothing written for {url}",
            "parse": f"interrupted; {url} was not parsed",
            "fixture": f"interrupted; nothing saved for {url}"}[command]
    assert (code, lines) == (130, [f"scrapy {command}: {said}"])
    assert took < 10
    assert out.read_bytes() == b""
    assert not fixtures.exists()


def test_extract_refuses_a_feed_a_sitemap_and_json_and_reads_xhtml(project, tmp_path):
    """Each printed a junk record and exited 0; an XHTML page (<?xml ...?><html>) is still a page."""
    files = {
        "feed.rss": FEED,
        "sitemap.xml": b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                       b"<url><loc>https://x.example/a</loc></url></urlset>",
        "data.json": b'[{"headline": "F", "url": "https://x.example/a"}]',
        "story.xhtml": ('<?xml version="1.0" encoding="utf-8"?>\n'
                        + article_page("An XHTML story", [LOREM] * 3).replace("<!DOCTYPE html>", "")).encode(),
    }
    arguments = []
    for name, body in files.items():
        (tmp_path / name).write_bytes(body)
        arguments += [str(tmp_path / name)]
    urls = [arg for name in files for arg in ("--url", f"https://x.example/{name}")]
    proc = scrapy(project, "extract", *arguments, *urls)
    assert proc.returncode == 1, proc.stderr
    assert [json.loads(line)["headline"] for line in proc.stdout.splitlines()] == ["An XHTML story"]
    assert [line for line in proc.stderr.splitlines() if line.strip()] == [
        f"scrapy extract: {tmp_path / 'feed.rss'} is an RSS feed, not an HTML page",
        f"scrapy extract: {tmp_path / 'sitemap.xml'} is an XML sitemap, not an HTML page",
        f"scrapy extract: {tmp_path / 'data.json'} is JSON, not an HTML page",
    ]


def test_extract_says_when_a_page_was_too_large_to_read_whole(project, tmp_path):
    """A page whose printed text is over the 5,000,000 characters extraction reads: its record,
    and one line on stderr that its end was not read (it was cut without a word)."""
    wordy = tmp_path / "wordy.html"
    wordy.write_text(article_page("A wordy page", [LOREM] * 3).replace(
        "<header>", "<nav>" + "menu " * 1_100_000 + "</nav><header>"), "utf-8")
    proc = scrapy(project, "extract", str(wordy), "--url", "https://x.example/2024/01/01/wordy",
                  "-s", "DOWNLOAD_MAXSIZE=0")
    assert (f"scrapy extract: {wordy}: page over 5,000,000 characters after scripts and styles: its end was "
            "not read") in proc.stderr.splitlines(), proc.stderr


@pytest.mark.parametrize("command", ["extract", "parse", "fixture"])
def test_a_tag_of_190000_attributes_costs_a_one_page_command_seconds(project, site, command):
    """libxml2 reads one tag's attributes in time quadratic in their number: a page with a tag of
    190,000 held extract, parse and fixture for minutes, in C (Ctrl-C did not stop them). The tag
    keeps its first 256: the page's record comes in seconds, and extract says what was left out."""
    saved = project / "crowded.html"
    saved.write_bytes(CROWDED_TAG_PAGE)
    url = site.url("/crowded-tag")
    args = {"extract": [str(saved), "--url", url], "parse": [url, "-c", "parse_article", "--nocolour"],
            "fixture": [url, "crowded", "--dir", "pages"]}[command]
    proc = scrapy(project, command, *args, timeout=60)  # over four CPU minutes before
    assert proc.returncode == 0, proc.stderr[-3000:]
    if command == "extract":
        assert json.loads(proc.stdout)["headline"] == "Slow"
        assert f"{saved}: a tag with over 256 attributes: those past the first 256 were not read" in proc.stderr
    elif command == "parse":
        assert "'headline': 'Slow'" in proc.stdout
    else:
        assert json.loads((project / "pages" / "crowded" / "expected.json").read_text())["headline"] == "Slow"
