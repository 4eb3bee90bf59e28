"""How the crawl's summary names its outputs; what Ctrl-C says while a server does not answer,
and the summary after it: real `scrapy crawl` runs against a real server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from scrapy.settings import Settings

from newscrawl.commands.crawl import _output_name
from newscrawl.output.guard import feed_targets
from tests.conftest import REPO


def test_the_summary_names_an_output_file_the_run_never_opened_as_not_created(tmp_path: Path) -> None:
    written, never = tmp_path / "written.jsonl", tmp_path / "never.jsonl"
    written.write_text("", encoding="utf-8")
    settings = Settings({"FEEDS": {str(written): {}, never.as_uri(): {}, "stdout:": {}}})
    assert [_output_name(target, {}) for target in feed_targets(settings)] == [
        str(written), f"{never.as_uri()} (not created)", "standard output"]
    # one the crawl saw moved away or deleted while it wrote it (storage.py) is said to be
    moved = {"newscrawl/output/moved": str(never)}
    assert [_output_name(target, moved) for target in feed_targets(settings)] == [
        str(written), f"{never.as_uri()} (deleted or moved during the crawl)", "standard output"]


class SilentSite:
    """A real server on 127.0.0.1 that answers robots.txt (allow all) and accepts every other
    request but never answers it, holding the connection open until it stops."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/"

    def __enter__(self) -> SilentSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()

    def _serve(self) -> None:
        with contextlib.suppress(OSError):  # the socket closed: the test is over
            while True:
                conn, _ = self.sock.accept()
                conn.settimeout(10)
                request = b""
                with contextlib.suppress(OSError):
                    while b"\r\n\r\n" not in request and (chunk := conn.recv(4096)):
                        request += chunk
                if request.split(b" ", 2)[1:2] == [b"/robots.txt"]:
                    body = b"User-agent: *\nAllow: /\n"
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                                 + str(len(body)).encode() + b"\r\n\r\n" + body)
                    conn.close()
                else:
                    self.held.append(conn)  # accepted, never answered


class Stderr:
    """A running command's stderr, read as it comes."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self.thread = threading.Thread(target=lambda: self.lines.extend(proc.stderr), daemon=True)
        self.thread.start()


def crawl_silent_site(site: SilentSite, tmp_path: Path, timeout: int) -> tuple[subprocess.Popen, Stderr]:
    """`scrapy crawl site -a url=...` with -L WARNING, started once its pages are in flight."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={site.url()}", "-L", "WARNING",
           "-O", str(tmp_path / "out.jsonl"), "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}",
           "-s", f"DOWNLOAD_TIMEOUT={timeout}", "-s", "RETRY_TIMES=0", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not site.held and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # until the home page is asked for (robots.txt answered before it)
    assert site.held, "the crawl never asked for a page"
    return proc, Stderr(proc)


def test_ctrl_c_says_what_the_stop_waits_for_and_counts_no_robots_txt_as_a_page(tmp_path: Path) -> None:
    # a server that never answers held the first Ctrl-C until DOWNLOAD_TIMEOUT without a word,
    # and the summary counted the robots.txt response as "1 page fetched" (found by a stranger)
    with SilentSite() as site:
        proc, err = crawl_silent_site(site, tmp_path, timeout=4)
        time.sleep(1)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        err.thread.join(timeout=10)
    text = "".join(err.lines)
    assert proc.returncode == 130, text[-3000:]
    summary = next(line for line in err.lines if line.startswith("summary: 0 articles written"))
    assert "; 0 pages fetched in " in summary and "(shutdown)" in summary, text  # robots.txt answered
    notice = [line for line in err.lines if "stopping: waiting for" in line]
    assert len(notice) == 1 and "holds each for DOWNLOAD_TIMEOUT, 4 s, on every attempt)" in notice[0], text
    assert notice[0].rstrip().endswith("; Ctrl-C again to stop at once"), text
    assert "Traceback" not in text


