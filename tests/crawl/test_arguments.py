"""`scrapy crawl site` arguments and settings: bad input is refused with exactly one line and exit
code 2 before anything is opened, whatever the log settings; several start URLs or pages crawl
several sites. Real `scrapy crawl` runs; the refused ones point at a closed port on 127.0.0.5."""

from __future__ import annotations

import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from newscrawl.extract.document import parse_html
from newscrawl.extract.profiles import BY_NAME, detect_profile
from newscrawl.output.replay import load_page
from tests.conftest import PAGES, REPO, read_jsonl, run_scrapy
from tests.support.faultserver import FaultServer, plain_article
from tests.support.sites.server import serve_site

pytestmark = pytest.mark.timeout(300)

URL = "http://127.0.0.5:9/"
BAY = Path(__file__).parents[1] / "support" / "sites" / "bay"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0"]
PROFILES = "generic, jannah, jnews, soledad, tagdiv-classic, tagdiv-tdb, wordpress"
KNOWN_ARGUMENTS = "(the site spider takes article, articles, profile, since, sites, url, urls, warc)"

# name -> (arguments after `scrapy crawl`, the exact line after "ERROR: "); {dir} is the run's
# own folder, which holds a sub-folder `folder`, a file `file.txt`, the URL files below, and
# nothing else: a refused run must add nothing to it
REFUSED: dict[str, tuple[list[str], str]] = {
    # settings that name a profile, a class, a server, a path
    "setting profile": (["site", "-a", f"url={URL}", "-s", "NEWSCRAWL_PROFILE=bogus"],
                        f"invalid setting NEWSCRAWL_PROFILE='bogus': unknown profile 'bogus'; known profiles: {PROFILES}"),
    "argument profile": (["site", "-a", f"url={URL}", "-a", "profile=bogus"],
                         f"unknown profile 'bogus'; known profiles: {PROFILES}"),
    "state is a folder": (["site", "-a", f"url={URL}", "-s", "NEWSCRAWL_STATE={dir}/folder"],
                          "invalid setting NEWSCRAWL_STATE='{dir}/folder': that is a folder; give a file "
                          "path, such as {dir}/folder/state.sqlite"),
    "stats file is a folder": (["site", "-a", f"url={URL}", "-s", "NEWSCRAWL_STATS_FILE={dir}/folder"],
                               "invalid setting NEWSCRAWL_STATS_FILE='{dir}/folder': that is a folder; give a "
                               "file path, such as {dir}/folder/stats.json"),
    "log file is a folder": (["site", "-a", f"url={URL}", "-s", "LOG_FILE={dir}/folder"],
                             "invalid setting LOG_FILE='{dir}/folder': that is a folder; give a file path, "
                             "such as {dir}/folder/crawl.log"),
    "cron dir is a file": (["site", "-a", f"url={URL}", "-s", "NEWSCRAWL_CRON_DIR={dir}/file.txt"],
                           "invalid setting NEWSCRAWL_CRON_DIR='{dir}/file.txt': that is a file, not a "
                           "folder; give a folder path"),
    "jobdir is a file": (["site", "-a", f"url={URL}", "-s", "JOBDIR={dir}/file.txt"],
                         "invalid setting JOBDIR='{dir}/file.txt': that is a file, not a folder; give a folder path"),
    "http cache dir is a file": (["site", "-a", f"url={URL}", "-s", "HTTPCACHE_DIR={dir}/file.txt"],
                                 "invalid setting HTTPCACHE_DIR='{dir}/file.txt': that is a file, not a folder; "
                                 "give a folder path"),
    # newscrawl deletes this folder after the run: a user's folder must never be named there
    "frontier dir": (["site", "-a", f"url={URL}", "-s", "NEWSCRAWL_FRONTIER_DIR={dir}/folder"],
                     "invalid setting NEWSCRAWL_FRONTIER_DIR='{dir}/folder': it is set by newscrawl for each "
                     "run and deleted after it: to keep the frontier in a folder of your own, set JOBDIR instead"),
    # Scrapy's old output settings: the file would be written past every output check and the
    # state's record, and the summary would say nothing was saved
    "feed uri": (["site", "-a", f"url={URL}", "-s", "FEED_URI={dir}/out.jsonl"],
                 "invalid setting FEED_URI='{dir}/out.jsonl': Scrapy's old name for the output, which "
                 "newscrawl does not check or record: give -o FILE (append) or -O FILE (overwrite) instead"),
    "feed format": (["site", "-a", f"url={URL}", "-s", "FEED_FORMAT=csv"],
                    "invalid setting FEED_FORMAT='csv': Scrapy's old name for the output's format: give "
                    "-o FILE.FORMAT, or -o FILE:FORMAT, instead"),
    # two outputs Scrapy would keep under one name: the last one silently replaced the other
    # (`-O - -O -:csv` wrote CSV alone); every run also gets `-O {dir}/out.jsonl`
    "one file in two formats": (["site", "-a", f"url={URL}", "-O", "{dir}/out.jsonl:csv"],
                                "-O {dir}/out.jsonl:csv and -O {dir}/out.jsonl both write to {dir}/out.jsonl, "
                                "and only one output can: give it once, in one format"),
    "standard output in two formats": (["site", "-a", f"url={URL}", "-O", "-", "-O", "-:csv"],
                                       "-O - and -O -:csv both write to standard output, and only one "
                                       "output can: give it once, in one format"),
    # Scrapy adds FEEDS to -o/-O, a FEEDS entry winning over an -O of the same name
    "a FEEDS entry and -O": (["site", "-a", f"url={URL}", "-s",
                              'FEEDS={"{dir}/out.jsonl": {"format": "csv"}}'],
                             "the FEEDS output {dir}/out.jsonl and -O {dir}/out.jsonl both write to "
                             "{dir}/out.jsonl, and only one output can: give it once, in one format"),
    # Scrapy made a file named "out.csv:" of it
    "a colon and no format": (["site", "-a", f"url={URL}", "-O", "{dir}/out.csv:"],
                              "-O {dir}/out.csv: ends with a colon and no format after it: give the file's "
                              "name alone (-O {dir}/out.csv) or a format after the colon (-O {dir}/out.csv:csv)"),
    "class path": (["site", "-a", f"url={URL}", "-s", "HTTPCACHE_STORAGE=nosuch.Storage"],
                   "invalid setting HTTPCACHE_STORAGE='nosuch.Storage': cannot load it (No module named 'nosuch')"),
    "redis url": (["site", "-s", "REDIS_URL=http://127.0.0.5:9/"],
                  "invalid setting REDIS_URL='http://127.0.0.5:9/': give a Redis URL such as "
                  "redis://HOST:6379/0 (or rediss://, unix://)"),
    # misspelt setting names
    "newscrawl setting typo": (["site", "-a", f"url={URL}", "-s", "NEWSCRAWL_STAT=x"],
                               "unknown setting NEWSCRAWL_STAT: did you mean NEWSCRAWL_STATE? (newscrawl's "
                               "settings are listed in docs/configuration.md)"),
    "newscrawl setting unknown": (["site", "-a", f"url={URL}", "-s", "NEWSCRAWL_COLOUR=blue"],
                                  "unknown setting NEWSCRAWL_COLOUR: no newscrawl setting has this name "
                                  "(newscrawl's settings are listed in docs/configuration.md)"),
    "scrapy setting typo": (["site", "-a", f"url={URL}", "-s", "DOWNLOAD_DELEY=1"],
                            "unknown setting DOWNLOAD_DELEY: did you mean DOWNLOAD_DELAY? (neither Scrapy, "
                            "newscrawl nor an installed Scrapy extension reads DOWNLOAD_DELEY)"),
    "lower-case setting": (["site", "-a", f"url={URL}", "-s", "robotstxt_obey=False"],
                           "unknown setting robotstxt_obey: did you mean ROBOTSTXT_OBEY? (neither Scrapy, "
                           "newscrawl nor an installed Scrapy extension reads robotstxt_obey)"),
    # conflicting arguments
    "url and article": (["site", "-a", f"url={URL}", "-a", f"article={URL}a"],
                        "-a url= and -a article= cannot be combined: give start URLs or single pages, one kind per crawl"),
    "url and sites": (["site", "-a", f"url={URL}", "-a", "sites={dir}/file.txt"],
                      "-a url= and -a sites= cannot be combined: give start URLs or a sites file, one kind per crawl"),
    "article and sites": (["site", "-a", f"article={URL}a", "-a", "sites={dir}/file.txt"],
                          "-a article= and -a sites= cannot be combined: give single pages or a sites file, "
                          "one kind per crawl"),
    "urls and articles": (["site", "-a", "urls={dir}/good.txt", "-a", "articles={dir}/good.txt"],
                          "-a urls= and -a articles= cannot be combined: give start URLs or single pages, "
                          "one kind per crawl"),
    # unknown arguments (Scrapy would set them as spider attributes and go on)
    "argument typo url": (["site", "-a", f"ulr={URL}"],
                          f"unknown spider argument -a ulr=: did you mean -a url=? {KNOWN_ARGUMENTS}"),
    "argument typo since": (["site", "-a", f"url={URL}", "-a", "sience=2d"],
                            f"unknown spider argument -a sience=: did you mean -a since=? {KNOWN_ARGUMENTS}"),
    # a spider argument given as a setting: Scrapy kept it as a setting nothing reads, warned,
    # and crawled without it (-s since=2d wrote every old article, exit 0); and the reverse
    "argument as a setting": (["site", "-a", f"url={URL}", "-s", "since=2d"],
                              "since is a spider argument: use -a since=2d"),
    "setting as an argument": (["site", "-a", f"url={URL}", "-a", "DOWNLOAD_DELAY=1"],
                               "DOWNLOAD_DELAY is a setting, not a spider argument: use -s DOWNLOAD_DELAY=1"),
    # a stray space: printed bare, "unknown setting DOWNLOAD_DELAY: did you mean DOWNLOAD_DELAY?"
    "setting name with a space": (["site", "-a", f"url={URL}", "-s", " DOWNLOAD_DELAY=1"],
                                  "unknown setting ' DOWNLOAD_DELAY': the name has a space: give "
                                  "-s DOWNLOAD_DELAY=1"),
    "argument name with a space": (["site", "-a", f"url={URL}", "-a", " since=2d"],
                                   "unknown spider argument ' since': the name has a space: give -a since=2d"),
    "argument unknown": (["site", "-a", f"url={URL}", "-a", "depth=3"],
                         f"unknown spider argument -a depth= {KNOWN_ARGUMENTS}"),
    "argument without value": (["site", "-a", "url"], "Invalid -a value, use -a NAME=VALUE"),
    "empty url": (["site", "-a", "url="],
                  "-a url= is empty: give start URLs, separated by spaces, or leave the argument out"),
    "nothing to crawl": (["site"], "give a start URL (-a url=https://site/), one page (-a article=URL), a file "
                                   "of URLs (-a urls=FILE) or a sites file (-a sites=sites.toml)"),
    "bad since": (["site", "-a", f"url={URL}", "-a", "since=yesterday"],
                  "since='yesterday': give a duration such as 2d, 12h, 30m, 1w or an ISO date such as "
                  "2024-05-01 or 2024-05-01T06:00:00+02:00"),
    "argument twice": (["site", "-a", f"url={URL}", "-a", f"url={URL}b"],
                       "-a url= is given 2 times, and only the last would count: give it once, with "
                       "start URLs, separated by spaces"),
    "archive prefix with a folder": (["site", "-a", f"url={URL}", "-s", "NEWSCRAWL_ARCHIVE={dir}/folder",
                                      "-s", "NEWSCRAWL_ARCHIVE_PREFIX=a/b"],
                                     "invalid setting NEWSCRAWL_ARCHIVE_PREFIX='a/b': the start of the "
                                     "archive's file names, without a folder (give the folder as NEWSCRAWL_ARCHIVE)"),
    "output is the replayed WARC": (["site", "-a", "warc={dir}/file.txt", "-O", "{dir}/file.txt"],
                                    "-O {dir}/file.txt is also a WARC file this replay reads (-a warc=): "
                                    "writing articles there would destroy it; give the output a path of its own"),
    "replay with a shared state": (["site", "-a", "warc={dir}/file.txt", "-s", "REDIS_URL=redis://127.0.0.1:9/0"],
                                   "-a warc= replays archives on this machine: run it without REDIS_URL (a "
                                   "distributed crawl's workers fetch live pages), with a state of its own "
                                   "(-s NEWSCRAWL_STATE=replay.sqlite) or none (-s NEWSCRAWL_STATE=off)"),
    # several URLs: every one is checked
    "bad second url": (["site", "-a", f"url={URL} www.example.com"],
                       "not an http(s) URL: 'www.example.com' (-a url= takes start URLs, separated by spaces)"),
    "comma for a dot in a host": (["site", "-a", "article=https://www.example,com/news/a"],
                                  "'www.example,com' is not a host name (letters, digits, dots and hyphens): "
                                  "'https://www.example,com/news/a' (-a article= takes article URLs, separated by spaces)"),
    # a port that is no port: the crawl ran into tracebacks, fetched nothing, and exited 0
    "port out of range": (["site", "-a", "url=https://www.example.com:99999/"],
                          "not a valid URL (Port out of range 0-65535): 'https://www.example.com:99999/' "
                          "(-a url= takes start URLs, separated by spaces)"),
    # an unclosed IPv6 bracket: it said "not an http(s) URL" of an http URL
    "unclosed bracket": (["site", "-a", "url=http://[::1:8731/"],
                         "not a valid URL (Invalid IPv6 URL): 'http://[::1:8731/' (-a url= takes start URLs, "
                         "separated by spaces)"),
    "port not a number": (["site", "-a", "article=https://www.example.com:abc/a"],
                          "not a valid URL (Port could not be cast to integer value as 'abc'): "
                          "'https://www.example.com:abc/a' (-a article= takes article URLs, separated by spaces)"),
    "bad article url": (["site", "-a", f"article={URL}a ftp://127.0.0.5/b"],
                        "not an http(s) URL: 'ftp://127.0.0.5/b' (-a article= takes article URLs, separated by spaces)"),
    # a URL where a file of URLs is expected; URLs joined by commas or semicolons
    "articles given a url": (["site", "-a", f"articles={URL}a"],
                             "-a articles= takes a file of article URLs, one per line, not a URL: to give URLs "
                             f"on the command line, use -a article={URL}a"),
    "urls given urls": (["site", "-a", f"urls={URL} {URL}b"],
                        "-a urls= takes a file of start URLs, one per line, not URLs: to give URLs on the "
                        f'command line, use -a url="{URL} {URL}b"'),
    "articles joined by a comma": (["site", "-a", f"article={URL}a,{URL}b"],
                                   "-a article= takes URLs separated by spaces, not by commas: give "
                                   f'-a article="{URL}a {URL}b"'),
    "urls joined by a semicolon": (["site", "-a", f"url={URL}; {URL}b"],
                                   "-a url= takes URLs separated by spaces, not by semicolons: give "
                                   f'-a url="{URL} {URL}b"'),
    # an output that names no file: an empty name was "cannot write to .: it is a folder", exit 1;
    # a name ending with / wrote a file of that name, exit 0 (a stranger's finds)
    "empty output name": (["site", "-a", f"url={URL}", "-O", ""],
                          "the output's name is empty: give a file name, such as -o articles.jsonl"),
    "output name with a space": (["site", "-a", f"url={URL}", "-O", "{dir}/b.jsonl "],
                                 "the output's name '{dir}/b.jsonl ' begins or ends with a space, which would "
                                 "create a file of its own beside {dir}/b.jsonl: give the name without it"),
    "output names a folder": (["site", "-a", f"url={URL}", "-O", "{dir}/newdir/"],
                              "the output {dir}/newdir/ names a folder (it ends with /), and an output is a "
                              "file: give a file's name, such as {dir}/newdir/articles.jsonl"),
    "append and overwrite": (["site", "-a", f"url={URL}", "-o", "{dir}/b.jsonl"],  # and the run's -O
                             "-o and -O cannot be combined: -o appends to a file ({dir}/b.jsonl), -O "
                             "overwrites it ({dir}/out.jsonl); give one of them"),
    # URL files
    "url file missing": (["site", "-a", "urls={dir}/missing.txt"],
                         "{dir}/missing.txt: cannot read the URL file (No such file or directory)"),
    "url file empty": (["site", "-a", "urls={dir}/empty.txt"],
                       "{dir}/empty.txt: no URL in the file (give one http(s) URL per line; blank lines and # "
                       "comments are ignored)"),
    "url file bad line": (["site", "-a", "urls={dir}/bad.txt"],
                          "{dir}/bad.txt:4: not an http(s) URL: 'example.com/news'"),
    "url file two on a line": (["site", "-a", "urls={dir}/two.txt"],
                               "{dir}/two.txt:2: one URL per line, not 2: 'http://127.0.0.5:9/a http://127.0.0.5:9/b'"),
    "url file joined by a comma": (["site", "-a", "articles={dir}/joined.txt"],
                                   "{dir}/joined.txt:1: one URL per line, not several joined by commas or "
                                   "semicolons: 'http://127.0.0.5:9/a,http://127.0.0.5:9/b'"),
    "article file is a folder": (["site", "-a", "articles={dir}/folder"],
                                 "{dir}/folder: cannot read the URL file (Is a directory)"),
    "sites file": (["site", "-a", "sites={dir}/sites.toml"],
                   "{dir}/sites.toml:3: unknown option 'concurency' in [sites.a] (known: allow, concurrency, delay, "
                   "deny, discover, feeds, hosts, profile, sections, since, sitemaps, url)"),
    # a profile forced twice: -a won without a word
    "profile twice": (["site", "-a", f"url={URL}", "-a", "profile=jnews", "-s", "NEWSCRAWL_PROFILE=soledad"],
                      "-a profile=jnews and -s NEWSCRAWL_PROFILE=soledad name different profiles: give one of them"),
    # the spider itself
    "unknown spider": (["sitee", "-a", f"url={URL}"],
                       "unknown spider 'sitee': this project has site (scrapy crawl site -a url=https://site/)"),
    "no spider": ([], "give exactly one spider: scrapy crawl site -a url=https://site/"),
}
URL_FILES = {
    "good.txt": f"{URL}\n",
    "empty.txt": "# nothing yet\n\n   \n",
    "bad.txt": f"# start pages\n{URL}\n\nexample.com/news\n",
    "two.txt": "# two on one line\nhttp://127.0.0.5:9/a http://127.0.0.5:9/b\n",
    "joined.txt": "http://127.0.0.5:9/a,http://127.0.0.5:9/b\n",
}
# the same refusals under each log setting: the line is on stderr all the same
LOG_MODES = {"default": [], "nolog": ["--nolog"], "critical": ["-L", "CRITICAL"],
             "logfile": ["--logfile", "{dir}/crawl.log", "-L", "CRITICAL"]}
