"""Generic boilerplate removal by markup, for pages no profile describes.

Blocks whose class or id names them as share bars, related links, newsletter boxes, comment
sections and the like are removed before the body is extracted; so are media figures with
their captions and embedded social posts. A block that holds prose (a long paragraph, or
several paragraphs) or the headline is never removed, whatever its class says.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from lxml import etree
from lxml.html import HtmlElement

from newscrawl.extract.lines import BLOCK_TAGS
from newscrawl.extract.rules import enabled
from newscrawl.extract.vocabulary import (
    ANY_BLOCK_MARK,
    ASIDE,
    CHROME,
    CONSENT,
    EMBED_CLASS_WORDS,
    FOREIGN_PROSE,
    HIDDEN_STYLE,
    OVERLAY,
    holds_prose,
    prose_chars,
)

_OVERLAY_TAGS = frozenset({"div", "section", "aside", "form"})
_CANDIDATE_TAGS = ("div", "section", "aside", "ul", "ol", "p", "span", "nav", "footer", "form", "a", "dialog")
# a link wrapping paragraphs or headings is a teaser card for another page, never article text
# (found from the blocks up: pages have fewer of them than links)
_TEASER_CARDS = etree.XPath("(//p | //h2 | //h3 | //h4 | //h5)/ancestor::a[@href]")
_KEEP_TAGS = {"html", "body", "article", "main"}
# blocks a plugin adds inside a theme's body container (the tags trafilatura's class rules judge)
_CONTAINER_BLOCKS = ("div", "p", "section", "span", "ul", "ol", "li")
# a form's field for an email address: a sign-up or contact box's
_EMAIL_FIELDS = etree.XPath(".//input[@type='email']")
# the words of pitch around such a form (a heading, a line of promise, the small print)
MAX_SIGNUP_PITCH = 300
# a password field: on a page that declares itself not free, the login or registration wall's
_PASSWORD_FIELDS = etree.XPath(".//input[@type='password']")
# the words around a wall's form: its heading, its pitch, the offer's benefits
MAX_WALL_PITCH = 800
# a figure that only frames a picture or a video (never a table in a figure), then captions
_FIGURES = etree.XPath(
    "//figure[(.//img or .//picture or .//video or .//iframe or .//svg) and not(.//table)"
    " and string-length(normalize-space(.)) < 400]"
)
_CAPTIONS = etree.XPath("//figcaption")
# another site's embedded post (a tweet's blockquote), by its embed code's class
_EMBEDS = etree.XPath(f"//blockquote[{' or '.join(f'contains(@class, {word!r})' for word in EMBED_CLASS_WORDS)}]")
# inline markup a prose list item may hold; an item holding blocks (cards, pictures) is no prose
_INLINE_TAGS = frozenset({"a", "b", "strong", "i", "em", "u", "span", "br", "sup", "sub", "code", "mark",
                          "small", "abbr", "cite", "q", "s", "time", "font", "kbd", "var", "del", "ins"})
_PROSE_NEIGHBOURS = frozenset({"p", "h2", "h3", "h4", "h5", "h6"})
MAX_LIST_LINK_SHARE = 0.5  # a prose list is mostly words, not links
MIN_LIST_CHARS = 40  # and says something
MAX_CARD_CHARS = 2000  # a teaser card is short: a link holding more swallowed the article
MAX_CARD_PARAGRAPHS = 2
MAX_ASIDE_CHARS = 600  # an aid beside the text is short; a longer block so classed wraps the text


def is_short(element: HtmlElement) -> bool:
    """Whether a block holds little text: an aid beside the article, never a wrapper of it."""
    return len(element.text_content()) <= MAX_ASIDE_CHARS


def drop(element: HtmlElement) -> None:
    """Remove an element, keeping its tail text in the document. A block parts the text on
    either side as a line does: "... a real story.<div>Ad</div>Sentence three" keeps two
    words apart, not "story.Sentence"."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        if element.tag in BLOCK_TAGS:
            tail = "\n" + tail
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def prune_boilerplate(tree: HtmlElement, headline: HtmlElement | None = None, *, gated: bool = False) -> int:
    """Remove blocks marked as boilerplate by their class or id; returns how many. A shown modal
    dialog that holds `headline` (the printed headline the page's metadata names) is the article
    as an overlay, and stays; a hidden one is a copy (a "republish this story" tool's). On a
    `gated` page, a login form's box is a wall (see `signup_boxes`)."""
    found = [element for element in tree.iter(*_CANDIDATE_TAGS) if _is_boilerplate(element)
             and not (headline is not None and _is_modal(element) and _holds(element, headline)
                      and _shown(element))]
    lists = list(tree.iter("ul", "ol"))
    # (one holding several paragraphs may be an unclosed <a> that swallowed the article: kept)
    cards = [card for card in _TEASER_CARDS(tree) if len(card.findall(".//p")) <= MAX_CARD_PARAGRAPHS
             and len(card.text_content()) < MAX_CARD_CHARS]
    if cards and enabled("teaser-cards"):
        found.extend(cards)
    found.extend(signup_boxes(tree, gated=gated))
    for element in found:
        drop(element)
    for element in lists:
        if element.getparent() is not None and is_prose_list(element) and enabled("prose-lists"):
            as_paragraphs(element)
    return len(found)


