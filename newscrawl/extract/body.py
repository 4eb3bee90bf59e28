"""The article body: trafilatura over the cleaned tree, rendered as blank-line paragraphs."""

from __future__ import annotations

import copy
import html
import re
from collections import Counter
from datetime import date, datetime
from functools import lru_cache

import lxml.html
from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.settings import Extractor

from newscrawl.extract.authors import strip_byline
from newscrawl.extract.boilerplate import drop, drop_media, prune_boilerplate, prune_foreign_prose
from newscrawl.extract.dateline import is_date_line, prints_day
from newscrawl.extract.document import join_text_nodes
from newscrawl.extract.lines import alnum_count, has_alnum
from newscrawl.extract.metadata import PageMetadata, jsonld_text
from newscrawl.extract.noise import strip_boilerplate
from newscrawl.extract.outside import without_outside_ends
from newscrawl.extract.profiles.base import Profile
from newscrawl.extract.rules import enabled
from newscrawl.extract.second_opinion_cost import second_opinion_affordable
from newscrawl.extract.vocabulary import (
    HIDDEN_STYLE,
    NAMES_CHROME,
    holds_prose,
    prose_chars,
    reads_like_prose,
)
from newscrawl.extract.vocabulary import squash as _squash

_BLOCKS = {"p", "head", "list", "quote", "table", "code", "item", "row", "div"}
_CELL_BLOCKS = _BLOCKS | {"cell"}
END_MARK_TAIL_SHARE = 0.25  # text after an end mark, as a share of the body: more is a section
MAX_LINK_SHARE = 0.6  # a block whose text is mostly links is navigation, not article
MIN_BODY_CHARS = 300  # less than this from a container or a first run: try again more broadly
MIN_METADATA_BODY = 1000  # a JSON-LD articleBody shorter than this may be a teaser
MIN_COVERAGE = 0.5  # share of the articleBody's words the extracted body must hold
MAX_DATE_WORDS = 8  # a date printed with its time and zone ("March 18, 2024, 12:42 p.m. ET") and a label
MAX_HEADER_LINE = 160  # a header line (dateline, byline) repeated in the body is short
MIN_REPEAT_CHARS = 160  # a paragraph this long printed twice is a copy of the layout, not the text
MIN_COPY_RUN = 2  # long paragraphs printed again in one run of repeated lines: a copy of the layout
# a header's reading time ("5 min read", "Reading time: 3 minutes"): interface, not text
READING_TIME = re.compile(
    r"(?:\d{1,3} ?(?:min|mins|minutes?)\.? (?:read|reading)|(?:reading|read) time:? ?\d{1,3} ?"
    r"(?:min|mins|minutes?)\.?)$", re.IGNORECASE)
# a widget's count printed alone ("38" responses, "2.4K" claps, "1,204" shares); a year is none
COUNT_LINE = re.compile(r"\d{1,3}(?:[.,]\d{1,3})*\s?[KkMm]?")
_SUBHEADINGS = ("h2", "h3", "h4", "h5", "h6")
_BODY_LINES = ("head", "item", "cell", "quote", "hi", "ref")  # besides <p>: a heading may be inline
_MAX_HEADING_STEPS = 4  # a heading's paragraph is near: past a subheading or out of a wrapper
MIN_PROSE_SHARE = 0.5  # a body under this share of the page's visible prose is from the wrong region
# collapsed accordion and tab panels: the article's own text, hidden until a click (trafilatura
# drops hidden blocks, which is right for modals and menus but not for these)
_PANEL_ROLES = frozenset({"region", "tabpanel"})
_PANEL_MARKS = re.compile(r"accordion|collaps|tab-?pane|tabs?-?(?:content|panel)", re.IGNORECASE)
# hidden blocks (found by their attributes: a test of every element's attributes costs six times
# as much in libxml2)
# (two searches, not one XPath union: libxml2 merges a union's node sets in time that grows with
# the product of their sizes, 9 s for 40,000 of each; each block is judged on its own, so their
# order does not matter)
_HIDDEN = (etree.XPath("//@aria-hidden[.='true']/.."),
           etree.XPath("//@style[contains(., 'none') or contains(., 'hidden')]/.."))


