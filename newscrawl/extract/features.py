"""Named page-level features for telling one article from every other kind of page.

Each feature is a number with a name and a principle that holds on pages in general (see
FEATURES). `page_features` reads the tree as fetched (scripts and styles already removed, so
before any boilerplate is pruned) with the page's metadata and URL; `body_features` reads the
body text that extraction kept. `newscrawl.extract.classify` weighs them.

The vocabularies below are the one place for what they name: metadata types, URL words,
shopping words and share endpoints.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter, defaultdict
from itertools import filterfalse
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from newscrawl.extract.headline import names_site
from newscrawl.extract.metadata import ARTICLE_TYPES, PageMetadata, _types
from newscrawl.extract.vocabulary import (
    MAX_NAME_WORDS,
    TITLE_MARKS,
    TITLE_OR_LABEL_SEPARATOR,
    plain_words,
    text_size,
    word_count,
)
from newscrawl.items import Article

# --- vocabularies ---------------------------------------------------------------------------

# schema.org types a page uses for what it sells, lists, discusses or offers (lower-cased)
PRODUCT_TYPES = frozenset({"product", "offer", "aggregateoffer", "productgroup", "productmodel",
                           "individualproduct", "car", "vehicle"})
LISTING_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "profilepage",
                           "offercatalog", "mediagallery", "imagegallery"})
FORUM_TYPES = frozenset({"discussionforumposting", "qapage", "question", "answer"})
SERVICE_TYPES = frozenset({"service", "faqpage", "course", "event", "softwareapplication",
                           "webapplication", "localbusiness", "professionalservice",
                           "educationalorganization", "medicalbusiness", "store", "aboutpage",
                           "contactpage", "jobposting"})
# the same kinds in microdata itemtype URLs
_MICRODATA = {
    "md_article": re.compile(r"schema\.org/(?:\w*Article|BlogPosting|Report)\b", re.IGNORECASE),
    "md_product": re.compile(r"schema\.org/(?:Product|Offer|AggregateOffer)\b", re.IGNORECASE),
    "md_post": re.compile(r"schema\.org/(?:Comment|Answer|Question|DiscussionForumPosting|UserComments)\b",
                          re.IGNORECASE),
}

# URL path words; each is matched as a whole path segment
_URL_WORDS = {
    "url_listing_word": {"tag", "tags", "category", "categories", "topic", "topics", "section",
                         "search", "page", "archive", "archives", "author", "authors", "collections",
                         "collection", "browse", "catalog", "catalogue", "shop", "store", "c"},
    "url_product_word": {"product", "products", "p", "dp", "item", "items", "buy", "sku"},
    "url_forum_word": {"forum", "forums", "thread", "threads", "t", "topic", "community", "discussion",
                       "discussions", "questions", "q", "board", "boards", "viewtopic",
                       "showthread", "answers"},
    "url_docs_word": {"docs", "doc", "documentation", "api", "reference", "ref", "manual", "guide",
                      "guides", "tutorial", "wiki", "learn", "handbook", "book", "kb", "help"},
    "url_article_word": {"news", "article", "articles", "story", "stories", "blog", "blogs", "post",
                         "posts", "opinion", "column", "columns", "press", "a"},
}
_SECTION_WORDS = frozenset().union(*(_URL_WORDS[k] for k in ("url_listing_word", "url_article_word",
                                                             "url_forum_word", "url_docs_word")))
_INDEX_FILES = frozenset({"index", "default", "amp"})  # names that stand for the folder they are in
_URL_DATE = re.compile(r"/(?:19|20)\d{2}/(?:0?[1-9]|1[0-2])(?:/|$)|(?:19|20)\d{2}-[01]\d-[0-3]\d"
                       r"|/(?:19|20)\d{2}[01]\d[0-3]\d/")
_URL_NUMBER_END = re.compile(r"(?<!\d)\d{3,}(?:\.\w{2,5})?/?$")
# (not "p=": WordPress's default address of a post is /?p=123)
_URL_LISTING_QUERY = re.compile(r"(?:^|&)(?:page|s|q|query|sort|filter|category|tag)=", re.I)
# a query parameter whose value is a number: an id that names the page (?p=123, ?id=5, ?t=9),
# unless it is a campaign tag (utm_id=12), which any address may carry
_URL_QUERY_ID = re.compile(r"(?:^|&)(?!utm_)[^=&]+=\d+(?:&|$)", re.I)
# what the path's shape says (a slug, a date, a section's index, the root); nothing when the page
# is named by its query instead (see url_features)
PATH_SHAPE = ("url_date", "url_root", "url_depth", "url_slug_words", "url_number_end",
              "url_section_end", "url_word_end")
_WORD_SPLIT = re.compile(r"[-_+.%\s]+")
# "add to cart" in the languages of the data sets' shops, and the markup words around it
_CART_TEXT = re.compile(
    r"add(?:ed)? to (?:cart|bag|basket|trolley)|buy now|in den (?:warenkorb|einkaufswagen)|"
    r"ajouter au panier|a[ñn]adir al carrito|aggiungi al carrello|in winkel(?:wagen|mand)|"
    r"l[äa]gg i varukorg|dodaj do koszyka|adicionar ao carrinho|カートに入れる|加入购物车",
    re.IGNORECASE)
_QUANTITY = re.compile(r"qty|quantity", re.IGNORECASE)
# currency signs: a page that prints many prices sells something (str.count: no regex pass)
_CURRENCY = "$€£¥₹"
_SHARE_HREF = re.compile(r"facebook\.com/(?:sharer|share\.php|dialog/share)|twitter\.com/(?:intent|share)"
                         r"|x\.com/intent|linkedin\.com/(?:sharearticle|shareArticle|share)|"
                         r"pinterest\.\w+/pin/create|reddit\.com/submit|wa\.me/\?|whatsapp://send|"
                         r"api\.whatsapp\.com/send|t\.me/share|mailto:\?", re.IGNORECASE)
# every alternative of _SHARE_HREF holds one of these, lower-cased; _shares reads them first
_SHARE_HINTS = ("facebook.com/share", "facebook.com/dialog/share", "twitter.com/intent",
                "twitter.com/share", "x.com/intent", "linkedin.com/share", "/pin/create",
                "reddit.com/submit", "wa.me/?", "whatsapp://send", "whatsapp.com/send", "t.me/share",
                "mailto:?")
_USER_HREF = re.compile(r"/(?:u|user|users|member|members|profile|profiles|people)/", re.IGNORECASE)
_PAGER_HREF = re.compile(r"[?&](?:page|p|paged)=\d|/page/\d", re.IGNORECASE)
# class and id words, one group per kind of block (a class string is scanned once)
_CLASS_WORDS = re.compile(
    r"(?P<comment>comment|repl(?:y|ies))"
    r"|(?P<post>\b(?:post|message|answer)s?\b)"
    r"|(?P<author>author|byline)"
    r"|(?P<price>price)"
    r"|(?P<cart>add[-_]?to[-_]?(?:cart|bag|basket)|addtocart|/cart\b|checkout|basket)"
    # buttons and button-like links: calls to action (a service page asks, an article tells)
    r"|(?P<cta>\b(?:btn|button|cta))")  # searched in lower-cased strings
_CART_ATTR = re.compile(r"add[-_]?to[-_]?(?:cart|bag|basket)|addtocart|/cart\b|checkout|basket",
                        re.IGNORECASE)
# "we" and "our" in the languages of the data sets: a business or an institution describing
# itself speaks as "we"; a report speaks of others. Lower case or capitalised only ("US" is a
# country).
_WE_WORDS = frozenset({"we", "our", "ours", "us", "wir", "uns", "unser", "unsere", "unseren",
                       "unserem", "unserer", "unseres", "nous", "notre", "nos", "nosotros",
                       "nosotras", "nuestro", "nuestra", "nuestros", "nuestras", "noi", "nostro",
                       "nostra", "nostri", "nostre", "wij", "onze", "ons", "vår", "vårt",
                       "våra", "nós", "nosso", "nossa", "nossos", "nossas", "nasz", "nasza"})
MIN_LINK_LINE = 20  # a link text this long is a title, not a word like "Home" or "More"
_SENTENCE_END = tuple('.!?…:"”’»)。！？')

# --- the feature list -----------------------------------------------------------------------

FEATURES: dict[str, str] = {
    # metadata
    "ld_article": "JSON-LD declares an Article type",
    "og_article": "og:type says article",
    "og_other": "og:type says something other than article (website, product, profile)",
    "ld_product": "JSON-LD or og:type describes a product or an offer",
    "ld_listing": "JSON-LD describes a collection, an item list, search results or a profile",
    "ld_forum": "JSON-LD describes a forum posting or a question",
    "ld_service": "JSON-LD describes a service, course, FAQ, business, event or app",
    "ld_any": "the page has JSON-LD at all",
    "meta_published": "the metadata gives a publication date",
    "meta_author": "the metadata names an author",
    "md_article": "microdata marks an article",
    "md_product": "microdata marks a product or offer",
    "md_post": "microdata marks comments, answers or forum posts",
    # URL shape
    "url_date": "the path carries a date",
    "url_root": "the path is the site's root",
    "url_depth": "number of path segments",
    "url_slug_words": "words in the longest path segment (articles have long slugs)",
    "url_number_end": "the path ends with a number (an id)",
    "url_query": "the URL asks for a page, search, sort or filter",
    "url_listing_word": "a path segment names a listing (tag, category, shop, ...)",
    "url_product_word": "a path segment names a product",
    "url_forum_word": "a path segment names a forum or thread",
    "url_docs_word": "a path segment names documentation",
    "url_article_word": "a path segment names news, a story or a post",
    "url_section_end": "the path ends with a section's name (news, blog, forum, docs, tag, ...)",
    "url_word_end": "the path ends with one plain word (/news/local/, /about): a section or a "
                    "standing page; a story's address ends with its slug or its number",
    # page structure
    "text_chars": "log of the page's visible text length",
    "link_share": "share of the text inside links",
    "links_per_kchar": "links per 1,000 characters of text",
    "h1_count": "number of h1 headings (capped at 3)",
    "headings_per_kchar": "h2-h6 headings per 1,000 characters of text",
    "linked_heading_share": "share of h2-h4 headings that are links (teasers)",
    "long_paragraphs": "log of the number of paragraphs of 150+ characters",
    "prose_share": "share of the text in paragraphs of 80+ characters",
    "flow_share": "share of the text in the paragraphs of one parent (an article is one flow of prose)",
    "flow_paragraphs": "log of the paragraphs (80+ characters) of that parent",
    "prose_after_h1": "log of paragraph text (80+ characters each) after the first h1",
    "h1_in_article": "the first h1 is inside an article or main element",
    "article_elements": "number of article elements (capped at 10)",
    "time_elements": "log of the number of time elements",
    "teaser_repeats": "log of the largest run of sibling blocks each with a link and a heading or image",
    "teaser_text_share": "share of the page's text inside its largest run of teasers",
    "dated_repeats": "log of the largest run of sibling blocks each with a date",
    "long_repeats": "log of the largest run of sibling blocks each with 200+ characters of text",
    "comment_nodes": "log of elements classed as comments or replies",
    "post_nodes": "log of elements classed as posts, messages or answers",
    "user_links": "log of links to user or member profiles",
    "phone_links": "log of links that dial a phone number (a business asks to be called)",
    "author_nodes": "log of elements classed as author or byline, or rel=author links",
    "share_links": "the page has share links (share endpoints of social networks)",
    "pager": "the page links to numbered pages of itself",
    "price_text": "log of currency signs printed on the page",
    "price_nodes": "log of elements classed or marked as a price",
    "cart": "the page offers to add something to a cart",
    "quantity_input": "the page has a quantity field",
    "form_fields": "log of visible form fields (inputs, selects)",
    "textareas": "the page has a text area (comment or contact form)",
    "buttons": "log of buttons",
    "cta_links": "log of links and buttons classed as buttons or calls to action",
    "code_blocks": "log of pre and code elements",
    "code_share": "share of the text in pre and code elements",
    "list_share": "share of the text in list items",
    "table_cells": "log of table cells",
    "images": "log of images",
    # body as extracted
    "body_chars": "log of the extracted body length",
    "body_share": "share of the page's text that the body holds",
    "body_prose_share": "share of the body in lines of 100+ characters",
    "body_short_lines": "share of body lines under 40 characters",
    "body_sentence_lines": "share of body lines that end like a sentence",
    "body_link_lines": "share of the body in lines that are the text of a link on the page",
    "body_mean_line": "log of the mean length of a body line (a paragraph)",
    "body_digit_share": "share of digits in the body",
    "body_we": "uses of \"we\" and \"our\" per 100 body words (a business or institution "
               "describing itself speaks as we; a report speaks of others)",
    "profile_body": "a theme profile found the article body container",
    # the record extraction made of the page
    "rec_published": "extraction found a publication date",
    "rec_dateline": "extraction found a printed date line under the headline",
    "rec_authors": "extraction found authors",
    "headline_words": "words in the headline (capped at 20)",
    "headline_repeats": "log of the times the body repeats the headline: a headline is a sentence "
                        "its story does not repeat; a page named for a service or product is",
    # what the page talks about
    "self_mentions": "log of the times the paragraphs and subheadings name the site or the page "
                     "itself (og:site_name, the title's two ends): a page about a business, "
                     "product or service names it again and again; a report names others",
}


def _log(value: float) -> float:
    return math.log1p(max(value, 0.0))


def _share(part: float, whole: float) -> float:
    return min(part / whole, 1.0) if whole > 0 else 0.0


def _chars(element: HtmlElement) -> int:
    return text_size("".join(element.text_content().split()))


# comments, processing instructions and entities: their own text is no page text (their tails are)
_NOT_ELEMENTS = (etree._Comment, etree._ProcessingInstruction, etree._Entity)


def text_lengths(root: HtmlElement) -> dict[HtmlElement, int]:
    """Every element's text length (no whitespace), all in one pass from the leaves up, so that
    measuring many nested blocks costs no more than reading the page's text once."""
    lengths: dict[HtmlElement, int] = {}
    # most texts and tails between tags are indentation only: isspace tells that without a split
    # (written out, not as a function: it runs for every node of the page)
    for element in reversed(list(root.iter())):
        text = None if isinstance(element, _NOT_ELEMENTS) else element.text
        n = text_size("".join(text.split())) if text and not text.isspace() else 0
        if len(element):  # a leaf needs no iterator over its children
            for child in element:
                tail = child.tail
                n += lengths[child]  # a child comes before its parent
                if tail and not tail.isspace():
                    n += text_size("".join(tail.split()))
        lengths[element] = n
    return lengths


