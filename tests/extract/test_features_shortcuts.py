"""The page features' shortcuts mean what their plain definitions say: one walk gathers the
elements that an XPath per tag selected, word hints rule out strings before a slow regex, and
ASCII text takes a faster count (newscrawl/extract/features.py)."""

from __future__ import annotations

import math

import pytest

from newscrawl.extract.document import parse_html
from newscrawl.extract.features import (
    _CLASS_WORDS,
    _SHARE_HREF,
    _class_mask,
    _digits,
    _shares,
    page_features,
    text_lengths,
)
from newscrawl.extract.metadata import read_metadata

PAGE = """<html><head><title>Pier | Bay News</title><a href="/in-head" rel="author">x</a></head>
<body class="page"><h1>The pier</h1>
<ul><li>Outer one <ul><li>inner</li><li>inner two</li></ul></li><li>Outer&nbsp;two</li></ul>
<pre><code>x = 1</code></pre> <code>inline</code> <pre>two <pre>nested</pre></pre>
<form><input type="hidden" name="token" value="abc"><input name="qty"><input type="HIDDEN">
<select name="size"></select><textarea></textarea><button class="btn">Add to cart</button></form>
<a rel="author" href="/people/ann/">Ann Lee</a> <a rel="next" href="/news/2">Next</a>
<a rel="nofollow author" href="/u/bo/">Bo</a>
<h2><a href="/a">Linked</a></h2> <a href="/b"><h3>Inside a link</h3></a> <h4>Plain</h4><h5>Five</h5>
<!-- a comment, no page text --> tail of the comment <?php echo 1; ?> after
<p>Bay News reports on the pier.</p><h6>Bay News</h6><article><time>May 3</time></article>
<table><tr><td>1</td><td>2</td></tr></table><img src="/a.jpg"><img src="/b.jpg">
</body></html>"""


def _log(n: int) -> float:
    return math.log1p(n)


@pytest.fixture(name="page")
def _page():
    tree = parse_html(PAGE)
    values, _ = page_features(tree, read_metadata(tree), "https://bay.example/news/pier/")
    return tree, values


def test_one_walk_counts_what_each_xpath_selected(page):
    tree, values = page
    total = values["_text_chars"]
    lengths = text_lengths(tree.find("body"))
    assert values["code_blocks"] == _log(len(tree.xpath("//pre | //code[not(ancestor::pre)]"))) == _log(4)
    assert values["code_share"] == sum(lengths[e] for e in tree.xpath("//pre | //code[not(ancestor::pre)]")
                                       ) / total
    outer = tree.xpath("//li[not(ancestor::li)]")
    assert len(outer) == 2 and values["list_share"] == sum(lengths[e] for e in outer) / total
    # the hidden field is left out; a type written HIDDEN is another value
    assert values["form_fields"] == _log(len(tree.xpath("//input[not(@type='hidden')] | //select"))) == _log(3)
    assert values["quantity_input"] == 1.0 and values["textareas"] == 1.0
    # rel="author" exactly (the link in the head counts, as //a did); rel="nofollow author" does not
    assert values["author_nodes"] == _log(2)
    assert values["pager"] == 1.0
    assert values["user_links"] == _log(2)  # /people/ann/ and /u/bo/
    assert values["linked_heading_share"] == 2 / 3  # h2 holds a link, h3 is in one, h4 neither
    assert values["headings_per_kchar"] == 5 * 1000 / total  # h2 to h6
    assert values["h1_count"] == 1.0 and values["article_elements"] == 1.0
    assert values["time_elements"] == _log(1) and values["buttons"] == _log(1)
    assert values["table_cells"] == _log(2) and values["images"] == _log(2)
    assert values["cart"] == 1.0 and values["cta_links"] == _log(1)
    assert values["self_mentions"] == _log(2)  # "Bay News" in the paragraph and the h6


def test_text_lengths_are_the_lengths_of_each_elements_text(page):
    """Comments and processing instructions add no text, their tails do; whitespace of any kind
    (a no-break space too) is not counted."""
    tree, _ = page
    body = tree.find("body")
    lengths = text_lengths(body)
    assert len(lengths) == sum(1 for _ in body.iter())
    for element in body.iter():
        if isinstance(element.tag, str):
            assert lengths[element] == len("".join(element.text_content().split())), element.tag
    assert lengths[body.find("ul")] == len("Outeroneinnerinnertwo" + "Outertwo")


CLASS_STRINGS = ["", "entry-content", "wp-block-group has-text", "comments-area", "Reply-link",
                 "replies", "post", "post-48213 type-post", "posts", "messages", "answer",
                 "postscript", "author-box", "BYLINE", "price-old", "add-to-cart", "addtocart",
                 "add_to_bag", "woocommerce/cart", "checkout", "basket", "btn btn-primary",
                 "button", "cta-main", "call-to-action", "card teaser", "nav-item menu-item-3",
                 "compost", "bagel", "carton", "Contact"]


@pytest.mark.parametrize("words", CLASS_STRINGS)
def test_class_hints_rule_out_only_strings_without_a_class_word(words):
    plain = 0
    for match in _CLASS_WORDS.finditer(words.lower()):
        plain |= 1 << (match.lastindex - 1)
    assert _class_mask(words) == plain


@pytest.mark.parametrize("href", [
    "https://www.facebook.com/sharer/sharer.php?u=x", "HTTPS://WWW.FACEBOOK.COM/SHARER/x",
    "https://www.facebook.com/BayNews", "https://twitter.com/intent/tweet?url=x",
    "https://x.com/intent/post", "https://www.linkedin.com/shareArticle?url=x",
    "https://pinterest.co.uk/pin/create/button/", "https://wa.me/?text=x", "whatsapp://send?t=x",
    "https://api.whatsapp.com/send?text=x", "https://t.me/share/url?url=x", "mailto:?subject=x",
    "https://reddit.com/r/news", "/news/2024/05/03/pier/",
    # letters that a case-blind match takes for i, k and s: the fast path must not skip them
    "https://www.lınkedin.com/shareArticle?u=1", "https://www.reddit.com/ſubmit",
    "https://faceboo\u212a.com/sharer", "https://www.LİNKEDIN.com/share",
])
def test_share_links_are_found_as_the_pattern_finds_them(href):
    expected = _SHARE_HREF.search(href) is not None
    assert _shares(["/", href, "/about/"]) == expected
    assert _shares([href]) == expected
    assert _shares(["https://www.facebook.com/BayNews", "/news/"]) is False


@pytest.mark.parametrize("text", ["", "No digits.", "Page 12 of 2024", "Seite ²³ ٣٤ ① 7", "１２３",
                                  "Zwölf: 12. Straße", "word2vec and x²"])
def test_digits_are_counted_as_str_isdigit_counts_them(text):
    assert _digits(text.split()) == sum(map(str.isdigit, text))
