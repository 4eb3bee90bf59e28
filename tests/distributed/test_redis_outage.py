"""A worker whose Redis stops mid-crawl: a real redis-server (with a password) stopped by its PID
while a real, slow site on 127.0.0.1 is being crawled. The worker must say so in one line, stop
with exit 1, blame no page of the healthy site, and keep every line it wrote."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO, read_jsonl, run_scrapy
from tests.support.distributed_site import serve_sites

pytest.importorskip("redis", reason="the redis extra is not installed: pip install -e '.[redis]'")
from tests.support.redis_fixtures import redis_server_process  # noqa: E402 - needs the redis extra

PASSWORD = "s3cret-pass"


def _wait_for(condition, timeout: float, what: str, worker: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert worker.poll() is None, f"the worker exited before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _lines(path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


@pytest.mark.parametrize("written_first", [2, 0])
def test_redis_stopped_mid_crawl_stops_the_worker_with_one_line(tmp_path, written_first):
    """`written_first`: the articles written before Redis stops (with none, the output file is
    opened only as the crawl closes, and recording it in the state meets the lost Redis)."""
    if not __import__("shutil").which("redis-server"):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    (tmp_path / "redis").mkdir()
    output, stats_file = tmp_path / "d1.jsonl", tmp_path / "stats.json"
    with redis_server_process(tmp_path / "redis", password=PASSWORD) as (redis_server, base), \
            serve_sites([("127.0.0.1", 60, 0.4)]) as (site,):  # slow pages: still crawling when Redis stops
        url = f"{base}/2"
        seeded = run_scrapy(["seed", site.url, "-s", f"REDIS_URL={url}"], timeout=60)
        assert seeded.returncode == 0, seeded.stderr
        stderr = (tmp_path / "stderr.txt").open("w")
        worker = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "site", "-O", str(output), "-s", f"REDIS_URL={url}",
             "-s", "MAX_IDLE_TIME_BEFORE_CLOSE=5", "-s", f"NEWSCRAWL_STATS_FILE={stats_file}",
             "-s", "NEWSCRAWL_EXTRACT_WORKERS=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
             "-s", "LOG_LEVEL=INFO"],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            # a few articles written (or none yet, the first page asked for), many still to fetch:
            # then Redis goes away
            if written_first:
                _wait_for(lambda: _lines(output) >= written_first, 90, "the first articles", worker)
            else:
                _wait_for(lambda: any(hit.path.startswith("/2024/") for hit in list(site.hits)), 90,
                          "the first article's request", worker)
            os.kill(redis_server.pid, signal.SIGTERM)
            redis_server.wait(timeout=10)
            written_before = _lines(output)
            started = time.monotonic()
            code = worker.wait(timeout=60)
            took = time.monotonic() - started
        finally:
            if worker.poll() is None:
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
            stderr.close()
        fetched = sum(1 for hit in list(site.hits) if hit.path.startswith("/2024/"))

    err = (tmp_path / "stderr.txt").read_text("utf-8", "replace")
    assert code == 1, err[-3000:]
    assert took < 45, f"the worker took {took:.1f} s to stop"
    assert "Traceback" not in err, err[-3000:]
    assert PASSWORD not in err
    redis_lines = [line for line in err.splitlines() if "Redis" in line and "ERROR" in line]
    assert len(redis_lines) == 1, redis_lines
    port = base.rsplit(":", 1)[1]
    assert f"Redis at redis://***@127.0.0.1:{port}/2 cannot be reached" in redis_lines[0]
    assert "Closing spider (redis_unavailable)" in err

    # the healthy site is not blamed for Redis's failure
    summary = [line for line in err.splitlines() if line.startswith("summary: ")]
    assert summary and summary[0].endswith("(redis_unavailable)"), summary
    assert "connection_error" not in err and "network error" not in "\n".join(summary), summary
    stats = json.loads(stats_file.read_text("utf-8"))
    assert stats["finish_reason"] == "redis_unavailable"
    assert not {key for key in stats if "connection" in key or key.startswith("newscrawl/errors/")}, stats
    assert fetched < 60, "the crawl had ended before Redis stopped: nothing was tested"

    # every line written is a complete record, and none written before the stop was lost
    data = output.read_bytes() if output.exists() else b""
    assert data == b"" or data.endswith(b"\n")
    records = read_jsonl(output) if data else []
    assert len(records) >= written_before >= written_first
    assert all(record["url"].startswith(site.url) for record in records)


@pytest.mark.parametrize("refusal", ["full", "read-only replica"])
def test_a_redis_that_refuses_writes_stops_the_worker_and_the_seed_with_one_line(tmp_path, refusal):
    """Redis at its maxmemory (noeviction), or a read-only replica, answers every write with an
    error that is not a lost connection. A worker that met it mid-crawl printed a traceback for
    each request it queued, then hung (a SIGTERM did not stop it); `newscrawl seed` printed a
    traceback. Now each says so in one line and exits 1."""
    if not __import__("shutil").which("redis-server"):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    import redis

    (tmp_path / "redis").mkdir()
    output, later = tmp_path / "w.jsonl", tmp_path / "later.jsonl"
    args = ["-s", "MAX_IDLE_TIME_BEFORE_CLOSE=5", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"]
    with redis_server_process(tmp_path / "redis") as (_, base), \
            serve_sites([("127.0.0.1", 60, 0.4)]) as (site,):  # slow pages: still crawling then
        url = f"{base}/0"
        server = redis.Redis.from_url(url)
        seeded = run_scrapy(["seed", site.url, "-s", f"REDIS_URL={url}"], timeout=60)
        assert seeded.returncode == 0, seeded.stderr
        stderr = (tmp_path / "stderr.txt").open("w")
        worker = subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "site", "-O", str(output),
                                   "-s", f"REDIS_URL={url}", *args],
                                  cwd=REPO, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            _wait_for(lambda: any(hit.path.startswith("/2024/") for hit in list(site.hits)), 90,
                      "the first article", worker)
            if refusal == "full":
                server.config_set("maxmemory-policy", "noeviction")
                server.config_set("maxmemory", 1)  # already over it: every write is refused
                said = "is full and refuses writes (raise its maxmemory, or free memory)"
            else:
                server.config_set("replica-read-only", "yes")
                server.replicaof("127.0.0.1", 9)  # a replica of nothing reachable: read-only
                said = "is a read-only replica and refuses writes (give REDIS_URL the primary)"
            code = worker.wait(timeout=60)
            again = run_scrapy(["seed", site.url, "-s", f"REDIS_URL={url}"], timeout=60)
            starting = run_scrapy(["crawl", "site", "-O", str(later), "-s", f"REDIS_URL={url}", *args],
                                  timeout=90)
        finally:
            if worker.poll() is None:
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
            stderr.close()
            server.config_set("maxmemory", 0)
            server.replicaof("NO", "ONE")
    err = (tmp_path / "stderr.txt").read_text("utf-8", "replace")
    assert code == 1 and "Traceback" not in err, err[-3000:]
    errors = [line for line in err.splitlines() if "] ERROR:" in line]
    assert len(errors) == 1 and f"Redis at {url} {said}" in errors[0], errors
    assert err.splitlines()[-4].endswith("(redis_unavailable)"), err[-1000:]  # the summary's first line
    assert again.returncode == 1 and "Traceback" not in again.stderr, again.stderr[-3000:]
    assert len(again.stderr.strip().splitlines()) == 1
    assert again.stderr.startswith(f"scrapy seed: Redis at {url} {said} (")  # (`newscrawl seed` too)
    assert again.stderr.strip().endswith("): run the same command again once it takes writes (seeding "
                                         "again is harmless)")
    assert starting.returncode == 1 and "Traceback" not in starting.stderr, starting.stderr[-3000:]
    errors = [line for line in starting.stderr.splitlines() if "] ERROR:" in line]
    assert len(errors) == 1 and f": Redis {said} (" in errors[0], errors


def test_a_worker_joining_a_redis_just_under_its_maxmemory_is_one_line_and_a_summary(tmp_path):
    """A Redis with a few kilobytes left may take the state's first writes and refuse the
    worker's joining ones (its marker, its lease). Before: "Scraper close failure", three
    tracebacks, "the crawl failed: server:OutOfMemoryError", and no summary. How many bytes each
    step takes depends on the server, so the room left runs through a range: each run must end
    in one line, and some must get past the state's opening."""
    if not __import__("shutil").which("redis-server"):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    import redis

    (tmp_path / "redis").mkdir()
    past_the_state = 0
    with redis_server_process(tmp_path / "redis") as (_, base), \
            serve_sites([("127.0.0.1", 5, 0.0)]) as (site,):
        url = f"{base}/0"
        server = redis.Redis.from_url(url)
        for room in (10_000, 20_000, 40_000, 60_000, 80_000, 100_000, 130_000, 160_000):
            server.config_set("maxmemory", 0)
            server.flushall()
            assert run_scrapy(["seed", site.url, "-s", f"REDIS_URL={url}"], timeout=60).returncode == 0
            server.config_set("maxmemory-policy", "noeviction")
            server.config_set("maxmemory", server.info("memory")["used_memory"] + room)
            worker = run_scrapy(["crawl", "site", "-O", str(tmp_path / "w.jsonl"), "-s", f"REDIS_URL={url}",
                                 "-s", "MAX_IDLE_TIME_BEFORE_CLOSE=2", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0"],
                                timeout=90)
            assert "Traceback" not in worker.stderr, (room, worker.stderr[-3000:])
            errors = [line for line in worker.stderr.splitlines() if "] ERROR:" in line]
            if worker.returncode == 0:  # room enough for this small crawl
                assert not errors, errors
                continue
            assert worker.returncode == 1 and len(errors) == 1, (room, errors)
            assert "is full and refuses writes (raise its maxmemory, or free memory)" in errors[0]
            if "] ERROR: state " not in errors[0]:  # past the state's opening: the crawl says how it ended
                past_the_state += 1
                assert "summary: errors: redis_unavailable=1" in worker.stderr, worker.stderr[-2000:]
        server.config_set("maxmemory", 0)
    assert past_the_state


def test_a_worker_on_a_crawl_nobody_seeded_says_so(tmp_path):
    """Before: `no articles written: 0 pages fetched and none held an article`, which does not
    say that nothing was there to fetch (a stranger's forgotten `newscrawl seed`)."""
    if not __import__("shutil").which("redis-server"):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    (tmp_path / "redis").mkdir()
    with redis_server_process(tmp_path / "redis") as (_, base):
        worker = run_scrapy(["crawl", "site", "-O", str(tmp_path / "w.jsonl"), "-s", f"REDIS_URL={base}/0",
                             "-s", "MAX_IDLE_TIME_BEFORE_CLOSE=1", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0"], timeout=90)
    assert worker.returncode == 0 and "Traceback" not in worker.stderr, worker.stderr[-3000:]
    assert "no articles written: 0 pages fetched: the shared crawl in Redis had nothing queued or seeded" \
        in worker.stderr, worker.stderr[-3000:]


def test_a_worker_whose_output_fills_gives_back_what_it_did_not_write(tmp_path, small_disk):
    """The requests under way when the output failed were acknowledged although their articles
    were never written: gone from the shared queue, lost to every worker (16 of 150 for a
    stranger). They go back to the queue now, and the next worker writes every article once."""
    if not __import__("shutil").which("redis-server"):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    disk, mount = small_disk
    mount("48k")
    (tmp_path / "redis").mkdir()
    full, roomy = disk / "w1.jsonl", tmp_path / "w2.jsonl"
    args = ["-s", "MAX_IDLE_TIME_BEFORE_CLOSE=3", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"]
    with redis_server_process(tmp_path / "redis") as (_, base), \
            serve_sites([("127.0.0.1", 60, 0)]) as (site,):
        url = f"{base}/0"
        assert run_scrapy(["seed", site.url, "-s", f"REDIS_URL={url}"], timeout=60).returncode == 0
        first = run_scrapy(["crawl", "site", "-O", str(full), "-s", f"REDIS_URL={url}", *args], timeout=120)
        assert first.returncode == 1 and "No space left on device" in first.stderr, first.stderr[-3000:]
        second = run_scrapy(["crawl", "site", "-O", str(roomy), "-s", f"REDIS_URL={url}", *args], timeout=120)
        assert second.returncode == 0, second.stderr[-3000:]
    urls = [record["url"] for path in (full, roomy) for record in read_jsonl(path)]
    articles = [page for page in site.pages if page.startswith("/2024/")]
    assert 0 < len(read_jsonl(full)) < len(articles)
    assert sorted(urls) == sorted(set(urls)) and len(urls) == len(articles)


def test_a_redis_that_lost_the_crawl_stops_the_workers_with_one_line(tmp_path):
    """Redis restarted without persistence, or flushed, mid-crawl: the queue, the dupefilter and the
    record of the articles emitted are gone, and Redis answers as before. Two workers went on and
    wrote again, without a word and with exit 0, the articles written before (65 duplicates for a
    stranger). Now each stops with one line and exit 1 before writing any article twice;
    `newscrawl seed` says the crawl is gone, and that seeding again starts a new one."""
    if not __import__("shutil").which("redis-server"):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    import redis

    (tmp_path / "redis").mkdir()
    outputs = [tmp_path / f"w{i}.jsonl" for i in (1, 2)]
    with redis_server_process(tmp_path / "redis") as (_, base), \
            serve_sites([("127.0.0.1", 60, 0.3)]) as (site,):  # slow pages: still crawling then
        url = f"{base}/0"
        assert run_scrapy(["seed", site.url, "-s", f"REDIS_URL={url}"], timeout=60).returncode == 0
        workers = []
        for i, output in enumerate(outputs, 1):
            workers.append(subprocess.Popen(
                [sys.executable, "-m", "scrapy", "crawl", "site", "-O", str(output), "-s", f"REDIS_URL={url}",
                 "-s", "MAX_IDLE_TIME_BEFORE_CLOSE=5", "-s", f"NEWSCRAWL_STATS_FILE={tmp_path}/stats{i}.json",
                 "-s", "NEWSCRAWL_EXTRACT_WORKERS=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"],
                cwd=REPO, stdout=subprocess.DEVNULL, stderr=(tmp_path / f"err{i}.txt").open("w")))
        try:
            _wait_for(lambda: sum(_lines(output) for output in outputs) >= 4, 90, "the first articles",
                      workers[0])
            redis.Redis.from_url(url).flushall()  # what a restart without persistence leaves, too
            written_before = [_lines(output) for output in outputs]
            fetched = sum(1 for hit in list(site.hits) if hit.path.startswith("/2024/"))
            codes = [worker.wait(timeout=60) for worker in workers]
        finally:
            for worker in workers:
                if worker.poll() is None:
                    os.kill(worker.pid, signal.SIGKILL)
                    worker.wait(timeout=10)
        status = run_scrapy(["seed", "--status", "-s", f"REDIS_URL={url}"], timeout=60)
        again = run_scrapy(["seed", site.url, "-s", f"REDIS_URL={url}"], timeout=60)

    assert fetched < 60, "the crawl had ended before Redis lost it: nothing was tested"
    for i, code in enumerate(codes, 1):
        err = (tmp_path / f"err{i}.txt").read_text("utf-8", "replace")
        assert code == 1 and "Traceback" not in err, err[-3000:]
        errors = [line for line in err.splitlines() if "] ERROR:" in line]
        assert len(errors) == 1, errors
        assert (f"Redis at {url} lost this crawl's data (restarted without persistence, or flushed) "
                "(site:marker is gone): this worker stops;") in errors[0]
        assert "appendonly yes" in errors[0]
        summary = [line for line in err.splitlines() if line.startswith("summary: ")]
        assert summary[0].endswith("(redis_data_lost)") and "summary: errors: redis_data_lost=1" in summary
        assert json.loads((tmp_path / f"stats{i}.json").read_text("utf-8"))["finish_reason"] == "redis_data_lost"

    # no article twice across the outputs, and none written before the loss was lost or torn
    records = [record for output in outputs for record in read_jsonl(output)]
    assert all(output.read_bytes().endswith(b"\n") for output in outputs if output.stat().st_size)
    assert all(len(read_jsonl(output)) >= before for output, before in zip(outputs, written_before, strict=True))
    fingerprints = [record["fingerprint"] for record in records]
    assert len(fingerprints) == len(set(fingerprints)), f"{len(fingerprints) - len(set(fingerprints))} twice"

    assert status.returncode == 0 and json.loads(status.stdout)["crawl"] is None, status.stdout
    assert status.stderr.startswith(f"scrapy seed: no crawl in Redis at {url} (no key site:marker): "), status.stderr
    assert again.returncode == 0 and "; a new crawl: this Redis held none" in again.stdout, again.stdout
