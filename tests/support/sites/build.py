"""Build the Harbour Times test site (tests/support/sites/news/) at a stage of its life.

Stage 1 is the site as a first crawl finds it; stage 2 adds two articles (one in the RSS feed
and on the home page, one only in the Google News sitemap); stage 3 changes one article's text.
Templates use ${name} placeholders; `X.gz.in` is rendered and written gzipped as `X.gz`.
Dates are relative to now, so `since=2d` keeps meaning the same thing.
"""

from __future__ import annotations

import gzip
import html
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from string import Template

SITE = Path(__file__).resolve().parent / "news"

WORDS = (
    "harbour", "pilots", "ferry", "council", "quay", "fishermen", "tide", "cargo", "crane",
    "lighthouse", "dock", "warehouse", "mayor", "budget", "storm", "engineers", "timetable",
    "schedule", "passengers", "inspectors", "trawler", "nets", "bridge", "tugboat",
    "container", "customs", "festival", "regatta", "sailors", "weather", "forecast", "port",
    "authority", "union", "wages", "repairs", "breakwater", "channel", "dredging", "marina",
    "tourists", "market",
)


@dataclass(frozen=True)
class Story:
    """One article of the test site and where it is listed."""

    slug: str
    headline: str
    days_ago: float
    listed: tuple[str, ...]  # home, world, page2, business, posts, news, rss, atom, archive
    stage: int = 1  # the stage at which it appears
    path: str | None = None  # default: /stories/<slug>.html

    @property
    def url_path(self) -> str:
        return self.path or f"stories/{self.slug}.html"


STORIES = (
    Story("harbour-cranes", "New cranes arrive at the container terminal", 1, ("posts",)),
    Story("ferry-strike", "Ferry crews call off weekend strike", 0.5, ("news",)),
    Story("council-budget", "Council approves harbour repair budget", 1.5, ("rss",)),
    Story("lighthouse-restored", "Old lighthouse lit again after restoration", 1.2, ("atom",)),
    Story("fish-market", "Fish market moves to the north quay", 0.8, ("home", "posts", "rss", "tag")),
    Story("port-expansion", "Port authority presents expansion plan", 0.3, ("home", "posts", "atom")),
    Story("night-train", "Night train to the coast returns in spring", 0.9, ("page2",)),
    Story("tall-ships", "Tall ships race sets sail from the outer harbour", 0.7, ("world",)),
    Story("dredging-works", "Dredging works deepen the eastern channel", 0.6, ("business", "tag")),
    # old stories: skipped with since=2d, before fetching when a date is known
    Story("old-regatta", "Regatta draws record crowds", 3650, ("posts",)),
    Story("old-customs", "Customs office closes for renovation", 3700, ("archive",)),
    Story("old-harbour-story", "Harbour wall repaired after winter storms", 3660, ("world",),
          path="2015/03/02/old-harbour-story/index.html"),
    Story("old-ferry-timetable", "Ferry timetable changes for the summer", 3640, ("business",)),
    # stage 2: two new stories appear
    Story("new-bridge", "Swing bridge opens to traffic", 0.05, ("home", "rss"), stage=2),
    Story("storm-warning", "Storm warning for the harbour tonight", 0.04, ("news",), stage=2),
)
CHANGED_AT_STAGE_3 = "fish-market"
NEW_AT_STAGE_2 = ("new-bridge", "storm-warning")


def stories(stage: int) -> list[Story]:
    return [s for s in STORIES if s.stage <= stage]


def expected_urls(base: str, stage: int, since_days: float | None = None) -> set[str]:
    """The article URLs a crawl of this stage should emit."""
    return {base + s.url_path.removesuffix("index.html") for s in stories(stage)
            if since_days is None or s.days_ago < since_days}


