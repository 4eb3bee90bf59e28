"""Article or not: the shipped model, its named features, and the decision on typical pages
(one story, a listing of teasers, a shop's product page, a service page), explained."""

from __future__ import annotations

import json
import time
from importlib import resources
from pathlib import Path

import pytest
from w3lib.url import safe_url_string

from newscrawl.extract import extract_page
from newscrawl.extract.classify import MODEL_FILE, article_score, is_article, load_model
from newscrawl.extract.document import parse_html
from newscrawl.extract.features import FEATURES, PATH_SHAPE, page_features, url_features
from newscrawl.extract.metadata import read_metadata
from newscrawl.output.replay import load_page

PROSE = ("The harbour board met on Tuesday to decide the future of the old pier, which has stood "
         "since the town was founded and now needs repairs that the council cannot pay alone. ")


def story(paragraphs: int = 8) -> str:
    body = "".join(f"<p>{PROSE} Paragraph {i} adds its own detail to the report.</p>"
                   for i in range(paragraphs))
    return ("<html lang=en><head><title>Harbour board decides the pier's future - Bay News</title>"
            '<meta property="og:type" content="article"></head><body>'
            '<nav><a href="/">Home</a> <a href="/news/">News</a></nav>'
            "<article><h1>Harbour board decides the future of the old pier</h1>"
            '<p class="byline">By Ann Lee, <time datetime="2024-05-03">May 3, 2024</time></p>'
            f"<div class=entry-content>{body}</div></article></body></html>")


def listing(items: int = 12) -> str:
    teasers = "".join(
        f'<div class="card"><a href="/news/2024/05/{i:02d}/story-{i}/"><img src="/i{i}.jpg">'
        f"<h3>Story number {i} of the week in the bay</h3></a><p>{PROSE[:120]}</p>"
        f"<time>May {i + 1}, 2024</time></div>" for i in range(items))
    return ("<html><head><title>News - Bay News</title></head><body><h1>News</h1>"
            f'<section class="grid">{teasers}</section>'
            '<a href="/news/page/2/">2</a> <a href="/news/page/3/">3</a></body></html>')


def product() -> str:
    data = json.dumps({"@context": "https://schema.org", "@type": "Product", "name": "Deck chair",
                       "offers": {"@type": "Offer", "price": "49.00", "priceCurrency": "EUR"}})
    return ("<html><head><title>Deck chair</title>"
            f'<script type="application/ld+json">{data}</script></head><body>'
            '<h1>Deck chair</h1><span class="price">€49.00</span><span class="price-old">€59.00</span>'
            f"<p>{PROSE}</p><p>{PROSE}</p>"
            '<form><input name="quantity" value="1"><button class="btn add-to-cart">Add to cart'
            "</button></form></body></html>")


def service() -> str:
    pitch = ("At Oak & Co we renovate kitchens and bathrooms across the bay, and our team of "
             "builders stays with every project from the first drawing to the last tile. ")
    body = "".join(f"<h2>Why choose Oak & Co</h2><p>{pitch}Ask us about kitchen renovation "
                   f"plan {i}.</p>" for i in range(4))
    return ("<html lang=en><head><title>Kitchen renovation | Oak & Co</title>"
            '<meta property="og:site_name" content="Oak &amp; Co"></head><body>'
            f"<h1>Kitchen renovation</h1>{body}</body></html>")


def test_model_ships_as_package_data_and_names_every_feature():
    model = json.loads(resources.files("newscrawl.extract").joinpath(MODEL_FILE).read_text("utf-8"))
    assert model["features"] == list(FEATURES)
    assert len(model["weights"]) == len(model["mean"]) == len(model["scale"]) == len(FEATURES)
    assert all(scale > 0 for scale in model["scale"])
    assert 0 < model["threshold"] < 1
    assert model == load_model()


def test_page_features_are_the_named_ones_and_numbers():
    tree = parse_html(story())
    values, _ = page_features(tree, read_metadata(tree), "https://bay.example/news/2024/05/03/pier/")
    named = {k for k in values if not k.startswith("_")}
    assert named <= set(FEATURES)
    assert all(isinstance(v, float) for v in values.values())
    assert values["url_date"] == 1.0 and values["og_article"] == 1.0


def test_a_story_is_an_article_and_says_why():
    page = extract_page("https://bay.example/news/2024/05/03/harbour-board-pier/", story())
    assert page.is_article
    assert page.signals[0].startswith("score=")
    assert float(page.signals[0].removeprefix("score=")) >= load_model()["threshold"]
    # the reasons are named features, each with its direction
    assert all(s[0] in "+-" and s[1:] in FEATURES for s in page.signals[1:])
    assert set(page.features) == set(FEATURES)


@pytest.mark.parametrize(("url", "html"), [
    ("https://bay.example/news/", listing()),
    ("https://shop.example/products/deck-chair", product()),
    ("https://oak.example/kitchen-renovation/", service()),
], ids=["listing", "product", "service"])
def test_listings_and_products_are_not_articles(url, html):
    page = extract_page(url, html)
    assert not page.is_article, page.signals
    assert float(page.signals[0].removeprefix("score=")) < load_model()["threshold"]


def test_numbered_teasers_of_one_template_are_alike():
    """WordPress classes each post of a listing by its number ("post-48213"): the posts are still
    one run of teasers."""
    numbered = listing().replace('<div class="card">', '<div class="card post-%d">') % tuple(range(1, 13))
    assert 'class="card post-12"' in numbered
    for html in (listing(), numbered):
        tree = parse_html(html)
        values, _ = page_features(tree, read_metadata(tree), "https://bay.example/news/")
        assert values["teaser_repeats"] > 2.5 and values["dated_repeats"] > 2.5