def _hidden_candidates(tree: HtmlElement) -> list[HtmlElement]:
    """Hidden blocks that could be panels: a panel has a role, or a class on itself or its
    parent (an icon set's thousands of unclassed SVG paths with "fill:none" are no panel)."""
    found = []
    for element in dict.fromkeys(e for search in _HIDDEN for e in search(tree)):
        parent = element.getparent()
        if element.get("role") in _PANEL_ROLES or element.get("class") is not None \
                or (parent is not None and parent.get("class") is not None):
            found.append(element)
    return found
# trafilatura drops any block whose class merely contains "embed", "widget", "meta", "rating",
# "bar"... (its first discard rule, case-sensitive), prose and all: in a block that holds prose and
# names no chrome, those incidental words are written in capitals so that rule passes it by
# (the tags it looks at, matched in Python: its EXSLT regex xpath costs a sixth of a run)
_DISCARDED_TAGS = ("div", "p", "section", "span", "ul", "ol", "li")
_INCIDENTAL_MARKS = re.compile(
    r"widget|embed|meta|bar|options|rating|attachment|viewport|timestamp|-icon")


def _text(element) -> str:
    # (serialized as text in C: a third cheaper than joining the pieces itertext() yields)
    return " ".join(etree.tostring(element, method="text", encoding=str, with_tail=False).split())


def _part_at_line_breaks(body: etree._Element) -> None:
    """A line break (<lb/>) parts the words on either side (rule line-breaks-separate, as for the
    page's <br>): a name and the link on the next line ("Kelsey Tran<br><a>press@...</a>") are
    two words, not "Tranpress@" (trafilatura keeps the newline the page's <br> was given only
    when text follows it directly)."""
    if not enabled("line-breaks-separate"):
        return
    for line_break in body.iter("lb"):
        line_break.tail = "\n" + (line_break.tail or "")


def _render(element) -> list[str]:
    """trafilatura's XML body as paragraphs: one per block, list items one per line."""
    paragraphs: list[str] = []
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "list":
            paragraphs.extend(_list_lines(child))
        elif tag == "table":
            for row in child.iter("row"):
                cells = [_cell_text(c) for c in row]
                line = " | ".join(c for c in cells if c)
                if line:
                    paragraphs.append(line)
        elif tag == "code":
            # a code block is lines: joined, its commands and comments would run together (the
            # loader makes each line a paragraph; kept as one block here, repeated lines stay)
            lines = (" ".join(line.split()) for line in "".join(child.itertext()).splitlines())
            text = "\n".join(line for line in lines if line)
            if text:
                paragraphs.append(text)
        elif tag in ("quote", "div") and any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in child):
            lead = " ".join((child.text or "").split())  # the words before its first block
            if lead:
                paragraphs.append(lead)
            paragraphs.extend(_render(child))
        else:
            text = _text(child)
            if text:
                paragraphs.append(text)
        # text trafilatura left between blocks (after a <ref> it closed) belongs to the body too
        tail = " ".join((child.tail or "").split())
        if tail:
            paragraphs.append(tail)
    return paragraphs


def _list_lines(element) -> list[str]:
    """A list's items, one line each in reading order: an item's paragraphs parted by a space, a
    list nested in it as lines of its own (not glued into the item's line, nor printed twice)."""
    lines: list[str] = []
    for item in element:
        if not isinstance(item.tag, str):
            continue
        parts = [item.text or ""]
        for child in item:
            if child.tag == "list":
                lines.append(" ".join("".join(parts).split()))
                lines.extend(_list_lines(child))
                parts = []
            elif isinstance(child.tag, str) and child.tag in _CELL_BLOCKS:
                parts.append(f" {_cell_text(child)} ")
            else:
                parts.append("".join(child.itertext()))
            parts.append(child.tail or "")
        lines.append(" ".join("".join(parts).split()))
    return [line for line in lines if line]


