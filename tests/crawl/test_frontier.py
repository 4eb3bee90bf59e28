"""The frontier's disk queues store requests as Scrapy's own do, callbacks named cheaply; a full
disk costs no request: the queues take a request whole or not at all, and the crawl goes on in memory."""

from __future__ import annotations

import os
import pickle
import re
import signal
import subprocess
import sys
import time

import pytest
from scrapy import Request, Spider
from scrapy.squeues import PickleLifoDiskQueue
from scrapy.utils.test import get_crawler

from newscrawl.crawl.frontier import (
    JOB_ARGUMENTS,
    STALE_AFTER,
    NamedCallbackLifoDiskQueue,
    WholeRecordFifoDiskQueue,
)
from tests.conftest import FAST, REPO, read_jsonl, run_scrapy
from tests.support.distributed_site import serve_sites
from tests.support.kills import wait_for_lines


class _Spider(Spider):
    name = "queue-test"

    def parse(self, response):
        yield from ()

    def parse_article(self, response):
        yield from ()

    def on_error(self, failure):
        yield from ()


class _Other:
    def parse(self, response):
        yield from ()


def _queue(cls, tmp_path, spider):
    crawler = get_crawler(_Spider)
    crawler.spider = spider
    return cls.from_crawler(crawler, str(tmp_path / cls.__name__))


def _requests(spider):
    return [Request("https://news.example/a", callback=spider.parse, errback=spider.on_error, priority=3,
                    meta={"site": "news", "depth": 2}, cb_kwargs={"page": 1}),
            Request("https://news.example/b", callback=spider.parse_article),
            Request("https://news.example/c")]


def test_same_requests_back_as_scrapys_queue(tmp_path):
    spider = _Spider()
    ours, scrapys = _queue(NamedCallbackLifoDiskQueue, tmp_path, spider), _queue(PickleLifoDiskQueue, tmp_path, spider)
    for queue in (ours, scrapys):
        for request in _requests(spider):
            queue.push(request)
    while len(scrapys):
        mine, theirs = ours.pop(), scrapys.pop()
        assert mine.to_dict(spider=spider) == theirs.to_dict(spider=spider)
        assert mine.callback == theirs.callback and mine.errback == theirs.errback
    assert len(ours) == 0
    ours.close()
    scrapys.close()


def test_request_keeps_its_methods_and_a_foreign_callback_is_refused_as_scrapy_does(tmp_path):
    spider = _Spider()
    queue = _queue(NamedCallbackLifoDiskQueue, tmp_path, spider)
    request = _requests(spider)[0]
    queue.push(request)
    assert request.callback == spider.parse and request.errback == spider.on_error  # not left as names
    stranger = Request("https://news.example/d", callback=_Other().parse)
    with pytest.raises(ValueError, match="not an instance method"):
        queue.push(stranger)
    assert callable(stranger.callback)
    assert pickle.loads(pickle.dumps(queue.pop().to_dict(spider=spider)))["callback"] == "parse"
    queue.close()


def _padded(spider, count: int):
    """Requests of about a kilobyte each, as a page's links with their meta come to."""
    return (Request(f"https://news.example/{n}", callback=spider.parse_article, meta={"pad": "x" * 700})
            for n in range(count))


def _fill(queue, spider) -> list[str]:
    """Push until the disk refuses one; the URLs the queue took."""
    taken = []
    with pytest.raises(OSError):
        for request in _padded(spider, 1000):
            queue.push(request)
            taken.append(request.url)
    assert 3 < len(taken) < 1000 and len(queue) == len(taken)
    return taken


def _full_queue(queue_class, small_disk):
    """A disk queue on a 16 KiB disk, filled until it refused a request; what it took."""
    disk, mount = small_disk
    mount("16k")
    spider = _Spider()
    queue = _queue(queue_class, disk, spider)
    return disk, spider, queue, _fill(queue, spider)