# --- metadata and URL -----------------------------------------------------------------------


_ITEMTYPES = etree.XPath("//@itemtype", smart_strings=False)


def metadata_features(meta: PageMetadata, tree: HtmlElement) -> dict[str, float]:
    """What the page declares about itself."""
    types: set[str] = set()
    for node in meta.jsonld_nodes:
        types |= _types(node)
    og_type = (meta.get("og:type") or "").lower()
    published = bool(meta.get("article:published_time", "datepublished", "date", "dc.date",
                               "pubdate", "publishdate"))
    published = published or any(node.get("datePublished") for node in meta.jsonld_nodes
                                  if _types(node) & ARTICLE_TYPES)
    author = bool(meta.get("author", "article:author", "dc.creator", "parsely-author"))
    author = author or bool(meta.jsonld_article and meta.jsonld_article.get("author"))
    itemtypes = " ".join(_ITEMTYPES(tree))
    features = {
        "ld_article": float(meta.jsonld_article is not None),
        "og_article": float(og_type in ("article", "news", "newsarticle")),
        "og_other": float(bool(og_type) and og_type not in ("article", "news", "newsarticle")),
        "ld_product": float(bool(types & PRODUCT_TYPES) or og_type.startswith("product")
                            or bool(meta.get("product:price:amount", "og:price:amount"))),
        "ld_listing": float(bool(types & LISTING_TYPES)),
        "ld_forum": float(bool(types & FORUM_TYPES)),
        "ld_service": float(bool(types & SERVICE_TYPES)),
        "ld_any": float(bool(meta.jsonld_nodes)),
        "meta_published": float(published),
        "meta_author": float(author),
    }
    for name, pattern in _MICRODATA.items():
        features[name] = float(bool(pattern.search(itemtypes)))
    return features