def _paragraphs(story: Story, changed: bool) -> str:
    rng = random.Random(story.slug)
    paragraphs = []
    for number in range(5):
        words = [rng.choice(WORDS) for _ in range(28)]
        paragraphs.append(f"{story.headline.split()[0]} report, part {number + 1}: "
                          + " ".join(words).capitalize() + ".")
    if changed:
        paragraphs.append("Update: the harbour master confirmed the move this morning, and the "
                          "first boats unloaded at the north quay before dawn.")
    return "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def build_site(dest: Path, base: str, stage: int = 1, now: datetime | None = None) -> Path:
    """Write the site for `stage` into `dest` (changed files only); returns dest.

    Pass the same `now` to every stage of one test, so unchanged files stay byte-identical.
    """
    now = now or datetime.now(UTC)
    items = stories(stage)

    def when(story: Story) -> datetime:
        return now - timedelta(days=story.days_ago)

    def modified(story: Story) -> datetime:
        if stage >= 3 and story.slug == CHANGED_AT_STAGE_3:
            return now - timedelta(minutes=5)
        return when(story)

    def url(story: Story) -> str:
        return base + story.url_path.removesuffix("index.html")

    def teasers(where: str) -> str:
        return "\n".join(f'<article class="teaser"><h2><a href="/{s.url_path.removesuffix("index.html")}">'
                         f"{html.escape(s.headline)}</a></h2></article>"
                         for s in items if where in s.listed)

    def sitemap_urls(where: str) -> str:
        return "\n".join(f"  <url><loc>{url(s)}</loc><lastmod>{modified(s).isoformat(timespec='seconds')}"
                         "</lastmod></url>" for s in items if where in s.listed)

    news = "\n".join(
        f"  <url><loc>{url(s)}</loc><news:news><news:publication><news:name>Harbour Times</news:name>"
        f"<news:language>en</news:language></news:publication>"
        f"<news:publication_date>{when(s).isoformat(timespec='seconds')}</news:publication_date>"
        f"<news:title>{html.escape(s.headline)}</news:title></news:news></url>"
        for s in items if "news" in s.listed)
    rss = "\n".join(
        f"    <item><title><![CDATA[{s.headline}]]></title><link>{url(s)}</link>"
        f'<guid isPermaLink="false">ht-{s.slug}</guid><pubDate>{format_datetime(when(s))}</pubDate></item>'
        for s in items if "rss" in s.listed)
    atom = "\n".join(
        f"  <entry><title>{html.escape(s.headline)}</title><id>urn:ht:{s.slug}</id>"
        f'<link rel="alternate" type="text/html" href="/{s.url_path}"/>'
        f"<published>{when(s).isoformat(timespec='seconds')}</published>"
        f"<updated>{modified(s).isoformat(timespec='seconds')}</updated></entry>"
        for s in items if "atom" in s.listed)
    values = {
        "base": base, "now": now.isoformat(timespec="seconds"),
        "home_teasers": teasers("home"), "world_teasers": teasers("world"),
        "page2_teasers": teasers("page2"), "business_teasers": teasers("business"),
        "tag_teasers": teasers("tag"), "sitemap_posts": sitemap_urls("posts"),
        "sitemap_2015": sitemap_urls("archive"), "news_sitemap": news, "rss_items": rss,
        "atom_entries": atom,
    }
    dest.mkdir(parents=True, exist_ok=True)
    for source in SITE.rglob("*"):
        if source.is_dir() or source.name == "article.html.tmpl":
            continue
        target = dest / source.relative_to(SITE)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = Template(source.read_text("utf-8")).substitute(values)
        if source.name.endswith(".gz.in"):
            _write(target.with_name(source.name.removesuffix(".in")),
                   gzip.compress(text.encode("utf-8"), mtime=0))
        else:
            _write(target, text.encode("utf-8"))
    article = Template((SITE / "article.html.tmpl").read_text("utf-8"))
    for story in items:
        target = dest / story.url_path
        target.parent.mkdir(parents=True, exist_ok=True)
        changed = stage >= 3 and story.slug == CHANGED_AT_STAGE_3
        _write(target, article.substitute(
            headline=html.escape(story.headline), url=url(story),
            published=when(story).isoformat(timespec="seconds"),
            modified=modified(story).isoformat(timespec="seconds"),
            published_day=when(story).strftime("%B %d, %Y"),
            paragraphs=_paragraphs(story, changed)).encode("utf-8"))
    return dest


def _write(path: Path, data: bytes) -> None:
    """Write only when the content changes, so unchanged files keep their Last-Modified."""
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