UNDER_LOG_MODES = ["setting profile", "argument typo url", "url and sites", "unknown spider", "url file bad line",
                   "sites file"]


def _folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("refused")
    (folder / "folder").mkdir()
    (folder / "file.txt").write_text("not a folder\n", "utf-8")
    for name, text in URL_FILES.items():
        (folder / name).write_text(text, "utf-8")
    (folder / "sites.toml").write_text('[sites.a]\nurl = "http://127.0.0.5:9/"\nconcurency = 2\n', "utf-8")
    return folder


def _run(args: list[str], folder: Path) -> subprocess.CompletedProcess:
    state = ["-s", f"NEWSCRAWL_STATE={folder / 'state.sqlite'}"] if "NEWSCRAWL_STATE={dir}/folder" not in args else []
    full = [a.replace("{dir}", str(folder)) for a in ["crawl", *args, "-O", "{dir}/out.jsonl", *state]]
    return run_scrapy(full, timeout=120)


@pytest.fixture(scope="module")
def refused(tmp_path_factory) -> dict[tuple[str, str], tuple[subprocess.CompletedProcess, Path, set[str]]]:
    """Every refused crawl of this module, three at a time (each one only starts Python)."""
    jobs = {(name, "default"): args for name, (args, _) in REFUSED.items()}
    for name in UNDER_LOG_MODES:
        for mode, flags in LOG_MODES.items():
            jobs[(name, mode)] = [*REFUSED[name][0], *flags]
    folders = {key: _folder(tmp_path_factory) for key in jobs}
    before = {key: {p.name for p in folder.iterdir()} for key, folder in folders.items()}

    def run(key: tuple[str, str]) -> subprocess.CompletedProcess:
        return _run(jobs[key], folders[key])

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = dict(zip(jobs, pool.map(run, jobs), strict=True))
    return {key: (results[key], folders[key], before[key]) for key in jobs}


