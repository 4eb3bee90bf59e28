"""Author names: persons only, from JSON-LD, meta tags and the printed byline.

Persons from the metadata and the byline printed with the article are merged; organisations
(a newsroom, an agency, the site itself) are kept only when no person is named at all.
"""

from __future__ import annotations

import html
import re
from itertools import islice
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from newscrawl.extract.lines import lines_after, text_lines
from newscrawl.extract.metadata import PageMetadata, node_by_id
from newscrawl.extract.processors import unique
from newscrawl.extract.profiles.prefilter import page_index
from newscrawl.extract.rules import enabled
from newscrawl.extract.vocabulary import (
    BYLINE_BY,
    CREDIT_BY,
    CREDIT_VERBS,
    DATE_LABELS,
    ENGLISH_WEEKDAYS,
    FRAME_WORDS,
    MAX_NAME_WORDS,
    MONTH_NAMES,
    TITLE_SEPARATOR,
    class_words,
    marks,
    prints_other_pages,
    squash,
)

# the words that open a byline: "By", "Von", "Written by", "Story and photos by", "Autor:",
# "Автор:", "Yazar:", "Penulis:", "oprac.", "记者：", in the languages of news sites
_BYLINE_PREFIX = re.compile(
    rf"^\s*(?:(?:{CREDIT_VERBS}|text|words|story|article|reporting)"
    r"(?:\s+(?:and|&)\s+(?:photos|photography|pictures|images|video|graphics))?\s+by|"
    r"(?:verfasst|geschrieben)\s+von|(?:escrito|publicado|redactado)\s+por|(?:écrit|publié)\s+par|"
    r"(?:scritto|pubblicato)\s+da|authors?\s*[:：]|contributors?\s*[:：]|aut(?:or|orin|ores|eur|ore)\s*[:：]|"
    r"автор(?:ы)?\s*[:：]|yazar(?:lar)?\s*[:：]|penulis\s*[:：]|oprac\.|作者|[记記]者|"
    rf"oleh\s*[:：]|{BYLINE_BY})(?:\s*[:：]\s*|\s*-?\s+)", re.IGNORECASE
)
# split_names squeezes white space to single spaces first; " ?", unlike "\s*", cannot backtrack
# over a long run of spaces at every position. A middle dot parts items only with a space beside
# it: unspaced, it joins a name's parts (艾尔肯·吐尼亚孜, a Uyghur name written in Chinese)
_SPLIT = re.compile(r" ?(?:,|;|\||(?<= )[·•]|[·•](?= )|/|&|\+|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bog\b|\bi\b|\ben\b|"
                    r"\bsowie\b|\bwith\b|\bmit\b) ?", re.IGNORECASE)