# a class of <html> or <body> that names the page an error page: WordPress's "error404", and the
# same words other themes and CMSs use ("error-404", "page-404", "not-found", "error-page")
_ERROR_PAGE_CLASS = re.compile(r"(?:^|\s)(?:error-?404|page-?404|404-?page|not-?found|error-?page)(?:$|\s)")


# a notice that the page was not found, as a title or an h1 prints it: "Page not found | Site",
# nginx's and Apache's "404 Not Found", "404 - Page not found", "Seite nicht gefunden – Site"
_NOT_FOUND_TITLE = re.compile(
    r"(?:oops\W* )?(?:(?:error )?404(?: error)?(?: (?:page )?not found)?|(?:page |file )?not found|"
    r"nothing found|seite nicht gefunden|página no encontrada|página não encontrada|"
    r"page (?:non trouvée|introuvable)|pagina non trovata|pagina niet gevonden|"
    r"strona nie została znaleziona|страница не найдена|ページが見つかりません|页面不存在|找不到页面)"
)
# a title's parts: at its marks or a colon between spaces, or at a bar, a dash or a middle dot
# with or without them
_TITLE_PARTS = re.compile(rf"\s[{re.escape(TITLE_MARKS)}:]\s|\s?[|–—·]\s?")


def _names_headline(node: dict, headline: str) -> bool:
    """Whether an event's name or a job's title is the page's headline, or holds it (an event
    page's heading may shorten its name); an article about an event has a headline of its own."""
    name = plain_words(str(node.get("name") or node.get("title") or ""))
    return bool(name and headline) and headline in name


