"""`-a article=URL` writes the page the user named even when the classifier does not read it as an
article (a shop's product page), and says so: one WARNING line per such page
with its article score, the stat `newscrawl/articles/forced`, and a `forced:` line in the summary.
Real `scrapy crawl` runs against a real site on 127.0.0.24."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newscrawl.extract import extract_page
from newscrawl.extract.classify import load_model
from newscrawl.ops.cron import summarize
from tests.support.faultserver import LOREM, plain_article
from tests.support.sites.server import serve_site

pytestmark = pytest.mark.timeout(300)

HOST = "127.0.0.24"
WARNING = re.compile(r"\[site\] WARNING: (?P<url>\S+): written because (?P<named>-a articles?=) names it, "
                     r"though it does not read as an article \(article score (?P<score>0\.\d\d)\)")


def product(name: str, paragraphs: list[str]) -> bytes:
    """A shop's product page: Product JSON-LD with a price, a quantity field, an add-to-cart button."""
    data = json.dumps({"@context": "https://schema.org", "@type": "Product", "name": name,
                       "offers": {"@type": "Offer", "price": "49.00", "priceCurrency": "EUR"}})
    text = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (f'<html><head><title>{name}</title><script type="application/ld+json">{data}</script>'
            f'</head><body><h1>{name}</h1><span class="price">€49.00</span><span class="price-old">'
            f'€59.00</span>{text}<form><input name="quantity" value="1">'
            '<button class="btn add-to-cart">Add to cart</button></form></body></html>').encode()


def shop_and_news(root: Path) -> Path:
    """Two product pages with a long description, one with a line only, and a news story."""
    sentences = LOREM.split(". ")
    pages = {
        "shop/deck-chair.html": product("Deck chair", [f"The deck chair, part {i}: {s}." for i, s in enumerate(sentences)]),
        "shop/bench.html": product("Garden bench", [f"The garden bench {s}." for s in sentences]),
        "shop/stool.html": product("Stool", ["Solid oak stool, for the kitchen."]),
        "news/2024/03/01/harbour-report/index.html": plain_article("one"),
    }
    for path, body in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(body)
    return root


def warnings(stderr: str) -> list[re.Match]:
    return [m for m in map(WARNING.search, stderr.splitlines()) if m]


def summary(stderr: str) -> list[str]:
    return [line.removeprefix("summary: ") for line in stderr.splitlines() if line.startswith("summary: ")]


def test_a_named_page_that_is_no_article_is_written_with_one_warning(crawl, tmp_path):
    with serve_site(shop_and_news(tmp_path / "site"), host=HOST) as site:
        chair, bench, stool = (f"{site.base}shop/{name}.html" for name in ("deck-chair", "bench", "stool"))
        story = f"{site.base}news/2024/03/01/harbour-report/"
        items, stats, proc = crawl("-a", f"article={chair} {bench} {stool} {story}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    # written, because the user named them: the two product pages and the story
    assert sorted(item["url"] for item in items) == sorted([chair, bench, story])
    # one line each for the two that do not read as articles, none for the story; the stool,
    # too short, is not written: its own WARNING line says why, and no notice of forcing it
    found = warnings(proc.stderr)
    assert sorted(m["url"] for m in found) == sorted([chair, bench]), proc.stderr[-3000:]
    assert all(m["named"] == "-a article=" and float(m["score"]) < load_model()["threshold"] for m in found)
    [stool_line] = [line.split("] ", 1)[-1] for line in proc.stderr.splitlines() if stool in line]
    assert re.fullmatch(rf"WARNING: not written: {re.escape(stool)} \(too short: \d+ characters, under "
                        r"NEWSCRAWL_MIN_BODY_CHARS=200\)", stool_line), stool_line
    assert stats["newscrawl/articles/forced"] == 2 and stats["newscrawl/dropped/short_body"] == 1
    # cron's summary JSON of these stats counts them beside the articles written
    counted = summarize(stats, [HOST], {}, 0)
    assert (counted["articles"], counted["forced"], counted["sites"][HOST]["articles"]) == (3, 2, 3)
    # a named page gets its full body whatever it reads as, the one `scrapy extract` prints
    html = (tmp_path / "site" / "shop" / "deck-chair.html").read_bytes()
    full = extract_page(chair, html, non_article_body="full").article.body
    assert next(item for item in items if item["url"] == chair)["body"] == full
    assert ("forced: 2 pages that do not read as articles written because -a article= or articles= "
            "names them (see their warnings above)") in summary(proc.stderr)


def test_a_file_of_pages_is_named_in_the_warning_and_articles_need_none(crawl, tmp_path):
    with serve_site(shop_and_news(tmp_path / "site"), host=HOST) as site:
        chair = f"{site.base}shop/deck-chair.html"
        story = f"{site.base}news/2024/03/01/harbour-report/"
        listed = tmp_path / "pages.txt"
        listed.write_text(f"{chair}\n", "utf-8")
        items, stats, proc = crawl("-a", f"articles={listed}", output="file.jsonl")
        only_story, story_stats, story_proc = crawl("-a", f"article={story}", output="story.jsonl",
                                                    state="story.sqlite")
    assert proc.returncode == 0 and [item["url"] for item in items] == [chair], proc.stderr[-2000:]
    assert [(m["url"], m["named"]) for m in warnings(proc.stderr)] == [(chair, "-a articles=")]
    assert ("forced: 1 page that does not read as an article written because -a article= or articles= "
            "names it (see its warning above)") in summary(proc.stderr)
    # a page that reads as an article: written with no notice, no count, no summary line
    assert story_proc.returncode == 0 and [item["url"] for item in only_story] == [story]
    assert warnings(story_proc.stderr) == [] and "newscrawl/articles/forced" not in story_stats
    assert not any(line.startswith("forced:") for line in summary(story_proc.stderr))
