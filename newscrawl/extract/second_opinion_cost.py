"""What trafilatura's second opinion would cost on a page, known before it is asked.

trafilatura's last opinion on a page's body is jusText's. For each short block jusText looks for
the nearest good or bad block before and after it, walking past the short and the near-good
blocks it sits among, and for each near-good block the nearest block that is not near-good: a
run of n such blocks takes about n² steps (48,000 one-word list items: minutes, in code
newscrawl does not own, where no time limit reaches). This counts those steps the way jusText
would, in one pass over the tree, so that such a page is read without the second opinion.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import settings as trafilatura_settings
from trafilatura.external import JT_STOPLIST, jt_stoplist_init
from trafilatura.settings import MANUALLY_CLEANED, MANUALLY_STRIPPED

# the tags at which jusText starts a new block (justext.core.PARAGRAPH_TAGS), less those
# trafilatura strips before (their content stays in the block around them)
BLOCK_TAGS = frozenset({
    "body", "blockquote", "caption", "center", "col", "colgroup", "dd", "div", "dl", "dt",
    "fieldset", "form", "legend", "optgroup", "option", "p", "pre", "table", "td", "textarea",
    "tfoot", "th", "thead", "tr", "ul", "li", "h1", "h2", "h3", "h4", "h5", "h6",
}) - frozenset(MANUALLY_STRIPPED)
# the elements trafilatura deletes before its main reading hands the page to jusText (its
# recall retry hands over the page without this cleaning: both are counted). A form holding most
# of the page's text is kept, as trafilatura keeps it.
_CLEANED_TAGS = frozenset(MANUALLY_CLEANED) - {"form"}
# what jusText's own input cleaning deletes on both ways (trafilatura's BASIC_CLEAN_XPATH, read
# in the one pass: that XPath takes seconds on a page of 240,000 elements)
_BASIC_CLEANED_TAGS = frozenset({"aside", "fencedframe", "footer", "script", "style", "svg", "template"})
# (its cookie banners' class words: a private name of trafilatura's, read where it is)
_COOKIE_CONSENT = re.compile(getattr(trafilatura_settings, "_COOKIE_CONSENT_RE", r"(?!)"), re.IGNORECASE)
# jusText's classification as trafilatura asks it (external.try_justext): a block shorter than
# SHORT_BLOCK_CHARS with no link text is short; a longer one is good, near-good or bad by its share
# of stop words (a link-dense one is bad)
SHORT_BLOCK_CHARS = 50
LONG_BLOCK_CHARS = 150
STOPWORDS_LOW, STOPWORDS_HIGH = 0.1, 0.2
MAX_LINK_DENSITY = 0.25
# neighbour-search steps past which the second opinion is not asked: about half a second of
# jusText (a run of 1,400 short blocks); pages of the data sets need a tenth of it at most
MAX_SECOND_OPINION_STEPS = 2_000_000
_SPACES = re.compile(r"\s+")
_SHORT, _NEARGOOD, _ENDS_RUN = 0, 1, 2


@lru_cache(maxsize=1)
def _stoplist() -> frozenset[str]:
    """The stop words jusText counts with on a page of no declared language (trafilatura's)."""
    return frozenset(word.lower() for word in (JT_STOPLIST or jt_stoplist_init()))


# the texts that are not white space, and the <br>s: no more blocks than these (counted in C)
_TEXTS_AND_BREAKS = etree.XPath("count(.//text()[normalize-space()]) + count(.//br)")


def second_opinion_affordable(tree: HtmlElement) -> bool:
    """Whether jusText's neighbour search over the page stays under MAX_SECOND_OPINION_STEPS."""
    # a run of n blocks takes at most n² steps: most pages have too few blocks to need a closer count
    blocks = most_blocks(tree)
    return blocks * blocks <= MAX_SECOND_OPINION_STEPS \
        or neighbour_steps(tree, MAX_SECOND_OPINION_STEPS) <= MAX_SECOND_OPINION_STEPS


def most_blocks(tree: HtmlElement) -> int:
    """At most how many blocks jusText reads in the page: it splits the text before, inside and
    after each block tag and at a double <br>; and a blank block is no block, so each holds a
    text that is not white space or a <br>. The second count is the closer one on a page of
    many nested blocks."""
    blocks = 2 * sum(1 for _ in tree.iter(BLOCK_TAGS)) + sum(1 for _ in tree.iter("br")) + 1
    if blocks * blocks <= MAX_SECOND_OPINION_STEPS:
        return blocks
    return min(blocks, int(_TEXTS_AND_BREAKS(tree)) + 1)


def neighbour_steps(tree: HtmlElement, limit: int | None = None) -> int:
    """The steps of jusText's neighbour search, on the page as trafilatura's main reading hands it
    over or as its recall retry does, whichever takes more (counted only until they pass `limit`)."""
    total = None
    small_forms = set()
    for form in tree.iter("form"):
        total = len(tree.text_content()) if total is None else total
        if len(form.text_content()) * 2 <= total:
            small_forms.add(form)
    steps = _steps(tree, set(), limit)
    if limit is not None and steps > limit:
        return steps
    return max(steps, _steps(tree, small_forms, limit, cleaned=True))


def _removed(element: HtmlElement, tag: str) -> bool:
    """Whether jusText's input cleaning deletes the element (trafilatura's BASIC_CLEAN_XPATH)."""
    if tag in _BASIC_CLEANED_TAGS:
        return True
    cls, ident = element.get("class"), element.get("id")
    if not (cls or ident):
        return False
    if tag == "div" and ("footer" in (cls or "") or "footer" in (ident or "")):
        return True
    return bool(_COOKIE_CONSENT.search(cls or "") or _COOKIE_CONSENT.search(ident or ""))


def _steps(tree: HtmlElement, small_forms: set[HtmlElement], limit: int | None, *, cleaned: bool = False) -> int:
    """The steps of each run of short and near-good blocks (each short block walks it), and of
    each run of near-good ones (each walks it again), blocks split where jusText splits them and
    what is deleted first left out (`cleaned`: what trafilatura's main reading deletes too, and the
    `small_forms`), until they pass `limit`."""
    stoplist = _stoplist()
    steps = run = shorts = neargood = 0
    parts: list[str] = []
    link_chars = links_open = 0
    after_br = False

    def kind(text: str) -> int:
        length = len(text)
        if link_chars > MAX_LINK_DENSITY * length or "\xa9" in text or "&copy" in text:
            return _ENDS_RUN  # bad
        if length < SHORT_BLOCK_CHARS:
            return _ENDS_RUN if link_chars else _SHORT
        words = text.split()
        density = sum(word.lower() in stoplist for word in words) / len(words)
        if density >= STOPWORDS_HIGH:
            return _ENDS_RUN if length > LONG_BLOCK_CHARS else _NEARGOOD  # good, or near-good
        return _NEARGOOD if density >= STOPWORDS_LOW else _ENDS_RUN

    def close_block() -> None:
        nonlocal steps, run, shorts, neargood, link_chars
        if parts:  # a blank block is no block to jusText: it neither ends a run nor joins one
            found = kind("".join(parts).strip())
            if found == _SHORT:
                run, shorts = run + 1, shorts + 1
                steps, neargood = steps + neargood * neargood, 0
            elif found == _NEARGOOD:
                run, neargood = run + 1, neargood + 1
            else:
                steps += shorts * run + neargood * neargood
                run = shorts = neargood = 0
        parts.clear()
        link_chars = 0

    def add(text: str | None) -> None:
        nonlocal link_chars, after_br
        if text and not text.isspace():
            text = _SPACES.sub(" ", text)
            parts.append(text)
            after_br = False
            if links_open:
                link_chars += len(text)

    removed: set[HtmlElement] = set()
    walk = etree.iterwalk(tree, events=("start", "end"))
    for event, element in walk:
        if not isinstance(element.tag, str):  # a comment's text is no text to jusText, its tail is
            if event == "end":
                add(element.tail)
            continue
        tag = element.tag
        if event == "start":
            if _removed(element, tag) or cleaned and (tag in _CLEANED_TAGS or element in small_forms):
                removed.add(element)
                walk.skip_subtree()
                continue
            if tag in BLOCK_TAGS or (tag == "br" and after_br):
                close_block()  # (jusText's <br> flag stays as it was)
            else:
                after_br = tag == "br"
                if after_br:
                    parts.append(" ")
                links_open += tag == "a"
            if tag != "br":
                add(element.text)
        else:
            if element not in removed:
                if tag in BLOCK_TAGS:
                    close_block()
                    if limit is not None and steps + shorts * run + neargood * neargood > limit:
                        break
                links_open -= tag == "a"
            add(element.tail)
    close_block()
    return steps + shorts * run + neargood * neargood