def _only_line(result: subprocess.CompletedProcess) -> str:
    """The one line the refused run printed (stdout empty, stderr exactly one line)."""
    lines = result.stderr.splitlines()
    assert result.stdout == "" and len(lines) == 1, result.stderr[-3000:]
    line = lines[0]
    assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[newscrawl\] ERROR: ", line), line
    return line.split(" ERROR: ", 1)[1]


@pytest.mark.parametrize("name", REFUSED)
def test_bad_input_is_one_line_exit_2_and_nothing_written(refused, name: str) -> None:
    result, folder, before = refused[(name, "default")]
    assert result.returncode == 2, result.stderr[-3000:]
    assert _only_line(result) == REFUSED[name][1].replace("{dir}", str(folder))
    assert {p.name for p in folder.iterdir()} == before  # no state, no output, no log, no cache
    assert (folder / "folder").is_dir() and not any((folder / "folder").iterdir())


@pytest.mark.parametrize("mode", LOG_MODES)
@pytest.mark.parametrize("name", UNDER_LOG_MODES)
def test_fatal_input_errors_reach_stderr_whatever_the_log_settings(refused, name: str, mode: str) -> None:
    result, folder, before = refused[(name, mode)]
    assert result.returncode == 2
    assert _only_line(result) == REFUSED[name][1].replace("{dir}", str(folder))
    log = folder / "crawl.log"
    if mode == "logfile":  # ... and into the log file as well
        assert log.read_text("utf-8").splitlines() == result.stderr.splitlines()
    else:
        assert not log.exists()
        assert {p.name for p in folder.iterdir()} == before