def _cell_text(cell) -> str:
    """A table cell's text, the blocks it holds (paragraphs, a nested table's rows) parted by a
    space: "…outside her shop.</p><p>Angharad…" are two sentences, not "shop.Angharad"."""
    parts = [cell.text or ""]
    for child in cell:
        if isinstance(child.tag, str) and child.tag in _CELL_BLOCKS:
            parts.append(f" {_cell_text(child)} ")
        else:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def run_trafilatura(tree: HtmlElement, *, favor_recall: bool = False, fast: bool = False) -> str | None:
    """Body text of a (cleaned) document, paragraphs separated by a blank line.

    Link-dense paragraphs and lists of links (related headlines, "read more" lines) are
    dropped: trafilatura marks links in its output, so their share of each block is known.
    `fast` skips trafilatura's readability/justext second opinion (on every page it lost 1.6
    points of wcxb body F1: it is for pages whose body cannot change their verdict).
    """
    return render_body(tree, trafilatura_body(tree, favor_recall=favor_recall, fast=fast))


@lru_cache(maxsize=4)
def _reading_options(favor_recall: bool, fast: bool) -> Extractor:
    """trafilatura's settings for one kind of reading, built once: trafilatura never changes an
    Extractor it is given (its recall retry works on a copy), and building one reads its config.

    No URL: trafilatura would resolve every link's target, and only the link text is read. An
    XML output format: only the body element is read, and "python" would also render it as text
    (a thirteenth of the run)."""
    return Extractor(output_format="xml", comments=False, tables=True, links=True,
                     recall=favor_recall, fast=fast, with_metadata=False, dedup=False)


def trafilatura_body(tree: HtmlElement, *, favor_recall: bool = False,
                     fast: bool = False) -> etree._Element | None:
    """trafilatura's XML body of the document (its <p>, <head>, <list>... elements), or None.
    A page whose second opinion would take seconds is read without it (see second_opinion_cost)."""
    fast = fast or not second_opinion_affordable(tree)
    try:
        document = bare_extraction(tree, options=_reading_options(favor_recall, fast))
    except Exception:  # trafilatura raises assorted errors on odd trees; the item keeps no body
        return None
    return None if document is None else document.body


def render_body(tree: HtmlElement, body: etree._Element | None) -> str | None:
    """The text of trafilatura's body of `tree`, with the subheadings it left out put back and
    link blocks, repeats and what is printed outside the article's block at either end dropped."""
    if body is None:
        return None
    _part_at_line_breaks(body)
    restore_subheadings(tree, body)
    drop_link_blocks(body)
    paragraphs = without_outside_ends(tree, without_repeats(without_symbol_lines(before_end_mark(_render(body)))))
    return "\n\n".join(paragraphs) or None


def before_end_mark(paragraphs: list[str]) -> list[str]:
    """The paragraphs before an end-of-copy mark ("###", "-30-") near the body's end (rule
    end-marks): the mark closes the release or story, and what follows it (a media contact, a
    "SOURCE" line, photo credits) is not the article. A mark with much text after it is a
    section break, and stays."""
    total = sum(map(len, paragraphs))
    after = 0
    for index in range(len(paragraphs) - 1, 0, -1):
        # (a "###" with nothing after it is a symbol line: rule symbol-lines; "-30-" is not)
        if _END_MARK.match(paragraphs[index]) and (after or has_alnum(paragraphs[index])):
            if enabled("end-marks"):
                return paragraphs[:index]
            break
        after += len(paragraphs[index])
        if after > END_MARK_TAIL_SHARE * total:
            break
    return paragraphs