@pytest.mark.parametrize(("url", "word_end"), [
    ("https://bay.example/news/local/", 1.0),
    ("https://bay.example/about.html", 1.0),
    ("https://bay.example/news/2024/05/03/harbour-board-pier/", 0.0),
    ("https://bay.example/2024/05/03/politics/harbour-board-pier/index.html", 0.0),
    ("https://bay.example/harbour-board-pier/amp/", 0.0),  # a story's AMP version
    ("https://bay.example/news/amp/", 1.0),
    ("https://bay.example/story/48213", 0.0),
    ("https://bay.example/", 0.0),
])
def test_an_address_ending_in_one_plain_word_is_told(url, word_end):
    tree = parse_html(story())
    values, _ = page_features(tree, read_metadata(tree), url)
    assert values["url_word_end"] == word_end


@pytest.mark.parametrize(("url", "named_by_query"), [
    ("https://bay.example/?p=1432", True),  # WordPress's default address of a post
    ("https://bay.example/index.php?id=1432", True),
    ("https://bay.example/news/article.php?id=1432&lang=en", True),
    ("https://bay.example/?s=pier", False),  # a search: the front page's shape is the evidence
    ("https://bay.example/services/?utm_id=12", False),  # a campaign tag names nothing
    ("https://bay.example/2024/05/03/harbour-board-pier.html?id=5", False),  # the path names it
    ("https://bay.example/story/48213?page=2", False),
])
def test_an_address_whose_query_names_the_page_has_no_path_shape(url, named_by_query):
    values = url_features(url)
    assert all((name not in values) == named_by_query for name in PATH_SHAPE), values
    assert "url_query" in values and "url_article_word" in values


@pytest.mark.parametrize("slug", ["выборы-президента-итоги-голосования", "élections-législatives-résultats",
                                  "東京の新しい駅が開業", "مدينة-الرياض-تستضيف-المؤتمر"])
def test_an_address_reads_the_same_percent_encoded(slug):
    """A crawl sees the address percent-encoded (Scrapy's request URL), a saved page's link may
    show it as written: the same page, the same features."""
    written = f"https://bay.example/news/2024/05/03/{slug}/"
    assert url_features(safe_url_string(written)) == url_features(written)
    assert safe_url_string(written) != written


SAVED_POST = Path(__file__).resolve().parents[2] / "fixtures" / "pages" / "wcxb-dev-0128"


@pytest.mark.parametrize("address", ["/?p=1432", "/index.php?id=1432", "/blog/article.php?id=1432"])
def test_a_post_at_its_cms_default_address_is_still_an_article(address):
    """A real blog post (a WCXB page) is an article at its slug and at the address its CMS gives
    by default; a listing and a product page at such addresses are still not articles."""
    page = load_page(SAVED_POST)
    assert extract_page(page.url, page.body).is_article
    judged = extract_page(f"https://crmaids.com{address}", page.body)
    assert judged.is_article, judged.signals
    assert not (set(PATH_SHAPE) & set(judged.features))
    for html in (listing(), product()):
        assert not extract_page(f"https://bay.example{address}", html).is_article


def test_a_business_describing_itself_speaks_as_we_and_names_itself():
    own = extract_page("https://oak.example/kitchen-renovation/", service()).features
    told = extract_page("https://bay.example/news/2024/05/03/harbour-board-pier/", story()).features
    assert own["body_we"] >= 5.0 and own["self_mentions"] >= 1.5  # 4 paragraphs, 4 headings
    assert own["headline_repeats"] >= 1.5  # its name, "Kitchen renovation", in every paragraph
    assert told["body_we"] == told["self_mentions"] == told["headline_repeats"] == 0.0


def test_we_is_not_the_country():
    html = story().replace("The harbour board", "The US board").replace("the council", "US rules")
    page = extract_page("https://bay.example/news/2024/05/03/harbour-board-pier/", html)
    assert "The US board" in page.article.body
    assert page.features["body_we"] == 0.0


def test_a_page_without_body_is_never_an_article():
    verdict, reasons = is_article({**dict.fromkeys(FEATURES, 0.0), "ld_article": 1.0,
                                   "og_article": 1.0})
    assert not verdict
    assert reasons[0].startswith("score=")


def test_score_is_a_probability_whatever_the_values():
    for value in (-1e9, 0.0, 1e9):
        assert 0.0 <= article_score(dict.fromkeys(FEATURES, value)) <= 1.0


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", ["digits", "classes", "nesting", "siblings", "currency"])
def test_features_stay_linear_on_adversarial_pages(name):
    """Page-sized inputs built to make a backtracking regex or a quadratic walk blow up; each is
    read in well under the time a quadratic pass would need (generous bound: a slow machine)."""
    big = 400_000
    html = {
        "digits": "<html><body><p>" + "1" * big + "x</p><p>" + "9," * (big // 2) + "</p></body></html>",
        "classes": "<html><body>" + "".join(f'<div class="c{i} comment-post author-price">x</div>'
                                            for i in range(big // 40)) + "</body></html>",
        "nesting": "<html><body>" + "<div><a href='/u/x'>" * 2000 + "t" + "</a></div>" * 2000
                   + "</body></html>",
        "siblings": "<html><body><ul>" + "<li><a href='/p'><h3>t</h3></a><time>1</time></li>" * (big // 50)
                    + "</ul></body></html>",
        "currency": "<html><body><p>" + "$1 €2 " * (big // 6) + "</p></body></html>",
    }[name]
    started = time.process_time()
    page = extract_page("https://example.org/" + "1" * 5000, html)
    assert page.error is None
    assert set(page.features) == set(FEATURES)
    assert time.process_time() - started < 60