def test_a_full_disk_refuses_a_request_whole_and_the_lifo_queue_still_pops_what_it_took(small_disk):
    disk, spider, queue, taken = _full_queue(NamedCallbackLifoDiskQueue, small_disk)
    half = len(taken) // 2
    assert [queue.pop().url for _ in range(half)] == taken[::-1][:half]
    queue.close()  # and read back as a resumed JOBDIR would: no torn record at the end
    queue = _queue(NamedCallbackLifoDiskQueue, disk, spider)
    assert [request.url for request in iter(queue.pop, None)] == taken[::-1][half:]
    queue.close()


def test_a_full_disk_refuses_a_start_request_whole_and_the_fifo_queue_still_pops_what_it_took(small_disk):
    disk, _, queue, taken = _full_queue(WholeRecordFifoDiskQueue, small_disk)
    assert [request.url for request in iter(queue.pop, None)] == taken
    queue.close()  # empty: nothing to write, nothing left
    assert list(disk.iterdir()) == []


def test_a_crawl_whose_frontier_disk_is_full_writes_every_article_and_says_so_once(tmp_path, small_disk):
    disk, mount = small_disk
    mount("8k")
    out = tmp_path / "out.jsonl"
    with serve_sites([("127.0.0.1", 150, 0.0)]) as (site,):
        proc = run_scrapy(["crawl", "site", "-a", f"url={site.url}", "-O", str(out), *FAST,
                           "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}", "-s", "CLOSESPIDER_TIMEOUT=90"],
                          env={"TMPDIR": str(disk)}, timeout=150)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert {article["url"] for article in read_jsonl(out)} == site.article_urls()
    assert "Traceback" not in proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if " WARNING: " in line]
    assert len(warnings) == 1, warnings
    assert f"the crawl frontier's folder {disk}/newscrawl-frontier-" in warnings[0]
    assert "cannot be written (No space left on device)" in warnings[0] and "set TMPDIR" in warnings[0]
    assert re.search(r"summary: frontier: .* [1-9]\d* requests kept in memory instead", proc.stderr)
    assert list(disk.iterdir()) == []  # the run's folder is removed as always


def test_a_crawl_removes_the_frontier_folders_of_killed_crawls_and_keeps_a_running_ones(tmp_path):
    # a crawl killed with kill -9 or by the OOM killer left its folder forever (195 in a stranger's /tmp)
    temp = tmp_path / "tmp"
    temp.mkdir()
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    dead, alive = ended.pid, os.getpid()
    stale = temp / f"newscrawl-frontier-{dead}-0a1b2c3d"
    (stale / "p0").mkdir(parents=True)
    (stale / "p0" / "q00000").write_bytes(b"a request")
    an_hour_ago = time.time() - STALE_AFTER - 60
    os.utime(stale, (an_hour_ago, an_hour_ago))
    recent = temp / f"newscrawl-frontier-{dead}-5a5a5a5a"  # touched a minute ago: perhaps a crawl in
    recent.mkdir()  # another PID namespace sharing this folder, which looks gone from here
    running = temp / f"newscrawl-frontier-{alive}-4e5f6a7b"  # another crawl, under way
    (running / "p0").mkdir(parents=True)
    others = [temp / f"newscrawl-frontier-{dead}-0a1b2c3d-mine", temp / f"newscrawl-frontier-{dead}",
              temp / f"other-frontier-{dead}-0a1b2c3d"]  # not a frontier's name: never touched
    for folder in others:
        folder.mkdir()
    link = temp / f"newscrawl-frontier-{dead}-99999999"  # a link: not followed, not removed
    link.symlink_to(running)
    out = tmp_path / "out.jsonl"
    with serve_sites([("127.0.0.1", 3, 0.0)]) as (site,):
        proc = run_scrapy(["crawl", "site", "-a", f"url={site.url}", "-O", str(out), *FAST,
                           "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}"],
                          env={"TMPDIR": str(temp)}, timeout=150)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert {article["url"] for article in read_jsonl(out)} == site.article_urls()
    assert not stale.exists()
    assert running.is_dir() and (running / "p0").is_dir() and link.is_symlink()
    assert all(folder.is_dir() for folder in others)
    assert recent.is_dir()
    assert sorted(temp.iterdir()) == sorted([running, recent, link, *others])  # the run's own folder went too
    lines = [line for line in proc.stderr.splitlines() if "frontier folder" in line]
    assert len(lines) == 1 and " INFO: removed 1 frontier folder that crawls no longer running left in " \
        f"{temp}" in lines[0], proc.stderr[-3000:]


