"""validate -> dedupe, each on its own, with the stats they keep."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl.crawl.pipelines.dedupe import DedupePipeline
from newscrawl.crawl.pipelines.validate import ValidatePipeline
from newscrawl.crawl.spider import SiteSpider
from newscrawl.items import Article
from newscrawl.ops.summary import reason_stats
from newscrawl.state.crawler import state_for

PARAGRAPH = "A real paragraph of the article that says something about the news of the day. " * 3


def _crawler(tmp_path, **settings):
    crawler = get_crawler(SiteSpider, {"NEWSCRAWL_STATE": str(tmp_path / "state.sqlite"), **settings})
    return crawler


@pytest.mark.parametrize(("item", "reason"), [
    (Article(url="https://a.example/1", headline=None, body=PARAGRAPH), "no_headline"),
    (Article(url="https://a.example/1", headline="H", body="Too short."), "short_body"),
])
def test_validate_drops_with_reason(tmp_path, item, reason):
    crawler = _crawler(tmp_path)
    with pytest.raises(DropItem, match=reason):
        ValidatePipeline.from_crawler(crawler).process_item(item)
    assert crawler.stats.get_value(f"newscrawl/dropped/{reason}") == 1


def test_validate_measures_a_chinese_body_as_extraction_does(tmp_path):
    # 120 characters of Chinese are a brief (360 Latin letters' worth), not a stub
    brief = "北京今冬首场降雪，城区平均降雪量达到三毫米，北部山区积雪深度超过五厘米。" * 4
    assert len(brief) < 200
    item = Article(url="https://a.example/1", headline="H", body=brief)
    assert ValidatePipeline.from_crawler(_crawler(tmp_path)).process_item(item) is item
    with pytest.raises(DropItem, match="short_body"):
        ValidatePipeline.from_crawler(_crawler(tmp_path)).process_item(
            Article(url="https://a.example/2", headline="H", body="Too short. " * 15))


def test_dedupe_by_url_and_fingerprint_in_run_and_across_runs(tmp_path):
    crawler = _crawler(tmp_path)
    pipeline = DedupePipeline.from_crawler(crawler)
    first = Article(url="https://a.example/x?utm_source=t", canonical_url="https://a.example/x",
                    headline="H", body=PARAGRAPH, fingerprint="f1")
    assert pipeline.process_item(first) is first
    with pytest.raises(DropItem, match="duplicate_url"):
        pipeline.process_item(Article(url="https://a.example/x", canonical_url="https://a.example/x",
                                      headline="H", body=PARAGRAPH, fingerprint="f2"))
    with pytest.raises(DropItem, match="duplicate_content"):
        pipeline.process_item(Article(url="https://a.example/y", canonical_url="https://a.example/y",
                                      headline="H", body=PARAGRAPH, fingerprint="f1"))
    # the state is written after the feed line (StateRecorder); simulate that, then a new run
    state_for(crawler).record("https://a.example/x", "f1", None, 1)
    second_run = DedupePipeline.from_crawler(_crawler(tmp_path))
    with pytest.raises(DropItem, match="seen_in_earlier_run"):
        second_run.process_item(Article(url="https://a.example/x", canonical_url="https://a.example/x",
                                        headline="H", body=PARAGRAPH, fingerprint="f1"))
    # the same text at another address: the summary counted it as a duplicate in this run
    with pytest.raises(DropItem, match="duplicate_of_earlier_run"):
        second_run.process_item(Article(url="https://b.example/x", canonical_url="https://b.example/x",
                                        headline="H", body=PARAGRAPH, fingerprint="f1"))
    assert reason_stats({"newscrawl/dropped/duplicate_of_earlier_run": 1}) == {
        "seen in earlier runs": {"newscrawl/dropped/duplicate_of_earlier_run": 1}}


def _each_story_written_once(crawl, root: Path, host: str, start: str, slugs: list[str]) -> None:
    """Serve `root` (its pages' "{base}" becoming the server's address), crawl it from `start`
    twice: the first run writes each story once under its own URL and counts every template
    canonical it ignored; the second writes none again as a "revision" of another."""
    from tests.support.sites.server import serve_site

    with serve_site(root, host=host) as site:
        for page in root.rglob("*.html"):
            page.write_bytes(page.read_bytes().replace(b"{base}", site.base.encode()))
        first, stats, proc = crawl("-a", f"url={site.base}{start}", output="first.jsonl")
        second, _, _ = crawl("-a", f"url={site.base}{start}", output="second.jsonl")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert sorted(item["url"].rsplit("/", 1)[1] for item in first) == sorted(f"{s}.html" for s in slugs)
    assert all(item["canonical_url"] == item["url"] for item in first)
    assert stats.get("newscrawl/canonical/ignored") == len(slugs)
    assert not stats.get("newscrawl/dropped/duplicate_url")
    assert second == []


def test_articles_whose_template_names_the_home_page_canonical_are_each_written_once(crawl, tmp_path):
    """A template that gives every page the home page as its canonical (or og:url) does not make
    the site's stories one article."""
    from tests.support.faultserver import plain_article

    root = tmp_path / "site"
    (root / "news").mkdir(parents=True)
    slugs = ["mayor", "rail", "hospital", "market"]
    for number, slug in enumerate(slugs):
        tag = ('<link rel="canonical" href="/">' if number % 2 else
               '<meta property="og:url" content="{base}index.html">')
        (root / "news" / f"{slug}.html").write_bytes(plain_article(slug).replace(b"<head>", f"<head>{tag}".encode()))
    (root / "index.html").write_text("<html><head><title>Harbour Times</title></head><body>" + "".join(
        f'<a href="/news/{slug}.html">{slug}</a> ' for slug in slugs) + "</body></html>", "utf-8")
    _each_story_written_once(crawl, root, "127.0.0.41", "", slugs)


