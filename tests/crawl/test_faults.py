"""One real crawl of the fault site (tests/support/faultserver.py on 127.0.0.2; an "elsewhere" site on
127.0.0.3 that must never be asked for anything): every fault is retried or dropped with a
reason in the stats and one log line, the crawl goes on, and readable pages come out right."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import FAST, read_jsonl, run_scrapy
from tests.support.faultserver import CHARSET_TEXT, SHIFT_JIS_MORE, FaultServer

pytestmark = pytest.mark.timeout(180)

SETTINGS = ["-s", "DOWNLOAD_TIMEOUT=4", "-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_MAXSIZE=1000000",
            "-s", "DOWNLOAD_WARNSIZE=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
            # every page here takes milliseconds to extract (the crowded tag a quarter of a second),
            # the pathological one tens of seconds
            "-s", "NEWSCRAWL_EXTRACT_TIMEOUT=5"]


@dataclass
class Crawl:
    items: list[dict]
    stats: dict
    log: str
    returncode: int
    hits: dict[str, int]
    times: dict[str, list[float]]
    elsewhere_hits: dict[str, int]
    base: str

    def by_path(self) -> dict[str, dict]:
        return {item["url"].removeprefix(self.base): item for item in self.items}

    def warning_lines(self, path: str) -> list[str]:
        """Log lines at WARNING or above that name this URL."""
        url = self.base + path
        return [line for line in self.log.splitlines()
                if re.search(r"\] (WARNING|ERROR|CRITICAL):", line) and re.search(re.escape(url) + r"\b(?!/)", line)]

    def lines(self, path: str) -> list[str]:
        """Log lines at INFO or above that name this URL (one per dropped page, at most)."""
        url = self.base + path
        return [line for line in self.log.splitlines()
                if re.search(r"\] (INFO|WARNING|ERROR|CRITICAL):", line)
                and re.search(re.escape(url) + r"(?![\w/.-])", line)]


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory) -> Crawl:
    tmp: Path = tmp_path_factory.mktemp("faults")
    out, stats_file = tmp / "out.jsonl", tmp / "stats.json"
    with FaultServer("127.0.0.2") as site, FaultServer("127.0.0.3", robots="allow") as elsewhere:
        site.offsite = elsewhere.url("/")
        proc = run_scrapy(["crawl", "site", "-a", f"url={site.url('/')}", "-O", str(out),
                           "-s", f"NEWSCRAWL_STATE={tmp / 'state.sqlite'}",
                           "-s", f"NEWSCRAWL_STATS_FILE={stats_file}", *FAST, *SETTINGS], timeout=150)
        hits, times, elsewhere_hits = dict(site.hits), dict(site.times), dict(elsewhere.hits)
    stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
    return Crawl(read_jsonl(out), stats, proc.stderr, proc.returncode, hits, times, elsewhere_hits, site.base)


def test_the_crawl_goes_on_to_the_end(fault_crawl: Crawl) -> None:
    assert fault_crawl.returncode == 0, fault_crawl.log[-3000:]
    assert fault_crawl.stats["finish_reason"] == "finished"
    assert "Traceback" not in fault_crawl.log
    assert "Unhandled error" not in fault_crawl.log
    assert not any(key.startswith("spider_exceptions/") for key in fault_crawl.stats)


def test_a_count_of_attempts_reads_as_english() -> None:
    from newscrawl.crawl.middlewares.failures import _attempts

    assert (_attempts(1), _attempts(3)) == ("1 attempt", "3 attempts")  # a robots.txt line said "1 attempts"


def test_robots_txt_that_errors_is_retried_then_ignored(fault_crawl: Crawl) -> None:
    assert fault_crawl.stats["newscrawl/robots/unavailable"] == 1
    assert any("robots.txt unavailable" in line for line in fault_crawl.lines("/robots.txt"))
    assert {"/articles/plain-1", "/articles/plain-2", "/articles/plain-3"} <= set(fault_crawl.by_path())


@pytest.mark.parametrize(("path", "reason", "attempts"), [
    ("/status/500", "http_500", 2),
    ("/status/404", "http_404", 1),
    ("/status/503-retry-after-long", "retry_after_too_long", 1),
    ("/hang", "timeout", 2),
    ("/reset", "connection_error", 2),
    ("/reset-midway", "truncated", 2),
    ("/truncated", "truncated", 2),
    ("/oversize/declared", "too_large", 1),
    ("/oversize/streamed", "too_large", 1),
    ("/gzip-bomb", "too_large", 1),
    ("/pdf", "binary_body", 1),
    ("/binary", "binary_body", 1),
    ("/redirect/loop-a", "redirect_loop", 1),
    ("/redirect/offsite", "redirect_offsite", 1),
    ("/redirect/ftp", "redirect_scheme", 1),
    ("/redirect/file", "redirect_scheme", 1),
    ("/redirect/javascript", "redirect_scheme", 1),
])
def test_a_fault_is_dropped_with_its_reason_and_one_line(fault_crawl: Crawl, path: str, reason: str,
                                                         attempts: int) -> None:
    assert fault_crawl.stats.get(f"newscrawl/dropped/{reason}", 0) >= 1
    # retried exactly as often as it should be
    assert fault_crawl.hits.get(path) == attempts, (fault_crawl.hits.get(path), fault_crawl.lines(path))
    assert path not in fault_crawl.by_path()
    lines = fault_crawl.lines(path)
    assert len(lines) == 1, lines
    assert "Traceback" not in fault_crawl.log


@pytest.mark.parametrize(("path", "kind"), [("/challenge", "challenge"), ("/empty", "empty")])
def test_challenge_and_empty_pages_are_dropped(fault_crawl: Crawl, path: str, kind: str) -> None:
    assert any(key.startswith("newscrawl/dropped/") and kind in key for key in fault_crawl.stats)
    assert path not in fault_crawl.by_path()
    assert len(fault_crawl.lines(path)) == 1


def test_redirects_never_leave_the_site(fault_crawl: Crawl) -> None:
    assert fault_crawl.elsewhere_hits == {}  # not the redirect, not the meta refresh, not the link
    assert fault_crawl.stats["newscrawl/ignored/meta_refresh_redirect_offsite"] == 1
    assert fault_crawl.hits.get("/redirect/loop-b") == 1
    assert "/articles/redirect-target" in fault_crawl.by_path()  # an on-site redirect is followed


@pytest.mark.parametrize("path", ["/status/503-retry-after", "/status/429-retry-after"])
def test_retry_after_is_waited_out_then_the_page_comes(fault_crawl: Crawl, path: str) -> None:
    assert path in fault_crawl.by_path()
    first, second = fault_crawl.times[path]
    assert second - first >= 0.9  # Retry-After: 1
    assert fault_crawl.lines(path) == []  # a retry that worked is no news


@pytest.mark.parametrize("path", ["/slow", "/malformed", "/articles/plain-1"])
def test_readable_pages_come_out(fault_crawl: Crawl, path: str) -> None:
    item = fault_crawl.by_path()[path]
    assert item["headline"] and len(item["body"]) > 200


@pytest.mark.parametrize(("path", "key", "suffix"), [
    ("/charset/cp1251-undeclared", "cp1251", ""),
    ("/charset/cp1251-labelled-utf8", "cp1251", " (2)"),
    ("/charset/shift_jis-meta", "shift_jis", ""),
    ("/charset/latin1-labelled-utf8", "latin1", ""),
    ("/charset/bom-utf8", "latin1", " (BOM)"),
    ("/charset/bom-utf16", "cp1251", " (UTF-16)"),
])
def test_wrong_and_missing_charsets_decode_right(fault_crawl: Crawl, path: str, key: str, suffix: str) -> None:
    title, text = CHARSET_TEXT[key]
    item = fault_crawl.by_path()[path]
    assert item["headline"] == title + suffix
    assert text in item["body"]
    if key == "shift_jis":
        assert SHIFT_JIS_MORE in item["body"]
    assert "\ufffd" not in item["body"]


def test_a_relabelled_page_is_counted(fault_crawl: Crawl) -> None:
    # the header said utf-8 for cp1251, latin-1 and shift_jis bytes
    assert fault_crawl.stats["newscrawl/charset/fallback"] == 3


def test_a_pathological_page_costs_one_item_not_the_crawl(fault_crawl: Crawl) -> None:
    # its extraction would take minutes (in jusText); the worker is killed after 10 s (and only this page's)
    assert fault_crawl.stats.get("newscrawl/dropped/extraction_timeout") == 1
    assert "/pathological" not in fault_crawl.by_path()
    assert len(fault_crawl.lines("/pathological")) == 1


def test_a_tag_of_190000_attributes_is_read_in_a_moment_and_said(fault_crawl: Crawl) -> None:
    # libxml2 took minutes on it (the worker was killed after 10 s); the tag keeps its first 256
    assert fault_crawl.hits.get("/crowded-tag") == 1
    assert fault_crawl.stats.get("newscrawl/dropped/extraction_timeout") == 1  # /pathological's
    assert fault_crawl.stats.get("newscrawl/extract/cut_pages") == 1
    assert [line.split(": ", 1)[1] for line in fault_crawl.warning_lines("/crowded-tag")] == [
        f"{fault_crawl.base}/crowded-tag: a tag with over 256 attributes: those past the first 256 were not read"]


# -- the parts, without a crawl ------------------------------------------------------------------

@pytest.mark.parametrize(("body", "declared", "expected"), [
    ("Café crème".encode("latin-1"), "utf-8", "cp1252"),  # latin-1 labelled utf-8: detected
    ("Café crème".encode(), "utf-8", "utf-8"),
    ("<meta charset=shift_jis>東京の図書館".encode("shift_jis"), "utf-8", "cp932"),  # then <meta>
    (b"\xef\xbb\xbf" + "Café".encode(), "latin-1", "utf-8"),  # the BOM wins
    # UTF-8 with one corrupt byte stays UTF-8 (one replacement character, not a garbled page)
    ("Москва, Café, 東京 ".encode() * 20 + b"\xff", "utf-8", "utf-8"),
])
def test_charset_choice(body: bytes, declared: str, expected: str) -> None:
    from newscrawl.extract.encoding import choose_encoding

    assert choose_encoding(body, declared)[0] == expected


def test_retry_after_values() -> None:
    from newscrawl.crawl.middlewares.retry import retry_after_seconds

    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 30) == 30
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 + 99) == 0
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None


@pytest.mark.parametrize(("body", "binary"), [
    (b"%PDF-1.7\n...", True), (b"\x89PNG\r\n\x1a\n....", True), (bytes(range(256)) * 4, True),
    ("<html><body>Привет</body></html>".encode("cp1251"), False),
    (b"\xff\xfe" + "<html>hi</html>".encode("utf-16-le"), False),
    (b"<html><body>" + b"text " * 100 + b"</body></html>", False),
])
def test_binary_detection(body: bytes, binary: bool) -> None:
    from newscrawl.extract.encoding import looks_binary

    assert looks_binary(body) is binary


def test_errors_are_counted_under_the_reasons_they_are_dropped_for(fault_crawl: Crawl) -> None:
    """The summary's errors line named exception classes (DownloadTimeoutError) beside the dropped
    line's reasons (timeout): the spider's errback now counts the failure middleware's reason."""
    def by_reason(prefix: str) -> dict[str, int]:
        return {key.removeprefix(prefix): value for key, value in fault_crawl.stats.items() if key.startswith(prefix)}

    errors, dropped = by_reason("newscrawl/errors/"), by_reason("newscrawl/dropped/")
    assert {"http_500", "http_404", "retry_after_too_long", "timeout", "connection_error", "truncated",
            "too_large"} <= set(errors), errors
    assert all(re.fullmatch(r"[a-z0-9_]+", reason) for reason in errors), errors
    for reason, count in errors.items():  # dropped also counts what no errback counts (the spider's robots.txt)
        assert dropped.get(reason, 0) >= count, (reason, errors, dropped)