def test_a_second_ctrl_c_stops_at_once_and_the_summary_has_the_real_time(tmp_path: Path) -> None:
    with SilentSite() as site:
        began = time.monotonic()
        proc, err = crawl_silent_site(site, tmp_path, timeout=120)
        time.sleep(2)
        proc.send_signal(signal.SIGINT)
        time.sleep(1)  # the first is handled: a graceful stop, waiting for the home page
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)  # not the 120 s of DOWNLOAD_TIMEOUT
        ran = time.monotonic() - began
        err.thread.join(timeout=10)
    text = "".join(err.lines)
    assert proc.returncode == 130, text[-3000:]
    assert "the crawl was stopped before it finished: 0 articles written" in text
    summary = next(line for line in err.lines if line.startswith("summary: 0 articles written"))
    seconds = float(summary.split(" pages fetched in ")[1].split(" s ")[0])
    assert 2 <= seconds <= ran, summary  # it was "0.0 s"
    assert " 0 pages fetched in " in summary and summary.rstrip().endswith("(stopped)"), summary
    assert sum("Ctrl-C again to stop at once" in line for line in err.lines) == 1, text


def test_ctrl_c_names_requests_queued_behind_the_delay_apart_from_those_under_way(tmp_path: Path) -> None:
    # a first Ctrl-C with DOWNLOAD_DELAY=300 (meant as milliseconds) said the requests waited for a
    # server, up to DOWNLOAD_TIMEOUT: they waited their turn behind the delay (found by a stranger)
    from tests.support.sites.build import build_site
    from tests.support.sites.server import serve_site

    with serve_site(tmp_path / "site") as site:
        build_site(tmp_path / "site", site.base)
        cmd = [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={site.base}", "-L", "WARNING",
               "-O", str(tmp_path / "out.jsonl"), "-s", "NEWSCRAWL_STATE=none", "-s", "DOWNLOAD_DELAY=300",
               "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0"]
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        err = Stderr(proc)
        time.sleep(8)  # the home page fetched and its links queued, one per 300 s
        proc.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 30
        while not any("stopping: waiting for" in line for line in err.lines) and time.monotonic() < deadline:
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        err.thread.join(timeout=10)
    text = "".join(err.lines)
    notice = [line for line in err.lines if "stopping: waiting for" in line]
    assert len(notice) == 1, text[-3000:]
    assert "queued behind the delay between requests to a site (up to " in notice[0], notice
    # each one delay apart, and Scrapy draws each delay up to 1.5 times DOWNLOAD_DELAY (the
    # estimate said 1x, and a stranger's stop took longer than it said)
    queued, up_to = re.search(r"(\d+) requests? queued behind the delay .*\(up to ([\d.e+]+) s", notice[0]).groups()
    assert float(up_to) == int(queued) * 300 * 1.5, notice
    assert "DeprecationWarning" not in text, text[-3000:]  # the slot's jitter, not its old randomize_delay
    assert "DOWNLOAD_TIMEOUT" not in notice[0], notice  # nothing is under way: no timeout is waited on
    assert notice[0].count("then each waits for its answer") == 1, notice  # once sent, they wait too
    assert proc.returncode == 130 and "Traceback" not in text


def test_the_summary_names_the_files_an_output_with_placeholders_gave(tmp_path: Path) -> None:
    """%(name)s is the spider's name; %(time)s and %(batch_id)d name the files the crawl opened."""
    from newscrawl.crawl.spider import SiteSpider

    spider = SiteSpider(url="http://127.0.0.1:1/")
    (tmp_path / "site.jsonl").write_text("", encoding="utf-8")
    settings = Settings({"FEEDS": {str(tmp_path / "%(name)s.jsonl"): {}, str(tmp_path / "t-%(time)s.jsonl"): {},
                                   str(tmp_path / "%(name)s-%(batch_id)02d.jsonl"): {}}})
    batches = [str(tmp_path / f"site-{number:02d}.jsonl") for number in range(1, 6)]
    files = [str(tmp_path / "site.jsonl"), str(tmp_path / "t-2026-12-07T00-50-00+00-00.jsonl"), *batches]
    assert [_output_name(target, {}, files) for target in feed_targets(settings, spider)] == [
        str(tmp_path / "site.jsonl"), str(tmp_path / "t-2026-12-07T00-50-00+00-00.jsonl"),
        f"{batches[0]} ... {batches[-1]} (5 files)"]
    assert [_output_name(target, {}, []) for target in feed_targets(settings, spider)][1:] == [
        f"{tmp_path / 't-%(time)s.jsonl'} (not created)", f"{tmp_path / '%(name)s-%(batch_id)02d.jsonl'} (not created)"]