# (?<!\s): a pattern that opens with white space starts where a run of it starts, never inside
# it (a leftmost match starts there anyway): each start inside would rescan the run, quadratic
# on a long one (here and below)
# role words after (or instead of) a name: "Jane Doe, Staff Writer", "신현주 기자"
_ROLE_WORDS = (
    r"staff|staff writer|senior writer|writer|reporter|correspondent|"
    r"editor|editors|contributor|columnist|photographer|redaktion|redakteur(?:in)?|korrespondent(?:in)?|"
    r"journalist(?:in)?|autor(?:in)?|periodista|redactor(?:a)?|rédaction|rédacteur|correspondant|"
    r"director|manager|head|founder|co-founder|ceo|cto|cfo|coo|president|vice president|vp|"
    r"consultant|coordinator|specialist|officer|expert|reviewer|strategist|analyst|lead|"
    r"professor|lecturer|researcher|scientist|engineer|developer|designer|producer|marketer|"
    r"intern|fellow|chief|senior|associate|assistant|partner|owner"
)
_ROLE = re.compile(rf"(?<!\s)\s*(?:(?:[,(|]|(?<=\s)-(?=\s))\s*)?\b(?:{_ROLE_WORDS})\b.*$", re.IGNORECASE)
# a title after the name, cut from it by a comma or a bar, that ends with a role word: the
# person's title whole, whatever it holds ("Kevin Marsh, Government and data reporter")
_TITLE_AFTER = re.compile(rf"(?<!\s)\s*[,|][^,|]*\b(?:{_ROLE_WORDS})s?\.?(?=\s*(?:[,|]|$))", re.IGNORECASE)
_ROLE_SEPARATOR = re.compile(r"(?<!\s)\s*(?:[,(|]|\s-\s)")
_COLLECTIVE = {"staff", "editors", "contributor", "contributors", "team", "expert", "experts", "desk"}
_CJK_ROLE = re.compile(r"(?<!\s)\s*(?:기자|특파원|논설위원|記者|特派員|編集委員|论说员)$")
# a Korean, Chinese or Japanese byline: the name and the reporter's title after it ("김민수 기자"),
# where English puts "By" before it
_TITLED_NAME = re.compile(r"(?<![^\s|·•])([가-힣]{2,4}|[\u4e00-\u9fff]{2,4}) ?(?:기자|특파원|記者|特派員)(?![^\s|·•])")
# news agencies, whose name may follow the name of the agency's writer
_AGENCIES = r"associated press|reuters|afp|dpa|apa|epa|ap|sda|ansa|efe"
# an agency as its name is written: its acronym in capitals or lower case ("EFE", "dpa"), never
# in title case, which is how "Efe" or "Ansa" are written as a person's name
_ACRONYMS = "AFP|DPA|APA|EPA|AP|SDA|ANSA|EFE"
_AGENCY_WRITTEN = rf"(?i:associated\s+press|reuters)|{_ACRONYMS}|{_ACRONYMS.lower()}"
# an agency after a person's name with no comma ("KEVIN FREKING Associated Press", as TownNews
# sites print and write AP bylines) is the writer's employer, as a role after a name is
_AGENCY_AFTER = re.compile(rf"(?<=\S)\s+(?:(?i:the)\s+)?(?:{_AGENCY_WRITTEN})$")
# an agency as written beside other words ("Agencia EFE", "AFP Photo", "dpa-AFX") is its credit
_AGENCY_WORD = re.compile(rf"\b(?:{_AGENCY_WRITTEN})\b")
# an agency's name as the whole credit ("Reuters", "The Associated Press"); as one word of a
# name it names nobody's employer ("Efe Kaya" is a Turkish name)
_AGENCY = re.compile(rf"(?:the\s+)?(?:{_AGENCIES})", re.IGNORECASE)
# a country's domain is written in lower case and ends the address: "Prof.Dr." and a Dutch
# "prof.dr." are a title run into a name
_ORGANISATION = re.compile(
    r"https?://|www\.|@|\.(?:com|org|net|info|news|(?-i:[a-z]{2})\b(?!\.))\b|"
    r"\b(?:news|nachrichten|noticias|staff|desk|team|agency|agencies|agentur|press|presse|media|"
    r"redaktion|rédaction|redacción|online|"
    r"newsroom|wire|editorial|editors|digital|magazine|magazin|zeitung|times|post|tribune|daily|"
    r"journal|group|gmbh|inc|ltd|llc|company|blog|admin|administrator|guest|contributors?|"
    r"institute|university|college|association|foundation|clinic|society|academy)\b",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d")
# a note in brackets after a name (no nesting: linear on any text)
_NOTE = re.compile(r" ?\([^()]*\)")
# lower-case words a person's name may hold: "Marna van der Merwe", "Jean de La Fontaine"
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "dos",
              "das", "ten", "ter", "bin", "ibn", "al", "el", "y", "e", "zu", "af", "mc"}
# byline words standing alone once the name is stripped off
_LABELS = {*BYLINE_BY.split("|"), "author", "authors", "autor",
           "autorin", "auteur", "written by", "posted by", "about the author", "the author"}
# lines that credit someone other than the author
_OTHER_CREDIT = re.compile(r"^\s*(?:(?:medically\s+|expert\s+)?reviewed|fact[- ]?checked|edited|"
                           r"photos?|illustrations?|images?|video|updated|translated)\b.*\bby\b|"
                           r"^\s*(?:with\s+|additional\s+)?contributions?\s+(?:from|by)\b",
                           re.IGNORECASE)
# a credit naming a web site ("hessenschau.de, Frankfurt, Germany") names no person in any part
_WEB_CREDIT = re.compile(r"\A\s*(?:https?://|www\.|[\w-]+\.[a-z]{2,3}\b(?!\.))")
# a CMS's default account credits nobody ("Posted on March 6, 2024 by admin")
_DEFAULT_ACCOUNTS = frozenset({"admin", "administrator", "webmaster", "root"})
# a weekday's or a month's name alone is the date's, printed in the byline's line
_CALENDAR_WORDS = frozenset(MONTH_NAMES.split("|")).union(*ENGLISH_WEEKDAYS)
# a byline line goes on with the date or the comment count: "By Jane Doe - Mar 27, 2024",
# "By Jane Doe December 2, 2025", "Posted by Jane Doe 59 Comments", or with the date's label:
# "By Jo Park Published December 3, 2026"
_BYLINE_TAIL = re.compile(rf"(?<!\s)\s+(?:[-–—·•]\s.*|(?:(?:{MONTH_NAMES})\.?\s+)?\d.*|"
                          rf"(?:(?:last|first|originally)\s+)?(?:{DATE_LABELS})\b.*)$", re.IGNORECASE)
