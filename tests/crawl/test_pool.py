"""The extraction worker pool: same pages as in-process, a hung page is killed, the pool goes on."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from newscrawl.crawl.pool import ExtractionTimeout, ExtractJob, ExtractPool, WorkerDied
from newscrawl.crawl.spider import DENY
from newscrawl.output.replay import load_page
from tests.conftest import PAGES, REPO, run_scrapy
from tests.support.faultserver import SLOW_EXTRACTION_PAGE
from tests.support.fixture_checks import problems
from tools.devserver import serve_directory

# after the fixtures' pages were published: a page is read as of its fetch (a date after it is not its own)
FETCHED = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
SAMPLES = ["wpnews-elpais", "wpnews-24ora", "wpnews-fargomom"]
QUICK = ["wpnews-24ora", "wpnews-fargomom"]  # about 70 ms each to extract
# the time limit where a page must be stopped: about 70 times what a QUICK page takes, and a
# fifth of what the hung page takes (tests/support/faultserver.py)
SHORT_LIMIT = 5.0
LONG_LIMIT = 120.0  # for pages that must be extracted, whatever the load on the machine


def hung_job() -> ExtractJob:
    return ExtractJob("http://127.0.0.1/heavy", SLOW_EXTRACTION_PAGE, "utf-8", None, FETCHED)


def job_for(name: str) -> ExtractJob:
    page = load_page(PAGES / name)
    return ExtractJob(page.url, page.body, "utf-8", None, FETCHED)


def wrong(result, name: str) -> list[str]:
    """How an extracted page differs from its fixture's expected.json (golden values whose
    source in the page is checked by tests/extract/test_golden_sources.py)."""
    expected = load_page(PAGES / name).expected
    found = problems(result.page.article, expected)
    if result.page.article.authors != expected["authors"]:
        found.append(f"authors {result.page.article.authors!r} != {expected['authors']!r}")
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (Linux: utime + stime in /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_pool_extracts_the_pages_right():
    jobs = [job_for(name) for name in SAMPLES]
    with ExtractPool(workers=2, timeout=LONG_LIMIT) as pool:
        futures = [pool.submit(job) for job in jobs]
        pooled = [future.result(timeout=120) for future in futures]
    assert [result.page.article.url for result in pooled] == [job.url for job in jobs]
    assert {name: wrong(result, name) for name, result in zip(SAMPLES, pooled, strict=True)} == {
        name: [] for name in SAMPLES}
    assert all(result.links is None for result in pooled)


def test_links_read_from_the_shared_tree_equal_scrapys_own():
    page = load_page(PAGES / SAMPLES[0])
    extractor = LinkExtractor(deny=DENY, unique=True)
    job = ExtractJob(page.url, page.body, "utf-8", None, FETCHED, extractor)
    with ExtractPool(workers=1, timeout=LONG_LIMIT) as pool:
        result = pool.submit(job).result(timeout=120)
    expected = extractor.extract_links(HtmlResponse(page.url, body=page.body, encoding="utf-8"))
    assert len(expected) > 20
    assert result.links == expected  # Scrapy's own link extractor, on its own parse of the page
    assert wrong(result, SAMPLES[0]) == []


def test_timed_out_page_is_dropped_and_the_pool_keeps_working():
    normal = job_for(QUICK[0])
    with ExtractPool(workers=1, timeout=SHORT_LIMIT) as pool:
        before = pool.submit(normal).result(timeout=120)
        first_pid = pool.worker_pids()[0]
        hung = pool.submit(hung_job())
        with pytest.raises(ExtractionTimeout, match="killed and replaced"):
            hung.result(timeout=120)
        after = pool.submit(normal).result(timeout=120)
        assert pool.worker_pids() and pool.worker_pids()[0] != first_pid
        assert pool.started_workers == 2
    assert wrong(before, QUICK[0]) == [] and after == before
    assert pool.worker_pids() == []  # shut down: no worker left behind


def test_pages_queued_behind_a_hung_page_are_extracted_by_the_new_worker():
    # one worker holds two pages at once: the hung one and the next, which must not be lost
    normal, other = job_for(QUICK[0]), job_for(QUICK[1])
    with ExtractPool(workers=1, timeout=SHORT_LIMIT) as pool:
        futures = [pool.submit(job) for job in (normal, hung_job(), other, normal)]
        first = futures[0].result(timeout=120)
        with pytest.raises(ExtractionTimeout):
            futures[1].result(timeout=120)
        after = [future.result(timeout=120) for future in futures[2:]]
        assert pool.started_workers == 2
    assert [wrong(result, name) for result, name in zip([first, *after], [QUICK[0], QUICK[1], QUICK[0]],
                                                        strict=True)] == [[], [], []]
    assert after[1] == first


def test_workers_are_recycled_after_max_tasks_and_a_killed_worker_costs_one_page():
    normal = job_for(SAMPLES[0])
    with ExtractPool(workers=1, timeout=LONG_LIMIT, max_tasks=2) as pool:
        results = [future.result(timeout=120) for future in [pool.submit(normal) for _ in range(5)]]
        assert wrong(results[0], SAMPLES[0]) == [] and results == [results[0]] * 5
        assert pool.started_workers == 3  # pages 1-2, 3-4, 5
    with ExtractPool(workers=1, timeout=LONG_LIMIT) as pool:
        pool.submit(normal).result(timeout=120)
        worker = pool.worker_pids()[0]
        spent = cpu_seconds(worker)
        hung = pool.submit(hung_job())
        behind = pool.submit(normal)
        deadline = time.monotonic() + 60
        while cpu_seconds(worker) < spent + 1.0:  # a second of CPU: it is on the hung page now
            assert time.monotonic() < deadline, "the worker never started on the hung page"
            time.sleep(0.05)
        os.kill(worker, signal.SIGKILL)
        with pytest.raises(WorkerDied, match="died"):
            hung.result(timeout=120)
        assert behind.result(timeout=120) == results[0]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_a_worker_given_term_or_hup_finishes_its_page_and_an_idle_one_stops(signum):
    """`timeout`, `kill -- -PGID` and systemd send TERM to the crawl's whole process group, a
    closed terminal or SSH session HUP: a worker died with the page under way, counted in the
    summary as a crashed extraction."""
    if signal.getsignal(signum) == signal.SIG_IGN:  # the tests run under `nohup`: so do the workers
        pytest.skip("HUP is ignored in this process and in the workers it starts")
    normal = job_for(QUICK[0])
    with ExtractPool(workers=1, timeout=LONG_LIMIT) as pool:
        expected = pool.submit(normal).result(timeout=120)
        worker = pool.worker_pids()[0]
        futures = [pool.submit(normal) for _ in range(6)]  # back to back: the worker is busy
        futures[0].result(timeout=120)
        os.kill(worker, signum)
        assert [future.result(timeout=120) for future in futures] == [expected] * 6  # none lost
        deadline = time.monotonic() + 60
        while worker in pool.worker_pids():  # then it stops, idle, and a new one takes its place
            assert time.monotonic() < deadline, "the worker never stopped"
            pool.submit(normal).result(timeout=120)
            time.sleep(0.05)
        idle = pool.worker_pids()[0]
        os.kill(idle, signum)
        assert pool.submit(normal).result(timeout=120) == expected


def test_crawl_through_the_pool_matches_in_process_and_drops_the_hung_page(tmp_path, crawl):
    def make_site(name: str, heavy: bool):
        site = tmp_path / name
        site.mkdir()
        links = []
        for index, sample in enumerate(SAMPLES):
            (site / f"a{index}.html").write_bytes(load_page(PAGES / sample).body)
            links.append(f'<a href="/a{index}.html">article {index}</a>')
        if heavy:  # its link is never followed: a page whose extraction timed out is dropped whole
            behind = b'<a href="/behind.html">only the hung page links this</a></body>'
            (site / "heavy.html").write_bytes(SLOW_EXTRACTION_PAGE.replace(b"</body>", behind))
            (site / "behind.html").write_bytes(load_page(PAGES / "wpnews-nh24").body)  # an article of its own
            links.append('<a href="/heavy.html">heavy</a>')
        (site / "index.html").write_text("<html><body><h1>Home</h1>" + "".join(links) + "</body></html>")
        return site

    # the in-process crawl gets the site without the hung page: nothing could stop it there
    with serve_directory(make_site("all", heavy=True)) as base:
        pooled, pooled_stats, proc = crawl("-a", f"url={base}", output="pool.jsonl", state="pool.sqlite",
                                           # 5 s: 17 times what the slowest sample takes, a
                                           # fifth of what the hung page takes
                                           extra=["-s", "NEWSCRAWL_EXTRACT_WORKERS=2",
                                                  "-s", "NEWSCRAWL_EXTRACT_TIMEOUT=5"])
        assert proc.returncode == 0, proc.stderr[-3000:]
    with serve_directory(make_site("plain", heavy=False)) as base:
        local, local_stats, proc = crawl("-a", f"url={base}", output="local.jsonl", state="local.sqlite",
                                         extra=["-s", "NEWSCRAWL_EXTRACT_WORKERS=0"])
        assert proc.returncode == 0, proc.stderr[-3000:]
    assert pooled_stats.get("newscrawl/dropped/extraction_timeout") == 1
    assert "newscrawl/dropped/extraction_timeout" not in local_stats
    # the home page and the articles were extracted (the hung page was not); their CPU time is counted
    assert pooled_stats["newscrawl/extract/pages"] == local_stats["newscrawl/extract/pages"] == len(SAMPLES) + 1
    for stats in (pooled_stats, local_stats):
        assert stats["newscrawl/extract/cpu_ms"] > stats["newscrawl/extract/links_cpu_ms"] > 0

    def by_path(items):
        return {urlsplit(item["url"]).path: {k: v for k, v in item.items()
                                             if k not in ("fetched_at", "url", "canonical_url", "site")}
                for item in items}

    assert len(local) == len(SAMPLES)
    assert not any(item["url"].endswith("/behind.html") for item in pooled)
    for item in pooled:  # each article right, as its fixture says
        name = SAMPLES[int(urlsplit(item["url"]).path.removeprefix("/a").removesuffix(".html"))]
        assert problems(item, load_page(PAGES / name).expected) == [], name
    assert by_path(pooled) == by_path(local)


# -- the workers' log -------------------------------------------------------------------------

LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d")  # a log line, in any timestamp format
EMPTY_PAGE = b"<html><body></body></html>"  # trafilatura warns "discarding data" about it


def test_workers_send_their_own_records_to_the_crawls_log_and_drop_other_libraries_warnings(caplog):
    """newscrawl's records come back to the crawl process at its level; trafilatura's warnings
    do not; with log_level None (--nolog) nothing comes back."""
    page = load_page(PAGES / SAMPLES[0])
    # process_value=int fails on every link: the worker logs "could not read the links" (newscrawl)
    bad_links = ExtractJob(page.url, page.body, "utf-8", None, FETCHED, LinkExtractor(process_value=int))
    empty = ExtractJob("http://127.0.0.1/empty/", EMPTY_PAGE, "utf-8", None, FETCHED)
    caplog.set_level(logging.DEBUG)
    with ExtractPool(workers=1, timeout=120, log_level=logging.WARNING) as pool:
        for job in (bad_links, empty):
            pool.submit(job).result(timeout=120)
    logged = [(record.name, record.levelname, record.getMessage()) for record in caplog.records]
    assert [entry[:2] for entry in logged] == [("newscrawl.crawl.pool", "WARNING")], logged
    assert f"could not read the links of {page.url} here" in logged[0][2]
    caplog.clear()
    with ExtractPool(workers=1, timeout=120, log_level=None) as pool:
        for job in (bad_links, empty):
            pool.submit(job).result(timeout=120)
    assert caplog.records == []


def crawl_empty_page(tmp_path, *log_options: str, command: str = "crawl") -> subprocess.CompletedProcess:
    """A crawl with a worker of a site whose only article link is an empty page."""
    site = tmp_path / "site"
    (site / "2024/05/03/empty").mkdir(parents=True)
    (site / "2024/05/03/empty/index.html").write_bytes(EMPTY_PAGE)
    (site / "index.html").write_text('<html><body><a href="/2024/05/03/empty/">news</a></body></html>')
    with serve_directory(site) as base:
        args = ["site", "-a", f"url={base}", "-s", "NEWSCRAWL_EXTRACT_WORKERS=1", "-s", "DOWNLOAD_DELAY=0",
                "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}", *log_options]
        if command == "crawl":
            args += ["-O", str(tmp_path / "out.jsonl")]
        else:
            args += ["--output-dir", str(tmp_path / "cron")]
        proc = run_scrapy([command, *args], cwd=REPO)
    assert proc.stderr.count("discarding data") == 0, proc.stderr[-3000:]
    return proc


@pytest.mark.parametrize("logging_option", ["--nolog", "--logfile", "--nolog --logfile"])
def test_worker_log_follows_the_crawls_log_settings(tmp_path, logging_option):
    """trafilatura's "discarding data" warnings in a worker were printed on stderr (in their own
    timestamp format) whatever --nolog or --logfile said. With both, the log goes to the file, as
    Scrapy writes it (its summary too: it was left out under --nolog)."""
    log = tmp_path / "logs" / "crawl.log"
    options = ["--nolog"] if logging_option == "--nolog" else [*logging_option.split()[:-1], "--logfile", str(log)]
    log.parent.mkdir()
    proc = crawl_empty_page(tmp_path, *options)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # no log record on stderr at all (the crawl's own end-of-run lines have no timestamp)
    assert not [line for line in proc.stderr.splitlines() if LOG_RECORD.match(line)], proc.stderr[-3000:]
    assert "no articles written" in proc.stderr
    assert (tmp_path / "out.jsonl").read_text() == ""
    if "--logfile" in logging_option:
        text = log.read_text("utf-8")
        assert "Spider closed (finished)" in text and "trafilatura" not in text
        assert "summary: " in text
    else:
        assert not log.exists()


def test_cron_stderr_has_no_worker_warnings(tmp_path):
    """cron mails what a job prints: a worker's warnings must not reach its stderr."""
    proc = crawl_empty_page(tmp_path, command="cron")
    assert "trafilatura" not in proc.stderr
    log = (tmp_path / "cron" / "cron.log").read_text("utf-8")
    assert "trafilatura" not in log and "Spider closed (finished)" in log