def without_symbol_lines(paragraphs: list[str]) -> list[str]:
    """The paragraphs without those at either end that hold no letter or digit (rule
    symbol-lines): a press release's closing "###" marks where it ends, and a rule before the
    text opens nothing. Between paragraphs such a line is the text's own section break, kept."""
    start, end = 0, len(paragraphs)
    while start < end and not has_alnum(paragraphs[start]):
        start += 1
    while end > start and not has_alnum(paragraphs[end - 1]):
        end -= 1
    if (start, end) == (0, len(paragraphs)) or not enabled("symbol-lines"):
        return paragraphs
    return paragraphs[start:end]


def bare_paragraphs(body: etree._Element) -> bool:
    """Whether a trafilatura body is plain paragraphs only, no link, emphasis, heading or list:
    the shape of its fallback, which dumps the page's text when its extractor found nothing."""
    return all(child.tag == "p" and len(child) == 0 and not child.attrib for child in body)


def restore_subheadings(tree: HtmlElement, body) -> int:
    """Put back the subheadings trafilatura left out before paragraphs it kept (its fallback for
    pages without an article container collects paragraphs only): a heading printed right
    before a paragraph of the body introduces it, unless it is mostly a link to another page (a
    teaser's title). Not before the body's last paragraph: a box after the article (a sign-up
    pitch, "Take the next step") is a heading and one line. Returns how many."""
    kept: dict[str, object] = {}
    for paragraph in body.iter("p"):
        kept.setdefault(_text(paragraph), paragraph)
    if len(kept) < 2:
        return 0
    last = paragraph
    printed = set(kept).union(_text(e) for e in body.iter(_BODY_LINES))
    restored = 0
    for heading in tree.iter(_SUBHEADINGS):
        text = _text(heading)
        if not text or text in printed:
            continue
        following = _next_paragraph(heading)
        paragraph = kept.get(following) if following else None
        if paragraph is None or paragraph is last or paragraph.getparent() is None \
                or _away_link_share(heading) >= MAX_LINK_SHARE or not enabled("subheadings"):
            continue
        element = body.makeelement("head", {})
        element.text = text
        paragraph.addprevious(element)
        printed.add(text)
        restored += 1
    return restored


def _next_paragraph(heading: HtmlElement) -> str | None:
    """The text of the paragraph printed right after a heading: its next sibling, past further
    headings (a subheading under a heading) and empty spacers, or the first thing inside a
    wrapper that starts with it; for a heading alone in its wrapper, what follows the wrapper."""
    element: HtmlElement | None = heading
    for _ in range(_MAX_HEADING_STEPS):
        following = element.getnext()
        if following is None:
            parent = element.getparent()
            if parent is None or parent.tag in ("body", "html"):
                return None
            element = parent
            continue
        if not isinstance(following.tag, str) or following.tag in _SUBHEADINGS:
            element = following
            continue
        if following.tag != "p":
            inner = following.find(".//p")
            if inner is None:
                return None
            text = _text(inner)
            # the wrapper must print the paragraph first, not after other text
            return text if text and _starts_with(following, text) else None
        text = _text(following)
        if text:
            return text
        element = following  # an empty spacer paragraph
    return None


def _starts_with(element: HtmlElement, text: str) -> bool:
    """Whether an element's text starts with `text`, spaces aside (read only as far as needed:
    the element may be the article's whole wrapper)."""
    wanted = "".join(text.split())
    read: list[str] = []
    length = 0
    for chunk in element.itertext():
        squeezed = "".join(chunk.split())
        read.append(squeezed)
        length += len(squeezed)
        if length >= len(wanted):
            break
    return "".join(read).startswith(wanted)


def _away_link_share(element: HtmlElement) -> float:
    """The share of a block's text that links to another page (a link to an anchor of the same
    page, a heading's own permalink, does not count)."""
    total = len(element.text_content().strip())
    away = sum(len(a.text_content().strip()) for a in element.iter("a")
               if not (a.get("href") or "").startswith("#"))
    return away / total if total else 0.0


