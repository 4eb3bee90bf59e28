"""Hourly runs against a real site that changes between runs: each run emits exactly what is new
(once per URL and revision), refetches no emitted article except as a conditional revisit, and
revalidates feeds and sitemaps with ETag / If-Modified-Since."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from tests.support.sites.build import (
    CHANGED_AT_STAGE_3,
    NEW_AT_STAGE_2,
    build_site,
    expected_urls,
    stories,
)
from tests.support.sites.harness import run_cron
from tests.support.sites.server import serve_site

DISCOVERY_DOCS = {"/robots.txt", "/sitemap_index.xml", "/sitemap-posts.xml.gz", "/sitemap-pages.xml",
                  "/sitemap-2015.xml", "/news-sitemap.xml", "/feed.rss", "/atom.xml"}


def _urls(run) -> list[str]:
    return [a["url"] for a in run.articles]


@pytest.mark.timeout(400)
def test_hourly_runs_emit_new_articles_once_and_changed_ones_as_revisions(tmp_path):
    now = datetime.now(UTC)
    state, out = tmp_path / "state.sqlite", tmp_path / "out"
    # revisit articles emitted in the last hour; a site is unhealthy after 2 quiet runs in a row
    extra = ["-s", "NEWSCRAWL_REVISIT=3600", "-s", "NEWSCRAWL_CRON_MAX_QUIET_RUNS=2"]
    with serve_site(tmp_path / "site") as site:
        base = site.base
        build_site(tmp_path / "site", base, stage=1, now=now)

        # run 1: every article once, found through each way the site publishes them
        first = run_cron(["-a", f"url={base}"], state, out, extra)
        assert first.code == 0, first.stderr + str(first.summary.get("problems"))
        assert Counter(_urls(first)).most_common(1)[0][1] == 1
        assert set(_urls(first)) == expected_urls(base, stage=1)
        assert {a["revision"] for a in first.articles} == {1}
        requested = set(site.paths())
        assert requested >= DISCOVERY_DOCS  # robots.txt, sitemap index, gzipped and news sitemaps, feeds
        assert not any(p.startswith("/private/") for p in requested)  # robots.txt obeyed
        assert "/comments/feed/" not in requested  # comment feeds are not article feeds
        # traps are bounded: pagination up to page 3, two calendar pages
        assert max(int(p.split("/")[3]) for p in requested if p.startswith("/world/page/")) == 3
        assert len([p for p in requested if p.startswith("/events/calendar/")]) == 2
        # listing, tag, author, section and static pages are followed, never emitted
        assert {"/world/", "/business/", "/tag/harbour/", "/author/jane-doe/", "/about/"} <= requested
        assert not any("/tag/" in u or "/author/" in u or u.endswith(("/world/", "/about/"))
                       for u in _urls(first))
        news_only = next(a for a in first.articles if a["url"].endswith("/ferry-strike.html"))
        assert news_only["headline"] == "Ferry crews call off weekend strike"
        assert first.summary["articles"] == len(first.articles)
        per_site = first.summary["sites"]["127.0.0.1"]
        assert per_site["emitted"] == len(first.articles) and per_site["healthy"]

        # run 2: two articles appeared (one in the RSS feed and on the home page, one only in the
        # Google News sitemap): exactly those two
        site.clear()
        build_site(tmp_path / "site", base, stage=2, now=now)
        second = run_cron(["-a", f"url={base}"], state, out, extra)
        assert second.code == 0, second.stderr
        assert sorted(_urls(second)) == sorted(f"{base}stories/{s}.html" for s in NEW_AT_STAGE_2)
        assert {a["revision"] for a in second.articles} == {1}
        # nothing emitted before was downloaded again: revisits were conditional and got 304
        old_articles = {f"/{s.url_path}".removesuffix("index.html") for s in stories(1)}
        revisits = [h for h in site.hits if h.path in old_articles]
        assert revisits and all(h.conditional and h.status == 304 for h in revisits)
        # unchanged feeds and sitemaps were revalidated, not downloaded again
        unchanged = {h.path: h for h in site.hits if h.path in {"/atom.xml", "/sitemap-posts.xml.gz",
                                                                "/sitemap_index.xml"}}
        assert {h.status for h in unchanged.values()} == {304}
        assert second.summary["not_modified"]["feeds_and_sitemaps"] >= 3

        # run 3: one article changed: exactly that one again, as revision 2
        site.clear()
        build_site(tmp_path / "site", base, stage=3, now=now)
        third = run_cron(["-a", f"url={base}"], state, out, extra)
        assert third.code == 0, third.stderr
        assert _urls(third) == [f"{base}stories/{CHANGED_AT_STAGE_3}.html"]
        assert third.articles[0]["revision"] == 2
        assert "harbour master confirmed the move" in third.articles[0]["body"]
        assert third.summary["revisions"] == 1

        # run 4: nothing new: a quiet hour is healthy, and counted
        fourth = run_cron(["-a", f"url={base}"], state, out, extra)
        assert fourth.code == 0, fourth.stderr
        assert fourth.articles == []
        assert fourth.summary["sites"]["127.0.0.1"]["quiet_runs"] == 1

    # across all runs: once per URL and revision
    emitted = Counter((a["url"], a["revision"]) for run in (first, second, third, fourth)
                      for a in run.articles)
    assert set(emitted.values()) == {1}
    assert len(emitted) == len(expected_urls(base, stage=2)) + 1
