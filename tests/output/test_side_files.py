"""The stats file (written whole at the end) and the log file (appended to) are never another
file of the crawl: a stranger's `NEWSCRAWL_STATS_FILE=.newscrawl/state.sqlite` replaced the
state with stats JSON, `--logfile yesterday.jsonl` appended log lines among yesterday's records,
and the sites, URL and WARC files given as input were replaced, each with exit 0.

Real `scrapy crawl`, `scrapy cron` and `scrapy state` runs in the test's own folder (relative
paths, as the stranger typed them), against an article site on 127.0.0.7."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, run_scrapy
from tests.support.faultserver import FaultServer
from tests.support.redis_fixtures import redis_server, redis_url  # noqa: F401 - pytest fixtures

pytestmark = pytest.mark.timeout(300)

HOST = "127.0.0.7"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0"]
ENV = {"SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
STATE = ".newscrawl/state.sqlite"


def scrapy(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """A scrapy command run in `folder`, with the default state (.newscrawl/state.sqlite there)."""
    return run_scrapy([*args, *FAST], cwd=folder, env=ENV, timeout=150)


def refused(result: subprocess.CompletedProcess, *said: str) -> None:
    """Exit 2 and one line on stderr that says each of `said`; never a traceback."""
    assert result.returncode == 2, result.stderr[-3000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr[-3000:]
    assert all(part in lines[0] for part in said), lines[0]


def contents(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_crawl_refuses_a_stats_or_log_file_that_is_another_of_its_files(tmp_path: Path) -> None:
    with FaultServer(HOST, robots="allow", articles=3) as site:
        url = site.url("/")
        (tmp_path / "sites.toml").write_text(f'[[site]]\nurl = "{url}"\n')
        (tmp_path / "urls.txt").write_text(f"{url}\n")
        (tmp_path / "arts.txt").write_text(f"{url}story-1\n")
        first = scrapy(tmp_path, "crawl", "site", "-a", f"url={url}", "-o", "yesterday.jsonl",
                       "-s", "NEWSCRAWL_ARCHIVE=archive")
        assert first.returncode == 0 and (tmp_path / "yesterday.jsonl").read_bytes(), first.stderr[-3000:]
        (tmp_path / "moved.jsonl").write_bytes((tmp_path / "yesterday.jsonl").read_bytes())
        warc = next((tmp_path / "archive").glob("*.warc.gz")).relative_to(tmp_path)
        before, hits = contents(tmp_path), sum(site.hits.values())
        start = ["-a", f"url={url}"]
        cases = [
            (start, ["-s", f"NEWSCRAWL_STATS_FILE={STATE}"], "is also the state file (NEWSCRAWL_STATE)"),
            (start, ["--logfile", STATE], "is also the state file (NEWSCRAWL_STATE)"),
            (start, ["-s", "NEWSCRAWL_STATS_FILE=yesterday.jsonl"], "is an earlier output of the crawl"),
            (start, ["--logfile", "yesterday.jsonl"], "is an earlier output of the crawl"),
            (start, ["-s", "NEWSCRAWL_STATS_FILE=moved.jsonl"], "records its articles as written"),
            (["-a", "sites=sites.toml"], ["-s", "NEWSCRAWL_STATS_FILE=sites.toml"], "is also the -a sites= file"),
            (["-a", "urls=urls.txt"], ["--logfile", "urls.txt"], "is also the -a urls= file"),
            (["-a", "articles=arts.txt"], ["-s", "NEWSCRAWL_STATS_FILE=arts.txt"], "is also the -a articles= file"),
            (["-a", f"warc={warc}"], ["-s", f"NEWSCRAWL_STATS_FILE={warc}"],
             "is also a WARC file this replay reads (-a warc=)"),
            (["-a", f"warc={warc}"], ["--logfile", str(warc)], "is also a WARC file this replay reads"),
            (start, ["-s", "NEWSCRAWL_ARCHIVE=archive", "--logfile", str(warc)], "is in the archive folder"),
            (start, ["-s", "NEWSCRAWL_STATS_FILE=log.txt", "--logfile", "log.txt"], "is also the log file"),
            (["-a", "url"], ["--logfile", STATE], "is also the state file"),  # an -a Scrapy cannot take
        ]
        for source, given, said in cases:
            result = scrapy(tmp_path, "crawl", "site", *source, "-o", "today.jsonl", *given)
            what = "the log file" if "--logfile" in given else "the stats file"
            refused(result, what, said, "give the")
            assert sum(site.hits.values()) == hits, given  # nothing fetched
            after = contents(tmp_path)
            after.pop("log.txt", None)  # a log file of its own: the refusal is logged there
            assert after == before, given  # nothing written, nothing replaced


def test_without_a_state_a_stats_or_log_file_that_holds_articles_is_refused(tmp_path: Path) -> None:
    """No state remembers the file, but its records are articles: the stats replaced them (and a
    log was appended among them), exit 0. The stats file of an earlier run names none: reused."""
    old = '{"url": "http://127.0.0.7:9/a", "headline": "A", "body": "B"}\n'
    (tmp_path / "yesterday.jsonl").write_text(old)
    with FaultServer(HOST, robots="allow", articles=2) as site:
        stateless = ["crawl", "site", "-a", f"url={site.url('/')}", "-o", "today.jsonl", "-s", "NEWSCRAWL_STATE=off"]
        for given, what in ((["-s", "NEWSCRAWL_STATS_FILE=yesterday.jsonl"], "the stats file"),
                            (["--logfile", "yesterday.jsonl"], "the log file")):
            refused(scrapy(tmp_path, *stateless, *given), what, "is an earlier output of the crawl (it holds articles)")
        assert not site.hits and (tmp_path / "yesterday.jsonl").read_text() == old
        runs = [scrapy(tmp_path, *stateless, "-s", "NEWSCRAWL_STATS_FILE=stats.json") for _ in range(2)]
    assert [run.returncode for run in runs] == [0, 0], runs[1].stderr[-3000:]


def test_an_output_that_is_the_log_file_gets_no_line_of_the_refusal(tmp_path: Path) -> None:
    """The refusal's line went into the log file before logging was set up: into the output."""
    out = tmp_path / "out.jsonl"
    out.write_text('{"url": "http://127.0.0.7:9/a", "headline": "A"}\n')
    result = scrapy(tmp_path, "crawl", "site", "-a", "url=http://127.0.0.7:9/", "-o", "out.jsonl",
                    "--logfile", "out.jsonl", "-s", "NEWSCRAWL_STATE=off")
    refused(result, "-o out.jsonl is also the log file")
    assert out.read_text() == '{"url": "http://127.0.0.7:9/a", "headline": "A"}\n'


