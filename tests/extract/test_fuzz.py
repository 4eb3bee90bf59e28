"""Property tests: `extract_article` never raises, whatever the bytes, and no input makes the
extraction fail inside (an error swallowed by extract_page would be a bug too). Inputs: random
bytes and text, HTML-ish token soup, and real pages from fixtures/ (fixtures/fuzz/SOURCE.md),
mutated; with the data sets beside the checkout (../shared/data), a sample of them too.

Deterministic in `make test`; NEWSCRAWL_FUZZ_EXAMPLES=500 explores more, at random."""

from __future__ import annotations

import gzip
import os
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawl.extract import extract_article, extract_page
from newscrawl.extract.document import MAX_HTML_CHARS
from newscrawl.items import Article
from tests.conftest import DATA, FIXTURES, PAGES

pytestmark = pytest.mark.timeout(300)

EXAMPLES = int(os.environ.get("NEWSCRAWL_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=EXAMPLES or 25, derandomize=not EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
URL = "https://news.example/2024/05/01/story/"


def _read(path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


@lru_cache(maxsize=1)
def real_pages() -> list[bytes]:
    """The real pages kept in the repository: fixtures/fuzz/ and every saved page in
    fixtures/pages/ (many layouts, four languages, articles and other page types)."""
    paths = sorted((FIXTURES / "fuzz").glob("*.html.gz")) + sorted(PAGES.glob("*/page.html*"))
    assert len(paths) >= 20, f"the real pages for the property tests are missing: {paths}"
    return [_read(path) for path in paths]


def data_set_pages() -> list:
    """Every 50th page of the data sets beside the checkout (about 30), when they are there."""
    paths = sorted(DATA.glob("*/*/page.html.gz")) + sorted(DATA.glob("aeb/html/*.html.gz"))
    return paths[::50]


def check(html: str | bytes, url: str = URL) -> None:
    """The properties every input must have (extract_article is extract_page's item)."""
    page = extract_page(url, html)
    assert isinstance(page.article, Article)
    assert page.article.url == url
    # the only errors: nothing to read, or bytes that are no page (a file format, told by its bytes)
    assert page.error in (None, "empty page") or page.error.endswith("not an HTML page"), page.error
    assert isinstance(page.is_article, bool)
    for name in ("headline", "body", "published", "modified", "dateline", "lang"):
        value = getattr(page.article, name)
        assert value is None or isinstance(value, str), name
    assert all(isinstance(a, str) for a in page.article.authors or [])


@FUZZ
@given(st.binary(max_size=20_000))
def test_random_bytes(data: bytes) -> None:
    check(data)
    assert extract_article(URL, data).url == URL  # the public API, whatever the bytes


@FUZZ
@given(st.text(max_size=5_000))
def test_random_text(text: str) -> None:
    check(text)


TOKENS = [
    "<html>", "</html>", "<head>", "<body>", "</body>", "<p>", "</p>", "<div class='td-post-content'>",
    "<div class=\"entry-content\">", "</div>", "<article>", "</article>", "<h1>", "</h1>", "<br>",
    "<script type='application/ld+json'>", "</script>", "<style>", "</style>", "<!--", "-->",
    '{"@type":"NewsArticle","headline":', '"datePublished":"2024-02-30T25:61:00+99:00"', "{", "}",
    "[", "]", ",", '"author":[{"name":null},3,"By "]', '"@graph":', "null", "<time datetime='x'>",
    "</time>", "<meta property='og:type' content='article'>", "<meta charset='bogus'>",
    "<meta property='article:published_time' content='0001-01-01'>", "<link rel=canonical href='::'>",
    "<table><tr><td>", "</td></tr></table>", "<ul><li>", "</li></ul>", "&amp;", "&#0;", "&#xD800;",
    "&#x110000;", "&nbsp;", "\x00", "\ufeff", "\u202e", "<![CDATA[", "]]>", "<?xml version='1.0'?>",
    "<svg><foreignObject><p>", "<noscript>", "<template>", "<iframe srcdoc='<p>x</p>'>", "<a href='",
    "'>", "Leave a Reply", "By Daniel Hart", "February 20, 2022", "Latest news", "12.8 C",
    "A sentence of ordinary article text that goes on for a while. ",
]


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=40)), max_size=300), st.booleans())
def test_html_token_soup(tokens: list[str], as_bytes: bool) -> None:
    html = "".join(tokens)
    check(html.encode("utf-8", "surrogatepass") if as_bytes else html)


@st.composite
def mutated_pages(draw) -> bytes:
    """A real page with one to three random mutations."""
    pages = real_pages()
    page = bytearray(pages[draw(st.integers(0, len(pages) - 1))])
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "repeat", "nul", "splice"]))
        at = draw(st.integers(0, max(len(page) - 1, 0)))
        if kind == "truncate":
            del page[at:]
        elif kind == "flip":
            for offset in draw(st.lists(st.integers(0, 4096), min_size=1, max_size=64)):
                if at + offset < len(page):
                    page[at + offset] = draw(st.integers(0, 255))
        elif kind == "insert":
            page[at:at] = draw(st.binary(min_size=1, max_size=2_000))
        elif kind == "delete":
            del page[at:at + draw(st.integers(1, 20_000))]
        elif kind == "repeat":
            page[at:at] = bytes(page[at:at + draw(st.integers(1, 3_000))]) * draw(st.integers(2, 5))
        elif kind == "nul":
            page[at:at + 16] = b"\x00" * 16
        else:  # a piece of another page in the middle
            other = pages[draw(st.integers(0, len(pages) - 1))]
            start = draw(st.integers(0, len(other)))
            page[at:at] = other[start:start + draw(st.integers(1, 20_000))]
    return bytes(page)


@FUZZ
@given(mutated_pages())
def test_mutated_real_pages(page: bytes) -> None:
    check(page)


@FUZZ
@given(mutated_pages(), st.sampled_from(["cp1251", "shift_jis", "latin-1", "utf-16", "gb18030", "koi8-r"]))
def test_real_pages_in_other_charsets_and_wrong_labels(page: bytes, charset: str) -> None:
    text = page.decode("utf-8", "replace")
    data = text.encode(charset, "replace")
    check(data)
    assert isinstance(extract_page(URL, data, encoding="utf-8").article, Article)  # a wrong label


def test_unmutated_real_pages_extract_without_error() -> None:
    for page in real_pages():
        check(page)


@pytest.mark.skipif(not data_set_pages(), reason=f"no data sets at {DATA} (the pages in fixtures/ are tested)")
def test_unmutated_data_set_pages_extract_without_error() -> None:
    for path in data_set_pages():
        check(_read(path))


@pytest.mark.parametrize("html", [
    b"<div>" * 200_000,  # nesting deeper than any parser stack
    b"<p>" + b"a" * (MAX_HTML_CHARS * 3),  # three times the input cap
    b"\xef\xbb\xbf", b"\xff\xfe<\x00h", b"   \n", b"",
    "<h1>A\ud800B</h1><p>lone surrogates</p>",
    b'<meta charset="utf-7"><h1>+AGEAYgBj-</h1>',
])
def test_extremes(html: str | bytes) -> None:
    check(html)