# "Posted on <date> Posted by Jane Doe": a credit inside a longer header line; so is a "by" right
# after a printed date's year or time ("Posted on March 3, 2024 by Jane Doe", "am 3. März 2024 von
# Anna Huber", "March 5, 2024 at 9:14 am by Jane Doe")
_INNER_CREDIT = re.compile(rf"\b(?:{CREDIT_VERBS})\s+by\s*:?\s+(?=\S)|"
                           r"^[\d/.-]{6,10}\s+by\s+(?=\S)|"
                           rf"(?:(?<!\d)(?:19|20)\d\d|\d[:h]\d\d(?: ?[ap]\.?m\.?| ?uhr)?),?\s+(?:{CREDIT_BY})\s+(?=\S)",
                           re.IGNORECASE)
_CREDIT_END = re.compile(r"(?<!\s)\s*(?:,|\s(?:on|in|at|for)\b).*$")
_FILED_IN = re.compile(r"(?<!\s)\s+in\s+\S+(?:\s+\S+){0,2}$")
_PARTS = re.compile(r"(?<!\s)\s+[·•|]\s+")
# the items of a line that holds a "By" credit: a dash between spaces parts them too ("14:30 Uhr
# – Von Anna Huber"), as the credit's own word tells where it starts
_CREDIT_ITEMS = re.compile(r"(?<!\s)\s+[·•|–—-]\s+")
# a short line that is a date: "Jul 18, 2025", "23.07.2025 · 6 min read", "Updated on 23 Oct 2025"
_DATE_LINE = re.compile(rf"\b(?:19|20)\d\d\b|\b(?:{MONTH_NAMES})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\.?\s+(?:{MONTH_NAMES})\b",
                        re.IGNORECASE)
_DATE_LABEL = re.compile(rf"(?:last\s+)?(?:{DATE_LABELS})\b", re.IGNORECASE)
# words of buttons and labels printed near a byline, never part of a person's name
_INTERFACE = {"share", "learn", "contents", "filed", "related", "subscribe", "comments", "date",
              "menu", "login", "newsletter", "updated", "published", "posted", "minutes"}
_TEAM = {"team", "staff", "editors", "editorial", "desk", "newsroom"}
MAX_PRINTED_NAMES = 6
CLUSTER_GAP = 30  # elements between two parts of one byline
WINDOW_BEFORE = 40  # elements before the headline where a byline may sit

# printed bylines: author links (rel=author, or a link into the site's author pages),
# itemprop=author, and classes that say author or byline (links and classes read in Python: an
# XPath testing every link's href, or translate() on every class, cost twice as much)
_AUTHOR_PATHS = ("/author/", "/authors/", "/autor/", "/autoren/", "/autores/", "/auteur/",
                 "/journalist/", "/writers/", "/people/")
# (one search for them all: a test per path costs a third more, on every link of the page)
_AUTHOR_PATH = re.compile("|".join(map(re.escape, _AUTHOR_PATHS)))
_ITEMPROP_AUTHOR = etree.XPath("//@itemprop[.='author']/..")
# (the author's word in the site's language too, as its author pages are: "auteur" in Dutch and
# French, "autor" in Spanish, German, Polish, Czech, "autore" in Italian; not "autoresize", nor
# French "hauteur", a height)
_BYLINE_CLASS = re.compile(r"author|byline|(?<!h)auteur|verfasser|forfatter|autor(?:in|en|es|e|i|a)?(?![a-z])",
                           re.IGNORECASE)


def _byline_classed(tree: HtmlElement) -> list[HtmlElement]:
    """Elements whose class says author or byline. The pattern cannot span a space, so a page
    has such a class only if one of its class tokens (read once per document for the profiles,
    prefilter.page_index) matches: a page without one is not walked. (Read in Python: an XPath
    testing each element's class for the page's matching tokens cost half as much again.)"""
    if not any(_BYLINE_CLASS.search(token) for token in page_index(tree).classes):
        return []
    search = _BYLINE_CLASS.search
    return [element for element in tree.iter() if (cls := element.get("class")) and search(cls)]


def _document_position(element: HtmlElement) -> list[int]:
    """The element's child index at every level from the root: sorts elements as the page has them."""
    position = []
    parent = element.getparent()
    while parent is not None:
        position.append(parent.index(element))
        element, parent = parent, parent.getparent()
    return position[::-1]


# over this many elements, one walk of the page orders them: a child's index costs a scan of its
# siblings, so thousands of bylines side by side cost seconds (quadratic)
MAX_SORTED_BY_POSITION = 64


def in_document_order(tree: HtmlElement, elements: set[HtmlElement]) -> list[HtmlElement]:
    """`elements` (all in `tree`) in the order the page has them."""
    if len(elements) <= MAX_SORTED_BY_POSITION:
        return sorted(elements, key=_document_position)
    return [element for element in tree.iter() if element in elements]