def prune_foreign_prose(container: HtmlElement) -> int:
    """Remove the blocks inside a theme's body container whose class names other pages'
    teasers, comments or the author's bio (rule theme-container-pruned); returns how many."""
    found = [element for element in container.iter(_CONTAINER_BLOCKS)
             if element is not container and (FOREIGN_PROSE.search((element.get("class") or "").lower())
                                              or (ASIDE.search((element.get("class") or "").lower())
                                                  and is_short(element) and enabled("short-aside-classes")))]
    found.extend(box for box in signup_boxes(container) if box is not container)
    for element in found:
        drop(element)
    return len(found)


def signup_boxes(tree: HtmlElement, *, gated: bool = False) -> list[HtmlElement]:
    """Blocks built around a small form that asks for an email address, with a few words of
    pitch ("The Signal, in your inbox"): sign-up and contact boxes, never the article, whatever
    their class says (rule sign-up-forms). A box is the form's largest ancestor whose words
    besides the form stay under MAX_SIGNUP_PITCH, below the article's own containers and never
    one that holds half the page's prose (a brief beside its own sign-up form is the article).
    A form that wraps more than a box's words (a whole page in ASP.NET's one form, an article
    inside a comment form) is no sign-up form: the box is then built around the field alone.
    On a `gated` page (its article declares itself not free to read), a form that asks for a
    password is the wall's: its box may hold up to MAX_WALL_PITCH of pitch, and the page's
    prose, which the wall out-writes, is no measure of it (elsewhere a login form beside a brief,
    "log in to comment", is a field of the brief's page, and the brief stays)."""
    fields = [(field, MAX_SIGNUP_PITCH) for field in _EMAIL_FIELDS(tree)]
    if gated:
        fields += [(field, MAX_WALL_PITCH) for field in _PASSWORD_FIELDS(tree)]
    if not fields:
        return []
    page_prose = prose_chars(tree)
    boxes: dict[HtmlElement, None] = {}
    # each ancestor is measured once: a comment section with a reply form in every comment asks
    # about the same section for every one of its thousands of fields
    closes: dict[HtmlElement, bool] = {}
    holds_prose: dict[HtmlElement, bool] = {}
    sizes: dict[HtmlElement, int] = {}
    for field, pitch in fields:
        form = next(field.iterancestors("form"), None)
        start = form if form is not None and _size(form, sizes) <= pitch else field
        controls = _size(start, sizes)
        box = start
        for parent in start.iterancestors():
            if _size(parent, sizes) - controls > pitch:
                break
            if parent not in closes:
                closes[parent] = parent is tree or parent.tag in _KEEP_TAGS or parent.find(".//h1") is not None
            if closes[parent]:
                break
            if pitch == MAX_SIGNUP_PITCH:
                if parent not in holds_prose:
                    holds_prose[parent] = 2 * prose_chars(parent) > page_prose > 0
                if holds_prose[parent]:
                    break
            box = parent
        if box is not field and enabled("sign-up-forms"):
            boxes[box] = None
    return list(boxes)


