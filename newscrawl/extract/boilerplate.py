"""Generic boilerplate removal by markup, for pages no profile describes.

Blocks whose class or id names them as share bars, related links, newsletter boxes, comment
sections and the like are removed before the body is extracted; so are media figures with
their captions and embedded social posts. A block that holds prose (a long paragraph, or
several paragraphs) or the headline is never removed, whatever its class says.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement


def _marks(words: str) -> str:
    """A regex for these words as whole parts of a class or id ("post-related", "share_bar")."""
    return rf"(?:^|[-_\s])(?:{words})(?:$|[-_\s])"


_BOILERPLATE_WORDS = (
    r"share|sharing|social|related|recommend\w*|promo\w*|newsletter|subscribe|"
    r"subscription|signup|reprints?|print|copyright|advert\w*|ads?|sponsor\w*|outbrain|taboola|"
    r"trending|popular|most-?read|more-?stories|read-?more|read-?next|also-?read|breadcrumbs?|"
    r"comments?|author-?bio|toolbar|tags|tag-?list|topics"
)
# blocks whose class says they hold other pages' teasers, comments or the author's bio:
# their paragraphs are prose, but never this article's (the class alone, not the id:
# ids are often slugs of the article's own headings)
_FOREIGN_PROSE_WORDS = (
    r"related|recommend\w*|comments?|author-?bio|author-?box|about-?(?:the-?)?author|"
    r"author-?info|author-?card|saboxplugin\w*|read-?next|more-?stories|most-?read|also-?read|copyright|"
    r"outbrain|taboola|trending|popular"
)
# a page's own aids beside the text, short by nature: a table of contents, "recent posts" and
# "you may also like" lists, donation boxes (by class only: ids are often heading slugs, "toc_faq")
_ASIDE_WORDS = (
    r"toc|table-?of-?contents?|table-?contents?|donat\w*|"
    r"recent-?(?:posts?|articles?|news|stories|entries|blogs?)|latest-?(?:posts?|articles?|news|stories|blogs?)|"
    r"more-?from\w*|you-?may-?also\w*|also-?like"
)
# a short notice beside the text: an advertiser disclosure, a legal or medical disclaimer
_NOTICE_WORDS = r"disclaimer|disclosure"
# overlays (modal dialogs, pop-ups: consent, sign-up and contact forms) are never the article,
# but only a block is one: a link or a span classed "popup" opens one from the running text
_OVERLAY_WORDS = r"modal|popup|pop-up"
_BOILERPLATE_MARKS = re.compile(_marks(_BOILERPLATE_WORDS), re.IGNORECASE)
_FOREIGN_PROSE_MARKS = re.compile(_marks(_FOREIGN_PROSE_WORDS), re.IGNORECASE)
_ASIDE_MARKS = re.compile(_marks(_ASIDE_WORDS), re.IGNORECASE)
_NOTICE_MARKS = re.compile(_marks(_NOTICE_WORDS), re.IGNORECASE)
_OVERLAY_MARKS = re.compile(_marks(_OVERLAY_WORDS), re.IGNORECASE)
# any of them: one search rules out the many classes that name none (this runs per element; on
# lower-cased text, as a case-sensitive search is three times faster than an IGNORECASE one)
_ANY_MARK = re.compile(_marks("|".join((_BOILERPLATE_WORDS, _FOREIGN_PROSE_WORDS, _ASIDE_WORDS, _NOTICE_WORDS,
                                        _OVERLAY_WORDS))))
_OVERLAY_TAGS = frozenset({"div", "section", "aside", "form"})
_CANDIDATE_TAGS = ("div", "section", "aside", "ul", "ol", "p", "span", "nav", "footer", "form", "a")
# a link wrapping paragraphs or headings is a teaser card for another page, never article text
_TEASER_CARDS = etree.XPath("//a[@href][.//p or .//h2 or .//h3 or .//h4 or .//h5]")
_KEEP_TAGS = {"html", "body", "article", "main"}
# a figure that only frames a picture or a video (never a table in a figure), then captions
_FIGURES = etree.XPath(
    "//figure[(.//img or .//picture or .//video or .//iframe or .//svg) and not(.//table)"
    " and string-length(normalize-space(.)) < 400]"
)
_CAPTIONS = etree.XPath("//figcaption")
_EMBEDS = etree.XPath(
    "//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media')"
    " or contains(@class, 'tiktok-embed') or contains(@class, 'embed')]"
)
# inline markup a prose list item may hold; an item holding blocks (cards, pictures) is no prose
_INLINE_TAGS = frozenset({"a", "b", "strong", "i", "em", "u", "span", "br", "sup", "sub", "code", "mark",
                          "small", "abbr", "cite", "q", "s", "time", "font", "kbd", "var", "del", "ins"})
_PROSE_NEIGHBOURS = frozenset({"p", "h2", "h3", "h4", "h5", "h6"})
MAX_LIST_LINK_SHARE = 0.5
MIN_LIST_CHARS = 40
LONG_PARAGRAPH = 200
MAX_CARD_CHARS = 2000
MAX_CARD_PARAGRAPHS = 2
PROSE_CHARS = 400
MAX_ASIDE_CHARS = 600


def holds_prose(element: HtmlElement) -> bool:
    """Whether a block holds article prose: one long paragraph or a few shorter ones."""
    total = 0
    for paragraph in element.iter("p"):
        length = len(paragraph.text_content())
        if length > LONG_PARAGRAPH:
            return True
        total += length
        if total > PROSE_CHARS:
            return True
    return False


def is_short(element: HtmlElement) -> bool:
    """Whether a block holds little text: an aid beside the article, never a wrapper of it."""
    return len(element.text_content()) <= MAX_ASIDE_CHARS


def drop(element: HtmlElement) -> None:
    """Remove an element, keeping its tail text in the document."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def prune_boilerplate(tree: HtmlElement) -> int:
    """Remove blocks marked as boilerplate by their class or id; returns how many."""
    found = []
    lists: list[HtmlElement] = []
    for element in tree.iter(*_CANDIDATE_TAGS):
        if element.tag in _KEEP_TAGS:
            continue
        if element.tag in ("ul", "ol"):
            lists.append(element)
        cls = element.get("class") or ""
        marks = f"{cls} {element.get('id') or ''}"
        if marks == " " or not _ANY_MARK.search(marks.lower()):
            continue
        overlay = element.tag in _OVERLAY_TAGS and _OVERLAY_MARKS.search(cls)
        foreign = _FOREIGN_PROSE_MARKS.search(cls)  # its prose is other pages': dropped all the same
        aside = (_ASIDE_MARKS.search(cls) or _NOTICE_MARKS.search(cls)) and is_short(element)
        if not (overlay or aside or _BOILERPLATE_MARKS.search(marks) or _FOREIGN_PROSE_MARKS.search(marks)):
            continue
        if next(element.iter("h1"), None) is not None:
            continue
        if holds_prose(element) and not overlay and not foreign:
            continue
        found.append(element)
    # (one holding several paragraphs may be an unclosed <a> that swallowed the article: kept)
    found.extend(card for card in _TEASER_CARDS(tree)
                 if len(card.findall(".//p")) <= MAX_CARD_PARAGRAPHS and len(card.text_content()) < MAX_CARD_CHARS)
    for element in found:
        drop(element)
    for element in lists:
        if element.getparent() is not None and is_prose_list(element):
            as_paragraphs(element)
    return len(found)


