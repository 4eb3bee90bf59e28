"""The `newscrawl` console command as a user gets it: a wheel built from this checkout (once per
session), installed into a folder of its own, run by its console script from a folder with no
scrapy.cfg, with PYTHONPATH pointing at the installed copy and not at the checkout. Each case
checks the exit code, what is on stdout and stderr, and the files left in the caller's folder."""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from itemadapter import ItemAdapter
from scrapy.utils.conf import closest_scrapy_cfg

from newscrawl.cli import COMMANDS
from newscrawl.extract import extract_article
from tests.conftest import FAST, PAGES, REPO, read_jsonl
from tests.extract.test_classify import listing
from tests.support.faultserver import FaultServer, plain_article

pytestmark = pytest.mark.timeout(300)

HOST = "127.0.0.14"
# what a source tree holds but the wheel must not
NOT_SHIPPED = ("tests/", "tools/", "benchmarks/", "fixtures/", "scripts/", "docs/")
SCHEMA = json.loads((REPO / "newscrawl" / "schema" / "article.schema.json").read_text("utf-8"))


@dataclass
class Installed:
    wheel: Path
    target: Path  # what `pip install --target` made of the wheel
    script: Path  # its `newscrawl` console script


def builds_wheels_offline() -> bool:
    """Whether this environment's setuptools builds wheels itself (from 70.1 on, or with the
    wheel package), so no isolated build environment has to be fetched."""
    try:
        version = metadata.version("setuptools")
    except metadata.PackageNotFoundError:
        return False
    major, minor = (int(part) for part in (version.split(".") + ["0"])[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel of this checkout, built from a copy (a build in the checkout would leave build/
    behind, and files deleted since the last build in the wheel), installed with its script."""
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    anywhere = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", ".newscrawl", ".scrapy")

    def ignore(folder: str, names: list[str]) -> set[str]:
        # the demo's output/ at the top only: newscrawl/output is a package (without it, the
        # wheel worked only where an editable install of a checkout supplied it)
        return anywhere(folder, names) | ({"output"} if Path(folder) == REPO else set())

    shutil.copytree(REPO, source, ignore=ignore)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    # offline with the venv's own setuptools when it can build a wheel; else as `pip install .`
    # does, in an isolated build environment (which needs the package index)
    isolation = ["--no-build-isolation"] if builds_wheels_offline() else []
    build = subprocess.run([*pip, "wheel", "--no-deps", *isolation, "-w", str(root / "dist"), str(source)],
                           capture_output=True, text=True, timeout=240, check=False)
    assert build.returncode == 0, build.stderr[-3000:]
    wheel = next((root / "dist").glob("newscrawl-*.whl"))
    target = root / "site"
    install = subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)],
                             capture_output=True, text=True, timeout=240, check=False)
    assert install.returncode == 0, install.stderr[-3000:]
    return Installed(wheel, target, target / "bin" / "newscrawl")


@pytest.fixture
def caller(tmp_path: Path) -> Path:
    """The folder a user runs `newscrawl` in: empty, and no scrapy.cfg in it or above it."""
    folder = tmp_path / "work"
    folder.mkdir()
    assert closest_scrapy_cfg(folder) == "", "a scrapy.cfg above the temp folder would hide what this tests"
    return folder


def newscrawl(installed: Installed, cwd: Path, *args: str, stdin: bytes | None = None,
              env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run the installed console script; only the installed copy is importable as newscrawl."""
    full_env = {key: value for key, value in os.environ.items()
                if key not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE", "SCRAPY_PROJECT")}
    full_env.update({"PYTHONPATH": str(installed.target), "COLUMNS": "100", **(env or {})})
    proc = subprocess.run([str(installed.script), *args], cwd=cwd, input=stdin, capture_output=True,
                          timeout=timeout, env=full_env, check=False)
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode("utf-8"),
                                       proc.stderr.decode("utf-8"))


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def one_line(proc: subprocess.CompletedProcess) -> str:
    """The one line a failed command printed on stderr (and nothing else there)."""
    found = lines(proc.stderr)
    assert len(found) == 1, proc.stderr
    return found[0]


def as_printed(record: object) -> dict:
    """A record as a JSON line carries it, without the time it was extracted."""
    data = json.loads(json.dumps(ItemAdapter(record).asdict(), ensure_ascii=False))
    data.pop("fetched_at")
    return data


# -- the wheel -----------------------------------------------------------------------------------

def test_the_wheel_ships_the_package_its_schema_and_the_command_only(installed: Installed) -> None:
    names = zipfile.ZipFile(installed.wheel).namelist()
    assert not [name for name in names if name.startswith(NOT_SHIPPED)]
    assert all(name.startswith(("newscrawl/", "newscrawl-")) for name in names), names
    schemas = {p.name for p in (REPO / "newscrawl" / "schema").glob("*.json")}
    assert schemas and {n.rsplit("/", 1)[1] for n in names if n.startswith("newscrawl/schema/")} >= schemas
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(installed.wheel).read(entry_points).decode()
    assert "[console_scripts]" in text and "newscrawl = newscrawl.cli:main" in text
    assert installed.script.is_file()


def test_the_command_runs_the_installed_copy_not_the_checkout(installed: Installed, caller: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", "import newscrawl; print(newscrawl.__file__)"], cwd=caller,
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(installed.target)})
    assert Path(proc.stdout.strip()).is_relative_to(installed.target)


# -- the help, the version, an unknown command -----------------------------------------------------

def test_help_lists_every_command_with_one_line(installed: Installed, caller: Path) -> None:
    proc = newscrawl(installed, caller, "--help")
    assert proc.returncode == 0 and proc.stderr == ""
    listed = {line.split()[0]: line for line in proc.stdout.splitlines() if line.startswith("  ") and
              line.split()[0] in COMMANDS}
    assert sorted(listed) == sorted(COMMANDS)
    assert all(len(line.split()) > 3 for line in listed.values())  # a description, not just a name
    assert ".newscrawl/state.sqlite" in proc.stdout  # where the state goes


@pytest.mark.parametrize("command", ["crawl", "extract", "state"])
def test_a_commands_help_names_the_newscrawl_command(installed: Installed, caller: Path, command: str) -> None:
    proc = newscrawl(installed, caller, command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert f"newscrawl {command} " in proc.stdout
    assert list(caller.iterdir()) == []


def test_version(installed: Installed, caller: Path) -> None:
    proc = newscrawl(installed, caller, "--version")
    assert proc.returncode == 0
    assert proc.stdout.startswith("newscrawl 0.") and "Scrapy 2." in proc.stdout


def test_an_unknown_command_is_one_line_and_exit_2(installed: Installed, caller: Path) -> None:
    proc = newscrawl(installed, caller, "bogus")
    assert proc.returncode == 2 and proc.stdout == ""
    assert one_line(proc) == ("newscrawl: unknown command 'bogus': use one of crawl, cron, extract, "
                              "fixture, parse, seed, state (newscrawl --help)")
    typo = newscrawl(installed, caller, "crawll")  # the line docs/cli.md shows
    assert typo.returncode == 2
    assert one_line(typo) == ("newscrawl: unknown command 'crawll': did you mean 'crawl'? use one of "
                              "crawl, cron, extract, fixture, parse, seed, state (newscrawl --help)")


def test_no_command_is_the_usage_on_stderr_and_exit_2(installed: Installed, caller: Path) -> None:
    """Run with nothing after it, it printed the help and exited 0: a script that called it by
    mistake took that for success. As argparse for a missing argument: the usage, one line, 2."""
    proc = newscrawl(installed, caller)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "usage: newscrawl COMMAND [options] [args]",
        "newscrawl: no command given: use one of crawl, cron, extract, fixture, parse, seed, state "
        "(newscrawl --help)"]
    for asked in ("-h", "--help"):  # asked for: the help on stdout, exit 0
        helped = newscrawl(installed, caller, asked)
        assert helped.returncode == 0 and helped.stdout.startswith("usage: newscrawl COMMAND") and helped.stderr == ""
    assert list(caller.iterdir()) == []


def test_an_option_before_the_command_is_one_line_and_exit_2(installed: Installed, caller: Path) -> None:
    proc = newscrawl(installed, caller, "-s", "LOG_LEVEL=INFO", "crawl")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "give the command first" in one_line(proc)


def loads_lxml(pid: int) -> bool:
    """Whether the process has loaded lxml (Linux's /proc): the command's own imports have begun,
    and Scrapy, which installs its Ctrl-C handling only once they are done, is far from ready."""
    try:
        return "lxml/etree." in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc to time the signal")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["INT", "TERM", "HUP"])
def test_ctrl_c_while_the_command_loads_is_one_line_and_exit_130(installed: Installed, caller: Path,
                                                                 signum: int) -> None:
    """TERM and HUP (a closed terminal) as Ctrl-C: they ended the command silently (exit 143, 129)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE", "SCRAPY_PROJECT")}
    env["PYTHONPATH"] = str(installed.target)
    # as from a terminal: a runner that started these tests in the background passed SIGINT on
    # as ignored, and Python then leaves it ignored
    proc = subprocess.Popen([str(installed.script), "crawl", "-a", "url=http://127.0.0.1:9/", "-O", "out.jsonl"],
                            cwd=caller, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 30
        while not loads_lxml(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        # past lxml's own start-up (C code that may swallow a signal's KeyboardInterrupt), still
        # far from Scrapy's (about a second on this machine)
        time.sleep(0.1)
        os.kill(proc.pid, signum)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == 130, err
    assert out == "" and lines(err) == ["newscrawl crawl: interrupted"]
    assert not (caller / "out.jsonl").exists()


# -- crawl and state in the caller's folder --------------------------------------------------------

@dataclass
class Crawled:
    folder: Path  # where the user ran `newscrawl crawl`
    proc: subprocess.CompletedProcess
    stories: list[str]  # the site's article URLs


@pytest.fixture(scope="module")
def crawled(installed: Installed, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    """`newscrawl crawl -a url=... -O out.jsonl` of a three-article site, with the default state."""
    folder = tmp_path_factory.mktemp("crawl") / "work"
    folder.mkdir()
    assert closest_scrapy_cfg(folder) == ""
    with FaultServer(HOST, robots="allow", articles=3) as site:
        proc = newscrawl(installed, folder, "crawl", "-a", f"url={site.url('/')}", "-O", "out.jsonl", *FAST)
    return Crawled(folder, proc, [site.url(f"/articles/story-{i}") for i in (1, 2, 3)])


def test_crawl_writes_its_output_and_default_state_in_the_callers_folder(installed: Installed,
                                                                         crawled: Crawled) -> None:
    assert crawled.proc.returncode == 0, crawled.proc.stderr
    records = read_jsonl(crawled.folder / "out.jsonl")
    assert sorted(r["url"] for r in records) == crawled.stories
    assert all(set(r) == set(SCHEMA["properties"]) for r in records)
    assert (crawled.folder / ".newscrawl" / "state.sqlite").is_file()
    assert not (installed.target / ".newscrawl").exists()

    info = newscrawl(installed, crawled.folder, "state", "info")
    assert info.returncode == 0, info.stderr
    state = json.loads(info.stdout)
    assert state["state"] == ".newscrawl/state.sqlite" and state["urls"] == 3


def test_the_crawl_runs_every_part_it_runs_in_a_checkout(crawled: Crawled) -> None:
    assert crawled.proc.returncode == 0, crawled.proc.stderr
    disabled = [line for line in crawled.proc.stderr.splitlines() if "WARNING: Disabled " in line]
    assert disabled == []
    assert "'httpcache/miss'" in crawled.proc.stderr  # the stats of the cache (robots.txt and the feeds)


def test_crawl_site_with_the_spider_named_and_relative_paths(installed: Installed, caller: Path) -> None:
    (caller / "lists").mkdir()
    with FaultServer(HOST, robots="allow", articles=2) as site:
        (caller / "lists" / "urls.txt").write_text(site.url("/articles/story-2") + "\n", "utf-8")
        proc = newscrawl(installed, caller, "crawl", "site", "-a", "urls=lists/urls.txt",
                         "-o", "out/articles.jsonl", "-s", "NEWSCRAWL_STATE=keep/state.sqlite", *FAST)
    assert proc.returncode == 0, proc.stderr
    # the URL file was read from the caller's folder: the crawl started at its URL
    assert site.url("/articles/story-2") in {r["url"] for r in read_jsonl(caller / "out" / "articles.jsonl")}
    assert (caller / "keep" / "state.sqlite").is_file() and not (caller / ".newscrawl").exists()


def test_a_bad_crawl_argument_is_the_crawl_commands_line_and_exit_code(installed: Installed,
                                                                       caller: Path) -> None:
    proc = newscrawl(installed, caller, "crawl", "-a", "url=not a url")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "ERROR" in one_line(proc)
    assert list(caller.iterdir()) == []


def test_a_callers_own_scrapy_project_does_not_take_over(installed: Installed, caller: Path) -> None:
    """A scrapy.cfg and SCRAPY_SETTINGS_MODULE naming another project: newscrawl's settings still."""
    (caller / "scrapy.cfg").write_text("[settings]\ndefault = decoy.settings\n", "utf-8")
    (caller / "decoy").mkdir()
    (caller / "decoy" / "__init__.py").write_text("", "utf-8")
    (caller / "decoy" / "settings.py").write_text(
        'BOT_NAME = "decoy"\nCOMMANDS_MODULE = "decoy.commands"\nNEWSCRAWL_STATE = "decoy.sqlite"\n', "utf-8")
    proc = newscrawl(installed, caller, "state", "info", env={"SCRAPY_SETTINGS_MODULE": "decoy.settings"})
    assert proc.returncode == 2 and proc.stdout == ""
    said, error = lines(proc.stderr)  # theirs is not used, and it says so (it said nothing)
    assert said == ("newscrawl state: SCRAPY_SETTINGS_MODULE=decoy.settings is not used: newscrawl runs with "
                    "its own settings (newscrawl.settings); give yours with -s NAME=VALUE")
    assert "no state at .newscrawl/state.sqlite" in error
    proc = newscrawl(installed, caller, "state", "info")  # the scrapy.cfg alone
    said, error = lines(proc.stderr)
    assert said.startswith(f"newscrawl state: {caller / 'scrapy.cfg'} (settings: default = decoy.settings) is not used")
    assert "no state at .newscrawl/state.sqlite" in error


def test_a_setting_given_in_the_environment_says_it_is_not_read(installed: Installed, caller: Path) -> None:
    """NEWSCRAWL_STATE=elsewhere (or Scrapy's old SCRAPY_ prefix) in the environment: the default
    state was used without a word (found by a stranger); other variables say nothing."""
    proc = newscrawl(installed, caller, "state", "info",
                     env={"NEWSCRAWL_STATE": "elsewhere.sqlite", "SCRAPY_DOWNLOAD_DELAY": "3",
                          "NEWSCRAWL_SOMETHING_ELSE": "1", "SCRAPY_PROJECT": "default", "NEWSCRAWL_REVISIT": ""})
    assert proc.returncode == 2
    *said, error = lines(proc.stderr)
    assert said == ["newscrawl state: environment variable NEWSCRAWL_STATE is not read: give the setting with "
                    "-s NEWSCRAWL_STATE=VALUE",
                    "newscrawl state: environment variable SCRAPY_DOWNLOAD_DELAY is not read: give the setting "
                    "with -s DOWNLOAD_DELAY=VALUE"]
    assert "no state at .newscrawl/state.sqlite" in error


# -- extract -----------------------------------------------------------------------------------------

def saved_fixture(gzipped: bool) -> tuple[Path, str]:
    """A saved page of fixtures/pages (page.html.gz or page.html) and the address it came from."""
    name = "page.html.gz" if gzipped else "page.html"
    folder = next(f for f in sorted(PAGES.iterdir()) if (f / name).is_file())
    return folder / name, json.loads((folder / "meta.json").read_text("utf-8"))["url"]


@pytest.mark.parametrize("gzipped", [True, False], ids=["html.gz", "html"])
def test_extract_a_saved_page_prints_extract_articles_record_and_nothing_else(
        installed: Installed, caller: Path, gzipped: bool) -> None:
    page, url = saved_fixture(gzipped)
    proc = newscrawl(installed, caller, "extract", str(page), "--url", url)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert len(proc.stdout.splitlines()) == 1
    printed = json.loads(proc.stdout)
    body = page.read_bytes()
    expected = extract_article(url, gzip.decompress(body) if gzipped else body)
    assert printed.pop("fetched_at") and printed == as_printed(expected)
    assert printed["headline"] and list(caller.iterdir()) == []


def test_extract_reads_standard_input(installed: Installed, caller: Path) -> None:
    page, url = saved_fixture(gzipped=True)
    html = gzip.decompress(page.read_bytes())
    proc = newscrawl(installed, caller, "extract", "-", "--url", url, stdin=html)
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)
    printed.pop("fetched_at")
    assert printed == as_printed(extract_article(url, html))


