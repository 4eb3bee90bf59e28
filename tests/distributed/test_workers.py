"""Distributed mode end to end: several `scrapy crawl site -s REDIS_URL=...` worker processes,
a real redis-server, made-up news sites on 127.0.0.1, 127.0.0.2 and 127.0.0.3.

- one crawl checks that the workers share the frontier (each URL fetched once, each article
  emitted once, the work spread over the workers) and per-site politeness across workers
  (the gaps between requests and the peak of concurrent requests, measured at the servers);
- the kill test `kill -9`s a worker mid-crawl: the others take its requests over after the
  lease and the union of all outputs holds every article exactly once.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawl.config.sites import site_from_url
from tests.conftest import REPO, read_jsonl, run_scrapy
from tests.support.distributed_site import serve_sites
from tests.support.redis_fixtures import redis_server, redis_url  # noqa: F401 - pytest fixtures

redis = pytest.importorskip("redis", reason="the redis extra is not installed: pip install -e '.[redis]'")
from newscrawl.distributed.keys import crawl_keys  # noqa: E402 - needs the redis extra
from newscrawl.distributed.seeds import push_seeds  # noqa: E402

LEASE = 3  # seconds: a killed worker's requests are requeued after this
WORKER_SETTINGS = {
    "NEWSCRAWL_REDIS_LEASE": LEASE,
    "MAX_IDLE_TIME_BEFORE_CLOSE": 1,
    "NEWSCRAWL_EXTRACT_WORKERS": 0,  # one process per worker: the workers are the parallelism here
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "LOG_LEVEL": "INFO",
}


class Worker:
    """One `scrapy crawl site` worker process with its own output, stats and log files."""

    def __init__(self, folder: Path, url: str, **settings: object) -> None:
        folder.mkdir(parents=True)
        self.folder = folder
        self.output = folder / "out.jsonl"
        self.stats_file = folder / "stats.json"
        args = ["crawl", "site", "-O", str(self.output), "-s", f"REDIS_URL={url}",
                "-s", f"NEWSCRAWL_STATE={folder / 'state.sqlite'}", "-s", f"NEWSCRAWL_STATS_FILE={self.stats_file}"]
        for name, value in {**WORKER_SETTINGS, **settings}.items():
            args += ["-s", f"{name}={value}"]
        self.log = (folder / "log.txt").open("w")
        self.process = subprocess.Popen([sys.executable, "-m", "scrapy", *args], cwd=REPO,
                                        stdout=self.log, stderr=subprocess.STDOUT)

    def wait(self, timeout: float) -> int:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise AssertionError(f"worker {self.process.pid} did not finish: {self.tail()}") from None
        finally:
            self.log.close()

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def items(self) -> list[dict]:
        return read_jsonl(self.output)

    def stats(self) -> dict:
        return json.loads(self.stats_file.read_text("utf-8")) if self.stats_file.exists() else {}

    def tail(self) -> str:
        path = self.folder / "log.txt"
        return path.read_text("utf-8", "replace")[-3000:] if path.exists() else ""


def seed(url: str, *args: str) -> subprocess.CompletedProcess:
    return run_scrapy(["seed", *args, "-s", f"REDIS_URL={url}"], timeout=60)


def wait_for_workers(url: str, count: int, workers: list[Worker], timeout: float = 90) -> None:
    """Until `count` workers hold a lease in Redis (they started and opened the shared queue)."""
    server = redis.Redis.from_url(url)
    deadline = time.monotonic() + timeout
    while server.zcard("site:requests:workers") < count:
        for worker in workers:
            assert worker.process.poll() is None, f"a worker exited early: {worker.tail()}"
        assert time.monotonic() < deadline, "the workers did not start"
        time.sleep(0.1)


def run_all(workers: list[Worker], timeout: float = 120) -> None:
    for worker in workers:
        code = worker.wait(timeout)
        assert code == 0, f"worker exited with {code}: {worker.tail()}"


def test_workers_share_the_frontier_and_the_politeness(redis_url, tmp_path):  # noqa: F811
    hold = threading.Event()  # nothing is answered until every worker is up, so all share the work
    with serve_sites([("127.0.0.1", 30, 0.02), ("127.0.0.2", 10, 0.0), ("127.0.0.3", 10, 0.25)],
                     hold=hold) as (fast, gapped, capped):
        sites_file = tmp_path / "sites.toml"
        sites_file.write_text(
            f'[sites.fast]\nurl = "{fast.url}"\nconcurrency = 8\n\n'
            # at most one request every 0.3 s, whatever the number of workers
            f'[sites.gapped]\nurl = "{gapped.url}"\ndelay = 0.3\nconcurrency = 1\ndiscover = false\n\n'
            # at most 2 requests at a time; each takes 0.25 s to answer
            f'[sites.capped]\nurl = "{capped.url}"\nconcurrency = 2\ndiscover = false\n', "utf-8")
        seeded = seed(redis_url, "-a", f"sites={sites_file}")
        assert seeded.returncode == 0, seeded.stderr
        assert "seeded 3 sites" in seeded.stdout
        workers = [Worker(tmp_path / f"w{i}", redis_url, NEWSCRAWL_REDIS_MAX_IN_PROGRESS=4) for i in range(3)]
        try:
            wait_for_workers(redis_url, 3, workers)
        finally:
            hold.set()
        run_all(workers)

    # each URL fetched once across the workers (robots.txt: once per worker, by Scrapy itself)
    for site in (fast, gapped, capped):
        counts = site.counts()
        assert set(site.pages) - {"/robots.txt"} <= set(counts), f"{site.host}: pages never fetched"
        assert {p: n for p, n in counts.items() if n > 1 and p != "/robots.txt"} == {}, site.host
        assert counts.get("/robots.txt", 0) <= len(workers) + 1

    # each article emitted once, by whichever worker fetched it
    items = [item for worker in workers for item in worker.items()]
    urls = [item["url"] for item in items]
    expected = fast.article_urls() | gapped.article_urls() | capped.article_urls()
    assert sorted(urls) == sorted(expected)
    busy = [w for w in workers if w.stats().get("response_received_count", 0) > 0]
    assert len(busy) >= 2, "the work was not shared"
    stats = [w.stats() for w in workers]
    assert sum(s.get("newscrawl/distributed/acked", 0) for s in stats) >= len(expected)
    assert all(s.get("finish_reason") == "finished" for s in stats)

    # politeness across workers, measured at the servers
    gaps = gapped.gaps()
    print("shared politeness:", json.dumps({
        "fetches by worker": [w.stats().get("response_received_count", 0) for w in workers],
        "gapped: requests": len(gaps) + 1, "min gap s": round(min(gaps), 3),
        "mean gap s": round(sum(gaps) / len(gaps), 3), "gapped peak": gapped.peak, "capped peak": capped.peak}))
    assert len(gaps) >= 10
    # three workers, yet one request per 0.3 s (unshared, they would often start together). A
    # lower bound only, and load cannot break it: the next lease is granted the delay after the
    # previous response arrived (Redis's clock, in whole milliseconds), so at the server each
    # request starts at least the delay after the one before; 15 ms covers the rounding
    assert min(gaps) >= 0.3 - 0.015, gaps
    assert capped.peak <= 2, capped.peak  # three workers, yet at most 2 at a time
    assert gapped.peak == 1


def test_a_worker_crawls_an_intranet_site_seeded_after_it_started(redis_url, tmp_path):  # noqa: F811
    """A worker trusted the networks of the sites known when it opened: a 127.0.0.1 site seeded
    by `scrapy seed` six seconds later was dropped as protected_network, the seed consumed, and
    the worker exited 0 with nothing written. A site seeded later is a start URL too."""
    with serve_sites([("127.0.0.1", 4, 0.0)]) as (site,):
        worker = Worker(tmp_path / "w", redis_url, MAX_IDLE_TIME_BEFORE_CLOSE=15)
        wait_for_workers(redis_url, 1, [worker])
        seeded = seed(redis_url, site.url)
        assert seeded.returncode == 0, seeded.stderr
        assert worker.wait(120) == 0, worker.tail()
    assert {item["url"] for item in worker.items()} == site.article_urls(), worker.tail()
    assert "protected_network" not in worker.tail()


def test_a_killed_worker_loses_nothing(redis_url, tmp_path):  # noqa: F811
    with serve_sites([("127.0.0.1", 40, 0.1), ("127.0.0.2", 40, 0.1)]) as sites:
        server = redis.Redis.from_url(redis_url)
        # what `scrapy seed URL...` does (test_distributed_state.py runs the command itself)
        push_seeds(server, crawl_keys(Settings(), "site"), [site_from_url(site.url) for site in sites])
        workers = [Worker(tmp_path / f"w{i}", redis_url, NEWSCRAWL_REDIS_MAX_IN_PROGRESS=6,
                          CONCURRENT_REQUESTS_PER_DOMAIN=6) for i in range(3)]
        articles = set().union(*(site.article_urls() for site in sites))

        # kill the worker holding the most requests once a quarter of the articles were fetched
        deadline = time.monotonic() + 90
        victim, in_flight = None, 0
        while victim is None:
            assert time.monotonic() < deadline, "the crawl never got going"
            fetched = sum(1 for s in sites for h in list(s.hits) if h.path.startswith("/2024/"))
            if fetched >= len(articles) // 4:
                held = {w: server.zcard(_processing_key(server, w.process.pid)) for w in workers}
                candidate = max(held, key=held.get)
                if held[candidate] > 0:
                    candidate.kill()
                    victim, in_flight = candidate, held[candidate]
            time.sleep(0.05)
        survivors = [w for w in workers if w is not victim]
        run_all(survivors)

    items = [item for worker in workers for item in worker.items()]
    urls = [item["url"] for item in items]
    requeued = sum(w.stats().get("newscrawl/distributed/requeued", 0) for w in survivors)
    counts = {"articles": len(articles), "emitted": len(urls), "distinct": len(set(urls)),
              "by the killed worker": len(victim.items()), "in flight at the kill": in_flight,
              "requeued by the others": requeued,
              "by each survivor": [len(w.items()) for w in survivors]}
    print("kill test:", json.dumps(counts))
    (tmp_path / "kill-counts.json").write_text(json.dumps(counts))
    assert set(urls) == articles, counts  # every article: nothing the killed worker held is lost
    # once each, but for what the kill can split: the killed worker wrote an article's line and
    # died before recording it in Redis, so another worker took the request over and wrote it
    # again (one article at most: the worker records each line right after writing it)
    twice = [url for url in set(urls) if urls.count(url) > 1]
    victims = {item["url"] for item in victim.items()}
    assert len(twice) <= 1 and set(twice) <= victims, counts
    assert all(urls.count(url) <= 2 for url in twice), counts
    assert requeued >= in_flight > 0, counts


def _processing_key(server, pid: int) -> str:
    for worker in server.zrange("site:requests:workers", 0, -1):
        name = worker.decode()
        if name.split(":")[-2] == str(pid):
            return f"site:requests:processing:{name}"
    return "site:requests:processing:none"



NEEDS_OUTPUT = ("a worker of the shared crawl needs an output (-o FILE): what it takes from Redis is no other "
                "worker's to fetch")


@pytest.mark.parametrize(("output", "said"), [
    pytest.param([], NEEDS_OUTPUT, id="none"),
    pytest.param(["-O", os.devnull], f"-O {os.devnull} keeps nothing, and {NEEDS_OUTPUT}", id="-O /dev/null"),
    pytest.param(["-s", f'FEEDS={{"{os.devnull}": {{"format": "jsonlines"}}}}'],
                 f"the FEEDS output {os.devnull} keeps nothing, and {NEEDS_OUTPUT}", id="FEEDS /dev/null"),
])
def test_a_worker_without_an_output_takes_nothing_from_the_shared_crawl(redis_url, tmp_path, output, said):  # noqa: F811
    """A worker with no output fetched 34 pages, "11 not saved: no output keeps them", exit 0,
    and recorded them done in Redis: a later worker with -o found nothing queued, and those
    articles were lost for the shared crawl. Now it is refused before it takes anything."""
    with serve_sites([("127.0.0.1", 4, 0.0)]) as (site,):
        assert seed(redis_url, site.url).returncode == 0
        server = redis.Redis.from_url(redis_url)
        before = {key: server.dump(key) for key in server.scan_iter()}
        refused = run_scrapy(["crawl", "site", "-s", f"REDIS_URL={redis_url}", "-s", "MAX_IDLE_TIME_BEFORE_CLOSE=1",
                              *output], timeout=90)
        assert refused.returncode == 2, refused.stderr[-3000:]
        lines = [line for line in refused.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].endswith(f"ERROR: {said}"), lines
        assert {key: server.dump(key) for key in server.scan_iter()} == before  # the seed and the sites untouched
        assert site.counts() == {}
        worker = Worker(tmp_path / "w", redis_url)  # with an output: every article
        assert worker.wait(120) == 0, worker.tail()
    assert {item["url"] for item in worker.items()} == site.article_urls(), worker.tail()


@pytest.mark.parametrize("state", ["mine.sqlite", "none"])
def test_a_workers_state_setting_is_said_to_do_what_it_does(redis_url, tmp_path, state):  # noqa: F811
    """-s NEWSCRAWL_STATE on a worker was ignored without a word: its state is the shared one in
    Redis. Now one WARNING line says so."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "scrapy.cfg", project / "scrapy.cfg")
    with serve_sites([("127.0.0.1", 3, 0.0)]) as (site,):
        assert seed(redis_url, site.url).returncode == 0
        proc = run_scrapy(["crawl", "site", "-o", "out.jsonl", "-s", f"REDIS_URL={redis_url}", "-s", f"NEWSCRAWL_STATE={state}",
                           *(arg for name, value in WORKER_SETTINGS.items() for arg in ("-s", f"{name}={value}"))],
                          cwd=project, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    said = [line.split("WARNING: ", 1)[1] for line in proc.stderr.splitlines() if "NEWSCRAWL_STATE=" in line]
    shared = "a distributed crawl (REDIS_URL) keeps its state in Redis, shared by every worker"
    assert said == [f"NEWSCRAWL_STATE=mine.sqlite is not this worker's state: {shared}; only the HTTP cache of feeds "
                    "and sitemaps goes beside it (mine.sqlite.httpcache)" if state != "none" else
                    f"NEWSCRAWL_STATE=none does not turn the state off: {shared}, and an article it records as "
                    "written is not written again"]
    assert {item["url"] for item in read_jsonl(project / "out.jsonl")} == site.article_urls()
    assert sorted(path.name for path in project.iterdir()) == ["out.jsonl", "scrapy.cfg"]  # no state file


def test_only_a_state_setting_given_to_a_worker_on_the_command_line_is_said() -> None:
    """distributed.settings.state_of_a_worker: the project's own NEWSCRAWL_STATE, or a crawl
    without REDIS_URL, gets no word; -s NEWSCRAWL_STATE on a worker gets one line."""
    from newscrawl.distributed.settings import state_of_a_worker

    def said(state: str, priority: str, redis: str | None = "redis://127.0.0.1:6379/0") -> str | None:
        settings = Settings({"REDIS_URL": redis, "HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": None})
        settings.set("NEWSCRAWL_STATE", state, priority=priority)
        return state_of_a_worker(settings)

    assert said("mine.sqlite", "project") is None and said("mine.sqlite", "cmdline", redis=None) is None
    assert said("mine.sqlite", "cmdline").startswith("NEWSCRAWL_STATE=mine.sqlite is not this worker's state")
    assert said("off", "cmdline").startswith("NEWSCRAWL_STATE=off does not turn the state off")