def test_cron_refuses_a_stats_or_log_file_that_is_another_of_its_files(tmp_path: Path) -> None:
    with FaultServer(HOST, robots="allow", articles=2) as site:
        start = ["cron", "-a", f"url={site.url('/')}", "--output-dir", "out"]
        first = scrapy(tmp_path, *start)
        assert first.returncode == 0, first.stderr[-3000:]
        articles = next((tmp_path / "out").glob("articles-*.jsonl")).relative_to(tmp_path)
        (tmp_path / "kept.jsonl").write_bytes((tmp_path / articles).read_bytes())
        before, hits = contents(tmp_path), sum(site.hits.values())
        cases = [
            (["-s", f"NEWSCRAWL_STATS_FILE={STATE}"], "is also the state file (NEWSCRAWL_STATE)"),
            (["--logfile", STATE], "is also the state file (NEWSCRAWL_STATE)"),
            (["-s", f"NEWSCRAWL_STATS_FILE={articles}"], "is also a file of a cron run in out"),
            (["--logfile", str(articles)], "is also a file of a cron run in out"),
            (["-s", "NEWSCRAWL_STATS_FILE=kept.jsonl"], "is an earlier output of the crawl"),
            (["-s", "NEWSCRAWL_STATS_FILE=out/cron-status.json"], "is also cron's status file"),
            (["-s", "NEWSCRAWL_STATS_FILE=out/cron.log"], "is also the log file"),
        ]
        for given, said in cases:
            result = scrapy(tmp_path, *start, *given)
            refused(result, "cron: ", said)
            assert sum(site.hits.values()) == hits, given
            assert contents(tmp_path) == before, given