def declares_other_kind(meta: PageMetadata, headline: str | None) -> str | None:
    """The kind of thing a page's JSON-LD declares it is about when that is an event or a job
    opening named by the page's headline, and it declares no article (an events calendar's or a
    careers site's page, whatever its og:type says site-wide; an upcoming-events widget beside a
    story names other events): the type's name, else None."""
    if meta.jsonld_article is not None:
        return None
    plain = plain_words(headline or "")
    kinds = {kind for node in meta.jsonld_nodes if _names_headline(node, plain) for kind in _types(node)}
    return next((kind for kind in sorted(kinds) if kind == "jobposting" or kind.endswith("event")), None)


def declares_error_page(tree: HtmlElement, meta: PageMetadata, url: str | None) -> bool:
    """Whether the page's own markup says it is an error page (a "page not found" answered with
    200: a soft 404): a class of its <html> or <body>; a title that is a not-found notice beside
    nothing but a name ("Page not found | Site"; not "Error 404 – The web is forgetting itself",
    an article's), on a page whose metadata declares no article; an h1 that is the notice alone
    ("404 - Page not found")."""
    body = tree.find("body")
    classes = f"{tree.get('class') or ''} {body.get('class') or '' if body is not None else ''}"
    if _ERROR_PAGE_CLASS.search(classes.lower()):
        return True
    title = tree.find("head/title")
    parts = _notice_parts(title.text_content() if title is not None else "")
    if any(is_notice for _, is_notice in parts) and not meta.jsonld_article and \
            all(is_notice or len(part.split()) <= MAX_NAME_WORDS or names_site(part, meta, url)
                for part, is_notice in parts):
        return True
    for heading in tree.iter("h1"):
        parts = _notice_parts(heading.text_content())
        if parts and all(is_notice for _, is_notice in parts):
            return True
    return False


def _notice_parts(text: str) -> list[tuple[str, bool]]:
    """The parts of a title or heading (split at " | ", " - "...), each with whether it is a
    not-found notice."""
    text = " ".join(text.split()).lower()
    if not text or len(text) > 200:
        return []
    parts = [part.strip(" !.") for part in _TITLE_PARTS.split(text)]
    return [(part, bool(_NOT_FOUND_TITLE.fullmatch(part))) for part in parts if part]