def test_without_a_state_a_stopped_crawl_with_a_jobdir_is_said_to_go_on_and_does(tmp_path: Path) -> None:
    """-s NEWSCRAWL_STATE=none -s JOBDIR=job: the stop line and the next run's warning said every
    article would be written again; Scrapy's JOBDIR resumed, and wrote only the rest."""
    from tests.conftest import FAST, read_jsonl, run_scrapy
    from tests.support.faultserver import FaultServer
    from tests.support.sites.harness import finish

    out, job = tmp_path / "out.jsonl", tmp_path / "job"
    with FaultServer("127.0.0.1", robots="allow", articles=30) as site:
        args = ["crawl", "site", "-a", f"url={site.url('/')}", "-s", "NEWSCRAWL_STATE=none", "-s", f"JOBDIR={job}",
                *FAST]
        cmd = [sys.executable, "-m", "scrapy", *args, "-O", str(out), "-s", "DOWNLOAD_DELAY=0.3"]  # paced
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None and len(read_jsonl(out) if out.exists() else []) < 2:
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGTERM)
        code, err = finish(proc, timeout=120)
        stopped = read_jsonl(out)
        rest = run_scrapy([*args, "-o", str(out)], timeout=150)  # appending, as the stop line says
    assert code == 130, err[-3000:]
    assert (f"{len(stopped)} articles written; without a state nothing was recorded, but JOBDIR {job} keeps "
            "the crawl's progress, and a run with it fetches none of its pages again; run the same command "
            "again, appending (-o FILE) where it wrote with -O, to go on") in err, err[-3000:]
    assert "writes every article again" not in err
    assert rest.returncode == 0, rest.stderr[-3000:]
    assert f"appending to {out} without a state: JOBDIR {job} goes on with the crawl it keeps" in rest.stderr
    assert "are written to it again" not in rest.stderr, rest.stderr[-3000:]
    assert 2 <= len(stopped) < 30
    urls = sorted(article["url"] for article in read_jsonl(out))
    assert urls == sorted(site.url(f"/articles/story-{i}") for i in range(1, 31))  # each once


def _stopped(args: list[str], site, tmp_path: Path) -> str:
    """Run `scrapy crawl` with `args`, Ctrl-C (SIGINT) it after its third article page; its stop line."""
    from tests.conftest import FAST
    from tests.support.sites.harness import finish

    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={site.url('/')}", *args,
           "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}", *FAST, "-s", "DOWNLOAD_DELAY=0.3"]
    fetched = lambda: sum(count for path, count in site.hits.items() if path.startswith("/articles/"))  # noqa: E731
    before = fetched()  # the site serves one run after another
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None and fetched() < before + 3:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    code, err = finish(proc, timeout=120)
    assert code == 130, err[-3000:]
    stop = [line for line in err.splitlines() if "the crawl was stopped before it finished" in line]
    assert len(stop) == 1, err[-3000:]
    return stop[0]


def test_a_stopped_crawl_says_how_to_go_on_as_its_outputs_were_given(tmp_path: Path) -> None:
    """The stop line said "appending (-o FILE) where it wrote with -O" after `-O -:json`, which
    writes no file, and after a FEEDS output with overwrite, which takes no -o."""
    import json

    from tests.support.faultserver import FaultServer

    feeds = {str(tmp_path / "feeds.jsonl"): {"format": "jsonlines", "overwrite": True}}
    with FaultServer("127.0.0.1", robots="allow", articles=30) as site:
        to_stdout = _stopped(["-O", "-:json"], site, tmp_path / "a")
        in_feeds = _stopped(["-s", f"FEEDS={json.dumps(feeds)}"], site, tmp_path / "b")
    assert to_stdout.endswith("written and recorded; run the same command again to go on: it writes only "
                              "the articles not written yet"), to_stdout
    assert in_feeds.endswith(f'written and recorded; run the same command again with "overwrite": false in '
                             f'the FEEDS entry of {tmp_path / "feeds.jsonl"}, to go on'), in_feeds
    assert "-o FILE" not in to_stdout + in_feeds