@pytest.mark.parametrize("beside", ["-wal", "-shm", "-journal", ".lock"])
def test_a_state_export_into_a_file_beside_the_state_is_refused(tmp_path: Path, beside: str) -> None:
    """SQLite's journal and cron's lock are the state's too: a JSON export there was written."""
    crawl = scrapy(tmp_path, "crawl", "site", "-a", "url=http://127.0.0.7:9/", "--nolog")
    assert (tmp_path / STATE).is_file(), crawl.stderr[-3000:]
    before = contents(tmp_path)
    result = scrapy(tmp_path, "state", "export", f"{STATE}{beside}")
    refused(result, "is the state itself")
    assert contents(tmp_path) == before


def test_the_files_beside_a_linked_state_are_beside_the_file_it_links_to(tmp_path: Path) -> None:
    """SQLite keeps -wal and -shm beside the file a link to the state names, and cron its lock:
    given NEWSCRAWL_STATE=link.sqlite, an output, a log file or an export there was written."""
    crawl = scrapy(tmp_path, "crawl", "site", "-a", "url=http://127.0.0.7:9/", "--nolog")
    assert (tmp_path / STATE).is_file(), crawl.stderr[-3000:]
    (tmp_path / "link.sqlite").symlink_to(STATE)
    linked = ["-s", "NEWSCRAWL_STATE=link.sqlite"]
    before = contents(tmp_path)
    start = ["crawl", "site", "-a", "url=http://127.0.0.7:9/", *linked]
    for args, said in [([*start, "-O", f"{STATE}-wal"], "is also the state file (NEWSCRAWL_STATE)"),
                       ([*start, "-o", "out.jsonl", "--logfile", f"{STATE}.lock"],
                        "is also the state file (NEWSCRAWL_STATE)"),
                       (["state", "export", f"{STATE}-shm", *linked], "is the state itself")]:
        refused(scrapy(tmp_path, *args), said)
        assert contents(tmp_path) == before, args


def test_the_outputs_of_a_run_are_read_as_the_output_checks_read_them() -> None:
    """One reading of an output's path (guard.output_path): a file:// URI is its path, standard
    output and a remote URI are no file, and a name the output checks refuse is skipped here."""
    from scrapy.settings import Settings

    from newscrawl.output.guard import feed_targets
    from newscrawl.output.side_files import run_outputs

    local = {"a.jsonl": {}, "file:///tmp/b.jsonl": {}, "articles-2026-12-06T01:15.jsonl": {}, "stdout:": {}}
    settings = Settings({"FEEDS": local})
    assert run_outputs(settings) == [target.path for target in feed_targets(settings) if target.path]
    assert run_outputs(settings) == [Path("a.jsonl"), Path("/tmp/b.jsonl"), Path("articles-2026-12-06T01:15.jsonl")]
    refused_later = Settings({"FEEDS": {**local, "s3://bucket/c.jsonl": {}, "out/": {}, " d.jsonl": {}}})
    assert run_outputs(refused_later) == run_outputs(settings)