def url_features(url: str) -> dict[str, float]:
    """The shape of the page's address."""
    parts = urlsplit(url)
    # read as the characters it spells: a crawl sees /%D0%B2%D1%8B... where a link showed /вы...
    path = unquote(parts.path) or "/"
    segments = [s for s in path.lower().split("/") if s]
    words = [len([w for w in _WORD_SPLIT.split(s) if w.isalpha()]) for s in segments]
    features = {
        "url_date": float(bool(_URL_DATE.search(path))),
        "url_root": float(not segments or segments in (["index.html"], ["index.php"])),
        "url_depth": float(min(len(segments), 8)),
        "url_slug_words": float(min(max(words, default=0), 20)),
        "url_number_end": float(bool(_URL_NUMBER_END.search(path))),
        "url_query": float(bool(_URL_LISTING_QUERY.search(parts.query))),
    }
    # a segment names what it names with or without a file extension (story.php, news.html)
    names = [s.rsplit(".", 1)[0] for s in segments]
    for name, vocabulary in _URL_WORDS.items():
        features[name] = float(any(s in vocabulary for s in names))
    # a path that ends with a section's name is that section's index page (/news, /blog/); an
    # index file stands for its folder (/2024/05/01/politics/story-slug/index.html), an AMP
    # version for its page (/story-slug/amp/)
    while len(names) > 1 and names[-1] in _INDEX_FILES:
        names.pop()
    last = names[-1] if names else ""
    features["url_section_end"] = float(last in _SECTION_WORDS)
    features["url_word_end"] = float(last.isalpha())
    if _named_by_query(segments, features, parts.query):
        for name in PATH_SHAPE:
            del features[name]
    return features


def _named_by_query(segments: list[str], features: dict[str, float], query: str) -> bool:
    """Whether the page is named by an id in its query, not by its path: the path ends at the
    root or at a script (/?p=123, /index.php?id=5, /news/article.php?id=9: CMS defaults) and
    has no slug, date or number. That shape is no sign of a front or section page, so it says
    nothing and is left out (the model gives a missing feature no weight either way)."""
    if segments and "." not in segments[-1]:
        return False
    names = [s.rsplit(".", 1)[0] for s in segments]  # a script's extension is no word of a slug
    slug = max((len([w for w in _WORD_SPLIT.split(n) if w.isalpha()]) for n in names), default=0)
    names_page = slug >= 2 or features["url_date"] or features["url_number_end"]
    return not names_page and bool(_URL_QUERY_ID.search(query))


# --- structure ------------------------------------------------------------------------------

_SUBHEADING_TAGS = ("h2", "h3", "h4", "h5", "h6")
# the tags whose elements structure_features reads, gathered in one walk of the tree (an XPath
# or a findall for each walked the whole tree again)
_TAGS = ("a", "h1", *_SUBHEADING_TAGS, "p", "li", "pre", "code", "input", "select", "button",
         "textarea", "article", "time", "td", "img")
_SELF_TAGS = frozenset({"p", *_SUBHEADING_TAGS})  # the text self_mentions reads
_PROSE_AFTER = etree.XPath("following::p[position() <= 40]")
_CLASS_VALUES = etree.XPath("//body//@class", smart_strings=False)  # ids are unique: not read
_BUTTON_CLASSES = etree.XPath("//body//a/@class | //body//button/@class", smart_strings=False)
_NAMES = etree.XPath("//body//@name", smart_strings=False)
# the same count as //body//*[@itemprop='price'] in half the time: only the attributes are tested
_PRICE_PROPS = etree.XPath("count(//body//*/@itemprop[.='price'])")


def _by_tag(tree: HtmlElement) -> tuple[dict[str, list[HtmlElement]], list[HtmlElement]]:
    """The elements of each of _TAGS, and the paragraphs and subheadings together (self_mentions
    joins their text in page order), all in document order from one walk."""
    found: dict[str, list[HtmlElement]] = {tag: [] for tag in _TAGS}
    prose: list[HtmlElement] = []
    for element in tree.iter(*_TAGS):
        tag = element.tag
        found[tag].append(element)
        if tag in _SELF_TAGS:
            prose.append(element)
    return found, prose


def _outermost(elements: list[HtmlElement], tag: str) -> list[HtmlElement]:
    """The elements that are not inside another `tag` element (a nested list item is counted
    with its outer one)."""
    return [e for e in elements if next(e.iterancestors(tag), None) is None]


def _prose_flow(nodes: list[HtmlElement], chars: list[int]) -> tuple[int, int]:
    """The parent holding the most paragraph text (80+ characters each): its characters and
    paragraphs. A story runs as one flow of paragraphs; a service page spreads short copy over
    many sections."""
    by_parent: dict[HtmlElement, list[int]] = {}
    for node, n in zip(nodes, chars, strict=True):
        parent = node.getparent() if n >= 80 else None
        if parent is not None:
            entry = by_parent.setdefault(parent, [0, 0])
            entry[0] += n
            entry[1] += 1
    best = max(by_parent.values(), default=[0, 0])
    return best[0], best[1]