def test_the_readme_lists_the_profiles_the_error_lists(refused) -> None:
    line = _only_line(refused[("argument profile", "default")][0])
    listed = line.split("known profiles: ")[1].split(", ")
    assert listed == sorted(BY_NAME)
    readme = (REPO / "README.md").read_text("utf-8")
    sentence = re.search(r"`-a profile=NAME` forces a profile:(.*?)\.\s", readme, re.S)
    assert sentence, "README: the sentence listing the profiles is gone"
    assert sorted(re.findall(r"`([a-z-]+)`", sentence.group(1))) == listed


def test_a_name_nothing_reads_is_a_warning_and_the_crawl_goes_on(tmp_path: Path) -> None:
    """A setting no installed code reads and no known name resembles may belong to the user's own
    code: one WARNING line, the crawl runs (and ends at once, exit 1 for a site it could not read:
    nothing listens on 127.0.0.5:9)."""
    result = run_scrapy(["crawl", "site", "-a", f"url={URL}", "-s", f"NEWSCRAWL_STATE={tmp_path / 's.sqlite'}",
                         "-s", "MY_PIPELINE_OPTION=1", "-s", "RETRY_TIMES=0", "-s", "NEWSCRAWL_STATE_CHECK=False",
                         "-s", "NEWSCRAWL_REDIS_MAX_IN_PROGRESS=4", *FAST], timeout=120)
    assert result.returncode == 1 and "no page of the site could be read" in result.stderr, result.stderr[-3000:]
    warnings = [line for line in result.stderr.splitlines() if "MY_PIPELINE_OPTION" in line]
    assert len(warnings) == 1 and "[newscrawl] WARNING: setting MY_PIPELINE_OPTION is read by neither" in warnings[0]
    # names only code reads (no default in settings.py) are known: neither refused nor warned about
    assert "NEWSCRAWL_STATE_CHECK" not in result.stderr and "MAX_IN_PROGRESS" not in result.stderr


