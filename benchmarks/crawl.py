"""End-to-end crawl benchmark: `scrapy crawl site` against the local bench site, politeness off."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.probe import cpu_seconds

REPO = Path(__file__).resolve().parents[1]

# politeness off, bounds raised to the benchmark's size; everything else is the project's default
CRAWL_SETTINGS = {
    "ROBOTSTXT_OBEY": False,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "CLOSESPIDER_PAGECOUNT": 0,
    "LOG_LEVEL": "INFO",
    "LOGSTATS_INTERVAL": 60,
}


@dataclass
class CrawlResult:
    """What one benchmark crawl measured (probe records and the final Scrapy stats)."""

    articles: int
    pages: int
    seconds: float
    articles_per_s: float
    checkpoints: list[dict]
    stats: dict
    finish_reason: str
    site_cpu_s: float = 0.0  # CPU time the bench site's server used (it shares the machine)


def _start_site(articles: int, usable: Path, log: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.benchsite", "--articles", str(articles),
                             "--pages-file", str(usable), "--until-stdin-closes"], cwd=REPO, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=log.open("w"), text=True)
    line = proc.stdout.readline() if proc.stdout else ""
    match = re.search(r"serving (http://\S+)", line)
    if not match:
        proc.kill()
        raise RuntimeError(f"the bench site did not start: {line!r}; see {log}")
    return proc, match.group(1)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def run_crawl(articles: int, usable_ids: list[str], checkpoints: list[int], time_limit: float,
              folder: Path | None = None, extra: dict | None = None) -> CrawlResult:
    """Serve `articles` pages, crawl them all (or until `time_limit` seconds), stop the server."""
    from scrapy.utils.project import get_project_settings

    folder = folder or Path(tempfile.mkdtemp(prefix="newscrawl-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*"):  # a fresh state: an earlier run's articles would be duplicates
        if old.is_file():
            old.unlink()
    usable = folder / "usable.json"
    usable.write_text(json.dumps(usable_ids))
    extensions = dict(get_project_settings().getdict("EXTENSIONS"))
    extensions["benchmarks.probe.Probe"] = 900
    settings = {**CRAWL_SETTINGS, "CLOSESPIDER_TIMEOUT": int(time_limit), "EXTENSIONS": json.dumps(extensions),
                "BENCH_PROBE_FILE": folder / "probe.json", "BENCH_CHECKPOINTS": ",".join(map(str, checkpoints)),
                "NEWSCRAWL_STATE": folder / "state.sqlite", "NEWSCRAWL_STATS_FILE": folder / "stats.json",
                **(extra or {})}
    site, base = _start_site(articles, usable, folder / "site.log")
    try:
        args = [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={base}",
                "-O", str(folder / "articles.jsonl")]
        for name, value in settings.items():
            args += ["-s", f"{name}={value}"]
        started = time.monotonic()
        with (folder / "crawl.log").open("w") as log:
            crawl = subprocess.run(args, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                                   timeout=time_limit + 300, check=False)
        seconds = time.monotonic() - started
    finally:
        site_cpu = cpu_seconds(site.pid)
        _stop(site)
    if crawl.returncode != 0:
        raise RuntimeError(f"the benchmark crawl failed (exit {crawl.returncode}); see {folder / 'crawl.log'}")
    probe = json.loads((folder / "probe.json").read_text())
    stats = json.loads((folder / "stats.json").read_text())
    end = probe["records"][-1]
    items = end["items"]
    active = end["last_item_after_first"] or 1e-9
    return CrawlResult(articles=items, pages=end["pages"], seconds=seconds,
                       articles_per_s=(items - 1) / active if items > 1 else 0.0,
                       checkpoints=probe["records"], stats=stats, finish_reason=probe["reason"],
                       site_cpu_s=site_cpu)


def scrapy_bench(seconds: int = 20) -> float:
    """Pages/s of `scrapy bench` (Scrapy's own local benchmark) on this machine, default settings."""
    with tempfile.TemporaryDirectory() as outside_project:  # no project settings apply there
        result = subprocess.run([sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"],
                                cwd=outside_project, capture_output=True, text=True, timeout=seconds + 120,
                                check=False)
    text = result.stdout + result.stderr
    pages = re.search(r"'response_received_count': (\d+)", text)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", text)
    if not pages or not elapsed:
        raise RuntimeError(f"scrapy bench printed no stats:\n{text[-2000:]}")
    return int(pages.group(1)) / float(elapsed.group(1))