def _shares(hrefs: list[str]) -> bool:
    """Whether a link goes to a share endpoint. The case-blind scan of _SHARE_HREF's many
    alternatives at every position is slow, and most pages' links hold none of its words: a
    search for those (lower-cased) rules them out first. Only for ASCII links: a case-blind
    match lets a few other letters stand for i, k and s (U+0130, U+0131, U+017F, U+212A), and
    no pattern matches across a line break, so the joined links match where one of them does."""
    joined = "\n".join(hrefs)
    if joined.isascii():
        lowered = joined.lower()
        if not any(hint in lowered for hint in _SHARE_HINTS):
            return False
    return _SHARE_HREF.search(joined) is not None


def _heading_linked(heading: HtmlElement) -> bool:
    """Whether a heading holds a link or is inside one (a teaser's title)."""
    return (next(heading.iterdescendants("a"), None) is not None
            or next(heading.iterancestors("a"), None) is not None)


def _holders(tree: HtmlElement, tags: tuple[str, ...], *, itself: bool) -> set[HtmlElement]:
    """The elements that hold one of `tags` below them (and, with `itself`, those elements
    too): one walk up from each, stopping where an earlier walk passed (linear in the page)."""
    held: set[HtmlElement] = set()
    for node in tree.iter(tags):
        if itself:
            held.add(node)
        for ancestor in node.iterancestors():
            if ancestor in held:
                break
            held.add(ancestor)
    return held


_HAS_DIGIT = re.compile(r"\d")


@functools.lru_cache(maxsize=4096)
def _class_kind(classes: str) -> str:
    """A class string without the words that number an element ("post-48213", "item-3"): blocks
    of one kind that a template numbers one by one are still alike. Cached: a page's blocks
    (and a site's pages) repeat the same few class strings."""
    return " ".join(w for w in classes.split() if not _HAS_DIGIT.search(w))


def _repeats(tree: HtmlElement, lengths: dict[HtmlElement, int]) -> tuple[int, int, int, int]:
    """The largest runs of like sibling blocks: (teasers, dated, long-text), and the characters
    of text inside the largest teaser run (a listing's prose is in its teasers).

    A teaser links somewhere under a heading or a picture (a teaser of another page); a dated
    block is or holds a time element."""
    # a teaser block holds a link and a heading or picture (or is the link)
    teaser_like = _holders(tree, ("a",), itself=True) & _holders(tree, ("img", "h2", "h3", "h4", "h5"),
                                                                 itself=False)
    timed = _holders(tree, ("time",), itself=True)
    teasers = dated = long_text = teaser_chars = 0
    for parent in tree.iter():
        if len(parent) < 3:
            continue
        groups: dict[tuple[str, str], list[HtmlElement]] = defaultdict(list)
        for child in parent.iterchildren(etree.Element):  # no comments
            groups[(child.tag, _class_kind(child.get("class") or ""))].append(child)
        for items in groups.values():
            n = len(items)
            if n < 3:
                continue
            chars = [lengths.get(e, 0) for e in items]
            # siblings are distinct: the intersection counts the items in the set, in C
            if len(teaser_like.intersection(items)) * 2 > n:
                teasers = max(teasers, n)
                teaser_chars = max(teaser_chars, sum(chars))
            if len(timed.intersection(items)) * 2 > n:
                dated = max(dated, n)
            if parent.tag != "body" and sum(1 for c in chars if c >= 200) * 2 > n:
                long_text = max(long_text, n)
    return teasers, dated, long_text, teaser_chars


_CLASS_KINDS = tuple(_CLASS_WORDS.groupindex)  # comment, post, author, price, cart, cta


# every alternative of _CLASS_WORDS holds one of these words, and nine class strings in ten hold
# none: one search for them rules a string out faster than the scan for _CLASS_WORDS
_CLASS_HINTS = re.compile("comment|repl|post|message|answer|author|byline|price|cart|bag|basket"
                          "|checkout|btn|button|cta")


def _class_mask(words: str) -> int:
    """The kinds of block a class or id string names, as bits (1 << group index - 1)."""
    words = words.lower()
    mask = 0
    if _CLASS_HINTS.search(words):
        for match in _CLASS_WORDS.finditer(words):
            mask |= 1 << (match.lastindex - 1)
    return mask


def _masks(values: list[str], seen: dict[str, int]) -> list[tuple[int, int]]:
    """The kind bits of each distinct class or id string, with the times it occurs (a page
    repeats its class strings: each is scanned once, `seen` keeps the scans)."""
    out = []
    for words, times in Counter(values).items():
        mask = seen.get(words)
        if mask is None:
            mask = seen[words] = _class_mask(words)
        out.append((mask, times))
    return out


def _class_counts(tree: HtmlElement) -> dict[str, int]:
    """Class strings per kind of block word, read as attribute strings (no element is
    visited in Python)."""
    seen: dict[str, int] = {}
    counts = dict.fromkeys(_CLASS_KINDS, 0)
    for mask, times in _masks(_CLASS_VALUES(tree), seen):
        if mask:
            for index, kind in enumerate(_CLASS_KINDS):
                if mask >> index & 1:
                    counts[kind] += times
    cta_bit = 1 << _CLASS_KINDS.index("cta")
    counts["cta"] = sum(times for mask, times in _masks(_BUTTON_CLASSES(tree), seen) if mask & cta_bit)
    counts["price"] += int(_PRICE_PROPS(tree))
    # a form field named for the cart (add-to-cart buttons often carry no class at all)
    counts["cart"] += sum(1 for name in _NAMES(tree) if _CART_ATTR.search(name))
    return counts