def without_repeats(paragraphs: list[str]) -> list[str]:
    """The paragraphs without later copies of a long one: pages that print the article twice (a
    mobile and a desktop layout, tabs, a sticky copy) give trafilatura both copies, and a writer
    seldom repeats a whole long paragraph word for word (a short pull quote is kept). A copy is
    a run: the shorter lines printed again beside a repeated long one (its subheadings, list
    items) go with it."""
    seen: set[str] = set()
    repeated = []
    for paragraph in paragraphs:
        key = " ".join(re.findall(r"\w+", paragraph.casefold()))
        repeated.append(bool(key) and key in seen)
        seen.add(key)
    copy = [r and len(p) >= MIN_REPEAT_CHARS for p, r in zip(paragraphs, repeated, strict=True)]
    # a run of repeated lines holding a long repeated one is a copy, all of it
    start = 0
    while start < len(paragraphs):
        if not repeated[start]:
            start += 1
            continue
        end = start
        while end < len(paragraphs) and repeated[end]:
            end += 1
        if sum(copy[start:end]) >= MIN_COPY_RUN:
            copy[start:end] = [True] * (end - start)
        start = end
    # (asked only where it would change something: the ablation reruns only those pages)
    if not any(copy) or not enabled("repeated-paragraphs"):
        return paragraphs
    return [p for p, c in zip(paragraphs, copy, strict=True) if not c]


def _link_share(element) -> float:
    refs = list(element.iter("ref"))
    if not refs:  # (most paragraphs: their text need not be read)
        return 0.0
    total = len(_text(element))
    links = sum(len(_text(ref)) for ref in refs)
    return links / total if total else 0.0


# journalism's end-of-copy marks, alone on their line
_END_MARK = re.compile(r"(?:#\s*){3,}$|-\s*30\s*-$")
_FULL_STOP = re.compile(r"[.。][\"'”’»)\]]*$")


def _cites_away(paragraph) -> bool:
    """Whether a paragraph is a sentence (it opens with a capital, or in a script without case,
    and ends with a full stop: a teaser's headline does not, a "click here" prompt does not open
    one) whose links go to other pages: the article citing its sources, not navigation (a skip
    link to a place on the same page is the page's interface)."""
    text = _text(paragraph)
    targets = [ref.get("target") or "" for ref in paragraph.iter("ref")]
    return bool(text) and not text[0].islower() and bool(_FULL_STOP.search(text)) \
        and all(t and not t.startswith("#") for t in targets)


def drop_link_blocks(body) -> int:
    """Remove paragraphs, headings and quotes that are mostly link text, and lists whose items
    are (nearly all) links. Returns how many blocks went."""
    dropped = 0
    for child in list(body):
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("p", "head", "quote"):
            linky = _link_share(child) >= MAX_LINK_SHARE
            if linky and tag == "p" and _cites_away(child) and enabled("linked-sentences"):
                linky = False
        elif tag == "list":
            items = list(child.iter("item"))
            linky = len(items) >= 2 and \
                sum(1 for item in items if _link_share(item) >= MAX_LINK_SHARE) >= 0.8 * len(items)
        else:
            linky = False
        if linky and enabled("link-blocks"):
            body.remove(child)  # with its tail: the rest of the same link line
            dropped += 1
    return dropped