def test_extract_a_bad_file_is_one_line_exit_1_and_the_good_page_still_comes(installed: Installed,
                                                                             caller: Path) -> None:
    page, url = saved_fixture(gzipped=True)
    (caller / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    proc = newscrawl(installed, caller, "extract", "image.html", str(page),
                     "--url", "https://example.com/image", "--url", url)
    assert proc.returncode == 1
    assert [json.loads(line)["url"] for line in proc.stdout.splitlines()] == [url]
    assert "image.html is binary data, not an HTML page" in one_line(proc)

    missing = newscrawl(installed, caller, "extract", "missing.html", "--url", url)
    assert missing.returncode == 1 and missing.stdout == ""
    assert "no such file: missing.html" in one_line(missing)


def test_extract_a_page_that_is_no_article_says_so_in_one_line(installed: Installed,
                                                                 caller: Path) -> None:
    (caller / "listing.html").write_text(listing(), "utf-8")
    proc = newscrawl(installed, caller, "extract", "listing.html", "--url", "https://bay.example/news/")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["url"] == "https://bay.example/news/"
    line = one_line(proc)
    assert "listing.html does not read as an article (score=" in line
    assert "a crawl writes it only if -a article= names it" in line


def test_extract_says_when_a_crawl_would_not_write_the_record(installed: Installed, caller: Path) -> None:
    """An article's record is printed either way, with one line saying a crawl drops it when its
    body is under NEWSCRAWL_MIN_BODY_CHARS."""
    paragraphs = "".join(
        f"<p>{text} The council said the work would start in spring and end before the winter.</p>"
        for text in ("The town council met on Tuesday and agreed the new budget for the library.",
                     "The library will open on Sundays from next year, after a long campaign.",
                     "Its roof, which has leaked for a decade, will be mended in the same year."))
    (caller / "story.html").write_text(
        "<html><head><title>Budget agreed</title>"
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Budget agreed"}</script>'
        f"</head><body><article><h1>Budget agreed</h1>{paragraphs}</article></body></html>", "utf-8")
    url = "https://town.example/news/budget-agreed"
    kept = newscrawl(installed, caller, "extract", "story.html", "--url", url)
    assert kept.returncode == 0 and kept.stderr == ""
    assert json.loads(kept.stdout)["headline"] == "Budget agreed"

    dropped = newscrawl(installed, caller, "extract", "story.html", "--url", url,
                        "-s", "NEWSCRAWL_MIN_BODY_CHARS=2000")
    assert dropped.returncode == 0
    assert json.loads(dropped.stdout)["headline"] == "Budget agreed"
    line = one_line(dropped)
    assert "story.html: a crawl would not write this record (too short:" in line
    assert "under NEWSCRAWL_MIN_BODY_CHARS=2000" in line

    # several pages: each line names its file, and the lines come in the order of the arguments,
    # each page's with its record (a listing's two lines, then the story's)
    (caller / "listing.html").write_text(listing(), "utf-8")
    both = newscrawl(installed, caller, "extract", "listing.html", "story.html", "--url",
                     "https://bay.example/news/", "--url", url, "-s", "NEWSCRAWL_MIN_BODY_CHARS=2000")
    assert both.returncode == 0
    assert [json.loads(record)["url"] for record in both.stdout.splitlines()] == ["https://bay.example/news/", url]
    said = lines(both.stderr)
    assert len(said) == 3, both.stderr
    assert "listing.html does not read as an article" in said[0]
    assert "listing.html: a crawl would not write this record" in said[1]
    assert "story.html: a crawl would not write this record" in said[2]


@pytest.mark.parametrize(("args", "says"), [
    ([], "give a saved page or a URL"),
    (["page.html"], "give one --url per saved file"),
    (["page.html", "--url", "ftp://example.com/a"], "--url must be an http(s) address"),
    (["--nonsense", "page.html"], "unknown option --nonsense: "),
    # a comma typed for a dot: no host is named so, and the record's site would be wrong
    (["page.html", "--url", "https://www.example,com/news/a"],
     "'www.example,com' is not a host name (letters, digits, dots and hyphens)"),
    (["https://a,b.example/x"], "'a,b.example' is not a host name"),
    # an unclosed IPv6 bracket or a port that is none: it was a traceback (a stranger's find)
    (["page.html", "--url", "https://[::1"], "not a valid URL (Invalid IPv6 URL): 'https://[::1'"),
    (["https://[example.org/story/"], "not a valid URL (Invalid IPv6 URL)"),
    (["page.html", "--url", "https://example.org:99999/x"], "not a valid URL (Port out of range 0-65535)"),
    # a mistyped address is neither a file nor a URL, whatever --url says
    (["htps://example.com/a"], "'htps://example.com/a' is neither a saved file nor an http(s) URL"),
    (["www.example.com/a"], "'www.example.com/a' is neither a saved file nor an http(s) URL"),
    # an address typed without its scheme: it read as a file, "give one --url per saved file"
    (["example.com/2024/05/01/story/"], "'example.com/2024/05/01/story/' is neither a saved file nor an http(s) URL"),
    (["localhost:8731/story/"], "'localhost:8731/story/' is neither a saved file nor an http(s) URL"),
    (["127.0.0.1/x"], "'127.0.0.1/x' is neither a saved file nor an http(s) URL"),
])
def test_extract_bad_arguments_are_one_line_and_exit_2(installed: Installed, caller: Path,
                                                       args: list[str], says: str) -> None:
    (caller / "page.html").write_text("<html><body><h1>A page</h1></body></html>", "utf-8")
    proc = newscrawl(installed, caller, "extract", *args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert says in one_line(proc)


def test_extract_fetches_a_url_once_with_the_user_agent_and_robots_txt(installed: Installed,
                                                                       caller: Path) -> None:
    agents: list[str] = []

    def story(handler) -> None:
        agents.append(handler.headers.get("User-Agent", ""))
        handler.send_bytes(plain_article("fetched-story"))

    with FaultServer(HOST, robots="allow", extra={"/story": story}) as site:
        proc = newscrawl(installed, caller, "extract", site.url("/story"), site.url("/status/404"))
        hits = dict(site.hits)
        html = urllib.request.urlopen(site.url("/story"), timeout=30).read()  # for the expected record
    assert proc.returncode == 1
    printed = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(printed) == 1 and printed[0].pop("fetched_at")
    assert printed[0] == as_printed(extract_article(site.url("/story"), html, encoding="utf-8"))
    assert f"could not fetch {site.url('/status/404')}: HTTP 404" in one_line(proc)
    assert hits["/story"] == 1 and hits["/robots.txt"] == 1
    assert agents[0].startswith("newscrawl/")
    assert list(caller.iterdir()) == []  # no state, no cache


def test_extract_obeys_robots_txt(installed: Installed, caller: Path) -> None:
    with FaultServer(HOST, robots="deny") as site:
        proc = newscrawl(installed, caller, "extract", site.url("/articles/kept-out"))
        hits = dict(site.hits)
    assert proc.returncode == 1 and proc.stdout == ""
    assert "forbidden by robots.txt" in one_line(proc)
    assert "/articles/kept-out" not in hits


def test_extract_stops_when_its_reader_goes_away(installed: Installed, caller: Path) -> None:
    """`newscrawl extract ... | head -1`: no traceback, and the exit code of a program SIGPIPE ended."""
    page, url = saved_fixture(gzipped=True)
    copies = 200  # far more records than a pipe holds, so a write after the close must fail
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE")}
    env["PYTHONPATH"] = str(installed.target)
    with subprocess.Popen([str(installed.script), "extract", *[str(page)] * copies,
                           *[arg for _ in range(copies) for arg in ("--url", url)]],
                          cwd=caller, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert json.loads(proc.stdout.readline())["url"] == url
        proc.stdout.close()
        stderr = proc.stderr.read().decode()
        assert proc.wait(timeout=240) == 141
    assert stderr == ""


def _with_stdout_closed(*args: str) -> subprocess.CompletedProcess:
    """`newscrawl ARGS >&-`: the command started with file descriptor 1 closed."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", "import sys; from newscrawl.cli import main; main(sys.argv[1:])",
                           *args], cwd=REPO, env=env, capture_output=False, stderr=subprocess.PIPE, text=True,
                          timeout=120, check=False, preexec_fn=lambda: os.close(1))


def test_a_closed_standard_output_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    """A stranger ran commands with `>&-`: Python leaves sys.stdout None, and every command that
    printed ended in an AttributeError traceback."""
    version = _with_stdout_closed("--version")
    assert version.returncode == 1 and version.stderr.strip().endswith(
        "cannot write to standard output: it is closed"), version.stderr
    page = next((REPO / "fixtures" / "pages" / "wcxb-dev-0015").glob("*.html*"))
    extract = _with_stdout_closed("extract", str(page), "--url", "https://example.com/story")
    assert extract.returncode == 1, extract.stderr
    assert "Traceback" not in extract.stderr
    assert extract.stderr.strip().splitlines()[-1] == "newscrawl extract: cannot write to standard output: it is closed"


def test_ctrl_c_that_python_wraps_while_loading_is_one_line_and_exit_130(tmp_path: Path) -> None:
    """Ctrl-C that lands in a class's `__set_name__` while a command loads: Python 3.11 wraps the
    KeyboardInterrupt in a RuntimeError, which was a traceback and exit 1 (a stranger, 2 in 80)."""
    script = tmp_path / "load.py"
    script.write_text(
        "import os, signal, time\n"
        "import newscrawl.cli as cli\n"
        "class Loads:\n"
        "    def __set_name__(self, owner, name):\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "        time.sleep(5)\n"
        "def loading(argv):\n"
        "    class Command:\n"
        "        attribute = Loads()\n"
        "cli._main = loading\n"
        "cli.watch()\n"
        "cli.main(['crawl'])\n", "utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert (proc.returncode, proc.stderr.strip()) == (130, "newscrawl crawl: interrupted"), proc.stderr