def structure_features(tree: HtmlElement) -> tuple[dict[str, float], frozenset[str],
                                                  list[HtmlElement]]:
    """How the page is built: links, headings, prose, repeated blocks, forms, code; the texts of
    its longer links (to tell a body made of link titles); and its paragraphs and subheadings in
    document order (for self_mentions)."""
    body = tree.find("body")
    root = body if body is not None else tree
    text = root.text_content()
    lengths = text_lengths(root)
    found, prose = _by_tag(tree)

    def size(element: HtmlElement) -> int:
        known = lengths.get(element)
        return known if known is not None else _chars(element)

    total = max(size(root), 1)
    anchors = found["a"]
    anchor_sizes = [size(a) for a in anchors]
    link_chars = sum(anchor_sizes)
    link_texts = [" ".join(a.text_content().split())
                  for a, n in zip(anchors, anchor_sizes, strict=True) if n >= MIN_LINK_LINE - 5]
    # a page links to the same addresses many times (menus, teasers): each is matched once
    hrefs = Counter(a.get("href") or "" for a in anchors)
    rels = [a.get("rel") for a in anchors]
    headings = sum(len(found[tag]) for tag in _SUBHEADING_TAGS)
    linked_headings = found["h2"] + found["h3"] + found["h4"]
    paragraph_nodes = found["p"]
    paragraphs = [size(p) for p in paragraph_nodes]
    flow_chars, flow_count = _prose_flow(paragraph_nodes, paragraphs)
    h1s = found["h1"]
    prose_after = 0
    h1_in_article = 0.0
    if h1s:
        prose_after = sum(n for n in (size(p) for p in _PROSE_AFTER(h1s[0])) if n >= 80)
        h1_in_article = float(any(a.tag in ("article", "main") for a in h1s[0].iterancestors()))
    code = found["pre"] + _outermost(found["code"], "pre")
    fields = [e for e in found["input"] if e.get("type") != "hidden"] + found["select"]
    classes = _class_counts(tree)
    teasers, dated, long_text, teaser_chars = _repeats(root, lengths)
    # buttons only: a link that adds to a cart is classed so (counted with the class words)
    cart_text = any(_CART_TEXT.search(" ".join(e.text_content().split()) or e.get("value") or "")
                    for e in found["button"] + found["input"])
    values = {
        "text_chars": _log(total),
        "link_share": _share(link_chars, total),
        "links_per_kchar": min(len(anchors) * 1000 / total, 100.0),
        "h1_count": float(min(len(h1s), 3)),
        "headings_per_kchar": min(headings * 1000 / total, 50.0),
        "linked_heading_share": _share(sum(1 for h in linked_headings if _heading_linked(h)),
                                       len(linked_headings)),
        "long_paragraphs": _log(sum(1 for n in paragraphs if n >= 150)),
        "prose_share": _share(sum(n for n in paragraphs if n >= 80), total),
        "flow_share": _share(flow_chars, total),
        "flow_paragraphs": _log(flow_count),
        "prose_after_h1": _log(prose_after),
        "h1_in_article": h1_in_article,
        "article_elements": float(min(len(found["article"]), 10)),
        "time_elements": _log(len(found["time"])),
        "teaser_repeats": _log(teasers),
        "teaser_text_share": _share(teaser_chars, total),
        "dated_repeats": _log(dated),
        "long_repeats": _log(long_text),
        "comment_nodes": _log(classes["comment"]),
        "post_nodes": _log(classes["post"]),
        "user_links": _log(sum(n for h, n in hrefs.items() if _USER_HREF.search(h))),
        "phone_links": _log(sum(n for h, n in hrefs.items() if h[:4].lower() == "tel:")),
        "author_nodes": _log(classes["author"] + rels.count("author")),
        "share_links": float(_shares(list(hrefs))),
        "pager": float(sum(n for h, n in hrefs.items() if _PAGER_HREF.search(h)) >= 2
                       or "next" in rels),
        "price_text": _log(sum(text.count(sign) for sign in _CURRENCY)),
        "price_nodes": _log(classes["price"]),
        "cart": float(cart_text or classes["cart"] > 0),
        "quantity_input": float(any(_QUANTITY.search(f.get("name") or "") for f in fields)),
        "form_fields": _log(len(fields)),
        "textareas": float(bool(found["textarea"])),
        "buttons": _log(len(found["button"])),
        "cta_links": _log(classes["cta"]),
        "code_blocks": _log(len(code)),
        "code_share": _share(sum(size(c) for c in code), total),
        "list_share": _share(sum(size(li) for li in _outermost(found["li"], "li")), total),
        "table_cells": _log(len(found["td"])),
        "images": _log(len(found["img"])),
        "_text_chars": float(total),  # for body_share; not a model feature
    }
    return values, frozenset(t for t in link_texts if len(t) >= MIN_LINK_LINE), prose


