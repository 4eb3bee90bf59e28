"""Articles per second with 1, 2 and 3 distributed workers on this machine.

    .venv/bin/python -m benchmarks.distributed [--articles 200] [--padding 60] [--repeat 1]

A private redis-server and three made-up news sites on 127.0.0.1, 127.0.0.2 and 127.0.0.3
(`--articles` each, pages padded with sidebar widgets to a realistic size); politeness off
(no delay, 16 requests per site at a time). For each worker count: the sites are seeded,
the workers start (`scrapy crawl site -s REDIS_URL=...`, extraction in the worker process, so
a worker is one process), the servers hold every response until all workers are up, and the
clock runs from then until the last article line is written. A reference row gives one worker
with the default extraction pool (NEWSCRAWL_EXTRACT_WORKERS unset: one process per core).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.distributed_site import serve_sites  # noqa: E402
from tests.support.redis_fixtures import redis_process  # noqa: E402

HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
SETTINGS = {
    "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "MAX_IDLE_TIME_BEFORE_CLOSE": 1, "LOG_LEVEL": "WARNING",
    "NEWSCRAWL_REDIS_LEASE": 30,
}


def count_lines(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        if path.exists():
            with path.open("rb") as handle:
                total += sum(1 for _ in handle)
    return total


def run(redis_url: str, workers: int, articles: int, padding: int, folder: Path, pool: bool) -> dict:
    """One measured crawl; returns articles, seconds and articles/s."""
    import redis
    from scrapy.settings import Settings

    from newscrawl.config.sites import site_from_url
    from newscrawl.distributed.keys import crawl_keys
    from newscrawl.distributed.seeds import push_seeds

    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    hold = threading.Event()
    with serve_sites([(host, articles, 0.0) for host in HOSTS], padding=padding, hold=hold) as sites:
        push_seeds(server, crawl_keys(Settings(), "site"), [site_from_url(s.url) for s in sites])
        outputs, processes = [], []
        settings = {**SETTINGS, **({} if pool else {"NEWSCRAWL_EXTRACT_WORKERS": 0})}
        for i in range(workers):
            out = folder / f"w{workers}-{i}{'-pool' if pool else ''}.jsonl"
            out.unlink(missing_ok=True)  # from an earlier repetition
            outputs.append(out)
            args = [sys.executable, "-m", "scrapy", "crawl", "site", "-O", str(out), "-s", f"REDIS_URL={redis_url}",
                    "-s", f"NEWSCRAWL_STATE={folder / f'state-{workers}-{i}.sqlite'}"]
            for name, value in settings.items():
                args += ["-s", f"{name}={value}"]
            processes.append(subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL,
                                              stderr=(folder / f"log-{workers}-{i}.txt").open("w")))
        try:
            deadline = time.monotonic() + 120
            while server.zcard("site:requests:workers") < workers:
                if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                    raise RuntimeError(f"workers did not start; see {folder}")
                time.sleep(0.05)
            started = time.monotonic()
            hold.set()
            expected = articles * len(HOSTS)
            while count_lines(outputs) < expected:
                if all(p.poll() is not None for p in processes) or time.monotonic() - started > 900:
                    break
                time.sleep(0.05)
            seconds = time.monotonic() - started
            emitted = count_lines(outputs)
            for process in processes:
                process.wait(timeout=120)
        finally:
            hold.set()
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait(timeout=10)
    return {"articles": emitted, "seconds": seconds, "rate": emitted / seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200, help="articles per site (3 sites)")
    parser.add_argument("--padding", type=int, default=60, help="sidebar widgets per article page")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--repeat", type=int, default=1,
                        help="run every row this many times, interleaved, and keep the fastest "
                             "(other load on the machine only ever slows a run down)")
    args = parser.parse_args()
    from tests.support.distributed_site import site_pages

    page_kb = len(site_pages(HOSTS[0], 2, args.padding)["/2024/05/story-0000.html"]) / 1024
    print(f"{args.articles * len(HOSTS)} articles on {len(HOSTS)} loopback hosts, ~{page_kb:.0f} KB per page, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    configs = [(workers, False) for workers in args.workers] + [(1, True)]
    best: dict[tuple[int, bool], dict] = {}
    with tempfile.TemporaryDirectory(prefix="newscrawl-bench-") as tmp:
        folder = Path(tmp)
        with redis_process(folder) as url:
            for _ in range(max(1, args.repeat)):
                for workers, pool in configs:
                    result = run(f"{url}/0", workers, args.articles, args.padding, folder, pool=pool)
                    if (workers, pool) not in best or result["rate"] > best[(workers, pool)]["rate"]:
                        best[(workers, pool)] = result
    base = best[(args.workers[0], False)]["rate"]
    print("| workers | extraction | articles | seconds | articles/s | vs 1 worker |")
    print("|---:|---|---:|---:|---:|---:|")
    for (workers, pool), result in best.items():
        extraction = f"pool of {os.cpu_count()}" if pool else "in the worker"
        print(f"| {workers} | {extraction} | {result['articles']} | {result['seconds']:.1f} | "
              f"{result['rate']:.1f} | {result['rate'] / base:.2f}x |")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