def _size(element: HtmlElement, sizes: dict[HtmlElement, int]) -> int:
    """An element's text length, measured once (`sizes` keeps it)."""
    if element not in sizes:
        sizes[element] = len(element.text_content())
    return sizes[element]


def _is_modal(element: HtmlElement) -> bool:
    return element.tag == "dialog" or element.get("aria-modal") == "true"


def _holds(element: HtmlElement, inner: HtmlElement) -> bool:
    return inner is element or element in inner.iterancestors()


def _shown(element: HtmlElement) -> bool:
    return not (HIDDEN_STYLE.search(element.get("style") or "") or element.get("aria-hidden") == "true"
                or element.get("hidden") is not None)


def _is_boilerplate(element: HtmlElement) -> bool:
    """Whether a block's class or id names it as boilerplate that goes (the rules *-classes).

    Foreign prose, asides and overlays are told by the class alone: ids are often slugs of the
    article's own headings ("toc_faq", "related-research")."""
    if element.tag in _KEEP_TAGS:
        return False
    # a modal dialog overlays the page (a consent wall, a sign-up form): its text, its title
    # included, is never the article's (unless it holds the headline: see prune_boilerplate)
    if _is_modal(element) and enabled("modal-dialogs"):
        return True
    cls, ident = element.get("class"), element.get("id")
    if not (cls or ident):
        return False
    kinds = _mark_kinds(cls or "", ident or "")
    if kinds is None:
        return False
    # (each rule is asked only where it would apply: the ablation reruns only those pages)
    # a consent banner overlays the page, its policy text prose or not; it is short (a long block
    # so named is an article about consent, or a post tagged "cookie-banners": WordPress puts the
    # post's tags in its class)
    overlay = element.tag in _OVERLAY_TAGS and (kinds.overlay or kinds.consent and is_short(element)) \
        and enabled("overlay-classes")
    foreign = kinds.foreign and enabled("foreign-prose-classes")
    aside = kinds.aside and is_short(element) and enabled("short-aside-classes")
    chrome = kinds.chrome and enabled("chrome-classes")
    if not (overlay or foreign or aside or chrome):
        return False
    if next(element.iter("h1"), None) is not None:
        return False
    # a block that holds prose is the article in a badly named block, unless its class says the
    # prose is other pages' or an overlay's
    return overlay or (foreign and kinds.foreign_by_class) or not holds_prose(element)


class _MarkKinds(NamedTuple):
    """What a block's class (and id) name it as, by kind of boilerplate."""

    overlay: bool  # by its class
    consent: bool  # by its class or id
    foreign: bool
    foreign_by_class: bool
    aside: bool  # by its class
    chrome: bool


@lru_cache(maxsize=8192)
def _mark_kinds(cls: str, ident: str) -> _MarkKinds | None:
    """The kinds a class and id name (None: none), read once per distinct pair: a page repeats
    its class strings hundreds of times."""
    cls = cls.lower()
    marks = f"{cls} {ident.lower()}"
    if not ANY_BLOCK_MARK.search(marks):
        return None
    return _MarkKinds(bool(OVERLAY.search(cls)), bool(CONSENT.search(marks)), bool(FOREIGN_PROSE.search(marks)),
                      bool(FOREIGN_PROSE.search(cls)), bool(ASIDE.search(cls)), bool(CHROME.search(marks)))


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
    """Remove pictures with their captions, and embedded social posts (rule media-figures)."""
    removed = 0
    for xpath in (_FIGURES, _CAPTIONS, _EMBEDS):
        for element in xpath(tree):
            if element.getparent() is not None and enabled("media-figures"):
                element.drop_tree()  # the tail, whitespace included, stays where it was
                removed += 1
    return removed