def self_names(meta: PageMetadata) -> list[str]:
    """The names the site and the page go by, lower-cased: og:site_name or application-name,
    and both ends of a title cut by a separator ("Page | Site", "Site - Page"). Not
    headline.site_names: that one finds the site's name to cut it from a title (host names and
    JSON-LD organisations included); this one counts how often the page names itself, and a
    page about one service or product names it in its title, not in its site's metadata."""
    names = [meta.get("og:site_name", "application-name") or ""]
    parts = TITLE_OR_LABEL_SEPARATOR.split(" ".join((meta.title or "").split()))
    if len(parts) > 1:  # "Page | Site" or "Site | Page": both ends are names
        names += [parts[0], parts[-1]]
    return [n.strip().lower() for n in names if 3 <= len(n.strip()) <= 40]


def self_mentions(prose: list[HtmlElement], meta: PageMetadata) -> float:
    """How often the page's paragraphs and subheadings (`prose`, in document order) name the
    site or the page itself (the most named of its names; a headline is a sentence that its
    story does not repeat)."""
    names = self_names(meta)
    if not names:
        return 0.0
    text = " ".join(e.text_content() for e in prose).lower()
    return _log(max(text.count(name) for name in names))


def page_features(tree: HtmlElement, meta: PageMetadata,
                  url: str) -> tuple[dict[str, float], frozenset[str]]:
    """Every feature that the tree, metadata and URL give (read before any pruning), and the
    texts of the page's longer links."""
    structure, link_texts, prose = structure_features(tree)
    return {**metadata_features(meta, tree), **url_features(url), **structure,
            "self_mentions": self_mentions(prose, meta)}, link_texts


def _we_rate(words: list[str]) -> float:
    """Uses of "we" and "our" per 100 words of the body (its words split at whitespace; capped
    at 10). Each distinct word is judged once: a body repeats most of its words."""
    if not words:
        return 0.0
    we = 0
    for word, times in Counter(words).items():
        w = word.strip(".,;:!?()\"'“”‘’«»")
        if w in _WE_WORDS or (w[:1].isupper() and not w.isupper() and w.lower() in _WE_WORDS):
            we += times
    return min(we * 100 / len(words), 10.0)


def _repeats_of(headline: str, words: list[str]) -> float:
    """How often the body (its words split at whitespace) repeats the headline (case aside), as
    log."""
    name = " ".join(headline.split()).lower()
    if not 3 <= len(name) <= 60:
        return 0.0
    return _log(" ".join(words).lower().count(name))


def _digits(words: list[str]) -> int:
    """The characters of the words (a text split at whitespace) that are digits (str.isdigit)."""
    # a word of letters alone holds no digit (no character is both), and most words are that:
    # only the others are read character by character
    rest = "".join(filterfalse(str.isalpha, words))
    if rest.isascii():  # then only 0-9 are digits, and ten counts run in C
        return sum(rest.count(digit) for digit in "0123456789")
    return sum(map(str.isdigit, rest))


def _line_stats(lines: list[str], link_texts: frozenset[str]) -> tuple[int, int, int, int, int]:
    """In one pass over the body's lines (whitespace collapsed): their characters, those of
    lines of 100+ characters, those of lines that are a link's text, the lines under 40
    characters and those that end like a sentence."""
    chars = prose = linked = short = sentences = 0
    for line in lines:
        n = text_size(line)
        chars += n
        if n >= 100:
            prose += n
        if n < 40:
            short += 1
        if n >= MIN_LINK_LINE and line in link_texts:
            linked += n
        if line.endswith(_SENTENCE_END):  # no trailing space: whitespace was collapsed
            sentences += 1
    return chars, prose, linked, short, sentences


# the record features read from the body text, unknown until the body is extracted
BODY_FEATURES = frozenset({"body_chars", "body_share", "body_prose_share", "body_short_lines",
                           "body_sentence_lines", "body_link_lines", "body_mean_line",
                           "body_digit_share", "body_we", "headline_repeats"})


def record_features(record: Article, page: dict[str, float], profile_body: bool,
                    link_texts: frozenset[str] = frozenset()) -> dict[str, float]:
    """The page's features completed with those of the record extraction made of it."""
    body = record.body or ""
    words = body.split()
    lines = [" ".join(parts) for parts in map(str.split, body.splitlines()) if parts]
    chars, prose, linked, short, sentences = _line_stats(lines, link_texts)
    compact = text_size("".join(words))  # the body's characters less its whitespace
    return {
        **{k: v for k, v in page.items() if not k.startswith("_")},
        "body_chars": _log(compact),
        "body_share": _share(compact, page.get("_text_chars", 0.0)),
        "body_prose_share": _share(prose, chars),
        "body_short_lines": _share(short, len(lines)),
        "body_sentence_lines": _share(sentences, len(lines)),
        "body_link_lines": _share(linked, chars),
        "body_mean_line": _log(chars / len(lines)) if lines else 0.0,
        "body_digit_share": _share(_digits(words), max(chars, 1)),
        "body_we": _we_rate(words),
        "profile_body": float(profile_body),
        "rec_published": float(bool(record.published)),
        "rec_dateline": float(bool(record.dateline)),
        "rec_authors": float(bool(record.authors)),
        "headline_words": float(min(word_count(record.headline or ""), 20)),
        "headline_repeats": _repeats_of(record.headline or "", words),
    }
