"""The state interface on its real backends: SQLite files (old layouts included), no state at all,
and the per-site run history the coverage check reads. (Redis: tests/distributed/.)"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawl.state import StateNotFound, open_state, stateless
from newscrawl.state.base import RUNS_KEPT
from newscrawl.state.memory import MemoryStateStore
from newscrawl.state.sqlite import SQLiteStateStore
from tests.conftest import REPO, read_jsonl, run_scrapy
from tests.support.faultserver import FaultServer
from tests.support.state_contract import (
    check_forget_removes_entries_and_their_fingerprints,
    check_links_pending_until_followed,
    check_prune_keeps_undated_entries,
)


def settings(**values: object) -> Settings:
    return Settings({"NEWSCRAWL_STATE": ".newscrawl/state.sqlite", **values})


@pytest.mark.parametrize("value", ["", "none", "NONE", " none ", "false", "False", "off", " OFF ", "no", "0"])
def test_an_empty_state_setting_means_no_state(value: str) -> None:
    config = settings(NEWSCRAWL_STATE=value)
    assert stateless(config)
    store = open_state(config)
    assert isinstance(store, MemoryStateStore)
    store.record("https://a.example/1", "f1", None, 1)
    assert store.get("https://a.example/1").fingerprint == "f1" and store.has_fingerprint("f1")
    said = f"is {value.strip()!r}" if value.strip() else "is empty"
    with pytest.raises(StateNotFound, match=f"NEWSCRAWL_STATE {said}, which means a crawl without state"):
        open_state(config, readonly=True)  # nothing to look at: one line, not an empty answer


@pytest.mark.parametrize("value", ["false", "off", "no", "null"])
def test_off_words_crawl_without_state_and_create_no_file(tmp_path: Path, value: str) -> None:
    """-s NEWSCRAWL_STATE=false created a state file named "false" (and "false.httpcache/")."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "scrapy.cfg", project / "scrapy.cfg")
    out = tmp_path / "out.jsonl"
    with FaultServer("127.0.0.1", robots="allow", articles=2) as site:
        for _ in range(2):  # without state, the second run emits the same articles again
            proc = run_scrapy(["crawl", "site", "-a", f"url={site.url('/')}", "-O", str(out), "--nolog",
                               "-s", f"NEWSCRAWL_STATE={value}", "-s", "DOWNLOAD_DELAY=0"], cwd=project)
            assert proc.returncode == 0, proc.stderr[-2000:]
            assert len(read_jsonl(out)) == 2
    assert sorted(p.name for p in project.iterdir()) == ["scrapy.cfg"]
    proc = run_scrapy(["state", "info", "-s", f"NEWSCRAWL_STATE={value}"], cwd=project)
    assert (proc.returncode, proc.stderr.strip()) == (
        2, f"scrapy state: no state: NEWSCRAWL_STATE is {value!r}, which means a crawl without state; "
           "give the state file (-s NEWSCRAWL_STATE=PATH)")
    assert sorted(p.name for p in project.iterdir()) == ["scrapy.cfg"]