# the forkserver's Ctrl-C (SIGINT, bit 1 of /proc's masks) is blocked or ignored: never taken
_CTRL_C_KEPT_OUT = (
    "status = open(f'/proc/{pid}/status').read() if pid else ''\n"
    "masks = [int(line.split()[1], 16) for line in status.splitlines() if line.startswith(('SigBlk:', 'SigIgn:'))]\n"
    "kept_out = len(masks) == 2 and bool((masks[0] | masks[1]) & (1 << 1))\n")


def test_the_forkserver_never_takes_ctrl_c_from_its_start():
    """Ctrl-C reaches the whole process group: the forkserver caught it during its second of
    imports and warm-up and printed a KeyboardInterrupt traceback (multiprocessing ignores it
    there only after the preload). A pool made in the main thread starts the forkserver at once,
    with Ctrl-C blocked from its first instruction; one sent during its warm-up does nothing."""
    script = (
        "import os, signal, time\n"
        "from multiprocessing import forkserver\n"
        "from newscrawl.crawl.pool import ExtractPool\n"
        "pool = ExtractPool(workers=1)\n"
        "pid = forkserver._forkserver._forkserver_pid\n"
        + _CTRL_C_KEPT_OUT +
        "os.kill(pid, signal.SIGINT)\n"  # during its imports and warm-up
        "time.sleep(0.5)\n"
        "print(kept_out, os.waitpid(pid, os.WNOHANG) == (0, 0))\n"  # and it is still there
        "pool.shutdown()\n")
    proc = _python(script)
    assert proc.stdout.split() == ["True", "True"], proc.stdout + proc.stderr[-2000:]
    assert "KeyboardInterrupt" not in proc.stderr, proc.stderr[-2000:]