def test_a_refused_log_file_is_named_as_it_was_given(tmp_path: Path) -> None:
    """The refusal said "(--logfile)" of a log file given as -s LOG_FILE= too, or one that is
    cron's own cron.log: it names the way the log file was given."""
    from scrapy.settings import Settings

    from newscrawl.output.side_files import side_file_clash

    (tmp_path / "urls.txt").write_text("http://127.0.0.7:9/\n")
    crawl = ["crawl", "site", "-a", "urls=urls.txt", "-o", "today.jsonl"]
    for given, said in ((["--logfile", "urls.txt"], "(--logfile)"), (["-s", "LOG_FILE=urls.txt"], "(-s LOG_FILE)")):
        refused(scrapy(tmp_path, *crawl, *given), f"the log file urls.txt {said} is also the -a urls= file")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "cron.log").write_text('[sites.a]\nurl = "http://127.0.0.7:9/"\n')
    result = scrapy(tmp_path, "cron", "-a", "sites=out/cron.log", "--output-dir", "out", "-s", "LOG_FILE=x.log")
    refused(result, "cron: ", "the log file out/cron.log (cron.log in --output-dir) is also the -a sites= file")
    urls = str(tmp_path / "urls.txt")
    in_the_settings = side_file_clash(Settings({"LOG_FILE": urls}), {"urls": urls})
    assert in_the_settings is not None and f"the log file {urls} (LOG_FILE) is also" in in_the_settings[1]
    assert "--logfile" not in in_the_settings[1]


def test_a_crawl_refuses_a_pid_or_profile_file_that_is_another_of_its_files(tmp_path: Path) -> None:
    """Scrapy wrote --pidfile before anything was checked (an output's articles, or the state,
    replaced by the PID) and --profile after the run (replaced by cProfile's statistics, exit 0)."""
    with FaultServer(HOST, robots="allow", articles=3) as site:
        start = ["crawl", "site", "-a", f"url={site.url('/')}"]
        first = scrapy(tmp_path, *start, "-o", "yesterday.jsonl", "--pidfile", "run.pid", "--profile", "run.prof")
        assert first.returncode == 0 and (tmp_path / "yesterday.jsonl").read_bytes(), first.stderr[-3000:]
        assert (tmp_path / "run.pid").read_text().strip().isdigit() and (tmp_path / "run.prof").stat().st_size
        before, hits = contents(tmp_path), sum(site.hits.values())
        cases = [
            (["-o", "yesterday.jsonl", "--pidfile", "yesterday.jsonl"], "the pid file", "is also the output yesterday.jsonl"),
            (["-O", "today.jsonl", "--profile", "today.jsonl"], "the profile file", "is also the output today.jsonl"),
            (["-o", "today.jsonl", "--pidfile", STATE], "the pid file", "is also the state file (NEWSCRAWL_STATE)"),
            (["-O", "today.jsonl", "--profile", STATE], "the profile file", "is also the state file"),
            (["-O", "today.jsonl", "--profile", "yesterday.jsonl"], "the profile file", "is an earlier output"),
            (["-o", "today.jsonl", "--pidfile", "yesterday.jsonl", "-s", "NEWSCRAWL_STATE=off"], "the pid file",
             "is an earlier output of the crawl (it holds articles)"),
            (["-o", "today.jsonl", "--pidfile", "log.txt", "--logfile", "log.txt"], "the pid file", "is also the log file"),
        ]
        for given, what, said in cases:
            refused(scrapy(tmp_path, *start, *given), what, said, "give --p")
            assert sum(site.hits.values()) == hits, given  # nothing fetched
            after = contents(tmp_path)
            after.pop("log.txt", None)  # a log file of its own: the refusal is logged there
            assert after == before, given  # nothing written, nothing replaced


def test_cron_refuses_a_pid_or_profile_file_that_is_another_of_its_files(tmp_path: Path) -> None:
    with FaultServer(HOST, robots="allow", articles=2) as site:
        start = ["cron", "-a", f"url={site.url('/')}", "--output-dir", "out"]
        first = scrapy(tmp_path, *start, "--pidfile", "cron.pid")
        assert first.returncode == 0 and (tmp_path / "cron.pid").read_text().strip().isdigit(), first.stderr[-3000:]
        articles = next((tmp_path / "out").glob("articles-*.jsonl")).relative_to(tmp_path)
        before, hits = contents(tmp_path), sum(site.hits.values())
        cases = [
            (["--pidfile", STATE], "is also the state file (NEWSCRAWL_STATE)"),
            (["--profile", STATE], "is also the state file (NEWSCRAWL_STATE)"),
            (["--pidfile", str(articles)], "is also a file of a cron run in out"),
            (["--profile", "out/cron-status.json"], "is also cron's status file"),
            (["--pidfile", "out/cron.log"], "is also the log file"),
        ]
        for given, said in cases:
            refused(scrapy(tmp_path, *start, *given), "cron: ", said)
            assert sum(site.hits.values()) == hits, given
            assert contents(tmp_path) == before, given


@pytest.mark.parametrize("command", [["state", "info"], ["seed"], ["extract", "page.html"],
                                     ["fixture", "http://127.0.0.7:9/", "name"], ["parse", "http://127.0.0.7:9/"]])
def test_a_tool_command_refuses_a_pid_or_profile_file_that_is_the_state_or_an_output(
        tmp_path: Path, command: list[str]) -> None:
    """`state info --pidfile .newscrawl/state.sqlite` replaced the state with the PID (exit 0)."""
    crawl = scrapy(tmp_path, "crawl", "site", "-a", "url=http://127.0.0.7:9/", "--nolog")
    assert (tmp_path / STATE).is_file(), crawl.stderr[-3000:]
    (tmp_path / "out.jsonl").write_text('{"url": "http://127.0.0.7:9/a", "headline": "A", "body": "B"}\n')
    before = contents(tmp_path)
    for given, said in ((["--pidfile", STATE], "the pid file .newscrawl/state.sqlite (--pidfile) is also the state"),
                        (["--profile", f"{STATE}-wal"], "the profile file"),
                        (["--profile", "out.jsonl"], "is an earlier output of the crawl")):
        refused(scrapy(tmp_path, *command, *given), said, "give --p")
        assert contents(tmp_path) == before, given
    run = scrapy(tmp_path, "state", "info", "--pidfile", "run.pid")
    assert run.returncode == 0 and (tmp_path / "run.pid").read_text().strip().isdigit(), run.stderr[-3000:]


def test_an_earlier_output_is_known_to_a_redis_state_as_to_a_sqlite_one(tmp_path: Path, redis_url: str) -> None:  # noqa: F811
    """The stats or log file named as an earlier output whose records name no URL (fields that
    leave url out): the SQLite state knows the file it wrote and refuses; with REDIS_URL the
    state was not asked, the records were not taken for articles, and the stats replaced them
    (exit 0: the articles lost for good)."""
    with FaultServer(HOST, robots="allow", articles=2) as site:
        start = ["crawl", "site", "-a", f"url={site.url('/')}"]
        redis = ["-s", f"REDIS_URL={redis_url}", "-s", "MAX_IDLE_TIME_BEFORE_CLOSE=1"]
        for backend, earlier in ((redis, "redis.jsonl"), ([], "sqlite.jsonl")):
            first = scrapy(tmp_path, *start, "-o", earlier, *backend, "-s", "FEED_EXPORT_FIELDS=headline,body")
            assert first.returncode == 0, first.stderr[-3000:]
            before, hits = (tmp_path / earlier).read_bytes(), sum(site.hits.values())
            assert before.count(b"\n") == 2 and b'"url"' not in before
            for given, what in ((["-s", f"NEWSCRAWL_STATS_FILE={earlier}"], "the stats file"),
                                (["--logfile", earlier], "the log file")):
                result = scrapy(tmp_path, *start, "-o", "today.jsonl", *backend, *given)
                refused(result, what, "is an earlier output of the crawl (the state ", "remembers writing it")
                assert (tmp_path / earlier).read_bytes() == before and sum(site.hits.values()) == hits