@pytest.mark.parametrize("named", ["paper/", "paper", "paper/index.html"])
def test_articles_whose_canonical_names_the_start_page_in_a_folder_are_each_written_once(crawl, tmp_path, named):
    """A site in a folder (/paper/) whose template names that folder, the start page, as every
    story's canonical and og:url (a stranger's site-canon): its three stories were one article,
    two dropped as duplicate_url."""
    from tests.support.faultserver import plain_article

    root = tmp_path / "site"
    (root / "paper" / "2025" / "06").mkdir(parents=True)
    slugs = ["harbour", "library", "marathon"]
    # the start page as given, or as a template writes it: no trailing slash, an index file
    tags = f'<link rel="canonical" href="{{base}}{named}"><meta property="og:url" content="{{base}}{named}">'
    (root / "paper" / "index.html").write_text(f"<html><head><title>Canon Times</title>{tags}</head><body>" + "".join(
        f'<a href="2025/06/{slug}.html">{slug}</a> ' for slug in slugs) + "</body></html>", "utf-8")
    for slug in slugs:
        (root / "paper" / "2025" / "06" / f"{slug}.html").write_bytes(
            plain_article(slug).replace(b"<head>", f"<head>{tags}".encode()))
    _each_story_written_once(crawl, root, "127.0.0.43", "paper/", slugs)


def test_a_start_page_that_is_an_article_keeps_its_copies_as_one_article(crawl, tmp_path):
    """A crawl started at a story: its print copy, whose canonical names the story and whose text
    differs a little, is the same article (a stranger's site: the copy was a second record)."""
    from tests.support.faultserver import plain_article
    from tests.support.sites.server import serve_site

    root = tmp_path / "site"
    (root / "news").mkdir(parents=True)
    story = plain_article("ferry").replace(b"</body>", b'<a href="/news/ferry-print.html">Print</a></body>')
    (root / "news" / "ferry.html").write_bytes(story)
    with serve_site(root, host="127.0.0.44") as site:
        canonical = f'<link rel="canonical" href="{site.base}news/ferry.html">'.encode()
        copy = plain_article("ferry").replace(b"<head>", b"<head>" + canonical)
        (root / "news" / "ferry-print.html").write_bytes(copy.replace(b"</body>", b"<p>Printed from the Rev Times.</p></body>"))
        first, stats, proc = crawl("-a", f"url={site.base}news/ferry.html", output="first.jsonl")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [item["url"].rsplit("/", 1)[1] for item in first] == ["ferry.html"]
    assert not stats.get("newscrawl/canonical/ignored")


def test_a_modified_time_added_to_a_page_that_had_none_is_its_next_revision(crawl, tmp_path):
    """A revisit that finds `article:modified_time` where the page had none writes the article
    again as revision 2 with its `modified` (a stranger's page, site-rev: it was dropped as
    unchanged and the record kept `modified: null`, though the docs call a changed modified time
    a new revision)."""
    from tests.support.faultserver import plain_article
    from tests.support.sites.server import serve_site

    root = tmp_path / "site"
    (root / "news").mkdir(parents=True)
    published = '<meta property="article:published_time" content="2025-06-10T09:00:00+02:00">'
    page = root / "news" / "ferry.html"
    page.write_bytes(plain_article("ferry").replace(b"<head>", f"<head>{published}".encode()))
    (root / "index.html").write_text('<html><head><title>Rev Times</title></head><body>'
                                     '<a href="/news/ferry.html">Ferry service resumes</a></body></html>', "utf-8")
    revisit = ["-s", "NEWSCRAWL_REVISIT=3600"]
    with serve_site(root, host="127.0.0.42") as site:
        first, _, proc = crawl("-a", f"url={site.base}", output="first.jsonl", extra=revisit)
        modified = '<meta property="article:modified_time" content="2025-06-11T10:00:00+02:00">'
        page.write_bytes(page.read_bytes().replace(b"<head>", f"<head>{modified}".encode()))
        second, stats, _ = crawl("-a", f"url={site.base}", output="second.jsonl", extra=revisit)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [(item["revision"], item["modified"]) for item in first] == [(1, None)]
    assert [(item["revision"], item["modified"][:10]) for item in second] == [(2, "2025-06-11")]
    assert not stats.get("newscrawl/dropped/unchanged")
