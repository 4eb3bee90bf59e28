"""The Redis state store and `scrapy seed`, against a real redis-server."""

from __future__ import annotations

import hashlib
import json
import time

import pytest
from scrapy import Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from newscrawl.state import StateError, open_state
from tests.conftest import free_port, run_scrapy
from tests.support.redis_fixtures import redis_server, redis_url  # noqa: F401 - pytest fixtures
from tests.support.state_contract import (
    check_forget_removes_entries_and_their_fingerprints,
    check_links_pending_until_followed,
    check_prune_keeps_undated_entries,
)

redis = pytest.importorskip("redis", reason="the redis extra is not installed: pip install -e '.[redis]'")
from newscrawl.distributed.connection import RedisUnavailable, connect  # noqa: E402 - needs the extra
from newscrawl.distributed.dupefilter import FingerprintDupeFilter  # noqa: E402


class QuerylessFingerprinter:
    """A REQUEST_FINGERPRINTER_CLASS for the test: URLs differing only in the query are one."""

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def fingerprint(self, request: Request) -> bytes:
        return hashlib.sha1(request.url.split("?", 1)[0].encode()).digest()


def test_shared_dupefilter_uses_the_crawlers_request_fingerprinter(redis_url):  # noqa: F811
    server = redis.Redis.from_url(redis_url)
    custom = get_crawler(settings_dict={
        "REQUEST_FINGERPRINTER_CLASS": "tests.distributed.test_state_and_seeds.QuerylessFingerprinter"})
    worker_a = FingerprintDupeFilter.for_crawler(custom, server, "site")
    worker_b = FingerprintDupeFilter.for_crawler(custom, server, "site")
    assert not worker_a.request_seen(Request("http://a.example/x?utm_source=1"))
    assert worker_b.request_seen(Request("http://a.example/x?utm_source=2"))  # shared, and query ignored
    assert not worker_b.request_seen(Request("http://a.example/y"))
    default = FingerprintDupeFilter.for_crawler(get_crawler(), server, "other")
    assert not default.request_seen(Request("http://a.example/x?utm_source=1"))
    assert not default.request_seen(Request("http://a.example/x?utm_source=2"))


def test_redis_state_store_remembers_prunes_and_exports(redis_url):  # noqa: F811
    store = open_state({"REDIS_URL": redis_url, "NEWSCRAWL_REDIS_PREFIX": "t"})
    other = open_state({"REDIS_URL": redis_url, "NEWSCRAWL_REDIS_PREFIX": "t"})  # another worker
    assert store.get("https://a.example/1") is None and store.count() == 0
    store.record("https://a.example/1", "fp1", "2024-05-01T08:00:00+00:00", 1, etag='"x"')
    store.record("https://a.example/2", "fp2", None, 1, last_modified="Wed, 01 May 2024 08:00:00 GMT")
    entry = other.get("https://a.example/1")
    assert (entry.fingerprint, entry.modified, entry.revision, entry.etag) == (
        "fp1", "2024-05-01T08:00:00+00:00", 1, '"x"')
    assert other.is_seen("https://a.example/2") and other.has_fingerprint("fp2")
    # a new revision replaces the entry and its fingerprint
    other.record("https://a.example/1", "fp1b", "2024-05-02T08:00:00+00:00", 2)
    assert store.get("https://a.example/1").revision == 2
    assert store.has_fingerprint("fp1b") and not store.has_fingerprint("fp1")
    assert store.count() == 2 and [e.url for e in store.export()] == ["https://a.example/2", "https://a.example/1"]
    store.set_meta("output", "run1.jsonl:42")
    assert other.get_meta("output") == "run1.jsonl:42"
    assert store.size_bytes() > 0 and "***" not in store.describe()
    before = time.time()
    store.record("https://a.example/3", "fp3", None, 1)
    server = redis.Redis.from_url(redis_url)
    assert before <= server.zscore("t:emitted", "https://a.example/3") <= time.time()  # stamped now
    # the two others were emitted two hours ago (moved back in the documented `emitted` sorted
    # set): a one-hour window prunes them, with their fingerprints, however slow this machine is
    two_hours_ago = time.time() - 7200
    server.zadd("t:emitted", dict.fromkeys(["https://a.example/1", "https://a.example/2"], two_hours_ago), xx=True)
    assert store.prune(3600) == 2
    assert store.count() == 1 and not store.has_fingerprint("fp2") and store.has_fingerprint("fp3")
    store.close()
    other.close()


def test_redis_state_store_keeps_links_pending_until_marked_followed(redis_url):  # noqa: F811
    store = open_state({"REDIS_URL": redis_url, "NEWSCRAWL_REDIS_PREFIX": "lp"})
    check_links_pending_until_followed(store)
    store.close()


def test_redis_state_store_forgets_entries_and_their_fingerprints(redis_url):  # noqa: F811
    store = open_state({"REDIS_URL": redis_url, "NEWSCRAWL_REDIS_PREFIX": "fg"})
    check_forget_removes_entries_and_their_fingerprints(store)
    store.close()


def test_redis_state_store_prune_keeps_undated_entries_past_a_batch_of_them(redis_url):  # noqa: F811
    # more undated entries than one prune batch (1000) come first among the old: the dated ones
    # after them are still forgotten, and the prune ends
    store = open_state({"REDIS_URL": redis_url, "NEWSCRAWL_REDIS_PREFIX": "ud"})
    check_prune_keeps_undated_entries(store, undated=1003)
    store.close()


def test_state_commands_refuse_a_redis_state_that_does_not_exist(redis_url):  # noqa: F811
    """`state info -s REDIS_URL=.../1` (the wrong database) or a mistyped NEWSCRAWL_REDIS_PREFIX
    showed an empty state, exit 0, and `prune` "removed 0", where a mistyped SQLite path is one
    line, exit 2: the Redis state is refused as "no state" too, and nothing is created."""
    server = redis.Redis.from_url(redis_url)
    store = open_state({"REDIS_URL": redis_url, "NEWSCRAWL_REDIS_PREFIX": "real"})
    store.record("https://a.example/1", "f1", None, 1)
    store.close()
    base = redis_url.rsplit("/", 1)[0]
    for given in ([f"REDIS_URL={base}/1"], [f"REDIS_URL={redis_url}", "NEWSCRAWL_REDIS_PREFIX=typo"]):
        settings = [part for value in given for part in ("-s", value)]
        for action in (["info"], ["export"], ["prune", "0d"]):
            proc = run_scrapy(["state", *action, *settings], timeout=60)
            where = given[0].removeprefix("REDIS_URL=")
            prefix = "typo" if len(given) > 1 else "newscrawl"
            assert (proc.returncode, proc.stderr.strip()) == (
                2, f"scrapy state: no state in {where} (keys {prefix}:*; nothing was created): check the "
                   "database in REDIS_URL and NEWSCRAWL_REDIS_PREFIX; a crawl creates the state"), proc.stderr
    assert redis.Redis.from_url(f"{base}/1").dbsize() == 0 and not server.keys("typo:*")
    proc = run_scrapy(["state", "info", "-s", f"REDIS_URL={redis_url}", "-s", "NEWSCRAWL_REDIS_PREFIX=real"],
                      timeout=60)
    assert proc.returncode == 0 and json.loads(proc.stdout)["urls"] == 1, proc.stderr


def test_prune_0d_forgets_what_a_worker_whose_clock_is_ahead_recorded(redis_url, monkeypatch):  # noqa: F811
    """`prune 0d` forgets every entry (SQLite deletes them all); on Redis it forgot those emitted
    before this machine's now, and kept the entries of a worker whose clock runs ahead."""
    import newscrawl.state.redis as redis_state

    ahead = open_state({"REDIS_URL": redis_url})
    now = time.time
    monkeypatch.setattr(redis_state.time, "time", lambda: now() + 120)  # that worker's clock
    ahead.record("https://a.example/ahead", "f1", None, 1)
    monkeypatch.undo()
    ahead.record("https://a.example/here", "f2", None, 1, undated=True)
    ahead.close()
    proc = run_scrapy(["state", "prune", "0d", "-s", f"REDIS_URL={redis_url}"], timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"removed": 2, "removed_cached_responses": 0, "urls": 0}
    assert not redis.Redis.from_url(redis_url).hlen("newscrawl:fingerprints")


def test_unreachable_redis_is_one_clear_state_error():
    url = f"redis://:secret@127.0.0.1:{free_port()}/0"
    with pytest.raises(StateError) as error:
        open_state({"REDIS_URL": url})
    assert "cannot be used" in str(error.value) and "secret" not in str(error.value)


def test_unreachable_redis_is_one_clear_error_for_workers_and_seed():
    url = f"redis://user:secret@127.0.0.1:{free_port()}/0"
    with pytest.raises(RedisUnavailable) as error:
        connect(Settings({"REDIS_URL": url}))
    assert str(error.value).startswith(f"cannot reach Redis at redis://user:***@127.0.0.1:{url.rsplit(':', 1)[1]}")


def test_seed_command(redis_url, tmp_path):  # noqa: F811
    bad = run_scrapy(["seed", "ftp://example.com/", "-s", f"REDIS_URL={redis_url}"], timeout=60)
    assert bad.returncode != 0 and "not an http(s) URL" in bad.stderr
    assert "Traceback" not in bad.stderr

    sites = tmp_path / "sites.toml"
    sites.write_text('[sites.harbour]\nurl = "http://127.0.0.2:8001/"\ndelay = 2.0\n', "utf-8")
    good = run_scrapy(["seed", "http://127.0.0.3:8002/", "-a", f"sites={sites}", "-s", f"REDIS_URL={redis_url}"],
                      timeout=60)
    assert good.returncode == 0, good.stderr
    server = redis.Redis.from_url(redis_url)
    seeds = [json.loads(raw) for raw in server.lrange("site:start_urls", 0, -1)]
    assert seeds == [{"site": "127.0.0.3"}, {"site": "harbour"}]
    assert json.loads(server.hget("site:sites", "harbour")) == {"url": "http://127.0.0.2:8001/", "delay": 2.0}
    status = run_scrapy(["seed", "--status", "-s", f"REDIS_URL={redis_url}"], timeout=60)
    assert json.loads(status.stdout)["seeds"] == 2


def test_a_worker_that_replaces_a_sites_registration_says_so(redis_url, caplog):  # noqa: F811
    """A worker given `-a url=` registered its site over the one `scrapy seed` had registered
    (with other start pages) without a word: every worker then started the site as that one
    worker was told. Now a WARNING line and a stat say what changed; the same registration
    again, or a new site, says nothing."""
    from newscrawl.config.sites import site_from_url
    from newscrawl.crawl.spider import SiteSpider
    from newscrawl.distributed.keys import crawl_keys
    from newscrawl.distributed.seeds import REPLACED_STAT, SiteRegistry, seed_sites

    server = redis.Redis.from_url(redis_url)
    keys = crawl_keys(Settings(), "site")
    seed_sites(server, keys, [site_from_url("http://127.0.0.5:9/news/")])

    def share(url: str) -> tuple[list[str], int]:
        crawler = get_crawler(SiteSpider, {"NEWSCRAWL_EXTRACT_WORKERS": 0})
        spider = SiteSpider.from_crawler(crawler, url=url)
        caplog.clear()
        with caplog.at_level("WARNING", logger="newscrawl.distributed.seeds"):
            SiteRegistry(server, keys, spider, crawler.settings).share_sites()
        return [r.getMessage() for r in caplog.records], crawler.stats.get_value(REPLACED_STAT, 0)

    lines, replaced = share("http://127.0.0.5:9/")
    assert replaced == 1
    assert lines == ["this worker's sites (-a url, -a sites) replaced site 127.0.0.5's shared registration "
                     "(start pages http://127.0.0.5:9/news/ -> http://127.0.0.5:9/): every worker now "
                     "starts it as this worker was given it"]
    assert json.loads(server.hget(keys.sites, "127.0.0.5"))["url"] == "http://127.0.0.5:9/"
    assert share("http://127.0.0.5:9/") == ([], 0)  # the same again
    assert share("http://127.0.0.6:9/") == ([], 0)  # a site nobody registered
