"""The article's headline as printed: h1 candidates weighed against the page's metadata."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newscrawl.extract.document import text_of
from newscrawl.extract.lines import text_lines
from newscrawl.extract.metadata import PageMetadata, jsonld_text
from newscrawl.extract.rules import enabled
from newscrawl.extract.vocabulary import NOT_ARTICLE_MARK, TITLE_MARKS, plain_words, squash

# a title's marks, and those that set off a site's name alone: a slash, a tilde, Korean's "ㅣ"
_SEPARATORS = f"{TITLE_MARKS}/\\~ㅣ"
_WORD_JOINERS = frozenset("-–—/\\~")  # separators also written inside a word
# (?<!\s): starts only where a run of white space starts (linear on a long run)
_SUFFIX_MARK = re.escape(f"{TITLE_MARKS}~")
_SITE_SUFFIX = re.compile(rf"(?<!\s)\s+[{_SUFFIX_MARK}]\s+[^{_SUFFIX_MARK}]{{2,60}}$")
_CHROME_TAGS = {"nav", "footer", "aside"}
_ARTICLE_TAGS = {"article", "main"}
MATCH = 0.75  # how alike a printed heading and a metadata title must be to back each other


def similarity(a: str, b: str) -> float:
    """How alike two headlines are, ignoring case and punctuation (0..1)."""
    na, nb = plain_words(a), plain_words(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    if na in nb or nb in na:
        return min(len(na), len(nb)) / max(len(na), len(nb)) * 0.5 + 0.5
    # (its time grows with the product of the lengths: a headline is a line, and a megabyte
    # <title> is compared by its first MAX_COMPARED characters)
    return SequenceMatcher(None, na[:MAX_COMPARED], nb[:MAX_COMPARED], autojunk=False).ratio()


MAX_COMPARED = 2000  # characters of a headline or title compared: ten times the longest headline


def site_names(meta: PageMetadata, url: str | None = None) -> list[str]:
    """The site's own names, as the metadata gives them (and the URL's host name)."""
    names = [meta.get("og:site_name"), meta.get("application-name"), meta.get("apple-mobile-web-app-title")]
    host = urlsplit(url or meta.url or "").hostname or ""
    names.extend([host, host.removeprefix("www.")])
    for node in meta.jsonld_nodes:
        kinds = node.get("@type")
        kinds = {kinds} if isinstance(kinds, str) else set(kinds or [])
        if kinds & {"WebSite", "Organization", "NewsMediaOrganization"}:
            names.append(jsonld_text(node.get("name")))
    return [n for n in dict.fromkeys(names) if n]


def strip_site_suffix(title: str, names: list[str] | None = None) -> str:
    """Drop a " - Site" / " | Site" suffix (or a "Site | " prefix) from a <title>-like string."""
    title = " ".join(title.split())
    wanted = {squash(n) for n in names or []} - {""}
    for sep in _SEPARATORS:
        head, found, tail = title.rpartition(sep)
        if found and head.strip() and _is_site(tail, wanted):
            return head.strip(" " + _SEPARATORS)
        tail, found, head = title.partition(sep)
        if found and head.strip() and _sets_off(tail, head, sep) and _is_site(tail, wanted):
            return head.strip(" " + _SEPARATORS)
    return title


def _sets_off(before: str, after: str, sep: str) -> bool:
    """Whether a separator sets a site's name before a title apart from it: a hyphen, dash or
    slash with no space beside it is inside a word or a range ("REI Co-op", "24/7"). (After the
    title a site's name may be glued on: "...커졌다-정치ㅣ한국일보".)"""
    return sep not in _WORD_JOINERS or before[-1:].isspace() or after[:1].isspace()


def names_site(part: str, meta: PageMetadata, url: str | None = None) -> bool:
    """Whether a title part is the site's name (its metadata's names, its host name)."""
    return _is_site(part, {squash(n) for n in site_names(meta, url)} - {""})


def _is_site(part: str, names: set[str]) -> bool:
    """Whether a title part names the site ("Gold's Gym" for goldsgym.com, "NDR.de")."""
    squashed = squash(part)
    if not squashed or len(squashed) > 60:
        return False
    return any(squashed == n or (len(squashed) >= 4 and squashed in n) or (len(n) >= 4 and n in squashed
               and len(squashed) - len(n) <= 6) for n in names)


def metadata_headlines(meta: PageMetadata) -> list[str]:
    """Headline candidates the page's metadata offers, most trusted first."""
    found = []
    if meta.jsonld_article:
        for key in ("headline", "name", "alternativeHeadline"):
            text = jsonld_text(meta.jsonld_article.get(key))
            if text:
                found.append(text)
    for key in ("og:title", "twitter:title", "title", "dc.title", "sailthru.title", "parsely-title",
                "headline"):
        value = meta.get(key)
        if value:
            found.append(value)
    if meta.title:
        found.append(meta.title)
    return found


def references(meta: PageMetadata) -> list[str]:
    """Metadata titles, each also without the site's name, for comparing with printed text."""
    names = site_names(meta)
    refs: list[str] = []
    for title in metadata_headlines(meta):
        refs.append(title)
        stripped = _without_site_name(title, names)
        if stripped != title:
            refs.append(stripped)
        generic = _SITE_SUFFIX.sub("", stripped).strip()
        if generic != stripped and len(generic) >= 10 and enabled("headline-any-suffix"):
            refs.append(generic)
    return list(dict.fromkeys(refs))


def backed_by_metadata(headline: str | None, meta: PageMetadata) -> bool:
    """Whether the page's metadata (JSON-LD headline, og:title, <title>) names this headline."""
    return bool(headline) and any(similarity(headline, ref) >= MATCH for ref in references(meta))


def _without_site_name(title: str, names: list[str]) -> str:
    """The title without the part that names the site (rule headline-site-name)."""
    stripped = strip_site_suffix(title, names)
    return stripped if stripped != title and enabled("headline-site-name") else title


def _chrome_level(element: HtmlElement) -> int:
    """0: article content; 1: a container whose class or id suggests chrome (logo, menu,
    modal...); 2: inside nav, footer or aside."""
    level = 0
    for node in (element, *element.iterancestors()):
        if node.tag in _ARTICLE_TAGS:
            return level if not level or enabled("headline-not-chrome") else 0
        if node.tag in _CHROME_TAGS:
            return 2 if enabled("headline-not-chrome") else 0
        if node.tag in ("body", "html"):
            continue  # body classes describe the page, not where the h1 sits
        marks = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
        if marks.strip() and NOT_ARTICLE_MARK.search(marks):
            level = 1
    return level if not level or enabled("headline-not-chrome") else 0


def _in_article(element: HtmlElement) -> bool:
    return any(a.tag in _ARTICLE_TAGS for a in element.iterancestors())


def h1_candidates(tree: HtmlElement) -> list[str]:
    """Texts of the page's h1 elements outside navigation chrome, in document order."""
    return [text for text, _ in h1_elements(tree)]


def h1_elements(tree: HtmlElement, level: int = 0) -> list[tuple[str, HtmlElement]]:
    """(text, element) of the h1 elements at one chrome level (see `_chrome_level`)."""
    found = []
    for h1 in tree.iter("h1"):
        text = text_of(h1)
        if 3 <= len(text) <= 400 and _chrome_level(h1) == level:
            found.append((text, h1))
    return found


def h2_elements(tree: HtmlElement) -> list[tuple[str, HtmlElement]]:
    """(text, element) of the h2 elements outside the page's chrome."""
    return [(text, h2) for h2 in tree.iter("h2") if 3 <= len(text := text_of(h2)) <= 400 and _chrome_level(h2) == 0]


def headline_anchor(printed: list[tuple[str, HtmlElement | None]], headline: str | None,
                    tree: HtmlElement | None = None) -> HtmlElement | None:
    """The printed element the chosen headline came from: a printed candidate, else any h1 or h2
    of the page that prints it, else any h3 (a template may set the headline in an h3 under the
    site's name), else the first printed candidate."""
    elements = [e for _, e in printed if e is not None]
    key = plain_words(headline or "")
    if key:
        for text, element in printed:
            if element is not None and key in plain_words(text):
                return element
        if tree is not None:
            # an h3 only when no h1 or h2 prints it: an earlier h3 may be a list's teaser of this story
            for tags in (("h1", "h2"), ("h3",)):
                for element in tree.iter(*tags):
                    if key in plain_words(text_of(element)):
                        return element
    return elements[0] if elements else None


def _variants(text: str, element: HtmlElement | None) -> list[str]:
    """A printed heading, and its separate lines when it holds more than one (kicker, dateline),
    and its parts when it is printed in several elements on one line ("<span>Haushaltsstreit</span>
    <span>Bundestag beschließt ...</span>"): the metadata tells which part is the headline."""
    found = [text]
    if element is not None:
        lines = text_lines(element)
        if len(lines) > 1 and enabled("headline-lines"):
            found.extend(lines)
        parts = _parts(element)
        if len(parts) > 1 and enabled("headline-parts"):
            found.extend(p for p in parts if p not in found)
    return found


def _parts(element: HtmlElement) -> list[str]:
    """The texts of a heading's child elements (through a lone wrapper such as a link), when the
    heading prints no words of its own between them."""
    while len(element) == 1 and not (element.text or "").strip() and not (element[0].tail or "").strip():
        element = element[0]
    children = [child for child in element if isinstance(child.tag, str)]
    if (element.text or "").strip() or any((child.tail or "").strip() for child in children):
        return []
    return [t for t in (" ".join(child.text_content().split()) for child in children) if t]


def _headline_like(text: str) -> bool:
    """A heading that reads like a headline, not a paragraph of description."""
    return len(text) <= 200 and len(re.findall(r"[.!?。](?:\s|$)", text)) <= 1


def choose_headline(printed: list[str] | list[tuple[str, HtmlElement | None]], meta: PageMetadata,
                    tree: HtmlElement | None = None) -> str | None:
    """The printed headline that the metadata backs best; metadata alone when nothing is printed.

    `printed` holds the profile's headline texts or (text, element) pairs of h1 candidates; with
    `tree`, an h1 in a container that only looks like chrome may stand in when the metadata backs it.
    """
    pairs = [(p, None) if isinstance(p, str) else p for p in printed]
    refs = references(meta)
    if pairs and not refs:
        return pairs[0][0]
    best = _best_match(pairs, refs)
    if best is None and tree is not None:
        # an h1 in a container that only looks like chrome, backed by the metadata
        best = _best_match(h1_elements(tree, level=1), refs)
    if best is None and not pairs and tree is not None and next(tree.iter("h1"), None) is None:
        # a page without any h1 (a print view, an old template) prints its headline as an h2
        # that its title holds ("Print: Harbor dredging ..." holds "Harbor dredging ..."; a
        # comment section's "15 Replies to “...”" is held by none)
        best = _best_match([(text, h2) for text, h2 in h2_elements(tree)
                            if any(plain_words(text) in plain_words(ref) for ref in refs)], refs)
    if best is not None and enabled("headline-metadata-backed"):
        return _in_metadata_case(best, refs)
    # nothing printed agrees with the metadata: the printed h1 still wins if it reads like one
    for text, element in pairs:
        if _headline_like(text) and (element is None or _in_article(element) or len(pairs) == 1) \
                and enabled("headline-printed-first"):
            return text
    if refs:
        return _clean_metadata_title(meta)
    return pairs[0][0] if pairs else None


def _in_metadata_case(headline: str, refs: list[str]) -> str:
    """A headline printed in capitals only, in the case of a metadata title that is the same text
    in another case (rule headline-capitals-case): capitals are the page's styling, the title's
    case is the editor's ("TIPS FOR ONLINE SUCCESS" is "Tips for Online Success")."""
    letters = [c for c in headline if c.isalpha()]
    if len(letters) < 4 or not all(c.isupper() for c in letters) or not enabled("headline-capitals-case"):
        return headline
    printed = " ".join(headline.split()).casefold()
    for ref in refs:
        ref = " ".join(ref.split())
        # a title in capitals or in lower case only says no more about the case than the h1
        if ref.casefold() == printed and not ref.isupper() and not ref.islower():
            return ref
    return headline


def _best_match(pairs: list[tuple[str, HtmlElement | None]], refs: list[str]) -> str | None:
    """The printed heading (or one of its lines) most like a metadata title, if like enough."""
    best: tuple[float, int, str] | None = None
    for index, (text, element) in enumerate(pairs):
        for variant in _variants(text, element):
            score = max(similarity(variant, ref) for ref in refs)
            if best is None or (score, -index) > best[:2]:
                best = (score, -index, variant)
    return best[2] if best is not None and best[0] >= MATCH else None


def _clean_metadata_title(meta: PageMetadata) -> str | None:
    names = site_names(meta)
    titles = metadata_headlines(meta)
    title = titles[0] if titles else None
    if title is None:
        return None
    stripped = _without_site_name(title, names)
    if stripped == title:
        generic = _SITE_SUFFIX.sub("", title).strip()
        stripped = generic if len(generic) >= 10 and generic != title and enabled("headline-any-suffix") else title
    return stripped