def test_a_jobdir_kept_by_a_crawl_of_another_site_is_refused_and_its_own_crawl_goes_on(tmp_path):
    """`-s JOBDIR=job` of a crawl of site A stopped by Ctrl-C, given to a crawl of site B: Scrapy
    resumed A's waiting pages, and B's output got A's articles among its own, exit 0, without a
    word (and A's output, run again, never got them). Now B is refused before anything is fetched;
    A's own command goes on with its job."""
    from tests.support.faultserver import FaultServer

    job, first, other = tmp_path / "job", tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    common = [*FAST, "-s", f"JOBDIR={job}", "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}",
              "-s", "CONCURRENT_REQUESTS=2"]
    with FaultServer("127.0.0.11", robots="allow", articles=12, delay=1.0) as site_a, \
            FaultServer("127.0.0.12", robots="allow", articles=2) as site_b:
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}
        proc = subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={site_a.url('/')}",
                                 "-o", str(first), *common], cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for_lines(proc, first, 2)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, err[-2000:]
        refused = run_scrapy(["crawl", "site", "-a", f"url={site_b.url('/')}", "-o", str(other), *common])
        assert site_b.hits.total() == 0
        # since= may change on the way: it says which articles, not which site
        resumed = run_scrapy(["crawl", "site", "-a", f"url={site_a.url('/')}", "-a", "since=3650d",
                              "-o", str(first), *common])
    assert refused.returncode == 2, refused.stderr[-2000:]
    assert refused.stderr.strip().splitlines() == [refused.stderr.strip().splitlines()[0]]
    assert f"JOBDIR {job} keeps a crawl of -a url={site_a.url('/')}" in refused.stderr
    assert not other.exists()
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    urls = [item["url"] for item in read_jsonl(first)]
    assert len(urls) == len(set(urls)) == 12


def test_a_jobdir_whose_crawl_finished_takes_a_crawl_of_another_site_and_keeps_it(tmp_path):
    """A crawl that finished leaves nothing waiting in its JOBDIR: a crawl of another site given
    the same JOBDIR was refused ('its waiting pages would be fetched'), where it had run before.
    Now it runs, and the job is that crawl's from then on (its own command goes on with it)."""
    from tests.support.faultserver import FaultServer

    job = tmp_path / "job"
    with FaultServer("127.0.0.13", robots="allow", articles=2) as site_a, \
            FaultServer("127.0.0.14", robots="allow", articles=2) as site_b:
        for name, site in (("a", site_a), ("b", site_b)):  # a state each: the two sites' texts are the same
            done = run_scrapy(["crawl", "site", "-a", f"url={site.url('/')}", "-o", str(tmp_path / f"{name}.jsonl"),
                               *FAST, "-s", f"JOBDIR={job}", "-s", f"NEWSCRAWL_STATE={tmp_path / name}.sqlite"])
            assert done.returncode == 0, done.stderr[-2000:]
    other = done
    assert len(read_jsonl(tmp_path / "b.jsonl")) == 2, other.stderr[-3000:]
    with open(job / "spider.state", "rb") as handle:
        assert pickle.load(handle)[JOB_ARGUMENTS] == {"url": site_b.url("/")}
