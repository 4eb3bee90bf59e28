"""Bot-challenge pages: real interstitials are dropped, a real article behind Imperva is not.

The article is fixtures/pages/wcxb-dev-0015 (a WCXB page that loads Imperva's
/_Incapsula_Resource script, as every page of an Imperva-protected site does); the challenge
pages are in fixtures/challenges/ (see its README).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from newscrawl.crawl.challenges import CONTENT_CHARS, is_challenge, readable_chars
from newscrawl.output.replay import load_page
from tests.conftest import FIXTURES, PAGES, read_jsonl
from tests.support.faultserver import CHALLENGE_PAGE as FAULT_CHALLENGE
from tests.support.sites.harness import cron_result, finish, scrapy_command, start
from tests.support.sites.server import CHALLENGE_PAGE as SITE_CHALLENGE
from tests.support.sites.server import serve_site

CHALLENGES = FIXTURES / "challenges"
CHALLENGE_FILES = sorted(p.name for p in CHALLENGES.glob("*.html"))
IMPERVA_ARTICLE = load_page(PAGES / "wcxb-dev-0015")
HEADLINE = "10 Tips to Successfully Complete Online Courses"


# -- the rule, on real pages --------------------------------------------------------------------

def test_the_article_behind_imperva_is_not_a_challenge():
    body = IMPERVA_ARTICLE.body
    assert b"/_Incapsula_Resource?SWJIYLWA=" in body and len(body) < 64 * 1024  # marker, small page
    assert readable_chars(body.lower()) > 3 * CONTENT_CHARS
    assert not is_challenge(200, {}, body)


@pytest.mark.parametrize("status", [200, 403])
@pytest.mark.parametrize("name", CHALLENGE_FILES)
def test_every_real_challenge_page_is_a_challenge(name: str, status: int):
    body = (CHALLENGES / name).read_bytes()
    assert readable_chars(body.lower()) < CONTENT_CHARS
    assert is_challenge(status, {}, body)


def test_the_other_tests_challenge_pages_and_the_cloudflare_header_still_count():
    assert is_challenge(200, {}, FAULT_CHALLENGE)
    assert is_challenge(200, {}, SITE_CHALLENGE)
    assert is_challenge(403, {b"cf-mitigated": b"challenge"}, IMPERVA_ARTICLE.body)  # Cloudflare says so
    assert is_challenge(200, {}, b"<html><body>Request unsuccessful. Incapsula incident ID: 1-2</body>"
                                 b"<script src='/_Incapsula_Resource?SWJIYLWA=1'></script></html>")


def test_any_marker_on_a_page_with_an_article_is_no_challenge():
    """The rule is not about Imperva: a Turnstile comment form or a challenge-like title on an
    article page is content; the same marker on a page with nothing to read is a challenge."""
    article = (PAGES / "worldpress-seed" / "page.html").read_bytes()
    assert not is_challenge(200, {}, article)
    for marker in (b'<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async></script>',
                   b"<p>Sucuri Website Firewall protects this site.</p>",
                   b'<div class="cf-chl-widget"></div>'):
        with_marker = article.replace(b"</body>", marker + b"</body>")
        assert not is_challenge(200, {}, with_marker), marker
        assert is_challenge(200, {}, b"<html><body><h1>Comments</h1>" + marker + b"</body></html>"), marker
    titled = article.replace(b"<title>", b"<title>Security check</title><title>", 1)
    assert not is_challenge(200, {}, titled)


def test_a_robots_txt_naming_the_imperva_path_is_no_challenge():
    robots = b"User-agent: *\nDisallow: /_Incapsula_Resource\nSitemap: https://news.example/sitemap.xml\n"
    assert not is_challenge(200, {}, robots)


def test_text_is_counted_without_scripts_styles_comments_and_tags():
    page = (b"<html><head><title>T</title><style>p{color:red}</style></head><body><!-- a comment -->"
            b"<script>var x = '<p>not text</p>';</script ><p>Five <b>words</b> of real text</p>"
            b"<template><p>hidden</p></template></body></html>")
    assert readable_chars(page) == len("Fivewordsofrealtext")
    assert readable_chars("<body><p>Ελληνικά κείμενα</p></body>".encode()) == len("Ελληνικάκείμενα")
    assert readable_chars(b"<body><p>text</p><script>never closed <p>more</p>") == 4


@pytest.mark.parametrize("unit", [b"<", b"<a <b> c", b"<script", b"<!--", b"</script", b"<body><p>word "])
def test_hostile_two_megabyte_pages_are_judged_in_linear_time(unit: bytes):
    """Every pass is linear: a quadratic one would take minutes on these, not milliseconds."""
    body = (b"<html><title>Just a moment...</title>" + unit * (2_000_000 // len(unit)))[:2_000_000]
    started = time.monotonic()
    readable_chars(body)
    for status in (200, 403, 503):
        is_challenge(status, {}, body)
    assert time.monotonic() - started < 20  # about 0.2 s here


# -- real crawls --------------------------------------------------------------------------------

def _write(folder: Path, pages: dict[str, bytes]) -> None:
    for path, body in pages.items():
        target = folder / path / "index.html" if path else folder / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)


def _home(links: list[str]) -> bytes:
    anchors = "".join(f'<li><a href="/{link}/">Story {link}</a></li>' for link in links)
    return (f"<html><head><title>Front page</title></head><body><h1>Front page</h1><ul>{anchors}</ul>"
            "</body></html>").encode()


@pytest.fixture
def two_sites(tmp_path: Path):
    """An Imperva-protected site (its article loads /_Incapsula_Resource) and a site that answers
    its articles with Imperva's and Cloudflare's interstitials, both with 200."""
    _write(tmp_path / "imperva", {"": _home(["2609-2"]), "2609-2": IMPERVA_ARTICLE.body})
    _write(tmp_path / "blocked", {"": _home(["a", "b"]),
                                  "a": (CHALLENGES / "imperva-interstitial.html").read_bytes(),
                                  "b": (CHALLENGES / "cloudflare-managed-challenge.html").read_bytes()})
    with serve_site(tmp_path / "imperva", host="127.0.0.2") as imperva, \
            serve_site(tmp_path / "blocked", host="127.0.0.3") as blocked:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.imperva]\nurl = "{imperva.base}"\n\n[sites.blocked]\nurl = "{blocked.base}"\n',
                         "utf-8")
        yield sites, imperva, blocked


def test_a_crawl_writes_the_article_behind_imperva_and_drops_real_interstitials(tmp_path, two_sites):
    sites, imperva, blocked = two_sites
    out, stats_file = tmp_path / "out.jsonl", tmp_path / "stats.json"
    code, err = finish(start(scrapy_command("crawl", ["site", "-a", f"sites={sites}", "-O", str(out)],
                                            tmp_path / "state.sqlite",
                                            ["-s", f"NEWSCRAWL_STATS_FILE={stats_file}"])))
    assert code == 0, err[-3000:]
    items = read_jsonl(out)
    stats = json.loads(stats_file.read_text("utf-8"))
    assert [(item["site"], item["headline"]) for item in items] == [("imperva", HEADLINE)]
    assert "/2609-2/" in imperva.paths(200)
    assert stats["newscrawl/site/imperva/emitted"] == 1
    assert stats.get("newscrawl/site/imperva/challenge", 0) == 0
    # the real interstitials: fetched, dropped, counted, one warning each
    assert {"/a/", "/b/"} <= set(blocked.paths(200))
    assert stats["newscrawl/site/blocked/challenge"] == 2
    assert stats["newscrawl/dropped/challenge_page"] == 2
    for path in ("a", "b"):
        assert f"challenge page instead of content: {blocked.base}{path}/" in err
    assert "Traceback" not in err


def test_cron_calls_the_imperva_site_healthy_and_the_blocked_one_not(tmp_path, two_sites):
    sites, _, _ = two_sites
    out_dir = tmp_path / "cron"
    code, err = finish(start(scrapy_command("cron", ["-a", f"sites={sites}", "--output-dir", str(out_dir)],
                                            tmp_path / "state.sqlite")))
    run = cron_result(code, err, out_dir, set())
    assert run.code == 1, err[-3000:]  # one site is unhealthy
    assert [item["headline"] for item in run.articles] == [HEADLINE]
    verdicts = run.summary["sites"]
    assert verdicts["imperva"]["healthy"] is True, verdicts["imperva"]
    assert verdicts["imperva"].get("challenge", 0) == 0
    assert verdicts["blocked"]["healthy"] is False
    assert verdicts["blocked"]["problems"] == ["bot-challenge or empty pages where content was expected (2)"]
    assert "unhealthy: blocked: bot-challenge" in err and "unhealthy: imperva" not in err