def extract_body(tree: HtmlElement, profile: Profile, containers: list[HtmlElement], *,
                 thorough: bool = True, headline: HtmlElement | None = None, gated: bool = False) -> str | None:
    """The article text.

    With a profile's body container: trafilatura (favouring recall) inside it. Otherwise, or
    when that gives next to nothing: generic boilerplate and media removed by markup, then
    trafilatura over the whole page, and once more favouring recall (fast: the first run asked
    for the second opinion) if the first run finds next to nothing or leaves out most of the
    page's prose (pages whose text sits in unusual markup). Not `thorough` (a page that no
    body could make an article): one fast trafilatura run, no second opinion, no retry.
    """
    keep_inline_times(tree)
    if containers and enabled("theme-body-container"):
        strip_boilerplate(containers[0], profile, "body_boilerplate")
        if enabled("theme-container-pruned"):
            prune_foreign_prose(containers[0])
        drop_media(containers[0])
        unmask_prose(containers[0])
        body = run_trafilatura(container_document(containers[0]), favor_recall=True)
        # a theme's own body container that holds prose is the article, even a two-line brief:
        # the whole page around it would add its chrome, not more article. A container left
        # with a label ("Advertiser Disclosure", "Read More") is not the article.
        if body and (len(body) >= MIN_BODY_CHARS or reads_like_prose(body)):
            return body
    prune_boilerplate(tree, headline, gated=gated)
    drop_media(tree)
    unmask_prose(tree)
    reveal_panels(tree)
    drop_unread_regions(tree)
    if not thorough:
        return run_trafilatura(tree, fast=True)
    prose = prose_chars(tree)
    body = _read_with_second_opinion(tree, prose)
    # a retry follows a reading that asked trafilatura's second opinion already: the recall
    # run reads fast (asked again, the same opinion changed no article on 1534 pages)
    if (not body or len(body) < MIN_BODY_CHARS) and enabled("recall-retry"):
        retry = run_trafilatura(tree, favor_recall=True, fast=True)
        if retry and len(retry) > len(body or ""):
            body = retry
    elif body and len(body) >= MIN_BODY_CHARS and len(body) < MIN_PROSE_SHARE * prose \
            and enabled("prose-share-retry"):
        # most of the page's prose left out: the first run settled on a side region (a lead, one
        # card); the recall run judges the whole page again. It is taken when it found a body
        # at all, even a shorter one (it may have swapped a wrong region for the right one).
        retry = run_trafilatura(tree, favor_recall=True, fast=True)
        if retry and (len(retry) >= MIN_BODY_CHARS or len(retry) > len(body)):
            body = retry
    return body


# regions trafilatura deletes from every page before it reads it (its tree cleaning), whatever
# they hold: a third of a page's elements, which its own passes over the whole page (and its
# second opinion, which reads the page before that cleaning) would walk first
UNREAD_REGIONS = ("nav", "footer", "aside", "svg", "form", "button", "select", "textarea")


def drop_unread_regions(tree: HtmlElement) -> int:
    """Remove the regions no reading of the body takes text from (rule unread-regions), keeping
    the text that follows each; returns how many. One that holds half the page's text is the
    page in markup gone wrong (an unclosed <aside> that swallowed the rest), and stays."""
    found = list(tree.iter(UNREAD_REGIONS))
    if not found or not enabled("unread-regions"):
        return 0
    half = len(tree.text_content()) / 2
    dropped: set[HtmlElement] = set()
    for element in found:
        if element.getparent() is None or any(a in dropped for a in element.iterancestors()):
            continue  # the root, or gone with a region around it: not measured again
        if len(element.text_content()) < half:
            drop(element)
            dropped.add(element)
    return len(dropped)


def _read_with_second_opinion(tree: HtmlElement, prose: int) -> str | None:
    """trafilatura's reading of the page, with its second opinion (readability, then justext:
    a quarter of its cost) asked only when the first reading is short, leaves out most of the
    page's prose, or is trafilatura's fallback (its extractor found nothing, the second opinion
    would judge the page); a first reading that holds most of the prose is what it would keep."""
    if not enabled("second-opinion-when-short"):
        return run_trafilatura(tree)
    first = trafilatura_body(tree, fast=True)
    if first is not None and bare_paragraphs(first):  # the fallback: no need to render it
        return run_trafilatura(tree)
    body = render_body(tree, first)
    if not body or len(body) < MIN_BODY_CHARS or len(body) < MIN_PROSE_SHARE * prose:
        return run_trafilatura(tree)
    return body


# the blocks of running text a <time> may sit in
_TEXT_BLOCKS = frozenset({"p", "li", "dd", "td", "th", "blockquote"})
_CELLS = frozenset({"td", "th"})


