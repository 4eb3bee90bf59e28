"""A benchmark-only Scrapy extension: peak memory and frontier size at page-count checkpoints.

Enabled by the crawl benchmark with `-s EXTENSIONS={"benchmarks.probe.Probe": 900}` and
`-s BENCH_PROBE_FILE=path`; writes one JSON file when the spider closes. Peak RSS is the
kernel's high-water mark (VmHWM) of the crawl process and of each extraction worker.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


def proc_status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS and VmHWM of a process in KiB (empty if it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    values = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time a process has used so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Probe:
    """Records, at each checkpoint (pages received), time, items, frontier and peak RSS."""

    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.path = Path(path)
        self.checkpoints = sorted(int(c) for c in crawler.settings.getlist("BENCH_CHECKPOINTS", ["5000"]))
        self.pages = 0
        self.started = time.monotonic()
        self.first_item: float | None = None
        self.last_item: float | None = None
        self.items = 0
        self.frontier_max = 0
        self.worker_peak_kib: dict[int, int] = {}
        self.worker_cpu: dict[int, float] = {}
        self.records: list[dict] = []
        self._next_sample = 0.0
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Probe:
        path = crawler.settings.get("BENCH_PROBE_FILE")
        if not path:
            raise NotConfigured
        return cls(crawler, path)

    def _workers(self) -> list[int]:
        pool = getattr(self.crawler.spider, "extract_pool", None)
        return pool.worker_pids() if pool is not None else []

    def _sample(self) -> None:
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        if scheduler is not None:
            self.frontier_max = max(self.frontier_max, len(scheduler))
        for pid in self._workers():
            peak = proc_status(pid).get("VmHWM", 0)
            self.worker_peak_kib[pid] = max(self.worker_peak_kib.get(pid, 0), peak)
            self.worker_cpu[pid] = max(self.worker_cpu.get(pid, 0.0), cpu_seconds(pid))

    def _record(self, label: str) -> None:
        self._sample()
        main = proc_status()
        stats = self.crawler.stats
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        self.records.append({
            "label": label, "pages": self.pages, "items": self.items,
            "seconds": time.monotonic() - self.started,
            "last_item_after_first": (self.last_item - self.first_item) if self.first_item else 0.0,
            "main_peak_kib": main.get("VmHWM", 0), "main_rss_kib": main.get("VmRSS", 0),
            "worker_peak_kib": max(self.worker_peak_kib.values(), default=0),
            "workers": len(self.worker_peak_kib),
            "frontier": len(scheduler) if scheduler is not None else 0,
            "frontier_max": self.frontier_max,
            "main_cpu_s": cpu_seconds(), "workers_cpu_s": sum(self.worker_cpu.values()),
            # what the workers measured themselves (newscrawl's stats): extract_article and links apart
            "extracted": stats.get_value("newscrawl/extract/pages", 0),
            "extract_cpu_ms": stats.get_value("newscrawl/extract/cpu_ms", 0.0),
            "links_cpu_ms": stats.get_value("newscrawl/extract/links_cpu_ms", 0.0),
            "worker_wait_ms": stats.get_value("newscrawl/extract/worker_wait_ms", 0.0),
        })

    def item_scraped(self, item, response, spider) -> None:
        self.last_item = time.monotonic()
        if self.first_item is None:
            self.first_item = self.last_item
        self.items += 1

    def response_received(self, response, request, spider) -> None:
        self.pages += 1
        now = time.monotonic()
        if now >= self._next_sample:  # cheap: a few /proc reads once a second
            self._sample()
            self._next_sample = now + 1.0
        if self.checkpoints and self.pages == self.checkpoints[0]:
            self.checkpoints.pop(0)
            self._record(f"{self.pages} pages")

    def spider_closed(self, spider, reason: str) -> None:
        self._record("end")
        self.path.write_text(json.dumps({"reason": reason, "records": self.records}, indent=2))
