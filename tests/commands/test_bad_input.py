"""Bad user input: one clear error line and a non-zero exit, never a wall of traceback.
Real `scrapy crawl` runs; nothing is crawled (the URLs point at a closed port on 127.0.0.5)."""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from newscrawl.commands.crawl import check_settings
from tests.conftest import REPO, run_scrapy
from tests.support.faultserver import FaultServer
from tests.support.redis_fixtures import redis_server, redis_url  # noqa: F401 - pytest fixtures
from tests.support.settings_checks import assert_one_problem, cmdline

pytestmark = pytest.mark.timeout(120)

URL = "http://127.0.0.5:9/"


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "] ERROR:" in line or "] CRITICAL:" in line]


BAD_ARGUMENTS = {
    "bad url": (["site", "-a", "url=notaurl"], "not an http(s) URL: 'notaurl'"),
    "unknown profile": (["site", "-a", f"url={URL}", "-a", "profile=nosuch"],
                        "unknown profile 'nosuch'; known profiles:"),
}
SITES_FILES = {  # TOML syntax, and a bad value: the error names the line
    "syntax": ('[sites.example\nurl = "https://example.com/"\n', "sites.toml:1"),
    "value": ('[sites.example]\nurl = "https://example.com/"\n\n[sites.other]\nurl = 42\n', "sites.toml:5"),
}
BAD_SETTINGS = ["DOWNLOAD_TIMEOUT=soon", "CONCURRENT_REQUESTS=0", "ROBOTSTXT_OBEY=maybe", "LOG_LEVEL=LOUD",
                "NEWSCRAWL_PROTECTED_NETWORKS=10.0.0.0/33", "NEWSCRAWL_MIN_BODY_CHARS=-5"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess, Path]]:
    """Every bad-input crawl of this module, run three at a time (each one only starts Scrapy)."""
    jobs: dict[str, tuple[list[str], Path]] = {}
    for name, (args, _) in BAD_ARGUMENTS.items():
        jobs[name] = (args, tmp_path_factory.mktemp("bad"))
    for name, (content, _) in SITES_FILES.items():
        folder = tmp_path_factory.mktemp("sites")
        (folder / "sites.toml").write_text(content, "utf-8")
        jobs[f"sites {name}"] = (["site", "-a", f"sites={folder / 'sites.toml'}"], folder)
    folder = tmp_path_factory.mktemp("settings")
    jobs["settings"] = (["site", "-a", f"url={URL}", *[x for v in BAD_SETTINGS for x in ("-s", v)]], folder)

    def run(job: tuple[list[str], Path]) -> tuple[subprocess.CompletedProcess, Path]:
        args, folder = job
        return run_scrapy(["crawl", *args, "-s", f"NEWSCRAWL_STATE={folder / 'state.sqlite'}"], timeout=90), folder

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(jobs, pool.map(run, jobs.values()), strict=True))


@pytest.mark.parametrize("name", BAD_ARGUMENTS)
def test_bad_arguments(runs, name: str) -> None:
    result, _ = runs[name]
    assert result.returncode == 2
    errors = error_lines(result.stderr)
    assert len(errors) == 1 and BAD_ARGUMENTS[name][1] in errors[0], errors
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", SITES_FILES)
def test_a_malformed_sites_file_names_the_line(runs, name: str) -> None:
    result, _ = runs[f"sites {name}"]
    assert result.returncode == 2
    errors = error_lines(result.stderr)
    assert len(errors) == 1 and SITES_FILES[name][1] in errors[0], errors
    assert "Traceback" not in result.stderr


def test_invalid_setting_values_are_each_one_line(runs) -> None:
    result, folder = runs["settings"]
    assert result.returncode == 2
    errors = error_lines(result.stderr)
    assert len(errors) == len(BAD_SETTINGS), errors
    for value in BAD_SETTINGS:
        name = value.split("=")[0]
        assert sum(name + "=" in line or name + ":" in line for line in errors) == 1, name
    assert "Traceback" not in result.stderr
    assert not (folder / "state.sqlite").exists()  # stopped before anything was opened


@pytest.mark.parametrize(("values", "problem"), [
    ({"DOWNLOAD_TIMEOUT": "2.5", "RETRY_TIMES": "0", "ROBOTSTXT_OBEY": "False"}, None),
    ({"DOWNLOAD_TIMEOUT": "abc"}, "DOWNLOAD_TIMEOUT='abc': expected a number of seconds"),
    # the unit state prune and -a since= take: the message gives the seconds it means
    ({"NEWSCRAWL_STATE_MAX_AGE": "90d"}, "NEWSCRAWL_STATE_MAX_AGE='90d': expected a number of seconds (90d is 7776000)"),
    ({"DOWNLOAD_TIMEOUT": "0"}, "must be at least"),
    ({"RETRY_TIMES": "-1"}, "RETRY_TIMES='-1': must be at least 0"),
    ({"AUTOTHROTTLE_ENABLED": "yes please"}, "expected true or false"),
    ({"RETRY_HTTP_CODES": "500,503"}, None),
    ({"DOWNLOAD_MAXSIZE": "10MB"}, "DOWNLOAD_MAXSIZE='10MB': expected a whole number"),
    ({"NEWSCRAWL_PROTECTED_NETWORKS": ""}, None),  # empty: the check is off
    ({"NEWSCRAWL_PROTECTED_NETWORKS": "10.0.0.0/8,nonsense"}, "'nonsense' is not a network"),
    ({"NEWSCRAWL_STATE": "/tmp/anything.sqlite"}, None),
    # a setting read as a whole number failed only once the crawl ran: "1.5" exited 0 with tracebacks
    ({"NEWSCRAWL_MAX_PAGE_NUMBER": "1.5"}, "NEWSCRAWL_MAX_PAGE_NUMBER='1.5': expected a whole number"),
    ({"RETRY_TIMES": "2.0"}, "RETRY_TIMES='2.0': expected a whole number"),
    ({"DOWNLOAD_MAXSIZE": "1.5"}, "DOWNLOAD_MAXSIZE='1.5': expected a whole number"),
    ({"NEWSCRAWL_MAX_PAGE_NUMBER": "3", "DOWNLOAD_TIMEOUT": "1.5"}, None),
    # 0 is "no limit", as docs/configuration.md says (it was refused as under 0.001)
    ({"NEWSCRAWL_EXTRACT_TIMEOUT": "0"}, None),
    ({"NEWSCRAWL_EXTRACT_TIMEOUT": "inf"}, "NEWSCRAWL_EXTRACT_TIMEOUT='inf': expected a finite number"),
    ({"DOWNLOAD_DELAY": "nan"}, "DOWNLOAD_DELAY='nan': expected a finite number"),
    ({"NEWSCRAWL_EXTRACT_TIMEOUT": "-3"}, "NEWSCRAWL_EXTRACT_TIMEOUT='-3': must be at least 0"),
    # past these, timers and dates overflowed once the crawl ran: tracebacks, a "stopped" no one asked for
    ({"NEWSCRAWL_EXTRACT_TIMEOUT": "100000000"}, "NEWSCRAWL_EXTRACT_TIMEOUT='100000000': must be at most 86400 seconds"),
    ({"DOWNLOAD_DELAY": "1e300"}, "DOWNLOAD_DELAY='1e300': must be at most 86400 seconds"),
    ({"NEWSCRAWL_STATE_MAX_AGE": "99999999999"}, "must be at most 3153600000 seconds"),
    ({"NEWSCRAWL_STATE_MAX_AGE": "3000000000", "NEWSCRAWL_EXTRACT_TIMEOUT": "86400"}, None),
    # scrapy-redis's names for the server made no crawl distributed, and said nothing
    ({"REDIS_DB": "3"}, "REDIS_DB='3': distributed mode is set with REDIS_URL "
                        "(e.g. -s REDIS_URL=redis://localhost:6379/3)"),
    ({"REDIS_PARAMS": '{"host": "10.0.0.7", "password": "x"}'},
     "REDIS_PARAMS: distributed mode is set with REDIS_URL (e.g. -s REDIS_URL=redis://:PASSWORD@10.0.0.7:6379/0)"),
    ({"REDIS_PARAMS": "{}"}, None),
    # beside REDIS_URL they were ignored (the URL wins), or REDIS_DB split the queue from the state
    ({"REDIS_URL": "redis://:secret@10.0.0.7:6379", "REDIS_DB": "3"},
     "invalid setting REDIS_DB='3': REDIS_URL='redis://***@10.0.0.7:6379' names the Redis server; "
     "give its host, port and database there only"),
    ({"REDIS_URL": "redis://10.0.0.7:6379/0", "REDIS_PARAMS": '{"port": 7000, "socket_timeout": 5}'},
     "invalid setting REDIS_PARAMS (port): REDIS_URL="),
    ({"REDIS_URL": "redis://10.0.0.7:6379/0", "REDIS_PARAMS": '{"socket_timeout": 5}'}, None),
    # client options redis-py cannot take: a traceback once the first command ran (exit 1)
    ({"REDIS_URL": "redis://10.0.0.7:6379/0", "REDIS_PARAMS": '{"socket_timout": 5}'},
     "invalid setting REDIS_PARAMS: redis-py takes no client option 'socket_timout': did you mean socket_timeout?"),
    ({"REDIS_URL": "redis://10.0.0.7:6379/0", "REDIS_PARAMS": '{"socket_timeout": "5s"}'},
     "invalid setting REDIS_PARAMS: socket_timeout='5s' must be a number of seconds"),
    ({"REDIS_URL": "redis://10.0.0.7:6379/0", "REDIS_PARAMS": '{"health_check_interval": -1}'},
     "invalid setting REDIS_PARAMS: health_check_interval=-1 must be a number of seconds"),
    ({"REDIS_URL": "redis://10.0.0.7:6379/0", "REDIS_PARAMS": '{"socket_connect_timeout": null, "password": "x"}'},
     None),
    # switched off, every run wrote every article again (the state recorded none), or wrote nothing
    ({"EXTENSIONS": '{"newscrawl.output.recorder.StateRecorder": null}'},
     "invalid setting EXTENSIONS: it switches off newscrawl.output.recorder.StateRecorder, which records each "
     "article written in the state"),
    ({"EXTENSIONS_BASE": "{}"}, "invalid setting EXTENSIONS_BASE: it switches off newscrawl.output.recorder"),
    ({"EXTENSIONS": '{"scrapy.extensions.feedexport.FeedExporter": null}'},
     "switches off scrapy.extensions.feedexport.FeedExporter, which writes the -o/-O outputs"),
    ({"EXTENSIONS": '{"newscrawl.ops.summary.PageCount": null, "scrapy.extensions.logstats.LogStats": null}'}, None),
    # an output encoding: any spelling of UTF-8; any other stopped the crawl at its first
    # article holding a character outside it, with a traceback, or (UTF-16, UTF-8 with a BOM)
    # opened every line with a byte-order mark
    ({"FEED_EXPORT_ENCODING": "UTF8"}, None),
    ({"FEED_EXPORT_ENCODING": "utf_16"}, "FEED_EXPORT_ENCODING='utf_16': utf-16 puts a byte-order mark"),
    ({"FEED_EXPORT_ENCODING": "utf-8-sig"}, "utf-8-sig puts a byte-order mark before every record"),
    ({"FEED_EXPORT_ENCODING": "latin-1"}, "FEED_EXPORT_ENCODING='latin-1': it cannot write every character"),
    ({"FEED_EXPORT_ENCODING": ""}, "FEED_EXPORT_ENCODING='': no such encoding: use utf-8, or leave it unset"),
    ({"FEEDS": '{"o.jsonl": {"format": "jsonlines", "encoding": "cp1252"}}'},
     "invalid setting FEEDS: the encoding 'cp1252' of the output o.jsonl: it cannot write every character"),
    ({"FEEDS": '{"o.jsonl": {"format": "jsonlines", "encoding": null}}'}, None),
    # settings with no default, read only by the code (newscrawl's, scrapy-redis's): a traceback
    # once read, or exit 1 with "state ... cannot be used (Supported values for boolean settings ...)"
    ({"NEWSCRAWL_STATE_CHECK": "abc"}, "invalid setting NEWSCRAWL_STATE_CHECK='abc': expected true or false"),
    ({"NEWSCRAWL_STATE_CHECK": "False"}, None),
    ({"SCHEDULER_FLUSH_ON_START": "abc"}, "invalid setting SCHEDULER_FLUSH_ON_START='abc': expected true or false"),
    ({"NEWSCRAWL_SHARED_DOWNLOAD_DELAY": "abc"},
     "invalid setting NEWSCRAWL_SHARED_DOWNLOAD_DELAY='abc': expected a number of seconds"),
    ({"NEWSCRAWL_SHARED_DOWNLOAD_DELAY": "-1"}, "NEWSCRAWL_SHARED_DOWNLOAD_DELAY='-1': must be at least 0"),
    ({"NEWSCRAWL_REDIS_MAX_IN_PROGRESS": "many"}, "NEWSCRAWL_REDIS_MAX_IN_PROGRESS='many': expected a whole number"),
    ({"PERIODIC_LOG_STATS": "True"}, None),  # read as true or false and as a JSON object: both taken
    # lists of status codes: "invalid literal for int() with base 10: 'abc'", naming no setting
    ({"RETRY_HTTP_CODES": "abc"},
     "invalid setting RETRY_HTTP_CODES='abc': expected a list of HTTP status codes, such as 500,503"),
    ({"HTTPERROR_ALLOWED_CODES": "404,gone"}, "invalid setting HTTPERROR_ALLOWED_CODES='404,gone': expected a list"),
    ({"HTTPCACHE_IGNORE_HTTP_CODES": "5"}, "HTTPCACHE_IGNORE_HTTP_CODES='5': expected a list of HTTP status codes"),
    ({"HTTPERROR_ALLOWED_CODES": "404, 410", "RETRY_HTTP_CODES": ""}, None),
])
def test_setting_checks(values: dict, problem: str | None) -> None:
    assert_one_problem(values, problem)


TYPED_READ = re.compile(r"""\.get(bool|int|float)\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def test_every_setting_newscrawl_reads_as_a_bool_or_number_is_checked() -> None:
    """Each setting newscrawl's code reads with getbool, getint or getfloat is refused in one line
    naming it when given a word: NEWSCRAWL_STATE_CHECK=abc was a traceback (no default, so
    nothing knew its type)."""
    read = {name: kind for path in (REPO / "newscrawl").rglob("*.py")
            for kind, name in TYPED_READ.findall(path.read_text("utf-8"))}
    assert {"NEWSCRAWL_STATE_CHECK", "NEWSCRAWL_SHARED_DOWNLOAD_DELAY", "SCHEDULER_FLUSH_ON_START"} <= set(read)
    expected = {"bool": "true or false", "int": "a whole number", "float": "a number"}
    for name, kind in read.items():
        problems = check_settings(cmdline(**{name: "abc"}))
        assert len(problems) == 1 and problems[0].startswith(
            f"invalid setting {name}='abc': expected {expected[kind]}"), (name, problems)


@pytest.mark.parametrize("command", [["state", "info"], ["parse", URL], ["fixture", URL, "story"],
                                     ["seed", "-s", "REDIS_URL=redis://127.0.0.5:9/0", URL]])
@pytest.mark.parametrize(("setting", "said"), [
    ("NEWSCRAWL_STAT=x", "unknown setting NEWSCRAWL_STAT: did you mean NEWSCRAWL_STATE?"),
    ("DOWNLOAD_DELAY=fast", "invalid setting DOWNLOAD_DELAY='fast': expected a number of seconds"),
    ("=5", "invalid -s value: a setting needs a name (-s NAME=VALUE)"),  # was a warning on "setting  ", exit 0
])
def test_every_command_checks_its_settings_as_crawl_does(tmp_path: Path, command: list[str], setting: str,
                                                         said: str) -> None:
    """A misspelt or mistyped -s is one line and exit 2 before anything runs, whatever the command."""
    proc = run_scrapy([*command, "-s", setting, "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}"],
                      timeout=90)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.strip().splitlines() == [f"scrapy {command[0]}: {said} (newscrawl's settings are listed in "
                                                "docs/configuration.md)" if "unknown" in said
                                                else f"scrapy {command[0]}: {said}"]
    assert list(tmp_path.iterdir()) == []  # no state, no fixture, nothing fetched into a file


@pytest.mark.parametrize("command", [
    ["state", "info"], ["state", "export", "-"], ["state", "prune", "1d"], ["cron", "-a", f"url={URL}", "--output-dir", "CRON"],
    ["crawl", "site", "-a", f"url={URL}", "-o", "OUT"], ["extract", str(Path(__file__).resolve())],
    ["fixture", URL, "story"], ["parse", URL]])
def test_a_bool_setting_without_a_default_is_checked_by_every_command(tmp_path: Path, command: list[str]) -> None:
    """-s NEWSCRAWL_STATE_CHECK=abc: a traceback (state, cron), exit 1 with "state ... cannot be
    used (Supported values for boolean settings ...). Free space if the disk is full" (crawl), or
    taken without a word (extract, fixture). Now one line and exit 2, before the state is read."""
    state = tmp_path / "state.sqlite"
    run_scrapy(["crawl", "site", "-a", f"url={URL}", "-s", f"NEWSCRAWL_STATE={state}", "-s", "RETRY_TIMES=0",
                "-s", "ROBOTSTXT_OBEY=False"], timeout=90)  # a state of nothing, for state info to read
    assert state.exists()
    paths = {"OUT": str(tmp_path / "out.jsonl"), "CRON": str(tmp_path / "cron")}
    proc = run_scrapy([*(paths.get(arg, arg) for arg in command), "-s", "NEWSCRAWL_STATE_CHECK=abc",
                       "-s", f"NEWSCRAWL_STATE={state}"], timeout=90)
    said = "invalid setting NEWSCRAWL_STATE_CHECK='abc': expected true or false"
    assert proc.returncode == 2, proc.stderr[-2000:]
    if command[0] == "crawl":
        assert [line.split("ERROR: ", 1)[1] for line in error_lines(proc.stderr)] == [said]
        assert "Traceback" not in proc.stderr
    else:
        assert proc.stderr.strip().splitlines() == [f"scrapy {command[0]}: {said}"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["state.sqlite"]  # no output, fixture, cron folder


@pytest.mark.parametrize("command", [["state", "info"], ["fixture", URL, "story"],
                                     ["extract", str(Path(__file__).resolve())]])
def test_every_command_warns_of_a_setting_nothing_reads(tmp_path: Path, command: list[str]) -> None:
    """Before: only crawl said so; `extract -s FOO_BAR=1` ran without a word (a stranger). The
    command goes on: a name no one reads is not an error (a project's own code may read it)."""
    proc = run_scrapy([*command, "-s", "FOO_BAR=1", "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}"],
                      timeout=90)
    said = [line for line in proc.stderr.splitlines() if "FOO_BAR" in line]
    assert said == [f"scrapy {command[0]}: warning: setting FOO_BAR is read by neither Scrapy, newscrawl nor "
                    "an installed Scrapy extension: it does nothing unless your own code reads it"], proc.stderr


@pytest.fixture(scope="module")
def news_site():
    with FaultServer("127.0.0.1", robots="allow", articles=3) as server:
        yield server


@pytest.mark.parametrize("command", ["crawl", "cron", "seed"])
def test_scrapy_redis_server_settings_without_redis_url_are_refused(tmp_path: Path, redis_url: str,  # noqa: F811
                                                                    news_site: FaultServer, command: str) -> None:
    """-s REDIS_HOST/REDIS_PORT (scrapy-redis's names) ran a plain single-machine crawl with no
    word, exit 0: two machines would each write every article. Now: exit 2, the fix named, and
    nothing opened, fetched or queued."""
    import redis

    port = redis_url.rsplit(":", 1)[1].split("/")[0]
    start = news_site.url("/")
    given = ["-s", "REDIS_HOST=127.0.0.1", "-s", f"REDIS_PORT={port}", "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}"]
    args = {"crawl": ["crawl", "site", "-a", f"url={start}", "-O", str(tmp_path / "out.jsonl")],
            "cron": ["cron", "-a", f"url={start}", "--output-dir", str(tmp_path / "cron")],
            "seed": ["seed", start]}[command]
    proc = run_scrapy([*args, *given], timeout=90)
    assert proc.returncode == 2, proc.stderr[-2000:]
    fix = f"distributed mode is set with REDIS_URL (e.g. -s REDIS_URL=redis://127.0.0.1:{port}/0)"
    if command == "crawl":  # one line per bad value, as for any -s
        assert error_lines(proc.stderr) == [
            line for line in proc.stderr.splitlines() if line.strip() and "Traceback" not in line]
        assert [line.split("ERROR: ", 1)[1] for line in error_lines(proc.stderr)] == [
            f"invalid setting REDIS_HOST='127.0.0.1': {fix}", f"invalid setting REDIS_PORT='{port}': {fix}"]
    else:
        assert proc.stderr.strip().splitlines() == [f"scrapy {command}: invalid setting REDIS_HOST='127.0.0.1': {fix}"]
    assert list(tmp_path.iterdir()) == []  # no output, no state, no cron folder
    assert news_site.hits == {} and redis.Redis.from_url(redis_url).dbsize() == 0


@pytest.mark.parametrize(("setting", "said"), [
    # "ERROR: the crawl failed: RuntimeError('Engine slot not assigned')" and two tracebacks, exit 1
    ("SCHEDULER_FLUSH_ON_START=abc", "invalid setting SCHEDULER_FLUSH_ON_START='abc': expected true or false"),
    # "ERROR: could not convert string to float: 'abc'", naming no setting
    ("NEWSCRAWL_SHARED_DOWNLOAD_DELAY=abc",
     "invalid setting NEWSCRAWL_SHARED_DOWNLOAD_DELAY='abc': expected a number of seconds"),
    # "ERROR: invalid literal for int() with base 10: 'abc'"
    ("RETRY_HTTP_CODES=abc", "invalid setting RETRY_HTTP_CODES='abc': expected a list of HTTP status codes, "
                             "such as 500,503"),
    ("HTTPERROR_ALLOWED_CODES=abc", "invalid setting HTTPERROR_ALLOWED_CODES='abc': expected a list of HTTP "
                                    "status codes, such as 500,503"),
])
def test_a_setting_read_once_the_crawl_runs_is_named_before_anything_starts(
        tmp_path: Path, redis_url: str, news_site: FaultServer, setting: str, said: str) -> None:  # noqa: F811
    """Settings read only once a distributed worker runs: one line naming the setting, exit 2,
    nothing fetched, written or taken from the shared crawl."""
    import redis

    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    hits = dict(news_site.hits)
    proc = run_scrapy(["crawl", "site", "-a", f"url={news_site.url('/')}", "-o", str(tmp_path / "out.jsonl"),
                       "-s", f"REDIS_URL={redis_url}", "-s", setting], timeout=90)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert [line.split("ERROR: ", 1)[1] for line in error_lines(proc.stderr)] == [said]
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == [] and server.dbsize() == 0 and news_site.hits == hits


@pytest.mark.parametrize(("option", "what"), [("--pidfile", "pid"), ("--profile", "profile")])
def test_a_pid_or_profile_file_that_cannot_be_written_stops_the_crawl_before_it_starts(
        tmp_path: Path, option: str, what: str) -> None:
    """Scrapy's --pidfile failed with a traceback, and --profile with one after the whole crawl."""
    afile = tmp_path / "afile"
    afile.write_text("", "utf-8")
    out = tmp_path / "out.jsonl"
    proc = run_scrapy(["crawl", "site", "-a", f"url={URL}", "-O", str(out), option, str(afile / "x"),
                       "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}"], timeout=90)
    assert proc.returncode == 1, proc.stderr[-2000:]
    errors = error_lines(proc.stderr)
    assert len(errors) == 1, proc.stderr[-2000:]
    assert errors[0].endswith(f"cannot write the {what} file {afile / 'x'}: {afile} is a file, not a folder")
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]  # no output, no state: nothing ran


def test_a_themes_name_given_to_scrapys_profile_option_is_refused(tmp_path: Path) -> None:
    """`--profile jannah` wrote cProfile's statistics to a file named jannah and forced no theme."""
    proc = run_scrapy(["crawl", "site", "-a", f"url={URL}", "-O", str(tmp_path / "out.jsonl"),
                       "--profile", "jannah", "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}"],
                      timeout=90)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert [line.split("ERROR: ", 1)[1] for line in error_lines(proc.stderr)] == [
        "--profile jannah would write Scrapy's cProfile statistics to a file named jannah; to force "
        "the theme profile jannah, use -a profile=jannah"]
    assert list(tmp_path.iterdir()) == [] and not (REPO / "jannah").exists()


def test_a_log_file_that_fails_during_the_crawl_is_one_line(tmp_path: Path) -> None:
    """/dev/full opens, and every write fails, as a disk that fills up during the crawl: it said
    `--- Logging error ---` with a traceback for every record, and one more at the end."""
    proc = run_scrapy(["crawl", "site", "-a", f"url={URL}", "--logfile", "/dev/full",
                       "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}"], timeout=90)
    assert proc.returncode == 1
    errors = error_lines(proc.stderr)
    assert errors[0].endswith("cannot write the log file /dev/full: No space left on device; the rest "
                              "of the log is lost"), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "Logging error" not in proc.stderr


def test_a_download_delay_of_minutes_is_a_warning_that_a_stop_waits_for_it() -> None:
    """DOWNLOAD_DELAY=300 (meant as milliseconds): the first Ctrl-C then waited minutes, unannounced."""
    from newscrawl.commands.crawl import setting_warnings

    assert setting_warnings(cmdline(DOWNLOAD_DELAY="300")) == [
        "DOWNLOAD_DELAY=300 is seconds between two requests to a site (5 minutes); a stop waits for the "
        "requests queued behind it (Ctrl-C twice stops at once)"]
    assert setting_warnings(cmdline(DOWNLOAD_DELAY="86400"))[0].startswith(
        "DOWNLOAD_DELAY=86400 is seconds between two requests to a site (24 hours)")
    assert setting_warnings(cmdline(DOWNLOAD_DELAY="2.5")) == []



@pytest.mark.parametrize(("given", "said"), [
    (["-s", "FEED_EXPORT_ENCODING=latin-9x"],
     "invalid setting FEED_EXPORT_ENCODING='latin-9x': no such encoding: use utf-8, or leave it unset"),
    (["-s", "FEED_EXPORT_ENCODING=ascii"],
     "invalid setting FEED_EXPORT_ENCODING='ascii': it cannot write every character an article may hold, "
     "and the first article holding one outside it would stop the crawl: use utf-8, or leave it unset"),
    (["-s", 'FEEDS={"OUT": {"format": "jsonlines", "encoding": "latin-1"}}'],
     "invalid setting FEEDS: the encoding 'latin-1' of the output OUT: it cannot write every character an "
     "article may hold, and the first article holding one outside it would stop the crawl: use utf-8, or "
     "leave the option out (FEED_EXPORT_ENCODING applies)"),
])
def test_an_output_encoding_that_cannot_write_every_article_is_refused_before_the_crawl(
        tmp_path: Path, news_site: FaultServer, given: list[str], said: str) -> None:
    """An unknown codec, or one without "é" (ascii, latin-1 for a Cyrillic page): Scrapy's
    traceback once the first article was written, exit 1 (output_error). Now one line, exit 2,
    and nothing fetched."""
    path = "/charset/latin1-labelled-utf8"  # "Café crème à la française"
    page = news_site.url(path)
    args = [arg.replace("OUT", str(tmp_path / "feed.jsonl")) for arg in given]
    proc = run_scrapy(["crawl", "site", "-a", f"article={page}", "-O", str(tmp_path / "out.jsonl"), *args,
                       "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}"], timeout=90)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert [line.split("ERROR: ", 1)[1] for line in error_lines(proc.stderr)] == [
        said.replace("OUT", str(tmp_path / "feed.jsonl"))]
    assert "Traceback" not in proc.stderr
    assert news_site.hits[path] == 0 and list(tmp_path.iterdir()) == []



def test_a_setting_scrapy_cannot_read_is_named_with_why(tmp_path: Path) -> None:
    """Scrapy's own line was "Invalid -s value, use -s NAME=VALUE" for a value given as NAME=VALUE."""
    proc = run_scrapy(["crawl", "site", "-a", f"url={URL}", "-s", "FEEDS={bad",
                       "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}"], timeout=90)
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "invalid -s FEEDS value '{bad': Expecting property name" in lines[0], lines
    assert list(tmp_path.iterdir()) == []