# -- what the arguments crawl -----------------------------------------------------------------

def _more(handler) -> None:
    """A second start page of site A: the only page that links story-9."""
    handler.send_bytes(b'<!DOCTYPE html><html><head><title>More</title></head><body><h1>More</h1>'
                       b'<ul><li><a href="/articles/story-9">Story 9</a></li></ul></body></html>')


def _crawl(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, list[dict], dict]:
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    result = run_scrapy(["crawl", "site", *args, "-O", str(out), "-s", f"NEWSCRAWL_STATE={tmp_path / 's.sqlite'}",
                         "-s", f"NEWSCRAWL_STATS_FILE={stats}", *FAST], timeout=180)
    return result, read_jsonl(out), json.loads(stats.read_text("utf-8")) if stats.exists() else {}


def _sites_in(stats: dict) -> set[str]:
    return {key.split("/")[2] for key in stats if key.startswith("newscrawl/site/")}


@pytest.mark.parametrize("form", ["inline", "file"])
def test_several_start_urls_crawl_each_site(tmp_path: Path, form: str) -> None:
    """Two sites on two addresses, and a second start page of the first: every article of both."""
    with FaultServer("127.0.0.6", robots="allow", articles=3, extra={"/more": _more}) as a, \
            serve_site(BAY, host="127.0.0.7") as b:
        starts = [a.url("/"), a.url("/more"), b.base]
        again = a.url("/more#top")  # a start page spelt again, otherwise: still one start page
        if form == "inline":  # separated by any whitespace, newlines included
            args = ["-a", f"url={starts[0]}\n  {starts[1]} {starts[2]} {again}"]
        else:
            urls = tmp_path / "start-urls.txt"
            urls.write_text(f"# the two test sites\n{starts[0]}\n\n{starts[1]}   # its second start page\n"
                            f"   {starts[2]}\n{starts[0]}\n{again}\n", "utf-8")  # a repeated URL is one start page
            args = ["-a", f"urls={urls}"]
        result, items, stats = _crawl(tmp_path, *args)
        a_hits = dict(a.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    by_site = {}
    for item in items:
        by_site.setdefault(item["site"], set()).add(item["url"])
    assert set(by_site) == {"127.0.0.6", "127.0.0.7"} == _sites_in(stats)  # one site per host
    assert by_site["127.0.0.6"] == {a.url(f"/articles/story-{i}") for i in (1, 2, 3, 9)}
    assert by_site["127.0.0.7"] == {f"{b.base}stories/{s}.html" for s in ("seal-colony", "ferry-pier", "kayak-race")}
    assert len(items) == 7
    assert a_hits["/more"] == 1 and a_hits["/"] == 1  # each start page fetched once
    assert stats["newscrawl/site/127.0.0.6/emitted"] == 4 and stats["newscrawl/site/127.0.0.7/emitted"] == 3


def test_several_articles_extract_exactly_those_pages(tmp_path: Path) -> None:
    with FaultServer("127.0.0.6", robots="allow", articles=3) as a, serve_site(BAY, host="127.0.0.7") as b:
        pages = [a.url("/articles/story-2"), a.url("/articles/story-3"), f"{b.base}stories/ferry-pier.html"]
        result, items, stats = _crawl(tmp_path, "-a", f"article={pages[0]} {pages[1]}\n{pages[2]}")
        a_paths, b_paths = set(a.hits), set(b.paths())
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(item["url"] for item in items) == sorted(pages)
    assert a_paths == {"/robots.txt", "/articles/story-2", "/articles/story-3"}  # no home, no links followed
    assert b_paths == {"/robots.txt", "/stories/ferry-pier.html"}


@pytest.mark.parametrize("argument", ["articles", "urls", "sites"])
def test_files_saved_with_a_byte_order_mark_are_read(tmp_path: Path, argument: str) -> None:
    """Windows Notepad saves UTF-8 with a BOM: the first URL (or the first TOML line) is read all
    the same, not refused as `'\\ufeffhttp://...' is not an http(s) URL`."""
    with FaultServer("127.0.0.6", robots="allow", articles=2) as site:
        if argument == "articles":
            text, expected = f"{site.url('/articles/story-2')}\n", {site.url("/articles/story-2")}
        else:
            home = site.url("/")
            text = f"{home}\n" if argument == "urls" else f'[sites.a]\nurl = "{home}"\n'
            expected = {site.url(f"/articles/story-{i}") for i in (1, 2)}
        listed = tmp_path / "list.txt"
        listed.write_bytes(b"\xef\xbb\xbf" + text.encode())
        result, items, _ = _crawl(tmp_path, "-a", f"{argument}={listed}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert {item["url"] for item in items} == expected


def test_a_url_that_holds_a_url_is_one_page(tmp_path: Path) -> None:
    """Only a comma or semicolon before `http(s)://` is refused as a list: an archive's URL holds
    the archived page's URL after a slash, and is one page."""
    with FaultServer("127.0.0.6", robots="allow") as site:
        page = site.url("/articles/web/2024/https://news.example/story-7")
        result, items, _ = _crawl(tmp_path, "-a", f"article={page}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert [item["url"] for item in items] == [page]


@pytest.mark.parametrize("how", [["-a", "profile=generic"], ["-s", "NEWSCRAWL_PROFILE=generic"]])
def test_the_generic_profile_can_be_forced(tmp_path: Path, how: list[str]) -> None:
    """A Jannah page extracted with no theme profile: the generic path, named in the item."""
    page = load_page(PAGES / "wpnews-nassauguardian")

    def themed(handler) -> None:
        handler.send_bytes(page.body)

    with FaultServer("127.0.0.6", robots="allow", extra={"/themed": themed}) as site:
        result, items, _ = _crawl(tmp_path, "-a", f"article={site.url('/themed')}", *how)
    assert result.returncode == 0, result.stderr[-3000:]
    assert [item["extractor"] for item in items] == ["generic/v2"]


@pytest.mark.parametrize("flags", [["--nolog"], ["-L", "CRITICAL", "--logfile", "{dir}/crawl.log"]],
                         ids=["nolog", "logfile"])
def test_a_fatal_error_after_start_up_reaches_stderr_too(tmp_path: Path, flags: list[str]) -> None:
    """An error found once Scrapy's logging is set up (here: a SQLite state file that cannot be
    read) is the same one line on stderr, and in the log file when there is one."""
    state = tmp_path / "state.sqlite"
    state.write_bytes(b"SQLite format 3\x00" + b"this is no SQLite database\n" * 200)
    result = run_scrapy(["crawl", "site", "-a", f"url={URL}", "-s", f"NEWSCRAWL_STATE={state}", *FAST,
                         *[flag.replace("{dir}", str(tmp_path)) for flag in flags]], timeout=120)
    assert result.returncode == 1, result.stderr[-3000:]
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "[newscrawl] ERROR: " in lines[0] and str(state) in lines[0], lines
    log = tmp_path / "crawl.log"
    if "--logfile" in flags:
        assert lines[0] in log.read_text("utf-8").splitlines()
    else:
        assert not log.exists()


def test_a_theme_profile_forced_on_a_whole_crawl_reaches_the_extraction_workers(tmp_path: Path) -> None:
    """`-a profile=jannah` on a crawl of a site whose pages carry no theme markup: every record
    was extracted with Jannah's rules, in an extraction worker process, and says so."""
    jannah = BY_NAME["jannah"]
    assert detect_profile(parse_html(plain_article("story-1").decode())) is None  # else: generic
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    with FaultServer("127.0.0.6", robots="allow", articles=2) as site:
        result = run_scrapy(["crawl", "site", "-a", f"url={site.url('/')}", "-a", "profile=jannah",
                             "-O", str(out), "-s", f"NEWSCRAWL_STATE={tmp_path / 's.sqlite'}",
                             "-s", f"NEWSCRAWL_STATS_FILE={stats}", "-s", "DOWNLOAD_DELAY=0",
                             "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSCRAWL_EXTRACT_WORKERS=1"],
                            timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    items = read_jsonl(out)
    assert sorted(item["headline"] for item in items) == ["Harbour report story-1", "Harbour report story-2"]
    assert [item["extractor"] for item in items] == [f"jannah/v{jannah.version}"] * 2
    assert json.loads(stats.read_text("utf-8"))["newscrawl/extract/pages"] == 3  # the home page and the two articles


def test_a_sites_files_profile_beside_a_different_forced_one_is_refused(tmp_path: Path) -> None:
    # the sites file's profile won over -s NEWSCRAWL_PROFILE without a word (found by a stranger)
    from scrapy.settings import Settings

    from newscrawl.crawl.spider import SiteSpider

    sites = tmp_path / "sites.toml"
    sites.write_text('[sites.demo]\nurl = "http://127.0.0.5:9/"\nprofile = "jnews"\n', "utf-8")
    with pytest.raises(ValueError, match=r"\[sites.demo\] profile = 'jnews' and -s NEWSCRAWL_PROFILE=soledad "
                                         "forces another for every page: give one of them"):
        SiteSpider.check_arguments({"sites": str(sites)}, Settings({"NEWSCRAWL_PROFILE": "soledad"}))
    SiteSpider.check_arguments({"sites": str(sites)}, Settings({"NEWSCRAWL_PROFILE": "jnews"}))  # the same: fine
    SiteSpider.check_arguments({"sites": str(sites)}, Settings())