def keep_inline_times(tree: HtmlElement) -> int:
    """<time> elements printed with other words in a block of text, or in a table's cell, lose
    their tag and keep their words (rule inline-times): trafilatura deletes every <time> with its
    text, which leaves "the board meets on , at 7 p.m.", ", 4:00 PM - 7:00 PM" and a timetable's
    empty cells. A <time> alone in its paragraph (a date line, an update's stamp) is left to
    trafilatura. Returns how many."""
    inline = []
    sizes: dict[HtmlElement, int] = {}  # a block's letters and digits, counted once for all its times
    for element in tree.iter("time"):
        block = next((a for a in element.iterancestors() if a.tag in _TEXT_BLOCKS), None)
        if block is None:
            continue
        # words besides the time; a table's cell is its row's data, a time alone in it too
        if block.tag not in _CELLS and block not in sizes:
            sizes[block] = _alnum(block)
        if block.tag in _CELLS or sizes[block] > _alnum(element):
            inline.append(element)
    if inline and enabled("inline-times"):
        # the tags go in one pass in C: dropped one by one, each rescans its parent (20,000 times
        # in one block: minutes)
        parents = {element.getparent(): None for element in inline}
        for element in inline:
            element.tag = _INLINE_TIME
        etree.strip_tags(tree, _INLINE_TIME)
        for parent in parents:
            if parent.tag == _INLINE_TIME:  # a time inside a time: stripped with it
                continue
            join_text_nodes(parent)
        return len(inline)
    return 0


_INLINE_TIME = "newscrawl-inline-time"


def _alnum(element: HtmlElement) -> int:
    return alnum_count(element.text_content())


def unmask_prose(tree: HtmlElement) -> int:
    """Blocks that trafilatura would discard for an incidental word in their class
    ("w-embed", "product-widget", "bard") although they hold prose and name no chrome get that
    word in capitals (the rest of the class, which trafilatura may look for, is kept); so do the
    blocks sharing such a class (a page builder's headings and lists beside its text blocks).
    Returns how many. Our own boilerplate pruning has already removed what is chrome."""
    # carousels ("slide") and expandable fact boxes ("expand") are asides: left to trafilatura
    candidates = [e for e in tree.iter(_DISCARDED_TAGS) if _INCIDENTAL_MARKS.search(e.get("class") or "")
                  and not NAMES_CHROME.search(f"{e.get('class')} {e.get('id') or ''} {e.get('role') or ''}".lower())]
    prose = {e for e in candidates if holds_prose(e)}
    components = {token for e in prose for token in (e.get("class") or "").split()
                  if _INCIDENTAL_MARKS.search(token)}
    unmasked = 0
    if not prose or not enabled("unmask-prose"):
        return unmasked
    for element in candidates:
        if not any(t in components for t in (element.get("class") or "").split()) and element not in prose:
            continue
        element.set("class", _INCIDENTAL_MARKS.sub(lambda m: m.group().upper(), element.get("class")))
        unmasked += 1
    return unmasked


def reveal_panels(tree: HtmlElement) -> int:
    """Show the collapsed panels of accordions and tabs that hold prose (an FAQ's answers, a
    guide's steps): role=region/tabpanel, or a panel class on the block or its parent, hidden
    by style or aria-hidden. Returns how many."""
    revealed = 0
    for element in _hidden_candidates(tree):
        parent = element.getparent()
        parent_class = (parent.get("class") or "") if parent is not None else ""
        panel = element.get("role") in _PANEL_ROLES or _PANEL_MARKS.search(
            f"{element.get('class') or ''} {parent_class}")
        hidden = element.get("aria-hidden") == "true" or HIDDEN_STYLE.search(element.get("style") or "")
        if not panel or not hidden or not holds_prose(element) or not enabled("reveal-panels"):
            continue
        element.attrib.pop("aria-hidden", None)
        element.set("style", HIDDEN_STYLE.sub("", element.get("style") or ""))
        revealed += 1
    return revealed


def container_document(container: HtmlElement) -> HtmlElement:
    """A minimal document holding only the body container, for trafilatura."""
    root = lxml.html.document_fromstring("<html><body><article></article></body></html>")
    article = root.find(".//article")
    article.append(copy.deepcopy(container))
    return root


