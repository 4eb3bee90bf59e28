"""Appending to an output whose fields leave url out: the articles it holds are known by their
fingerprint, or by their headline and body, under the output's field names; a file whose
records name none of these is refused. Real crawls against an article site on 127.0.0.9, two
states (the same command run from two folders), real files."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawl.output.identity import as_article, output_names
from newscrawl.output.recovery import meta_key
from tests.conftest import REPO, run_scrapy
from tests.support.faultserver import FaultServer

pytestmark = pytest.mark.timeout(240)

HOST = "127.0.0.9"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0"]
RENAMED = {"url": "link", "fingerprint": "fp", "headline": "title"}


def crawl(site: FaultServer, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`scrapy crawl site` from `cwd`, with the state there (.newscrawl/state.sqlite)."""
    env = {"SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(REPO)}
    return run_scrapy(["crawl", "site", "-a", f"url={site.url('/')}", *args, *FAST], cwd=cwd, env=env,
                      timeout=150)


def read_jsonl(path: Path) -> list[dict]:
    """The records of a JSON Lines file of some fields only (no article schema to check)."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def folders(tmp_path: Path) -> tuple[Path, Path]:
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    return here, there


def warnings_on(stderr: str, out: Path) -> list[str]:
    return [line.split("WARNING: ", 1)[1] for line in stderr.splitlines() if "] WARNING:" in line and str(out) in line]


@pytest.mark.parametrize("fields", [
    ["-s", "FEED_EXPORT_FIELDS=headline,body"],  # known by the fingerprint of its text
    ["-s", "FEED_EXPORT_FIELDS=headline,fingerprint"],
    ["-s", "FEED_EXPORT_FIELDS=canonical_url,headline"],
], ids=["text", "fingerprint", "canonical_url"])
def test_another_state_appending_to_a_file_without_urls_writes_no_article_twice(tmp_path: Path,
                                                                                 fields: list[str]) -> None:
    """The same command from another folder (a fresh state) wrote every article a second time
    when the fields left url out, exit 0, no warning."""
    out = tmp_path / "out.jsonl"
    here, there = folders(tmp_path)
    with FaultServer(HOST, robots="allow", articles=3) as site:
        first = crawl(site, "-o", str(out), *fields, cwd=here)
        assert first.returncode == 0, first.stderr[-2000:]
        before = out.read_bytes()
        again = crawl(site, "-o", str(out), *fields, cwd=there)
    assert again.returncode == 0, again.stderr[-2000:]
    assert len(read_jsonl(out)) == 3
    assert out.read_bytes() == before
    assert warnings_on(again.stderr, out) == [
        f"{out} holds 3 articles already that this state had not recorded (written by a crawl of another "
        "state, or another tool): not written again"]


def test_fields_renamed_in_feeds_are_read_under_their_names(tmp_path: Path) -> None:
    """FEEDS `fields` as a dict renames them: url is `link` in the file."""
    out = tmp_path / "out.jsonl"
    feeds = ["-s", "FEEDS=" + json.dumps({str(out): {"format": "jsonlines", "fields": RENAMED}})]
    here, there = folders(tmp_path)
    with FaultServer(HOST, robots="allow", articles=3) as site:
        first = crawl(site, *feeds, cwd=here)
        assert first.returncode == 0, first.stderr[-2000:]
        assert sorted(read_jsonl(out)[0]) == ["fp", "link", "title"]
        again = crawl(site, *feeds, cwd=there)
    assert again.returncode == 0, again.stderr[-2000:]
    assert len(read_jsonl(out)) == 3
    assert "holds 3 articles already" in again.stderr


def test_a_file_whose_records_say_not_which_articles_they_are_is_refused(tmp_path: Path) -> None:
    """Nothing in the records identifies an article: appending from a fresh state is refused
    in one line, exit 2, before anything is fetched, the file untouched."""
    out = tmp_path / "out.jsonl"
    here, there = folders(tmp_path)
    with FaultServer(HOST, robots="allow", articles=3) as site:
        first = crawl(site, "-o", str(out), "-s", "FEED_EXPORT_FIELDS=headline,site", cwd=here)
        assert first.returncode == 0, first.stderr[-2000:]
        before, fetched = out.read_bytes(), sum(site.hits.values())
        again = crawl(site, "-o", str(out), "-s", "FEED_EXPORT_FIELDS=headline,site", cwd=there)
        assert sum(site.hits.values()) == fetched
    assert again.returncode == 2, again.stderr[-2000:]
    assert "Traceback" not in again.stderr
    errors = [line for line in again.stderr.splitlines() if "cannot append to" in line]
    assert len(errors) == 1 and "Write to a new file, or include url in the fields" in errors[0], again.stderr[-2000:]
    assert out.read_bytes() == before


def test_the_state_that_wrote_a_file_without_urls_appends_nothing_twice(tmp_path: Path) -> None:
    """The same state, appending again to the file it wrote with restricted fields, and after
    a kill that came before its last two lines were recorded."""
    out = tmp_path / "out.jsonl"
    here, _ = folders(tmp_path)
    fields = ["-s", "FEED_EXPORT_FIELDS=headline,body"]
    state = here / ".newscrawl" / "state.sqlite"
    with FaultServer(HOST, robots="allow", articles=4) as site:
        first = crawl(site, "-o", str(out), *fields, cwd=here)
        assert first.returncode == 0, first.stderr[-2000:]
        again = crawl(site, "-o", str(out), *fields, cwd=here)
        assert again.returncode == 0, again.stderr[-2000:]
        assert len(read_jsonl(out)) == 4
        raw = out.read_bytes().splitlines(keepends=True)
        with sqlite3.connect(state) as db:  # the kill came before the last two were recorded
            lost = {row[0] for row in db.execute("SELECT fingerprint FROM seen ORDER BY emitted_at DESC LIMIT 2")}
            db.execute(f"DELETE FROM seen WHERE fingerprint IN ({','.join('?' * len(lost))})", sorted(lost))
            db.execute("UPDATE meta SET value = ? WHERE key = ?",
                       (json.dumps({"offset": sum(len(line) for line in raw[:2])}), meta_key(out)))
        rerun = crawl(site, "-o", str(out), *fields, cwd=here)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert len(read_jsonl(out)) == 4, rerun.stderr[-3000:]
    assert "holds 2 articles this state had not recorded" in rerun.stderr


def test_output_names_follow_feeds_fields_then_feed_export_fields() -> None:
    settings = Settings({"FEED_EXPORT_FIELDS": ["headline", "body"],
                         "FEEDS": {"a.jsonl": {"fields": RENAMED}, "b.jsonl": {}}})
    assert output_names(settings, "a.jsonl") == RENAMED
    assert output_names(settings, "b.jsonl") == {"headline": "headline", "body": "body"}
    assert output_names(Settings({"FEEDS": {"c.jsonl": {}}}), "c.jsonl") == {}
    article = as_article({"title": "A", "body": "Some text."}, {"headline": "title", "body": "body"})
    assert article["headline"] == "A" and len(article["fingerprint"]) == 40