@pytest.mark.parametrize("threads", [1, 2])
def test_a_ctrl_c_while_the_forkserver_starts_reaches_the_crawl(threads):
    """A Ctrl-C in the milliseconds while the forkserver starts was lost (Ctrl-C was ignored
    there, so that the forkserver inherited the ignore), and the crawl ran on to its end. Here
    it comes while the forkserver starts, every time; with a second thread running too, which
    the kernel may hand the signal to."""
    script = (
        "import os, signal, threading, time\n"
        "from multiprocessing import forkserver\n"
        "from newscrawl.crawl.pool import ExtractPool\n"
        f"if {threads} > 1:\n"
        "    threading.Thread(target=time.sleep, args=(5,), daemon=True).start()\n"
        "start = forkserver.ensure_running\n"
        "def ctrl_c_while_starting():\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    start()\n"
        "forkserver.ensure_running = ctrl_c_while_starting\n"
        "taken = []\n"
        "signal.signal(signal.SIGINT, lambda signum, frame: taken.append(signum))\n"
        "pool = ExtractPool(workers=1)\n"
        "time.sleep(0.1)\n"  # a signal another thread took runs its handler in this one, soon
        "pid = forkserver._forkserver._forkserver_pid\n"
        + _CTRL_C_KEPT_OUT +
        "print(taken == [signal.SIGINT], kept_out)\n"
        "pool.shutdown()\n")
    proc = _python(script)
    assert proc.stdout.split() == ["True", "True"], proc.stdout + proc.stderr[-2000:]


def test_a_worker_whose_crawl_closed_the_pipe_stops_without_a_traceback():
    """A second Ctrl-C closes the workers' pipes while one starts: its "ready" met a broken pipe
    and printed a BrokenPipeError traceback."""
    script = (
        "import multiprocessing\n"
        "from newscrawl.crawl.pool import _worker_main\n"
        "crawl_end, worker_end = multiprocessing.Pipe()\n"
        "crawl_end.close()\n"
        "_worker_main(worker_end)\n"
        "print('stopped')\n")
    proc = _python(script)
    assert proc.stdout.strip() == "stopped" and "Traceback" not in proc.stderr, proc.stderr[-2000:]


def _python(script: str) -> subprocess.CompletedProcess:
    """`script` run by a fresh interpreter on this checkout (it changes signal handlers); it must succeed."""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc
