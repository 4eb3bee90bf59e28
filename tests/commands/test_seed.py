"""`newscrawl seed` against a real redis-server, with a worker crawling a real site on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.conftest import FAST, REPO, read_jsonl, run_scrapy
from tests.support.distributed_site import article_html, article_path, listing_html, serve_sites
from tests.support.kills import wait_for_lines
from tests.support.redis_fixtures import redis_server, redis_url, tls_redis_process  # noqa: F401 - pytest fixtures

redis = pytest.importorskip("redis", reason="the redis extra is not installed: pip install -e '.[redis]'")


def test_seed_keeps_every_start_url_of_one_site(redis_url, tmp_path):  # noqa: F811
    """`seed URL_A URL_B` with two start pages of one site kept the first and dropped the second
    without a word (the site's one seed had only URL_A): its articles were never crawled. As with
    `crawl -a url="URL_A URL_B"`, the second is a start page (a section) of the site."""
    with serve_sites([("127.0.0.1", 0, 0.0)]) as (site,):
        # two sections that no page links to each other: story 1 is only on section B
        unlinked = '<a href="/section/b/">B</a>'
        site.pages.update({path: text.replace(unlinked, "").encode() for path, text in {
            "/": listing_html("home", ["/section/a/"]),
            "/section/a/": listing_html("Section A", [article_path(0)]),
            "/section/b/": listing_html("Section B", [article_path(1)]),
            article_path(0): article_html(site.host, 0, 1),  # its related links: itself only
            article_path(1): article_html(site.host, 1, 1),
        }.items()})
        seeded = run_scrapy(["seed", f"{site.url}section/a/", f"{site.url}section/b/",
                             "-s", f"REDIS_URL={redis_url}"], timeout=60)
        assert seeded.returncode == 0, seeded.stderr
        registered = json.loads(redis.Redis.from_url(redis_url).hget("site:sites", "127.0.0.1"))
        assert registered["sections"] == [f"{site.url}section/b/"]
        out = tmp_path / "worker.jsonl"
        worker = run_scrapy(["crawl", "site", "-O", str(out), "-s", f"REDIS_URL={redis_url}",
                             "-s", "MAX_IDLE_TIME_BEFORE_CLOSE=1", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0", *FAST],
                            timeout=120)
        assert worker.returncode == 0, worker.stderr[-3000:]
        counts = site.counts()
    assert counts.get("/section/b/") == 1, counts
    assert {item["url"] for item in read_jsonl(out)} == {f"{site.url}{path[1:]}" for path in
                                                         (article_path(0), article_path(1))}


def test_a_worker_that_could_use_no_seed_says_so_and_fails(redis_url, tmp_path):  # noqa: F811
    """A seed pushed by hand without its scheme (`redis-cli rpush site:start_urls www.example.com`)
    is skipped with a WARNING; the worker then said `the shared crawl in Redis had nothing queued
    or seeded`, `errors: none`, and exited 0, as if nobody had seeded anything. The seed is
    counted under errors, the line says the seeds could not be used, and the exit is 1."""
    redis.Redis.from_url(redis_url).rpush("site:start_urls", "www.example.com")
    out = tmp_path / "worker.jsonl"
    worker = run_scrapy(["crawl", "site", "-O", str(out), "-s", f"REDIS_URL={redis_url}",
                         "-s", "MAX_IDLE_TIME_BEFORE_CLOSE=1", *FAST], timeout=120)
    assert worker.returncode == 1, worker.stderr[-3000:]
    summary = [line for line in worker.stderr.splitlines() if line.startswith("summary: ")]
    assert "summary: errors: bad_seed=1" in summary, summary
    assert "nothing queued or seeded" not in worker.stderr
    assert "1 seed in Redis could not be used" in worker.stderr


@pytest.mark.parametrize("params", ['{"socket_timout": 5}', '{"socket_timeout": "5s"}'])
def test_a_client_option_redis_cannot_take_is_one_line_before_anything_runs(redis_url, tmp_path, params):  # noqa: F811
    """REDIS_PARAMS with an option redis-py does not know, or a timeout that is no number, was a
    traceback from redis-py (exit 1) for `seed` and a worker alike, once they used Redis."""
    server = redis.Redis.from_url(redis_url)
    commands = {"seed": ["seed", "http://127.0.0.1:9/"],
                "worker": ["crawl", "site", "-O", str(tmp_path / "worker.jsonl"), *FAST]}
    for name, command in commands.items():
        run = run_scrapy([*command, "-s", f"REDIS_URL={redis_url}", "-s", f"REDIS_PARAMS={params}"], timeout=120)
        assert run.returncode == 2, (name, run.stderr[-3000:])
        assert "Traceback" not in run.stderr, (name, run.stderr[-3000:])
        assert "invalid setting REDIS_PARAMS: " in run.stderr.strip().splitlines()[-1], (name, run.stderr)
    assert server.keys("*") == []  # nothing seeded, no worker registered


def test_a_start_url_that_a_sites_file_also_names_is_refused(redis_url, tmp_path):  # noqa: F811
    """`seed URL -a sites=FILE` whose file has a table for the same start page registered it as two
    sites, one with the table's delay and one without (whose requests did not wait for it), as a
    sites file with two such tables is refused; now it is refused too, and nothing is seeded."""
    sites = tmp_path / "sites.toml"
    sites.write_text('[sites.harbour]\nurl = "http://127.0.0.2:8001/"\ndelay = 5.0\n', "utf-8")
    run = run_scrapy(["seed", "http://127.0.0.2:8001", "-a", f"sites={sites}", "-s", f"REDIS_URL={redis_url}"],
                     timeout=60)
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip().splitlines()[-1] == (
        "scrapy seed: http://127.0.0.2:8001 is also the url of [sites.harbour] in the sites file: one site "
        "per start page; give it once (the table keeps its options)")
    assert redis.Redis.from_url(redis_url).keys("*") == []


def test_rediss_at_a_redis_without_tls_is_one_line_within_seconds(redis_url):  # noqa: F811
    """rediss:// (TLS) at a Redis without TLS waited about a minute (62 s), then said only
    "Timeout connecting to server"; now it says what to check within seconds, exit 1 as for a
    Redis that cannot be reached, and nothing is seeded; `state` on it says the same."""
    rediss = redis_url.replace("redis://", "rediss://")
    for command in (["seed", "http://127.0.0.5:9/"], ["state", "info"]):
        started = time.monotonic()
        run = run_scrapy([*command, "-s", f"REDIS_URL={rediss}"], timeout=60)
        took = time.monotonic() - started
        assert run.returncode == 1, run.stderr
        assert run.stderr.strip().endswith(
            f"at {rediss}{': ' if command[0] == 'seed' else ' cannot be used: '}it did not answer the TLS "
            "handshake within 5 s: rediss:// asks for TLS, and a Redis without TLS never answers it; give "
            "redis:// for a server without TLS, or the port of its tls-port"), run.stderr
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr
        assert took < 25, took
    assert redis.Redis.from_url(redis_url).keys("*") == []


def test_seed_over_tls_still_seeds(tmp_path):
    """The TLS check leaves a Redis with TLS to redis-py, client certificate and all."""
    with tls_redis_process(tmp_path) as url:
        params = json.dumps({"ssl_certfile": str(tmp_path / "cert.pem"), "ssl_keyfile": str(tmp_path / "key.pem"),
                             "ssl_ca_certs": str(tmp_path / "cert.pem")})
        run = run_scrapy(["seed", "http://127.0.0.5:9/", "-s", f"REDIS_URL={url}/0", "-s", f"REDIS_PARAMS={params}"],
                         timeout=60)
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("seeded 1 site into site:start_urls: 127.0.0.5")


def seed(redis_url: str, *urls: str) -> str:  # noqa: F811
    run = run_scrapy(["seed", *urls, "-s", f"REDIS_URL={redis_url}"], timeout=60)
    assert (run.returncode, run.stderr) == (0, ""), run.stderr
    return run.stdout.strip()


def test_seeding_the_same_sites_again_is_harmless_and_says_so(redis_url):  # noqa: F811
    """The same `seed` twice queued a second seed of each site beside the one no worker had read
    yet (each site's discovery ran twice), and said nothing of it. A seed still waiting is not
    doubled; once a worker has read it, seeding again starts the site again; both are said."""
    server = redis.Redis.from_url(redis_url)
    assert seed(redis_url, "http://127.0.0.5:9/", "http://127.0.0.6:9/").startswith(
        "seeded 2 sites into site:start_urls: 127.0.0.5, 127.0.0.6; a new crawl")
    assert seed(redis_url, "http://127.0.0.5:9/", "http://127.0.0.6:9/") == (
        "seeded nothing into site:start_urls; not queued again, as a seed of it still waits for a worker (which "
        "starts it as registered now): 127.0.0.5 (registered already, unchanged), 127.0.0.6 (registered already, "
        "unchanged)")
    assert server.llen("site:start_urls") == 2
    server.lpop("site:start_urls")  # a worker read the first seed
    assert seed(redis_url, "http://127.0.0.5:9/", "http://127.0.0.6:9/") == (
        "seeded 1 site into site:start_urls: 127.0.0.5 (registered already, unchanged); not queued again, as a "
        "seed of it still waits for a worker (which starts it as registered now): 127.0.0.6 (registered already, "
        "unchanged)")
    assert [json.loads(raw)["site"] for raw in server.lrange("site:start_urls", 0, -1)] == ["127.0.0.6", "127.0.0.5"]


def test_another_start_page_for_a_seeded_site_says_what_it_replaces(redis_url):  # noqa: F811
    """A second `seed` naming a registered site with another start page replaced its registration
    without a word: the first start page was no longer crawled, and nothing said so."""
    seed(redis_url, "http://127.0.0.5:9/a/")
    assert seed(redis_url, "http://127.0.0.5:9/b/") == (
        "seeded nothing into site:start_urls; not queued again, as a seed of it still waits for a worker (which "
        "starts it as registered now): 127.0.0.5 (its registration replaced: start pages http://127.0.0.5:9/a/ "
        "-> http://127.0.0.5:9/b/: to keep both, give every start page in one seed command)")
    registered = json.loads(redis.Redis.from_url(redis_url).hget("site:sites", "127.0.0.5"))
    assert registered == {"url": "http://127.0.0.5:9/b/"}


def test_a_running_worker_starts_a_reseeded_site_as_registered_now(redis_url, tmp_path):  # noqa: F811
    """A worker that had learnt a site kept its first registration: a seed of the site with
    another start page made it fetch the old start page again, never the new one."""
    with serve_sites([("127.0.0.1", 0, 0.0)]) as (site,):
        unlinked = '<a href="/section/b/">B</a>'
        site.pages.update({path: text.replace(unlinked, "").encode() for path, text in {
            "/": listing_html("home", ["/section/a/"]),  # nothing leads to section B but its seed
            "/section/a/": listing_html("Section A", [article_path(0)]),
            "/section/b/": listing_html("Section B", [article_path(1)]),
            article_path(0): article_html(site.host, 0, 1),
            article_path(1): article_html(site.host, 1, 1),
        }.items()})
        seed(redis_url, f"{site.url}section/a/")
        out = tmp_path / "worker.jsonl"
        worker = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "site", "-O", str(out), "-s", f"REDIS_URL={redis_url}",
             "-s", "MAX_IDLE_TIME_BEFORE_CLOSE=5", "-s", "NEWSCRAWL_EXTRACT_WORKERS=0", *FAST],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            wait_for_lines(worker, out, 1)
            assert worker.poll() is None, worker.stderr.read()[-3000:] if worker.stderr else ""
            assert "start pages" in seed(redis_url, f"{site.url}section/b/")
            _, errors = worker.communicate(timeout=120)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)
        assert worker.returncode == 0, errors[-3000:]
        counts = site.counts()
    assert counts.get("/section/b/"), counts  # the new start page
    assert {item["url"] for item in read_jsonl(out)} == {f"{site.url}{path[1:]}" for path in
                                                         (article_path(0), article_path(1))}


@pytest.mark.parametrize(("word", "line"), [
    ("www.example.com/news/", "url: not an http(s) URL: 'www.example.com/news/' has no scheme: give "
                              "https://www.example.com/news/ (or http://)"),
    ("localhost:8000", "url: not an http(s) URL: 'localhost:8000' has no scheme: give https://localhost:8000 "
                       "(or http://)"),
    ("urls.txt", "url: urls.txt is a file, not a start URL: give its URLs as arguments (scrapy seed "
                 "$(cat urls.txt)), or a sites file (TOML) with -a sites=urls.txt"),
    # a file of URLs that is not where the command runs (cron runs it in $HOME): no host
    ("missing.txt", "url: missing.txt is no URL, and no file of that name is in {cwd}: give the file's path, "
                    "or its URLs as arguments"),
    ("news.example/feed.json", "url: not an http(s) URL: 'news.example/feed.json' has no scheme: give "
                               "https://news.example/feed.json (or http://)"),
    # too long for a file name: looking for the file must not be a traceback
    (f"{'a' * 300}.com", f"url: not an http(s) URL: '{'a' * 300}.com' has no scheme: give https://{'a' * 300}.com "
                         "(or http://)"),
])
def test_a_start_url_a_stranger_gives_says_what_to_give(redis_url, tmp_path, word, line):  # noqa: F811
    """A host without its scheme said only "not an http(s) URL", and `localhost:8000` (read as
    the scheme `localhost`) the same; a file of URLs was taken for a URL."""
    (tmp_path / "urls.txt").write_text("https://example.com/\n", "utf-8")
    (tmp_path / "scrapy.cfg").write_text((REPO / "scrapy.cfg").read_text("utf-8"), "utf-8")
    run = run_scrapy(["seed", word, "-s", f"REDIS_URL={redis_url}"], cwd=tmp_path, timeout=60)
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip() == f"scrapy seed: {line.format(cwd=tmp_path)}"
    assert redis.Redis.from_url(redis_url).keys("*") == []


def test_one_start_page_spelt_three_ways_is_one(redis_url):  # noqa: F811
    """`https://a.example`, `https://a.example/` and `https://a.example/#top` were three start pages of the
    site, each fetched on every seed; and a site seeded again with its start page spelt otherwise
    (`HTTPS://A.EXAMPLE/`) would be said to be replaced."""
    seed(redis_url, "http://127.0.0.5:9", "http://127.0.0.5:9/", "http://127.0.0.5:9/#top")
    server = redis.Redis.from_url(redis_url)
    assert json.loads(server.hget("site:sites", "127.0.0.5")) == {"url": "http://127.0.0.5:9"}
    server.delete("site:start_urls")
    assert seed(redis_url, "HTTP://127.0.0.5:9/") == (
        "seeded 1 site into site:start_urls: 127.0.0.5 (registered already, unchanged)")


def test_a_seed_a_worker_takes_while_seeding_starts_the_site_as_registered_now(redis_url):  # noqa: F811
    """A seed found waiting is not queued again, the worker that takes it starting the site "as
    registered now"; but the registration was written after the look, so a worker taking the
    seed in between read the old start page, and no seed of the new one was left."""
    from scrapy.settings import Settings

    from newscrawl.config.sites import site_from_url
    from newscrawl.distributed.keys import crawl_keys
    from newscrawl.distributed.seeds import seed_sites

    server = redis.Redis.from_url(redis_url)
    keys = crawl_keys(Settings(), "site")
    seed_sites(server, keys, [site_from_url("http://127.0.0.5:9/a/")])
    read: list[dict] = []

    class WorkerTakesTheSeedAfterTheLook:
        """The server, with a worker taking the waiting seed and reading its site just after
        `seed` looked for it."""

        def __getattr__(self, name: str) -> object:
            return getattr(server, name)

        def lrange(self, *args: object) -> object:
            found = server.lrange(*args)
            if server.lpop(keys.seeds) is not None:
                read.append(json.loads(server.hget(keys.sites, "127.0.0.5")))
            return found

    seed_sites(WorkerTakesTheSeedAfterTheLook(), keys, [site_from_url("http://127.0.0.5:9/b/")])
    new = {"url": "http://127.0.0.5:9/b/"}
    assert read == [new] or server.lrange(keys.seeds, 0, -1), read


def test_a_seed_needs_no_command_redis_5_lacks(redis_url):  # noqa: F811
    """Looking for a waiting seed with LPOS (Redis 6.0.6 and later) made every seed on a Redis 5
    (Ubuntu 20.04's redis-server) fail with "unknown command 'LPOS'"."""
    from scrapy.settings import Settings

    from newscrawl.config.sites import site_from_url
    from newscrawl.distributed.keys import crawl_keys
    from newscrawl.distributed.seeds import seed_sites

    server = redis.Redis.from_url(redis_url)

    class Redis5:
        def __getattr__(self, name: str) -> object:
            return getattr(server, name)

        def lpos(self, *args: object) -> object:
            raise redis.ResponseError("unknown command `LPOS`, with args beginning with: ")

    keys = crawl_keys(Settings(), "site")
    sites = [site_from_url("http://127.0.0.5:9/"), site_from_url("http://127.0.0.6:9/")]
    assert [seeded.queued for seeded in seed_sites(Redis5(), keys, sites)] == [True, True]
    server.lpop(keys.seeds)  # a worker took the first
    assert [seeded.queued for seeded in seed_sites(Redis5(), keys, sites)] == [True, False]
    assert server.llen(keys.seeds) == 2


def test_a_new_delay_for_a_seeded_site_says_running_workers_keep_the_old(redis_url, tmp_path):  # noqa: F811
    """A site seeded again with another delay was said to be replaced, and its seed to start it
    "as registered now"; but a worker already crawling it keeps the delay and concurrency its
    download slot and the shared politeness first read, until it restarts. The line says so."""
    sites = tmp_path / "sites.toml"
    sites.write_text('[sites.harbour]\nurl = "http://127.0.0.2:8001/"\ndelay = 1.0\n', "utf-8")
    seed(redis_url, "-a", f"sites={sites}")
    sites.write_text('[sites.harbour]\nurl = "http://127.0.0.2:8001/"\ndelay = 5.0\n', "utf-8")
    assert seed(redis_url, "-a", f"sites={sites}").endswith(
        "harbour (its registration replaced: delay 1.0 -> 5.0: a worker already crawling it keeps its old "
        "delay and concurrency until it restarts)")