def byline_marked(tree: HtmlElement) -> list[HtmlElement]:
    """The elements the markup marks as (part of) a byline, in document order."""
    found = set(_ITEMPROP_AUTHOR(tree))
    for link in tree.iter("a"):
        href, rel = link.get("href"), link.get("rel")
        if (href and _AUTHOR_PATH.search(href)) or (rel and "author" in rel.split()):
            found.add(link)
    found.update(_byline_classed(tree))
    return in_document_order(tree, found)


_NOT_BYLINE = re.compile(r"comment|guest-?book|condolence|bio|avatar|image|img|photo|box|about|desc|social|follow|"
                         r"share|related|more|recent|popular|widget|tooltip|label|"
                         r"caption|credit|date|time", re.IGNORECASE)
_CHROME = {"nav", "footer", "aside", "form"}
FRAME = class_words(FRAME_WORDS)  # the site's frame by its class: sidebar, widget, footer, menu


def strip_byline(name: str) -> str:
    """Remove a leading "By"/"Von"/"Por" from an author string."""
    return _BYLINE_PREFIX.sub("", name).strip(" ,;|-–—:")


def has_byline_prefix(text: str) -> bool:
    """True when `text` opens with "By"/"Von"/"Written by" (trailing punctuation alone is no byline)."""
    return bool(_BYLINE_PREFIX.match(text))


_ROLE_WORD = re.compile(rf"(?:{_ROLE_WORDS})", re.IGNORECASE)


def _without_leading_role(value: str) -> str:
    """A name without the role printed before it ("Staff Writer Jane Doe", "Senior Correspondent
    Jane Doe", rule authors-roles): role words, then at least two capitalised words and no
    other role ("Editor In Chief" is a role whole)."""
    words = value.split()
    start = 0
    while start < len(words) - 2 and _ROLE_WORD.fullmatch(words[start]):
        start += 1
    rest = words[start:]
    if start and all(w[:1].isupper() and not _ROLE_WORD.fullmatch(w) for w in rest):
        return " ".join(rest)
    return value


def _clean_person(value: str) -> str:
    value = strip_byline(value)
    if enabled("authors-roles"):
        value = _without_leading_role(value)
    role = _ROLE.search(value)
    if (role or _CJK_ROLE.search(value)) and not enabled("authors-roles"):
        return value.strip(" .,;:-–—|·•")
    # "Resy Staff", "The Currency editors": a collective word run into the name is part of a
    # team's name, not a role after a person's
    if role and role.start() > 0 and role.group(0).split()[0].casefold() in _COLLECTIVE and not _ROLE_SEPARATOR.match(role.group(0)) \
            and enabled("authors-team-name"):
        return value.strip(" .,;:-–—|·•")
    value = _CJK_ROLE.sub("", _ROLE.sub("", value))
    return strip_byline(value).strip(" .,;:-–—|·•")


def _title_as_role(match: re.Match[str]) -> str:
    """A title after the name as one role word (what follows is then read as what follows any
    role); left as it is when a part of it before "and" is a name of its own ("Ana Ruiz and
    Herald staff": a second author, then a team)."""
    parts = _SPLIT.split(match.group(0).lstrip(" ,|"))[:-1]
    if any(len(words := part.split()) >= 2 and all(w[:1].isupper() for w in words) for part in parts):
        return match.group(0)
    return ", staff"


def _without_agency(part: str) -> str:
    """A name without the agency printed after it (rule authors-roles): "KEVIN FREKING Associated
    Press" is KEVIN FREKING; an agency's name alone stays as it is."""
    person = _AGENCY_AFTER.sub("", part) if enabled("authors-roles") else part
    return person if len(person.split()) >= 2 else part


def split_names(raw: str) -> list[str]:
    """One byline or author string as candidate names: "By A and B, Staff" -> [A, B]. A note in
    brackets after a name (a place, a role: "Jane Roe (Marseille, correspondent)") is no part of
    it, and its commas separate no names."""
    text = " ".join(html.unescape(html.unescape(raw)).split())
    text = strip_byline(_NOTE.sub("", text))
    if enabled("authors-roles"):
        # one role word in its place: what follows is read as what follows any role
        text = _TITLE_AFTER.sub(_title_as_role, text)
    names = []
    in_role = False  # "Jane Doe, Senior Director, Content & Marketing": the words after a role
    for index, raw_part in enumerate(_SPLIT.split(text)):
        raw_part = _without_agency(raw_part)
        part = _clean_person(raw_part)
        if index and part != strip_byline(raw_part).strip(" .,;:-–—|·•") and enabled("authors-after-role"):
            in_role = True  # "Certified Sleep Consultant": what is left of a role is no name
            continue
        if in_role and len(part.split()) < 2:
            continue
        if 2 <= len(part) <= 60 and any(ch.isalpha() for ch in part):
            names.append(part)
    return names