def is_prose_list(element: HtmlElement) -> bool:
    """A list that is part of the running text: it sits next to a paragraph or a subheading,
    its items hold only inline text (no cards, no pictures), and little of it is links."""
    neighbours = [element.getprevious(), element.getnext()]
    parent = element.getparent()
    if parent is not None and parent.tag == "div" and not any(n is not None for n in neighbours):
        # a list alone in its wrapper: the wrapper's neighbours tell
        neighbours = [parent.getprevious(), parent.getnext()]
    if not any(n is not None and n.tag in _PROSE_NEIGHBOURS for n in neighbours):
        return False
    items = 0
    for item in element:
        if not isinstance(item.tag, str):
            continue
        if item.tag != "li" or any(isinstance(c.tag, str) and c.tag not in _INLINE_TAGS for c in item.iter()
                                   if c is not item):
            return False
        items += 1
    if not items:
        return False
    text = len(" ".join(element.text_content().split()))
    links = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
    return text >= MIN_LIST_CHARS and links <= MAX_LIST_LINK_SHARE * text


def as_paragraphs(element: HtmlElement) -> None:
    """A prose list as one paragraph per item: trafilatura's fallback for pages without an
    article container collects paragraphs and leaves lists out, losing the list's text."""
    element.tag = "div"
    for item in element:
        if isinstance(item.tag, str):
            item.tag = "p"


def drop_media(tree: HtmlElement) -> int:
    """Remove pictures with their captions, and embedded social posts."""
    removed = 0
    for xpath in (_FIGURES, _CAPTIONS, _EMBEDS):
        for element in xpath(tree):
            if element.getparent() is not None:
                element.drop_tree()  # the tail, whitespace included, stays where it was
                removed += 1
    return removed
