"""NEWSCRAWL_ARCHIVE: a real crawl of a local site (gzip and chunked, as news servers send pages)
writes WARC files that two WARC libraries read back, every article points at its record, a
replay of the archive gives the same articles, and a killed or failing archive loses nothing
that was closed."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastwarc.warc import ArchiveIterator as FastIterator
from fastwarc.warc import WarcRecordType
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import DEMO, FAST, REPO, read_jsonl, run_scrapy
from tests.support.wire_site import serve_wire_site

NAME = re.compile(r"^newscrawl-\d{17}-\d{5}\.warc\.gz$")
# what a replay cannot reproduce: when (the record's date), where (the record read), and hints
# from feeds and sitemaps (the demo site's feeds give none the pages lack)
NOT_COMPARED = {"fetched_at", "warc"}


def crawl_args(base: str, tmp: Path, name: str, *extra: str) -> list[str]:
    return ["crawl", "site", "-a", f"url={base}", "-O", str(tmp / f"{name}.jsonl"),
            "-s", f"NEWSCRAWL_STATE={tmp / f'{name}.sqlite'}",
            "-s", f"NEWSCRAWL_STATS_FILE={tmp / f'{name}.stats.json'}", *FAST, *extra]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """One crawl of the demo site served gzipped and chunked, archiving into `arch/`."""
    tmp = tmp_path_factory.mktemp("warc")
    with serve_wire_site(DEMO) as base:
        proc = run_scrapy(crawl_args(base, tmp, "live", "-s", f"NEWSCRAWL_ARCHIVE={tmp / 'arch'}"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return tmp, base, read_jsonl(tmp / "live.jsonl")


def records(path: Path) -> list:
    """(offset, warcio record, its content read) of every record of a file."""
    found = []
    with open(path, "rb") as handle:
        iterator = ArchiveIterator(handle)
        for record in iterator:
            found.append((iterator.offset, record, record.raw_stream.read()))
    return found


def test_the_archive_is_warc_1_1_with_a_warcinfo_naming_newscrawl_and_no_open_file(live):
    tmp, _, _ = live
    files = sorted((tmp / "arch").iterdir())
    assert [f.name for f in files if not NAME.match(f.name)] == []
    assert len(files) == 1
    first = records(files[0])[0]
    assert first[1].rec_type == "warcinfo"
    assert first[1].rec_headers.protocol == "WARC/1.1"
    assert b"software: newscrawl/0.1.0" in first[2]


def test_every_response_has_its_request_and_keeps_the_body_as_sent(live):
    tmp, base, _ = live
    (path,) = (tmp / "arch").iterdir()
    found = records(path)
    responses = {r.rec_headers.get_header("WARC-Record-ID"): (r, body) for _, r, body in found
                 if r.rec_type == "response"}
    requests = [r for _, r, _ in found if r.rec_type == "request"]
    assert len(responses) == len(requests) >= 30
    for request in requests:
        response, _ = responses[request.rec_headers.get_header("WARC-Concurrent-To")]
        assert response.rec_headers.get_header("WARC-Target-URI") == request.rec_headers.get_header("WARC-Target-URI")
        assert request.http_headers.get_header("Host") == base.split("/")[2]
    home, body = next(v for v in responses.values() if v[0].rec_headers.get_header("WARC-Target-URI") == base)
    # on the wire: gzip kept with its header, the chunked framing gone (renamed header)
    assert home.http_headers.get_header("Content-Encoding") == "gzip"
    assert body.startswith(b"\x1f\x8b") and b"<html" in gzip.decompress(body).lower()
    assert home.http_headers.get_header("Transfer-Encoding") is None
    assert all(r.rec_headers.get_header("WARC-Payload-Digest", "").startswith("sha1:") for r, _ in responses.values())


def test_fastwarc_reads_every_record_and_verifies_both_digests(live):
    tmp, _, _ = live
    (path,) = (tmp / "arch").iterdir()
    with open(path, "rb") as handle:
        kinds = [r.record_type for r in FastIterator(handle, parse_http=False) if r.verify_block_digest()]
    with open(path, "rb") as handle:
        payloads = [r.verify_payload_digest() for r in FastIterator(handle, parse_http=True,
                                                                    record_types=WarcRecordType.response)]
    assert kinds.count(WarcRecordType.warcinfo) == 1
    assert kinds.count(WarcRecordType.response) == kinds.count(WarcRecordType.request) == len(payloads)
    assert payloads and all(payloads)
    assert len(kinds) == len(records(path))  # both libraries see the same records


def test_every_article_points_at_its_response_record(live):
    tmp, _, articles = live
    assert len(articles) >= 10
    for article in articles:
        pointer = article["warc"]
        assert NAME.match(pointer["file"]) and article["schema_version"] == 2
        with open(tmp / "arch" / pointer["file"], "rb") as handle:
            handle.seek(pointer["offset"])
            record = next(iter(ArchiveIterator(handle)))
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Record-ID") == pointer["record_id"]
        assert record.rec_headers.get_header("WARC-Target-URI") == article["url"]


def replay(tmp: Path, source: Path | str, name: str, *extra: str) -> subprocess.CompletedProcess:
    return run_scrapy(["crawl", "site", "-a", f"warc={source}", "-O", str(tmp / f"{name}.jsonl"),
                       "-s", f"NEWSCRAWL_STATS_FILE={tmp / f'{name}.stats.json'}", *extra])


def test_replay_gives_the_live_articles_field_for_field_with_no_network(live):
    tmp, _, articles = live  # the site is no longer served: a fetch would fail
    proc = replay(tmp, tmp / "arch", "replayed", "-s", "NEWSCRAWL_STATE=off")
    assert proc.returncode == 0, proc.stderr[-3000:]
    replayed = {a["fingerprint"]: a for a in read_jsonl(tmp / "replayed.jsonl")}
    assert set(replayed) == {a["fingerprint"] for a in articles}
    for article in articles:
        again = replayed[article["fingerprint"]]
        # the demo site serves one article at several addresses (a tracking query, an old
        # path): it comes out once, under the address whose page reached the pipelines first,
        # the extraction pool's order live and in a replay alike; the record is the same
        same_page = again["url"] == article["url"]
        skip = NOT_COMPARED | ({"url"} if not same_page else set())
        assert {k: v for k, v in again.items() if k not in skip} == \
               {k: v for k, v in article.items() if k not in skip}
        if same_page:
            assert again["warc"]["record_id"] == article["warc"]["record_id"]
            assert again["warc"]["offset"] == article["warc"]["offset"]
            assert again["fetched_at"][:16] == article["fetched_at"][:16]  # the record's WARC-Date
    assert len(replayed) == len(articles)
    stats = json.loads((tmp / "replayed.stats.json").read_text("utf-8"))
    assert not [k for k in stats if k.startswith(("newscrawl/errors/", "newscrawl/dropped/not_in"))]
    assert "robotstxt/request_count" not in stats
    assert "summary: errors: none" in proc.stderr


def test_replay_into_the_live_state_says_to_use_a_new_state(live):
    tmp, _, _ = live
    proc = replay(tmp, tmp / "arch", "same-state", "-s", f"NEWSCRAWL_STATE={tmp / 'live.sqlite'}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [line for line in proc.stderr.splitlines() if "no articles written" in line]
    assert len(lines) == 1
    assert "seen in earlier runs" in lines[0] and "-s NEWSCRAWL_STATE=off" in lines[0]
    assert read_jsonl(tmp / "same-state.jsonl") == []


def test_a_wget_warc_of_the_same_site_replays_to_the_same_articles(live, tmp_path):
    _, _, articles = live
    with serve_wire_site(DEMO) as base:  # wget asks for gzip and gets it chunked
        wget = subprocess.run(["/usr/bin/wget", "-q", "-r", "-l", "3", "--compression=auto",
                               "--warc-file=site", "-P", "files", base], cwd=tmp_path,
                              capture_output=True, timeout=120, check=False)
    assert (tmp_path / "site.warc.gz").stat().st_size > 10_000, wget.stderr[-2000:]
    raw = gzip.decompress((tmp_path / "site.warc.gz").read_bytes())
    assert b"Transfer-Encoding: chunked" in raw and b"Content-Encoding: gzip" in raw
    proc = replay(tmp_path, tmp_path / "site.warc.gz", "wget", "-s", "NEWSCRAWL_STATE=off")
    assert proc.returncode == 0, proc.stderr[-3000:]
    # the same pages on another port: compared by path, with the URL fields and the site key
    replayed = {urlsplit(a["canonical_url"]).path: a for a in read_jsonl(tmp_path / "wget.jsonl")}
    live_by_path = {urlsplit(a["canonical_url"]).path: a for a in articles}
    assert set(replayed) == set(live_by_path)
    for key, article in live_by_path.items():
        fields = {k for k in article if k not in NOT_COMPARED | {"url", "canonical_url", "image"}}
        assert {k: replayed[key][k] for k in fields} == {k: article[k] for k in fields}


def test_files_rotate_by_size_and_per_run_each_with_its_warcinfo(tmp_path):
    archive = tmp_path / "arch"
    with serve_wire_site(DEMO) as base:
        for run in (1, 2):
            proc = run_scrapy(crawl_args(base, tmp_path, f"run{run}", "-s", f"NEWSCRAWL_ARCHIVE={archive}",
                                         "-s", "NEWSCRAWL_ARCHIVE_MAX_BYTES=60000"))
            assert proc.returncode == 0, proc.stderr[-3000:]
            if run == 1:
                first_run = sorted(p.name for p in archive.iterdir())
    files = sorted(archive.iterdir())
    assert len(first_run) >= 3 and len(files) > len(first_run)
    serials = [int(name.split("-")[2].split(".")[0]) for name in first_run]
    assert serials == list(range(len(first_run)))
    for path in files:
        assert NAME.match(path.name)
        found = records(path)
        assert found[0][1].rec_type == "warcinfo" and found[1][1].rec_type == "response"
        assert [r.rec_type for _, r, _ in found[1:]].count("warcinfo") == 0
    run1 = read_jsonl(tmp_path / "run1.jsonl")
    assert {a["warc"]["file"] for a in run1} <= set(first_run)


def count_responses(path: Path) -> int:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 0
    return data.count(b"\x1f\x8b\x08")  # gzip members: a rough count, enough to wait on


def whole_records_end(data: bytes) -> int:
    """Where the complete gzip members holding a WARC record end (the test's own reading: the
    kill itself may land in the middle of a write)."""
    end = 0
    while end < len(data):
        member = zlib.decompressobj(wbits=31)
        try:
            content = member.decompress(data[end:])
        except zlib.error:
            break
        if not member.eof or not content.startswith(b"WARC/"):
            break
        end = len(data) - len(member.unused_data)
    return end


def test_kill_9_while_archiving_then_the_next_start_cuts_the_torn_tail(tmp_path):
    archive = tmp_path / "arch"
    with serve_wire_site(DEMO, delay=0.3) as base:
        proc = subprocess.Popen([sys.executable, "-m", "scrapy", *crawl_args(
            base, tmp_path, "killed", "-s", f"NEWSCRAWL_ARCHIVE={archive}")], cwd=REPO,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        opened: list[Path] = []
        while time.monotonic() < deadline and proc.poll() is None:
            opened = list(archive.glob("*.warc.gz.open")) if archive.exists() else []
            if opened and count_responses(opened[0]) >= 9:  # warcinfo and four exchanges
                break
            time.sleep(0.05)
        assert proc.poll() is None and opened, "the crawl ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        torn = opened[0]
        # what a kill in the middle of a write leaves: the first half of a record (the kill may
        # have left one already, which is cut as well)
        killed = torn.read_bytes() + gzip.compress(b"WARC/1.1\r\n" + os.urandom(5000))[:700]
        torn.write_bytes(killed)
        whole = whole_records_end(killed)
        assert len(killed) - whole >= 700
        again = run_scrapy(crawl_args(base, tmp_path, "after", "-s", f"NEWSCRAWL_ARCHIVE={archive}"))
    assert again.returncode == 0, again.stderr[-3000:]
    lines = [line for line in again.stderr.splitlines() if "recovered archive" in line]
    assert len(lines) == 1 and f" {len(killed) - whole} bytes of a torn last record cut" in lines[0]
    closed = archive / torn.name.removesuffix(".open")
    assert not list(archive.glob("*.open")) and closed.read_bytes() == killed[:whole]
    found = records(closed)
    assert found[0][1].rec_type == "warcinfo" and len(found) >= 5
    with open(closed, "rb") as handle:
        assert len(list(FastIterator(handle))) == len(found)


def fsize_limited(limit: int):
    """For the crawl's process: files may not grow past `limit` bytes (EFBIG, like a full disk)."""
    import resource

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_failed_archive_write_is_one_line_exit_1_and_nothing_unarchived_is_recorded(tmp_path):
    archive = tmp_path / "arch"
    with serve_wire_site(DEMO) as base:
        proc = subprocess.run([sys.executable, "-m", "scrapy", *crawl_args(
            base, tmp_path, "full", "-s", f"NEWSCRAWL_ARCHIVE={archive}", "-s", "CONCURRENT_REQUESTS=2",
            "-s", "NEWSCRAWL_STATE=off")],  # the state in memory: only the archive grows past the limit
            cwd=REPO, capture_output=True, text=True, timeout=180, preexec_fn=fsize_limited(120_000),
            check=False)
    assert proc.returncode == 1, proc.stderr[-3000:]
    errors = [line for line in proc.stderr.splitlines() if "] ERROR: " in line or line.startswith("ERROR")]
    assert len(errors) == 1, errors
    assert "cannot write to the archive" in errors[0] and "File too large" in errors[0]
    assert "Traceback" not in proc.stderr
    (path,) = archive.iterdir()  # left open by the failure, closed at the end of the run
    found = records(path)
    assert found and path.stat().st_size <= 120_000
    archived = {r.rec_headers.get_header("WARC-Record-ID") for _, r, _ in found}
    written = read_jsonl(tmp_path / "full.jsonl")
    assert all(a["warc"]["record_id"] in archived for a in written)
    stats = json.loads((tmp_path / "full.stats.json").read_text("utf-8"))
    assert stats.get("newscrawl/articles/emitted", 0) == len(written)