def is_person(name: str) -> bool:
    """A name that reads like a person's: a few words, no digits, no newsroom or web words."""
    words = name.split()
    if name.casefold() in _LABELS:
        return False
    if not words or len(words) > MAX_NAME_WORDS or _DIGITS.search(name) or _ORGANISATION.search(name) \
            or _AGENCY.fullmatch(name) or _AGENCY_WORD.search(name):
        return False
    if any(not (ch.isalpha() or ch in " .'’-") for ch in name):
        return False  # "CFP®", "Sendung: hr-INFO"
    if any(w.casefold() in _INTERFACE for w in words) and enabled("authors-interface-words"):
        return False  # "Learn More", "Filed Under", "Share": the page's buttons and labels
    if any(w.islower() and w not in _PARTICLES for w in words) and enabled("authors-lower-case"):
        return False  # "Insights from", "Also from this author": a label, not a name
    if len(words) == 1 and name.casefold().rstrip(".") in _CALENDAR_WORDS:
        return False  # "By Tom Kowalczyk, Tue, 04/09/2024", "| Sept. 9": the date's, not a name
    if len(words) == 1:
        # an acronym (NDR, SID) is a newsroom; one lower-case word ("admin", "amp") is debris
        return not (name.isupper() and enabled("authors-acronym")) and not (name.islower() and name.isascii())
    return True


def clean_names(raw: list[str]) -> list[str]:
    """Split, strip "By" and roles, drop organisations when a person is named, de-duplicate."""
    names = [name for value in raw for name in split_names(value)]
    persons = [n for n in names if is_person(n)]
    if persons:
        return unique(persons)
    # nobody is named: the organisation the page credits, as written
    return unique([strip_byline(" ".join(html.unescape(v).split())) for v in raw if v.strip()][:1])


def _site_names(meta: PageMetadata) -> list[str]:
    """The publisher's and the site's names: an author field that holds them names no person."""
    names = [meta.get("og:site_name") or ""]
    publisher = meta.jsonld_article.get("publisher") if meta.jsonld_article else None
    node = node_by_id(meta, publisher) if isinstance(publisher, dict) else None
    # a personal blog's publisher is its author: a Person publisher is no site name
    if isinstance(node, dict) and isinstance(node.get("name"), str) and "Person" not in _kinds(node):
        names.append(node["name"])
    return [n for n in names if n]


def _name_of(node: dict[str, Any]) -> str | None:
    name = node.get("name")
    if isinstance(name, list):
        name = " ".join(n for n in name if isinstance(n, str))
    if not isinstance(name, str) or not name.strip():
        given, family = node.get("givenName"), node.get("familyName")
        name = " ".join(p for p in (given, family) if isinstance(p, str) and p.strip())
    return name.strip() or None