def without_leading_headline(body: str | None, headline: str | None) -> str | None:
    """The body without a first paragraph that only repeats the headline (generic pages)."""
    if not body or not headline:
        return body
    first, _, rest = body.partition("\n\n")
    if rest and " ".join(first.split()).casefold() == " ".join(headline.split()).casefold() \
            and enabled("header-lines"):
        return rest
    return body


def without_header_lines(body: str | None, headline: str | None, dateline: str | None,
                         authors: list[str], day: date | None = None,
                         latest: datetime | None = None) -> str | None:
    """The body without the article header's own lines that the extractor let through: a
    paragraph repeating the headline, the printed dateline, or the byline ("By A and B"), an
    author's name with the dateline's `day` however printed (`latest`: the latest date a page
    may carry), or a widget's count before the text's first sentence ("2.4K" claps, "38")."""
    if not body:
        return body
    drop = set()
    for line in (headline, dateline):
        if line:
            drop.add(_squash(line))
    names = {_squash(a) for a in authors if a}
    kept = []
    prose = False  # the header's lines come before the text's first sentence of prose
    for paragraph in body.split("\n\n"):
        prose = prose or reads_like_prose(paragraph)
        if not prose and COUNT_LINE.fullmatch(paragraph.strip()) and enabled("header-lines"):
            continue
        if len(paragraph) <= MAX_HEADER_LINE:
            key = _squash(paragraph)
            if key and (key in drop or _is_byline(paragraph, names)
                        or _credit_and_day(paragraph, authors, day, latest)) and enabled("header-lines"):
                continue
            if READING_TIME.match(paragraph.strip()) and enabled("reading-time-lines"):
                continue
        kept.append(paragraph)
    return "\n\n".join(kept) or body


def _is_byline(paragraph: str, names: set[str]) -> bool:
    """"By Jane Doe", "Von Jane Doe und John Roe": the byline words and nothing else."""
    if not names:
        return False
    rest = _squash(strip_byline(paragraph))
    for name in sorted(names, key=len, reverse=True):
        rest = rest.replace(name, "")
    return not rest or rest in _JOINERS


def _credit_and_day(paragraph: str, authors: list[str], day: date | None, latest: datetime | None) -> bool:
    """An author's name and the article's own day, however printed: "Keisha MorganMarch 18,
    2024, 12:42 p.m. ET" (a byline and a date in spans side by side, no space between them),
    under a header whose <time> prints 2024-03-18 or the same line."""
    if day is None or latest is None:
        return False
    text, found = strip_byline(paragraph), False
    for name in sorted(filter(None, authors), key=len, reverse=True):
        start = text.casefold().find(name.casefold())
        if start >= 0:
            text, found = f"{text[:start]} {text[start + len(name):]}", True
    rest = text.strip(" ,;:|·•-–—")
    return found and bool(rest) and len(rest.split()) <= MAX_DATE_WORDS and is_date_line(rest) \
        and prints_day([rest], day, latest)


_JOINERS = {"and", "und", "et", "y", "e", "og", "i", "en"}


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.casefold()))


def complete_from_metadata(body: str | None, meta: PageMetadata) -> str | None:
    """The JSON-LD articleBody instead of an extraction that holds little of it.

    The page's own metadata carries the whole article text on many news sites; when the
    extracted body covers less than half of that text (pages that split the article into
    chunks, or build it with scripts), the metadata's text is the better body.
    """
    text = jsonld_text(meta.jsonld_article.get("articleBody")) if meta.jsonld_article else None
    if not text or len(text) < MIN_METADATA_BODY:
        return body
    wanted = _words(text)
    found = _words(body or "")
    covered = sum((wanted & found).values()) / max(1, sum(wanted.values()))
    if covered >= MIN_COVERAGE or not enabled("metadata-body"):
        return body
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n+", html.unescape(text))]
    return "\n\n".join(p for p in paragraphs if p) or body