def test_an_unwritable_archive_folder_stops_the_crawl_before_any_request(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with serve_wire_site(DEMO) as base:
        proc = run_scrapy(crawl_args(base, tmp_path, "blocked", "-s", f"NEWSCRAWL_ARCHIVE={blocker / 'arch'}"))
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "the archive folder (NEWSCRAWL_ARCHIVE)" in lines[0] and "is a file, not a folder" in lines[0]
    assert not (tmp_path / "blocked.jsonl").exists()


def test_newscrawl_cron_archives_the_same_way(tmp_path):
    from tests.support.sites.harness import run_cron

    archive = tmp_path / "arch"
    with serve_wire_site(DEMO) as base:
        run = run_cron(["-a", f"url={base}"], tmp_path / "cron.sqlite", tmp_path / "out",
                       extra=["-s", f"NEWSCRAWL_ARCHIVE={archive}"])
    assert run.code == 0, run.stderr[-3000:]
    (path,) = archive.iterdir()
    assert NAME.match(path.name)
    ids = {r.rec_headers.get_header("WARC-Record-ID") for _, r, _ in records(path) if r.rec_type == "response"}
    assert len(run.articles) >= 10 and all(a["warc"]["record_id"] in ids for a in run.articles)


def test_a_distributed_worker_writes_its_own_file_series(tmp_path):
    pytest.importorskip("redis", reason="the redis extra is not installed")
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed: `make test` installs it")
    from tests.support.redis_fixtures import redis_process

    archive = tmp_path / "arch"
    with redis_process(tmp_path) as url, serve_wire_site(DEMO) as base:
        proc = run_scrapy(crawl_args(base, tmp_path, "worker", "-s", f"REDIS_URL={url}",
                                     "-s", f"NEWSCRAWL_ARCHIVE={archive}", "-s", "MAX_IDLE_TIME_BEFORE_CLOSE=1",
                                     "-s", "NEWSCRAWL_EXTRACT_WORKERS=0"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    (path,) = archive.iterdir()
    host = re.escape(__import__("socket").gethostname())
    assert re.fullmatch(rf"newscrawl-{host}-\d+-\d{{17}}-00000\.warc\.gz", path.name), path.name
    articles = read_jsonl(tmp_path / "worker.jsonl")
    assert articles and {a["warc"]["file"] for a in articles} == {path.name}