def _kinds(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    return {kind} if isinstance(kind, str) else {k for k in kind or [] if isinstance(k, str)}


def jsonld_authors(meta: PageMetadata) -> tuple[list[str], list[str]]:
    """(person names, organisation names) of the JSON-LD article's author."""
    if not meta.jsonld_article or not meta.jsonld_article.get("author"):
        return [], []
    value = meta.jsonld_article["author"]
    persons: list[str] = []
    organisations: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        node = node_by_id(meta, item) if isinstance(item, dict) else item
        if isinstance(node, dict):
            name = _name_of(node)
            if not name:
                continue
            if _kinds(node) & {"Organization", "NewsMediaOrganization", "Corporation", "WebSite"}:
                organisations.append(name)
            else:
                persons.append(name)
        elif isinstance(node, str) and node.strip() and not node.startswith("http"):
            persons.append(node)
    return persons, organisations


def meta_authors(meta: PageMetadata) -> list[str]:
    """Author names from meta tags (every value; links to profiles are skipped)."""
    found: list[str] = []
    for key in ("author", "article:author", "dc.creator", "dcterms.creator", "sailthru.author",
                "parsely-author"):
        found.extend(v for v in meta.all(key) if not v.startswith(("http", "www.")))
    # Yoast's "Written by" twitter card; its other label is a reading time, which has digits
    if meta.get("twitter:label1") and meta.get("twitter:data1") and \
            not _DIGITS.search(meta.get("twitter:data1") or ""):
        found.append(meta.get("twitter:data1") or "")
    return found


def _excluded(element: HtmlElement) -> bool:
    for node in (element, *element.iterancestors()):
        if node.tag in ("nav", "form"):
            return True
        if node.tag in _CHROME and not any(a.tag == "article" for a in node.iterancestors()):
            return True  # a page footer or sidebar; an article's own footer holds its byline
        if node.tag in ("article", "main", "body"):
            return False
        marks = f"{node.get('class') or ''} {node.get('id') or ''}"
        if node is not element and _NOT_BYLINE.search(marks) and "byline" not in marks.lower():
            return True
    return False


_CARD_HEADINGS = ("h1", "h2", "h3", "h4")


def in_another_story(element: HtmlElement, anchor: HtmlElement) -> bool:
    """Whether an element (a byline, a date) sits in another page's teaser: the nearest block
    around it that holds a heading holds one whose words link away, and not the headline `anchor`;
    or another <article> than the headline's (the next story of an endless page), or a block of
    other pages' teasers ("trending", "related")."""
    home = next((a for a in anchor.iterancestors("article")), None)
    for block in element.iterancestors():
        if home is not None and block.tag == "article" and block is not home and not _holds(block, anchor) \
                and not _holds(home, block):
            return True
        if prints_other_pages(block) and not _holds(block, anchor):
            return True
    for block in element.iterancestors():
        if block.tag in ("article", "main", "body") or block is anchor or _holds(block, anchor):
            return False
        headings = block.iter(_CARD_HEADINGS)
        first = next(headings, None)
        if first is not None:  # the nearest block with a heading decides
            return _links_away(first) or any(_links_away(h) for h in headings)
    return False


_LISTING_RELS = {"tag", "category", "author"}


def _links_away(heading: HtmlElement) -> bool:
    """Whether a heading's words are a link to another page (a teaser's title). A link its rel
    names a listing's (rel="category tag", "author": a theme's category label printed as a
    heading beside the post's own date) leads to no other story."""
    link = next(heading.iter("a"), None)
    href = (link.get("href") or "").strip() if link is not None else ""
    listing = link is not None and bool(_LISTING_RELS & set((link.get("rel") or "").lower().split()))
    return bool(href) and not href.startswith("#") and not listing and \
        " ".join(link.text_content().split()) == " ".join(heading.text_content().split())


def _in_page_header(element: HtmlElement, anchor: HtmlElement) -> bool:
    """Whether `element` is in a <header> that does not hold the headline: the site's header,
    whose author links are its menu's, not the article's header with its byline."""
    return any(a.tag == "header" and not _holds(a, anchor) for a in element.iterancestors())


def _holds(element: HtmlElement, descendant: HtmlElement) -> bool:
    return any(a is element for a in descendant.iterancestors())


def _in_frame(element: HtmlElement) -> bool:
    """Whether `element` is in the site's frame around the article: a sidebar or page footer
    (<aside>, <footer> outside an article) or a block classed as one ("sidebar", "widget")."""
    for node in element.iterancestors():
        if node.tag == "article":
            return False
        if node.tag in ("aside", "footer") or FRAME.search(marks(node)):
            return True
    return False


def author_box(marked: list[HtmlElement]) -> list[str]:
    """The person an author box names, anywhere on the page (the box after the article, far from
    the headline): an element marked author whose own class also says name, or an author link;
    not one of the site's frame ("Our columnists" in a sidebar lists the site's writers)."""
    for element in marked:
        marks_ = (element.get("class") or "").casefold()
        if element.tag != "a" and "name" not in marks_ and element.get("itemprop") != "author":
            continue
        if any(a.tag in ("nav", "form") or "comment" in (a.get("class") or "").casefold()
               for a in element.iterancestors()):
            continue
        if _in_frame(element):
            continue
        for line in text_lines(element)[:2]:
            # a lone word there is a menu entry ("People") as often as a name
            found = [n for n in split_names(line) if is_person(n) and " " in n]
            if found and len(line) <= 60:
                return found[:1]
    return []


def _text_before(element: HtmlElement) -> str:
    """The words printed just before `element` inside its parent (its label)."""
    previous = element.getprevious()
    parent = element.getparent()
    text = previous.tail if previous is not None else (parent.text if parent is not None else None)
    if previous is not None and not (text or "").strip():
        text = previous.text_content()  # "<span>Reviewed by</span> <a>Jane Doe</a>"
    return " ".join((text or "").split())[-60:] + " "


def printed_byline(tree: HtmlElement, anchor: HtmlElement | None, window: int = 400,
                   marked: list[HtmlElement] | None = None) -> list[str]:
    """Names in the byline printed near the headline element `anchor` (author links, elements
    marked author/byline), in document order."""
    if anchor is None:
        return []
    # the elements around the headline, in document order: a few before it, more after it
    around = anchor.xpath(f"(preceding::*)[position() <= {WINDOW_BEFORE}] | "
                          f"(following::*)[position() <= {window}]")
    order = {element: index for index, element in enumerate(around)}
    near = [e for e in (byline_marked(tree) if marked is None else marked) if e in order]
    matched = set(near)
    names: list[str] = []
    last = None  # the byline is one cluster of elements: stop at the first gap after it
    for element in near:
        if last is not None and order[element] > last + CLUSTER_GAP:
            break
        # the innermost marked element: "By <a rel=author>Jane</a>" gives the link, not the line
        if any(d in matched for d in element.iterdescendants()) or _excluded(element) \
                or _in_page_header(element, anchor) \
                or (enabled("authors-not-teasers") and in_another_story(element, anchor)):
            continue
        if element.tag != "a" and _NOT_BYLINE.search(element.get("class") or ""):
            continue
        if _OTHER_CREDIT.match(_text_before(element)) and enabled("authors-other-credits"):
            continue  # "Reviewed by <a>Jane Doe</a>", "Contributions from: <a>Jane Doe</a>"
        name_node = element.find(".//*[@itemprop='name']")
        for line in text_lines(name_node if name_node is not None else element)[:3]:
            if len(line) > 120 or (_OTHER_CREDIT.match(line) and enabled("authors-other-credits")):
                continue
            found = [n for n in split_names(line) if is_person(n)]
            if names and any(" " in n for n in names) and any(" " not in n for n in found) \
                    and enabled("authors-full-names"):
                found = [n for n in found if " " in n]  # "Research", "Development": a role's words
            if found:
                names.extend(found)
                last = order[element]
                break  # the lines after a name are its role and bio
        if len(names) >= MAX_PRINTED_NAMES:
            break
    return unique(names)


def byline_lines(anchor: HtmlElement | None, max_lines: int = 12, credits: list[str] | None = None) -> list[str]:
    """Names from a "By ..." line among the lines printed just after the headline (markup that
    does not mark its byline), or from the line after a lone "By". A "By" line that credits no
    person ("By ASU Online") is put in `credits`, as written."""
    if anchor is None:
        return []
    previous = ""
    for index, line in enumerate(lines_after(anchor)):
        if index >= max_lines:
            break
        if previous.casefold() in _LABELS and previous:
            names = [n for n in split_names(line) if is_person(n)]
            if names:
                return names
            if credits is not None and not credits and team_credit(line) and enabled("authors-team-credit"):
                credits.append(line)  # "Written by" / "The Meetingnotes Team"
        titled = _TITLED_NAME.search(line) if len(line) <= 120 else None
        if titled and enabled("authors-title-suffix"):
            return [titled.group(1)]
        # the items of a meta line credit apart: "Updated by A · By B" credits B
        items = [p for p in _CREDIT_ITEMS.split(line) if not (_OTHER_CREDIT.match(p) and enabled("authors-other-credits"))
                 ] if len(line) <= 120 else []
        if items:
            rest = " · ".join(items)
            inner = _INNER_CREDIT.search(rest)
            if inner and not enabled("authors-credit-in-line"):
                inner = None
            # "March 15, 2022 · 3 min read · By Jane Doe": the credit is one part of the line
            found = [rest[inner.end():]] if inner else [p for p in items if has_byline_prefix(p)]
            for credit in found[:1]:
                parts = split_names(_BYLINE_TAIL.sub("", strip_byline(credit)))
                # "By TPN, in Portugal, Business": the byline credits an organisation, not a person
                if parts and is_person(parts[0]):
                    return [n for n in parts if is_person(n)]
                # the credit as written, up to a comma or "on <day>"/"in <section>"
                text = _CREDIT_END.sub("", _BYLINE_TAIL.sub("", strip_byline(credit)))
                if parts and credits is not None and not credits and 0 < len(text.split()) <= 4 \
                        and text.casefold() not in _DEFAULT_ACCOUNTS:
                    credits.append(text)
        previous = line
    return []


def team_credit(text: str) -> bool:
    """A team credited by name: "The Upwork Team", "Podium Staff" (a few capitalised words, one
    of them a name: "Staff" or "Staff Reporter" alone credits nobody)."""
    words = strip_byline(text).split()
    return (0 < len(words) <= 5 and len(text) <= 50 and not _DIGITS.search(text)
            and any(w.casefold() in _TEAM for w in words)
            and all(w[0].isupper() or w in ("the", "of", "and") for w in words)
            and any(w.casefold() not in _TEAM | {"the", "of", "and"} and not _ROLE.fullmatch(w) for w in words))


def _is_date_line(line: str) -> bool:
    return len(line) <= 40 and bool(_DATE_LINE.search(line) or _DATE_LABEL.match(line))


def _is_role_line(line: str) -> bool:
    return len(line.split()) <= 6 and _ROLE.search(line) is not None


def name_by_date(anchor: HtmlElement | None, max_lines: int = 8) -> list[str]:
    """A header line that holds nothing but a person's name, printed above the date line (or
    above the person's role): the byline of a theme that marks neither."""
    if anchor is None:
        return []
    # header lines: not a comment's or a teaser's name and date below the article
    lines = list(islice(lines_after(anchor, skip=prints_other_pages), max_lines + 1))
    for index, line in enumerate(lines[:max_lines]):
        after = lines[index + 1] if index + 1 < len(lines) else ""
        parts = _PARTS.split(line)
        if len(parts) == 2 and _is_date_line(parts[0]) != _is_date_line(parts[1]):
            # "Jane Doe | October 15, 2025", "Dec 26, 2025 • Jane Doe in Project Management"
            line, after = (parts[1], parts[0]) if _is_date_line(parts[0]) else parts
        line = _FILED_IN.sub("", line)  # "Jane Doe in seo": the section the post is filed in
        if len(line) > 50 or _DIGITS.search(line):
            continue
        if team_credit(line) and enabled("authors-team-credit"):
            names = [strip_byline(line)]  # "By Podium Staff": the team is credited, "By" is not its name
        else:
            names = split_names(line)
            if len(names) != 1 or names[0] != line or not is_person(line) or len(line.split()) < 2:
                continue
        before = lines[index - 1] if index else ""
        # the date after the name; a date before it may head the section titles that follow
        if _is_date_line(after) or _is_role_line(after) or before.rstrip().endswith(("·", "|", "•")):
            return names
    return []


def choose_authors(meta: PageMetadata, tree: HtmlElement, anchor: HtmlElement | None,
                   profile_byline: list[str]) -> list[str]:
    """Persons from the metadata, else from the printed byline; organisations only when nobody
    is named. The site's own name is never a person."""
    jsonld_persons, organisations = jsonld_authors(meta)
    tags = meta_authors(meta)
    site = {squash(n) for n in _site_names(meta)}
    # a site-wide meta author tag may name the site as its <title> ends: "... | Diario del Sur"
    title_parts = TITLE_SEPARATOR.split(meta.title or "")
    tag_site = site | ({squash(title_parts[-1])} if len(title_parts) > 1 and enabled("authors-not-site")
                       else set())
    # the JSON-LD article names its authors; a meta author tag is often the company, site-wide
    for raw, rule in ((jsonld_persons, "authors-jsonld"), (tags, "authors-meta-tags")):
        persons = [n for value in raw if not (_WEB_CREDIT.match(value) and enabled("authors-web-credit"))
                   for n in split_names(value) if is_person(n)
                   and not _is_site(n, tag_site if raw is tags else site, prefix=raw is tags)]
        if persons and enabled(rule):
            return unique(persons)
    raw = jsonld_persons + tags + [t for t in profile_byline if t.strip()]
    printed = [n for text in profile_byline for n in split_names(text) if is_person(n)]
    line_credits: list[str] = []
    marked: list[HtmlElement] | None = None  # the marked elements, found once, only if needed
    if not printed and not any(t.strip() for t in profile_byline):
        # the theme's byline, when there is one, is the byline: no need to look elsewhere
        if anchor is not None:
            marked = byline_marked(tree)
            printed = printed_byline(tree, anchor, marked=marked)
            if printed and not enabled("authors-marked-byline"):
                printed = []
        if not printed:
            printed = byline_lines(anchor, credits=line_credits)
            if (printed or line_credits) and not enabled("authors-by-lines"):
                printed, line_credits = [], []
    printed = [n for n in printed if not _is_site(n, site)]
    if printed:
        return unique(printed)
    # nobody is named: the organisation the page credits, as written
    credited = organisations or [strip_byline(" ".join(html.unescape(v).split())) for v in raw[:1]] \
        or line_credits
    if credited and not enabled("authors-organisation"):
        credited = []
    credited = [c for c in credited if c and len(c) <= 80]
    if credited and not all(_is_site(c, site) for c in credited):
        return unique(credited)
    # a person printed by the date beats the site credited as its own author; an author box
    # far from the headline names someone only when nothing else is credited
    persons = [n for n in name_by_date(anchor) if not _is_site(n, site)]
    if persons and not enabled("authors-name-by-date"):
        persons = []
    if not persons and not credited:
        marked = byline_marked(tree) if marked is None else marked
        persons = [n for n in author_box(marked) if not _is_site(n, site)]
        if persons and not enabled("authors-author-box"):
            persons = []
    return persons or unique(credited)


def _is_site(name: str, site: set[str], prefix: bool = False) -> bool:
    """The site's own name (rule authors-not-site), or (`prefix`: a site-wide meta tag) its first
    word (rule authors-site-first-word)."""
    key = squash(name)
    if key in site:
        return enabled("authors-not-site")
    return (prefix and " " not in name.strip() and len(key) >= 4 and any(s.startswith(key) for s in site)
            and enabled("authors-not-site") and enabled("authors-site-first-word"))


def metadata_authors(meta: PageMetadata) -> list[str]:
    """Person names the metadata gives (JSON-LD author, then meta author tags)."""
    persons, _ = jsonld_authors(meta)
    return persons or meta_authors(meta)