def test_a_bare_word_meant_as_no_state_is_refused_and_a_file_name_is_kept(tmp_path: Path) -> None:
    """-s NEWSCRAWL_STATE=disabled made a state file named "disabled" without a word, while none,
    off, no... mean no state: a bare word that says "off", or is close to one of those, is one
    line, exit 2, before anything is fetched or made; a name with a slash or a suffix is a file."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "scrapy.cfg", project / "scrapy.cfg")
    with FaultServer("127.0.0.1", robots="allow", articles=2) as site:
        start = ["-a", f"url={site.url('/')}", "-s", "DOWNLOAD_DELAY=0"]
        for value, meant in (("disabled", "none"), ("Nothing", "none"), ("flase", "false"), ("nul", "null")):
            for command in (["crawl", "site", "-O", "out.jsonl"], ["cron", "--output-dir", "cron"]):
                proc = run_scrapy([*command, *start, "-s", f"NEWSCRAWL_STATE={value}"], cwd=project)
                lines = proc.stderr.strip().splitlines()
                assert proc.returncode == 2 and len(lines) == 1, proc.stderr[-2000:]
                assert lines[0].endswith(f"NEWSCRAWL_STATE={value} would create a state file named {value}: did "
                                         f"you mean {meant} (a crawl without state)? For a state file of that "
                                         f"name, give -s NEWSCRAWL_STATE=./{value}"), lines[0]
        assert not site.hits and sorted(p.name for p in project.iterdir()) == ["scrapy.cfg"]
        for value in ("./disabled", "disabled.sqlite", "statefile"):
            proc = run_scrapy(["crawl", "site", *start, "-O", "out.jsonl", "--nolog", "-s",
                               f"NEWSCRAWL_STATE={value}"], cwd=project)
            assert proc.returncode == 0 and (project / value).is_file(), proc.stderr[-2000:]


def test_redis_is_the_state_whatever_newscrawl_state_says() -> None:
    assert not stateless(settings(NEWSCRAWL_STATE="", REDIS_URL="redis://127.0.0.1:6379/0"))


def test_a_worker_told_to_keep_no_state_keeps_its_http_cache_where_the_state_would_be() -> None:
    """A distributed worker has a state whatever NEWSCRAWL_STATE says (Redis), and an HTTP cache:
    -s NEWSCRAWL_STATE=none put it in a folder named none.httpcache."""
    from newscrawl.crawl.httpcache import cache_dir

    for value in ("none", "OFF", ""):
        worker = Settings({"REDIS_URL": "redis://127.0.0.1:6379/0", "NEWSCRAWL_STATE": value, "HTTPCACHE_DIR": ""})
        assert cache_dir(worker) == Path(".newscrawl/state.sqlite.httpcache")
    assert cache_dir(Settings({"NEWSCRAWL_STATE": "/srv/s.sqlite", "HTTPCACHE_DIR": ""})) == Path("/srv/s.sqlite.httpcache")


def test_a_path_that_does_not_exist_is_not_created_by_a_reader(tmp_path: Path) -> None:
    missing = tmp_path / "typo.sqlite"
    with pytest.raises(StateNotFound):
        open_state(settings(NEWSCRAWL_STATE=str(missing)), readonly=True)
    assert not missing.exists()


@pytest.mark.parametrize("store_kind", ["sqlite", "memory"])
def test_run_history_keeps_the_newest_runs_per_site(tmp_path: Path, store_kind: str) -> None:
    store = SQLiteStateStore(tmp_path / "s.sqlite") if store_kind == "sqlite" else MemoryStateStore()
    for number in range(RUNS_KEPT + 3):
        store.add_run("a.example", {"articles": number})
    store.add_run("b.example", {"articles": 99})
    assert [run["articles"] for run in store.runs("a.example")] == list(range(3, RUNS_KEPT + 3))
    assert store.runs("b.example") == [{"articles": 99}]
    assert store.runs("c.example") == []
    store.close()


def test_a_state_of_the_oldest_layout_gains_what_it_lacks_and_keeps_its_entries(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:  # no validators, no meta table
        db.execute("CREATE TABLE seen (url TEXT PRIMARY KEY, fingerprint TEXT, modified TEXT, "
                   "revision INTEGER NOT NULL DEFAULT 1, emitted_at REAL NOT NULL)")
        db.execute("INSERT INTO seen VALUES ('https://a.example/1', 'f1', NULL, 2, 1700000000)")
    store = SQLiteStateStore(path)
    entry = store.get("https://a.example/1")
    assert (entry.revision, entry.etag) == (2, None)
    store.add_run("a.example", {"articles": 1})
    assert store.runs("a.example") == [{"articles": 1}]
    store.close()


@pytest.mark.parametrize("store_kind", ["sqlite", "memory"])
def test_links_pending_until_marked_followed(tmp_path: Path, store_kind: str) -> None:
    store = SQLiteStateStore(tmp_path / "s.sqlite") if store_kind == "sqlite" else MemoryStateStore()
    check_links_pending_until_followed(store)
    store.close()


@pytest.mark.parametrize("store_kind", ["sqlite", "memory"])
def test_prune_keeps_the_entries_of_undated_articles(tmp_path: Path, store_kind: str) -> None:
    store = SQLiteStateStore(tmp_path / "s.sqlite") if store_kind == "sqlite" else MemoryStateStore()
    check_prune_keeps_undated_entries(store)
    store.close()


@pytest.mark.parametrize("store_kind", ["sqlite", "memory"])
def test_forget_removes_entries_and_their_fingerprints(tmp_path: Path, store_kind: str) -> None:
    store = SQLiteStateStore(tmp_path / "s.sqlite") if store_kind == "sqlite" else MemoryStateStore()
    check_forget_removes_entries_and_their_fingerprints(store)
    store.close()


def _older_state(tmp_path: Path, *later_columns: str) -> Path:
    """A state file of an older layout (validators, and `later_columns`), holding one entry of
    revision 1 whose later columns are all at their defaults."""
    path = tmp_path / "old.sqlite"
    columns = ", ".join(("url TEXT PRIMARY KEY, fingerprint TEXT, modified TEXT, revision INTEGER NOT NULL "
                         "DEFAULT 1, emitted_at REAL NOT NULL, etag TEXT, last_modified TEXT", *later_columns))
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE seen ({columns})")
        db.execute("INSERT INTO seen (url, fingerprint, revision, emitted_at) "
                   "VALUES ('https://a.example/1', 'f1', 1, 1700000000)")
    return path


def test_entries_of_a_state_older_than_undated_are_pruned_by_age(tmp_path: Path) -> None:
    path = _older_state(tmp_path, "links_pending INTEGER NOT NULL DEFAULT 0")  # before undated
    reader = SQLiteStateStore(path, readonly=True)  # read as it is, nothing migrated
    assert reader.get("https://a.example/1").undated is False
    reader.close()
    store = SQLiteStateStore(path)
    store.record("https://a.example/2", "f2", None, 1, undated=True)
    assert store.prune(86400) == 1 and store.get("https://a.example/2").undated
    store.close()


def test_entries_of_a_state_older_than_links_pending_had_their_links_followed(tmp_path: Path) -> None:
    path = _older_state(tmp_path)  # the layout before links_pending
    reader = SQLiteStateStore(path, readonly=True)  # read as it is, nothing migrated
    assert reader.get("https://a.example/1").links_pending is False
    reader.close()
    store = SQLiteStateStore(path)
    assert store.get("https://a.example/1").links_pending is False
    store.record("https://a.example/2", "f2", None, 1, links_pending=True)
    assert store.get("https://a.example/2").links_pending
    store.close()


def test_damaged_run_history_reads_as_none(tmp_path: Path) -> None:
    store = SQLiteStateStore(tmp_path / "s.sqlite")
    store.set_meta("runs:a.example", "{not json")
    assert store.runs("a.example") == []
    store.set_meta("runs:a.example", '{"articles": 1}')  # an object, not a list
    assert store.runs("a.example") == []
    store.close()
