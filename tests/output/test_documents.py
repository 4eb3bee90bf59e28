"""A JSON array, XML or CSV output a killed crawl left open is closed at the next start of its
state: a real `kill -9` mid-crawl against an article site on 127.0.0.10, and the exact files a
kill leaves (a finished crawl's file cut as a kill cuts it), then a real rerun."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import FAST, REPO, run_scrapy
from tests.support.faultserver import FaultServer
from tests.support.kills import kill_9_after_lines, wait_for_lines

pytestmark = pytest.mark.timeout(240)

HOST = "127.0.0.10"


def crawl_args(site: FaultServer, state: Path, *output: str) -> list[str]:
    return ["crawl", "site", "-a", f"url={site.url('/')}", *output, "-s", f"NEWSCRAWL_STATE={state}",
            *FAST, "-s", "NEWSCRAWL_EXTRACT_WORKERS=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"]


def warnings_on(stderr: str, out: Path) -> list[str]:
    return [line.split("WARNING: ", 1)[1] for line in stderr.splitlines() if "] WARNING:" in line and str(out) in line]


def test_a_json_array_killed_mid_crawl_is_closed_at_the_next_start(tmp_path: Path) -> None:
    """`-O out.json` killed: the closing ] was missing, and the rerun's refusal left the file
    broken with its articles recorded as written."""
    state, out, stats_file = tmp_path / "state.sqlite", tmp_path / "out.json", tmp_path / "stats.json"
    with FaultServer(HOST, robots="allow", articles=30, delay=0.1) as site:
        proc = subprocess.Popen([sys.executable, "-m", "scrapy", *crawl_args(site, state, "-O", str(out))],
                                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_9_after_lines(proc, out, 6)
        with pytest.raises(ValueError):
            json.loads(out.read_bytes())
        again = run_scrapy([*crawl_args(site, state, "-O", str(out)), "-s", f"NEWSCRAWL_STATS_FILE={stats_file}"],
                           timeout=120)
    assert again.returncode == 2, again.stderr[-2000:]  # -O would lose the recorded articles: refused
    assert "refusing to overwrite" in again.stderr and "Traceback" not in again.stderr
    items = json.loads(out.read_bytes())
    assert len(items) >= 5 and out.read_bytes().endswith(b"}\n]\n")
    closed = [line for line in warnings_on(again.stderr, out) if "closing ]" in line]
    assert len(closed) == 1 and "closed after its last complete record" in closed[0], again.stderr[-3000:]


def _finished(tmp_path: Path, site: FaultServer, name: str) -> tuple[Path, Path]:
    """A finished crawl's output `name` and its state."""
    state, out = tmp_path / "state.sqlite", tmp_path / name
    done = run_scrapy(crawl_args(site, state, "-O", str(out)), timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return state, out


def _rerun(tmp_path: Path, site: FaultServer, state: Path) -> tuple[subprocess.CompletedProcess, dict]:
    """The same state, writing to a new JSON Lines file; its stats."""
    stats_file = tmp_path / "stats.json"
    again = run_scrapy([*crawl_args(site, state, "-O", str(tmp_path / "new.jsonl")),
                        "-s", f"NEWSCRAWL_STATS_FILE={stats_file}"], timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "Traceback" not in again.stderr
    return again, json.loads(stats_file.read_text("utf-8"))


@pytest.mark.parametrize("torn", ["", ",", ",\n", ',\n{"url": "http://x/'])
def test_a_json_array_cut_as_a_kill_cuts_it_is_closed_after_its_last_record(tmp_path: Path, torn: str) -> None:
    with FaultServer(HOST, robots="allow", articles=4) as site:
        state, out = _finished(tmp_path, site, "out.json")
        data = out.read_bytes()
        whole = data[:data.rindex(b"}") + 1]
        out.write_bytes(whole + torn.encode())
        again, stats = _rerun(tmp_path, site, state)
    assert out.read_bytes() == whole + b"\n]\n"
    assert len(json.loads(out.read_bytes())) == 4
    assert stats["newscrawl/recovered/closed_files"] == 1
    assert stats["newscrawl/recovered/torn_bytes"] == len(torn)
    assert len([line for line in warnings_on(again.stderr, out) if "closing ]" in line]) == 1


def test_an_xml_document_cut_as_a_kill_cuts_it_is_closed(tmp_path: Path) -> None:
    with FaultServer(HOST, robots="allow", articles=4) as site:
        state, out = _finished(tmp_path, site, "out.xml")
        data = out.read_bytes()
        last = data.rindex(b"<item>")
        out.write_bytes(data[:last + 40])  # the last item torn, no closing tag
        again, stats = _rerun(tmp_path, site, state)
    items = etree.fromstring(out.read_bytes()).findall("item")
    assert len(items) == 3
    assert stats["newscrawl/recovered/closed_files"] == 1
    assert len([line for line in warnings_on(again.stderr, out) if "closing tag" in line]) == 1


def _in_a_cell(data: bytes) -> int:
    """Where a kill could tear the last row right after a line break inside its body cell."""
    return data.rindex(b"\n", 0, len(data) - 2) + 1


@pytest.mark.parametrize("cut", [lambda data: len(data) - 30, _in_a_cell], ids=["mid-text", "after-a-cells-line-break"])
def test_a_csv_file_with_a_torn_last_row_loses_that_row_only(tmp_path: Path, cut) -> None:
    with FaultServer(HOST, robots="allow", articles=4) as site:
        state, out = _finished(tmp_path, site, "out.csv")
        data = out.read_bytes()
        assert b"\n\n" in data[data.rindex(b"\r\n", 0, len(data) - 2):]  # the last body has paragraphs
        out.write_bytes(data[:cut(data)])
        again, stats = _rerun(tmp_path, site, state)
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3 and all(row["url"] and row["body"] for row in rows)
    assert stats["newscrawl/recovered/closed_files"] == 1
    assert len(warnings_on(again.stderr, out)) == 1


def test_a_complete_file_and_one_the_state_did_not_write_are_left_alone(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.json"
    foreign.write_bytes(b'[\n{"url": "http://a/1"},\n{"url": "http://a/')
    with FaultServer(HOST, robots="allow", articles=3) as site:
        state, out = _finished(tmp_path, site, "out.json")
        before = out.read_bytes()
        again, stats = _rerun(tmp_path, site, state)
    assert out.read_bytes() == before
    assert foreign.read_bytes() == b'[\n{"url": "http://a/1"},\n{"url": "http://a/'
    assert "newscrawl/recovered/closed_files" not in stats
    assert not warnings_on(again.stderr, out)


def test_a_crawl_stopped_at_once_by_a_second_ctrl_c_closes_its_json_and_xml(tmp_path: Path) -> None:
    """Ctrl-C twice: Scrapy's forced stop ends the reactor before the feed exporter closes, so
    `-O out.json` had no closing ] and `-O -:xml` no </items>. The file waited for a later crawl of
    its state to repair it, and standard output (or a crawl without a state) stayed broken."""
    out = tmp_path / "out.json"
    with FaultServer(HOST, robots="allow", articles=30, delay=2.0) as site:
        proc = subprocess.Popen([sys.executable, "-m", "scrapy", *crawl_args(site, tmp_path / "state.sqlite", "-O",
                                                                              str(out), "-O", "-:xml")],
                                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_for_lines(proc, out, 3)  # "[" and two records
            proc.send_signal(signal.SIGINT)
            time.sleep(0.5)  # the graceful stop waits for the pages under way (2 s each)
            proc.send_signal(signal.SIGINT)
            stdout, stderr = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 130, stderr[-2000:]
    records = json.loads(out.read_bytes())
    assert len(records) >= 2 and out.read_bytes().endswith(b"}\n]")
    items = etree.fromstring(stdout)
    assert [item.findtext("url") for item in items] == [record["url"] for record in records]
