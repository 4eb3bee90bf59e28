"""A CC-NEWS-style WARC built from the bundled pages, and the replay benchmark on it.

    .venv/bin/python -m benchmarks.ccnews [--records 3000] [--sites 50] [--rounds 3]

CC-NEWS (Common Crawl's news archive) files are WARC/1.0, one gzip member per record, response
records only after a warcinfo, many sites in one file, the HTTP payload stored decoded with the
original `Content-Encoding` and `Transfer-Encoding` kept as `X-Crawler-*` headers, and crawler
headers (WARC-Warcinfo-ID, WARC-IP-Address, WARC-Identified-Payload-Type). `build_warc` writes
such a file from fixtures/pages: copy n of a page gets its own URL on one of `sites` hosts and a
unique word (benchmarks/benchsite.py's Template), so every copy is a distinct article.

The benchmark replays the file with `scrapy crawl site -a warc=FILE` (no state, extraction in the
worker pool) and compares articles/s, from the first article to the last, with the
extraction-bound ceiling: the pages per second that as many processes as the pool has reach
when they do nothing but the crawl's extraction call on the same pages at once (before and after the
replay); cores x one process alone's speed is shown beside it.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from base64 import b32encode
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.benchsite import Template, tag_for
from benchmarks.pages import Page

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures" / "pages"


def fixture_pages(root: Path = FIXTURES) -> list[Page]:
    """The bundled pages (fixtures/pages/*): URL, HTML and the expected body."""
    from newscrawl.extract import extract_article

    pages = []
    for folder in sorted(p for p in root.iterdir() if (p / "meta.json").exists()):
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        raw = folder / "page.html"
        body = raw.read_bytes() if raw.exists() else gzip.decompress((folder / "page.html.gz").read_bytes())
        html = body.decode("utf-8", "replace")
        # the body as extracted today: benchsite's Template varies one of its words per copy
        pages.append(Page(folder.name, meta["url"], html, extract_article(meta["url"], html).body or ""))
    return pages


def _digest(data: bytes) -> str:
    return "sha1:" + b32encode(hashlib.sha1(data).digest()).decode()


def warc_record(headers: list[tuple[str, str]], block: bytes, version: str = "WARC/1.0") -> bytes:
    """One record, gzipped on its own (a member), with Content-Length and the block digest."""
    lines = [version, *(f"{k}: {v}" for k, v in headers),
             f"WARC-Block-Digest: {_digest(block)}", f"Content-Length: {len(block)}"]
    return gzip.compress(("\r\n".join(lines) + "\r\n\r\n").encode() + block + b"\r\n\r\n", mtime=0)


def http_response(body: bytes, extra: list[tuple[str, str]] | None = None, status: str = "200 OK",
                  content_type: str = "text/html; charset=UTF-8") -> bytes:
    """A CC-NEWS payload: the body decoded, the encodings it came with renamed X-Crawler-*."""
    headers = [("Date", "Wed, 01 May 2024 00:00:00 GMT"), ("Content-Type", content_type),
               ("X-Crawler-Content-Encoding", "gzip"), ("X-Crawler-Transfer-Encoding", "chunked"),
               ("Content-Length", str(len(body))), *(extra or [])]
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode() + body


def response_headers(url: str, when: str, block_payload: bytes, info_id: str,
                     angle_brackets: bool = False) -> list[tuple[str, str]]:
    target = f"<{url}>" if angle_brackets else url
    return [("WARC-Type", "response"), ("WARC-Date", when),
            ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid4()}>"), ("Content-Type", "application/http; msgtype=response"),
            ("WARC-Warcinfo-ID", info_id), ("WARC-Concurrent-To", f"<urn:uuid:{uuid.uuid4()}>"),
            ("WARC-IP-Address", "192.0.2.1"), ("WARC-Target-URI", target),
            ("WARC-Payload-Digest", _digest(block_payload)), ("WARC-Identified-Payload-Type", "text/html")]


def warcinfo(name: str) -> tuple[bytes, str]:
    info_id = f"<urn:uuid:{uuid.uuid4()}>"
    block = (b"software: StormCrawler (CC-NEWS style, built by benchmarks/ccnews.py)\r\n"
             b"format: WARC File Format 1.0\r\nisPartOf: CC-NEWS\r\n")
    headers = [("WARC-Type", "warcinfo"), ("WARC-Date", "2024-05-01T00:00:00Z"), ("WARC-Filename", name),
               ("WARC-Record-ID", info_id), ("Content-Type", "application/warc-fields")]
    return warc_record(headers, block), info_id


def build_warc(path: Path, records: int, sites: int = 50, pages: list[Page] | None = None) -> int:
    """Write a CC-NEWS-style file of `records` article responses; returns its size in bytes."""
    templates = [Template(page) for page in pages or fixture_pages()]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        head, info_id = warcinfo(path.name)
        out.write(head)
        for n in range(records):
            url = f"https://www.site{n % sites}.example/news/2024/05/01/story-{n}.html"
            body = templates[n % len(templates)].render(url, tag_for(n))
            when = f"2024-05-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z"
            out.write(warc_record(response_headers(url, when, body, info_id, angle_brackets=n % 2 == 1),
                                  http_response(body)))
    return path.stat().st_size


@dataclass
class ReplayRun:
    records: int
    articles: int
    seconds: float
    articles_per_s: float
    peak_rss_mb: float
    file_mb: float
    extract_cpu_ms: float = 0.0  # the extraction's CPU time inside the workers, per page
    worker_wait_ms: float = 0.0  # how long the workers waited for pages, per page
    main_cpu_ms: float = 0.0  # the crawl process's CPU time (reading the WARC, Scrapy, output), per page
    load: str = ""


def replay(path: Path, folder: Path, time_limit: float = 1800) -> ReplayRun:
    """`scrapy crawl site -a warc=PATH` without state; articles/s from the first to the last."""
    out = folder / "replay.jsonl"
    out.unlink(missing_ok=True)
    stats_file = folder / "replay.stats.json"
    command = [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"warc={path}", "-O", str(out),
               "-s", "NEWSCRAWL_STATE=off", "-s", "LOG_LEVEL=WARNING", "-s", "NEWSCRAWL_SUMMARY=False",
               "-s", f"NEWSCRAWL_STATS_FILE={stats_file}"]
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    first: tuple[float, int] | None = None
    last: tuple[float, int] = (time.monotonic(), 0)
    deadline = time.monotonic() + time_limit
    counter = _LineCounter(out)
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
        lines = counter.count()
        now = time.monotonic()
        if lines and first is None:
            first = (now, lines)
        if lines != last[1]:
            last = (now, lines)
    if proc.poll() is None:
        proc.kill()
    _, stderr = proc.communicate(timeout=60)
    if proc.returncode != 0:
        raise RuntimeError(f"the replay failed (exit {proc.returncode}): {stderr[-2000:]}")
    lines = _lines(out)
    if first is None:
        raise RuntimeError(f"the replay wrote no article: {stderr[-2000:]}")
    seconds = max(1e-6, last[0] - first[0])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the crawl process (its workers are not its children)
    peak = usage.ru_maxrss / 1024
    main_cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
    stats = json.loads(stats_file.read_text("utf-8"))
    pages = max(1, stats.get("newscrawl/extract/pages", 0))
    load += " -> " + "/".join(f"{x:.1f}" for x in os.getloadavg())
    return ReplayRun(records=0, articles=lines, seconds=seconds,
                     articles_per_s=(last[1] - first[1]) / seconds, peak_rss_mb=peak,
                     file_mb=path.stat().st_size / 1e6,
                     extract_cpu_ms=stats.get("newscrawl/extract/cpu_ms", 0.0) / pages,
                     worker_wait_ms=stats.get("newscrawl/extract/worker_wait_ms", 0.0) / pages,
                     main_cpu_ms=main_cpu * 1000 / pages, load=load)


class _LineCounter:
    """Lines written so far to a growing file, reading only what was added since the last
    call (re-reading the whole output every 0.2 s would take CPU from the replay it measures)."""

    def __init__(self, path: Path) -> None:
        self.path, self.offset, self.lines = path, 0, 0

    def count(self) -> int:
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self.offset)
                added = handle.read()
        except FileNotFoundError:
            return self.lines
        self.offset += len(added)
        self.lines += added.count(b"\n")
        return self.lines


def _lines(path: Path) -> int:
    try:
        with open(path, "rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except FileNotFoundError:
        return 0


def ceiling_ms(pages: list[Page], rounds: int = 3) -> float:
    """The crawl's extraction call's ms per page on the bundled pages (the extraction-bound
    ceiling's cost)."""
    from benchmarks.extraction import measure_crawl_call

    return measure_crawl_call(pages, rounds=rounds)


def run(records: int, sites: int, rounds: int, folder: Path) -> dict:
    """Build the file, time extraction, replay it; the figures and the table row."""
    from benchmarks.extraction import parallel_pages_per_s
    from newscrawl.crawl.pool import cpu_count

    pages = fixture_pages()
    path = folder / "CC-NEWS-bench.warc.gz"
    build_warc(path, records, sites, pages)
    cores = cpu_count()
    before, alone_before = parallel_pages_per_s(pages, cores, rounds), ceiling_ms(pages, rounds)
    result = replay(path, folder)
    result.records = records
    after, alone_after = parallel_pages_per_s(pages, cores, rounds), ceiling_ms(pages, rounds)
    # the machine's speed drifts: the mean of before and after
    ceiling = (before + after) / 2
    page_ms = (alone_before + alone_after) / 2
    share = result.articles_per_s / ceiling
    row = (f"| CC-NEWS-style replay (`-a warc=`), {records:,} records of {sites} sites from "
           f"fixtures/pages ({result.file_mb:.0f} MB), no state, load {result.load} | "
           f"{result.articles_per_s:.2f} articles/s = {share:.2f}x the ceiling ({cores} processes doing "
           f"nothing but the crawl's extraction call at once: {ceiling:.2f} pages/s, before {before:.2f} and after "
           f"{after:.2f}); {result.articles:,} articles; peak RSS of the crawl process "
           f"{result.peak_rss_mb:.0f} MB | >= 0.8x | {'yes' if share >= 0.8 else '**NO**'} |")
    rows = [row]
    # cores x one process alone: what perfect scaling over the cores would give (it does not)
    alone = cores * 1000 / page_ms
    rows.append(f"| the same replay beside {cores} x one process alone ({cores} x 1000 / {page_ms:.1f} ms = "
                f"{alone:.2f}/s: cores that run at once are slower than one alone) | "
                f"{result.articles_per_s / alone:.2f}x | (for reference) | |")
    if result.extract_cpu_ms:
        # the machine's speed while the replay ran: the workers' own clock of their extraction
        in_ceiling = cores * 1000 / result.extract_cpu_ms
        in_share = result.articles_per_s / in_ceiling
        rows.append(f"| the same replay beside the ceiling from the extraction's CPU time inside the "
                    f"workers ({cores} x 1000 / {result.extract_cpu_ms:.1f} ms = {in_ceiling:.2f}/s); "
                    f"workers waiting for pages | {in_share:.2f}x ceiling; {result.worker_wait_ms:.1f} ms "
                    f"per page | >= 0.8x | {'yes' if in_share >= 0.8 else '**NO**'} |")
        # machine-independent: the share of the replay's CPU that went to extraction (the
        # workers' own clock; their pickling and decoding besides it are not counted here)
        cpu_share = result.extract_cpu_ms / (result.extract_cpu_ms + result.main_cpu_ms)
        rows.append(f"| where the replay's CPU went, per page: extraction in the workers / the crawl "
                    f"process (reading the WARC, Scrapy, pipelines, output, start-up) | "
                    f"{result.extract_cpu_ms:.1f} / {result.main_cpu_ms:.1f} ms: {cpu_share:.2f} to "
                    f"extraction | >= 0.8 | {'yes' if cpu_share >= 0.8 else '**NO**'} |")
    return {"replay": asdict(result), "extract_ms_before": before, "extract_ms_after": after,
            "ceiling_articles_per_s": ceiling, "share": share, "row": "\n".join(rows)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CC-NEWS-style WARC replay benchmark")
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=REPO / "output" / "bench-ccnews")
    args = parser.parse_args(argv)
    results = run(args.records, args.sites, args.rounds, args.folder)
    print(results["row"])
    (args.folder / "ccnews.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
