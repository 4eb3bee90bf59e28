"""Turn page bytes into one lxml tree, parsed once and shared by every extraction step."""

from __future__ import annotations

import re
from collections import Counter

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from newscrawl.extract.encoding import decode
from newscrawl.extract.lines import UNPRINTED_TAGS, has_alnum
from newscrawl.extract.rules import enabled
from newscrawl.extract.vocabulary import HIDDEN_STYLE

# the most characters of a page extraction reads: it bounds extraction's worst case (no page over
# a second, benchmarks/extraction.py). A larger page (DOWNLOAD_MAXSIZE is 10 MiB) first loses what
# prints nothing; only what is still over is cut, and the record says so (CUT_NOTE).
MAX_HTML_CHARS = 5_000_000
CUT_NOTE = f"page over {MAX_HTML_CHARS:,} characters after scripts and styles: its end was not read"


# characters XML (and so lxml) refuses: C0 controls other than tab/newline/CR (vertical tab and
# form feed become spaces), surrogates, U+FFFE/F
_C0_REFUSED = bytes(range(0x00, 0x09)) + bytes(range(0x0e, 0x20))
_C0_SPACES = bytes.maketrans(b"\x0b\x0c", b"  ")


def decode_html(html: str | bytes, declared: str | None = None) -> str:
    """Decode bytes: BOM, the declared charset if it decodes strictly (UTF-8 with a few corrupt
    bytes still counts), then <meta charset>, then detection (newscrawl.extract.encoding). Characters
    that lxml refuses are dropped (vertical tab and form feed become spaces)."""
    text = html if isinstance(html, str) else decode(html, declared)
    # through UTF-8 bytes, where bytes.translate maps and deletes in C (a third of a regex's time
    # on a page); lone surrogates cannot be encoded and are left out
    text = text.encode("utf-8", "ignore").translate(_C0_SPACES, _C0_REFUSED).decode("utf-8")
    if "\ufffe" in text or "\uffff" in text:
        text = text.replace("\ufffe", "").replace("\uffff", "")
    return text


# browsers ignore </body> and </html> and put what follows them in the body; libxml2 drops it
_DOCUMENT_END = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
_FIRST_END = re.compile(r"</(?:body|html)", re.IGNORECASE)
_SPACE = re.compile(r"\s*")


def without_early_end_tags(text: str) -> str:
    """The page without the </body> and </html> tags that markup follows (a template that closes
    the document after its header and prints the article after that), so that, as in a browser,
    the article is in the tree."""
    # one linear search in any mix of case (a fifth of the time of a str.find per spelling)
    found = _FIRST_END.search(text)
    if found is None:
        return text
    start = found.start()
    rest = _DOCUMENT_END.sub("", text[start:])
    if _is_nothing(rest):  # the usual end: blank lines or a comment after </html>
        return text
    return text[:start] + rest


def _is_nothing(text: str) -> bool:
    """Whether `text` is only white space and comments (an unclosed comment runs to the end, as
    in a browser). A scan, not a regex: comments, each free to end at any later "-->", make a
    backtracking regex exponential on a long tail."""
    position = 0
    while True:
        position = _SPACE.match(text, position).end()
        if position == len(text):
            return True
        if not text.startswith("<!--", position):
            return False
        close = text.find("-->", position + 4)
        if close < 0:
            return True
        position = close + 3


# what a page holds that prints nothing and may be megabytes: the contents of scripts, styles and
# templates, comments, and data: URIs in attribute values (inline images)
_SILENT = re.compile(r"<(script|style|template)(?=[\s/>])|<!--|=([\"'])data:", re.IGNORECASE)
_SILENT_ENDS = {name: re.compile(f"</{name}", re.IGNORECASE) for name in ("script", "style", "template")}
_JSON_LD = "ld+json"  # a script whose text metadata reads (newscrawl/extract/metadata.py): kept
MIN_DATA_URI = 1000  # characters: a data: URI shorter than this is left as it is
# silent parts removed from one page at most: real pages have a few thousand (each costs a step in
# Python, a microsecond); past it, the rest is kept as it is, and cut (a page of a million empty
# comments would otherwise cost seconds)
MAX_SILENT_PARTS = 100_000


def bounded(text: str) -> tuple[str, bool]:
    """The page within MAX_HTML_CHARS, and whether it had to be cut: a larger page first loses
    what prints nothing (see _SILENT); what is still over is cut before a tag."""
    if len(text) <= MAX_HTML_CHARS:  # every usual page: one comparison
        return text, False
    text = without_silent(text, MAX_HTML_CHARS)
    if len(text) <= MAX_HTML_CHARS:
        return text, False
    return text[:cut_point(text, MAX_HTML_CHARS)], True


def without_silent(text: str, enough: int) -> str:
    """`text` without what prints nothing (_SILENT), up to `enough` characters kept and beyond
    (the rest is cut anyway). One pass: a regex of fixed words finds each start, str.find its
    end; an end that never comes keeps the rest as it is (linear, whatever the page), and so do
    more than MAX_SILENT_PARTS parts."""
    kept: list[str] = []
    size = position = 0
    for _ in range(MAX_SILENT_PARTS):
        found = _SILENT.search(text, position) if size <= enough else None
        if found is None:
            break
        keep_to, resume = _silent_span(text, found)
        if resume < 0:  # never closed: what a browser makes of the rest is left to the parser
            break
        kept.append(text[position:keep_to])
        size += keep_to - position
        position = resume
    kept.append(text[position:])
    return "".join(kept)


def _silent_span(text: str, found: re.Match) -> tuple[int, int]:
    """For a start _SILENT found: where the kept text before it ends, and where the text after
    it resumes (-1: no end)."""
    name, quote = found.group(1), found.group(2)
    if name:  # the tags stay, their contents go
        opened = text.find(">", found.end())
        if opened < 0:
            return -1, -1
        if _JSON_LD in text[found.end():opened].lower():
            return opened + 1, opened + 1
        closed = _SILENT_ENDS[name.lower()].search(text, opened)
        return opened + 1, closed.start() if closed else -1
    if quote:  # the attribute stays, as an empty data: URI ("data:")
        closed = text.find(quote, found.end())
        if 0 <= closed < found.end() + MIN_DATA_URI:
            return found.end(), found.end()
        return found.end(), closed
    # a comment; "<!-->" and "<!--->" end where they start, as in a browser
    end = found.end()
    if text.startswith(">", end) or text.startswith("->", end):
        return found.start(), text.find(">", end) + 1
    closed = text.find("-->", end)
    return found.start(), closed + 3 if closed >= 0 else -1


# the most attributes one tag keeps: no real element needs more than a few dozen, and libxml2's
# HTML parser takes time quadratic in the attributes of one tag (190,000 of them: minutes, in C,
# where neither a time limit nor Ctrl-C reaches). A tag with more keeps its first ones; the record
# says so (CROWDED_NOTE).
MAX_ATTRIBUTES = 256
CROWDED_NOTE = f"a tag with over {MAX_ATTRIBUTES} attributes: those past the first {MAX_ATTRIBUTES} were not read"

# HTML's tokenizer (which libxml2 follows since 2.14), enough of it to count attributes: text,
# tags (an attribute a step), comments, other markup declarations, and raw-text elements, whose
# content is no markup whatever it looks like. It stops at the first tag with more than
# MAX_ATTRIBUTES. Every piece is possessive and read once: linear on any page. No cheaper test
# will do: a "<" or ">" may sit in an attribute's name or value, and scripts and prose hold long
# stretches of what looks like attributes, so only the tokenizer's own states tell a tag's end.
_ATTRIBUTE = r"""[\s/]*+[^\s/>][^\s/>=]*+(?>\s*+=\s*+(?>"[^"]*+"|'[^']*+'|[^\s>]*+))?"""
# what follows a tag's last attribute (the step above fails only there): cheaper than (?!...)
_NO_MORE = r"(?=[\s/]*+(?:>|\Z))"
_FEW_ATTRIBUTES = rf"(?:{_ATTRIBUTE}){{0,{MAX_ATTRIBUTES}}}+{_NO_MORE}"
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")


def _raw_content(name: str) -> str:
    """The rest of a raw-text element's start tag and its content, up to its end tag (or the end
    of the page). A pattern per name: a back-reference there breaks Python's possessive groups."""
    return rf"[\s/]*+(?:>[^<]*+(?:<(?!/{name}[\s/>])[^<]*+)*+)?"


_UP_TO_CROWDED = re.compile(
    r"(?:[^<]++"
    # the usual tag first: any but a raw-text element's
    rf"|<(?!(?:{'|'.join(_RAW_TEXT)})(?:[\s/>]|\Z))[A-Za-z][^\s/>]*+{_FEW_ATTRIBUTES}"
    + rf"|</[A-Za-z][^\s/>]*+{_FEW_ATTRIBUTES}"
    r"|<!--(?>-?>|[^-]*+(?:-(?!-!?>)[^-]*+)*+(?:--!?>)?)"  # a comment; unclosed, it runs to the end
    r"|<(?:[!?]|/(?![A-Za-z]))[^>]*+>?"  # a doctype, <?...>, "</ 1>": up to the first ">"
    + "".join(f"|<{name}(?=[\\s/>]|\\Z){_FEW_ATTRIBUTES}{_raw_content(name)}" for name in _RAW_TEXT)
    + r"|<(?![A-Za-z!?/]))*+"  # a "<" that starts nothing is text
    # then the first tag with more (a match of its own: a search from anywhere is linear too)
    rf"(?P<crowded><(?P<end>/?)(?P<name>[A-Za-z][^\s/>]*+)(?:{_ATTRIBUTE}){{{MAX_ATTRIBUTES}}}+(?={_ATTRIBUTE}))?",
    re.IGNORECASE | re.DOTALL)
# the attributes after those kept, and the separators between them (alternatives, so that a search
# of a long run of white space is linear: it never fails after reading the run)
_MORE_ATTRIBUTES = re.compile(
    r"""(?:[\s/]++|[^\s/>][^\s/>=]*+(?>\s*+=\s*+(?>"[^"]*+"|'[^']*+'|[^\s>]*+))?)*+""")
_RAW_CONTENT = {name: re.compile(_raw_content(name), re.IGNORECASE | re.DOTALL) for name in _RAW_TEXT}


def without_crowded_attributes(text: str) -> tuple[str, int]:
    """`text` with every tag cut to its first MAX_ATTRIBUTES attributes, and how many tags were
    cut: one linear scan, which on a page with none (every real page) returns `text` itself."""
    kept: list[str] = []
    position = cut = 0
    while (tag := _UP_TO_CROWDED.match(text, position)).group("crowded"):
        kept.append(text[position:tag.end()])
        position = _MORE_ATTRIBUTES.match(text, tag.end()).end()
        cut += 1
        raw = None if tag.group("end") else _RAW_CONTENT.get(tag.group("name").lower())
        if raw is not None:  # its content is no markup, whatever it looks like
            end = raw.match(text, position).end()
            kept.append(text[position:end])
            position = end
    if not cut:
        return text, 0
    kept.append(text[position:])
    return "".join(kept), cut


CUT_WINDOW = 64 * 1024  # characters: how far back from the cap a tag is looked for


def cut_point(text: str, limit: int) -> int:
    """Where to cut `text` to at most `limit` characters: before the last tag that starts within
    CUT_WINDOW of the limit (never inside a tag), else at the limit itself."""
    tag = text.rfind("<", max(limit - CUT_WINDOW, 0), limit + 1)
    return tag if tag > 0 else limit


def readable(text: str) -> tuple[str, list[str]]:
    """The page as extraction reads it, and what of it was left out (CUT_NOTE, CROWDED_NOTE):
    within MAX_HTML_CHARS (`bounded`), no tag over MAX_ATTRIBUTES."""
    text, cut = bounded(text)
    text, crowded = without_crowded_attributes(text)
    return text, [note for note, done in ((CUT_NOTE, cut), (CROWDED_NOTE, crowded)) if done]


def parse_html(text: str, *, is_readable: bool = False) -> HtmlElement | None:
    """Parse HTML text into a tree; None for pages with no markup at all. The page is read as
    `readable` leaves it (`is_readable`: it already is, the searches are not run again)."""
    if not is_readable:
        text, _ = readable(text)
    whole = without_early_end_tags(text)
    if whole is not text and enabled("content-after-end-tags"):
        text = whole
    # lxml refuses str input that carries an XML encoding declaration
    text = _XML_DECLARATION.sub("", text, count=1)
    text = text.replace("\x00", "")
    if not text.strip():
        return None
    try:
        tree = lxml.html.document_fromstring(text, parser=_PARSER)
        if _too_deep(_PARSER):
            # libxml2 stops reading at 256 levels and drops the rest of the page without a word
            # (400 unclosed <font> tags are 400 levels): read it again with its higher bound,
            # then take the nesting back under the usual one for every later step
            tree = lxml.html.document_fromstring(text, parser=_DEEP_PARSER)
            flatten_deep_nesting(tree)
    except (etree.ParserError, ValueError):
        return None
    collapse_line_break_runs(tree)
    if enabled("line-breaks-separate"):
        separate_line_breaks(tree)
    drop_heading_permalinks(tree)
    merge_word_spans(tree)
    return tree


MAX_SPAN_RUN = 500  # spans side by side in one element: far more than any sentence's markup
_WORD_SPANS = ("span", "font")


def _looks(element: HtmlElement) -> tuple:
    """A span's tag and attributes, without those that number each word (an id, a transcript's
    data-start timings): no two word spans of a page that sets them would look alike."""
    return element.tag, tuple(sorted((name, value) for name, value in element.attrib.items()
                                     if name != "id" and not name.startswith("data-")))


def _hidden(look: tuple) -> bool:
    """Whether a span's look hides it (a style, the hidden or aria-hidden attribute)."""
    attributes = dict(look[1])
    return "hidden" in attributes or attributes.get("aria-hidden") == "true" \
        or bool(HIDDEN_STYLE.search(attributes.get("style", "")))


def _merged_looks(looks: Counter) -> set[tuple]:
    """The looks whose spans are merged: the most common, and the next most common while more
    than MAX_SPAN_RUN spans would stay (a highlighter's alternating classes), so that what stays
    is bounded; the rarest (an ad's) stay spans, and hidden ones are never merged."""
    merged: set[tuple] = set()
    left = sum(looks.values())
    for look, count in looks.most_common():
        if merged and left <= MAX_SPAN_RUN:
            break
        if _hidden(look):
            continue  # text hidden between the words (junk against copying) is no word of theirs
        merged.add(look)
        left -= count
    return merged


def merge_word_spans(tree: HtmlElement) -> int:
    """An element holding more than MAX_SPAN_RUN spans side by side (every word wrapped for
    highlighting, a word processor's export) has them merged into its text (rule word-spans):
    the same words, but trafilatura's paragraph test gathers a paragraph's text nodes in time
    that grows with their square (10,000 such spans: 6 s, twice per page). Spans that differ only
    by numbering attributes look alike; past MAX_SPAN_RUN kept, more looks are merged (see
    _merged_looks). Returns how many."""
    runs = [element for element in tree.iter() if len(element) > MAX_SPAN_RUN
            and sum(1 for child in element if child.tag in _WORD_SPANS) > MAX_SPAN_RUN]
    if not runs or not enabled("word-spans"):
        return 0
    merged = 0
    for element in runs:
        # the spans that wrap words look alike; one that differs (hidden, an ad's) stays
        looks = Counter(_looks(child) for child in element if child.tag in _WORD_SPANS)
        common = _merged_looks(looks)
        kept = [(child, child.tag) for child in element if child.tag in _WORD_SPANS and _looks(child) not in common]
        for child, _ in kept:
            child.tag = "newscrawl-kept"
        merged += sum(looks[look] for look in common)
        # in C: dropping tags one by one from Python rescans the parent each time
        etree.strip_tags(element, *_WORD_SPANS)
        for child, tag in kept:
            child.tag = tag
        join_text_nodes(element)
    return merged


def join_text_nodes(element: HtmlElement) -> None:
    """Each run of text in `element` written back as one node: after `etree.strip_tags`,
    libxml2 keeps the stripped tags' texts as separate nodes side by side (lxml reads them as
    one string, but every later text read walks them all)."""
    element.text = element.text
    for child in element:
        child.tail = child.tail


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def drop_heading_permalinks(tree: HtmlElement) -> int:
    """A heading's own permalink, a link to its anchor on this page printed as a symbol ("#",
    "¶", "§", "🔗"), is an aid beside the heading, not part of its words (blog and documentation
    generators add one to every heading: "Why we did it#"); a link to its anchor that is the
    heading's words ("<h2><a href='#methods'>Methods</a></h2>") is the heading, not a link to
    another page. Returns how many were dropped or unwrapped."""
    found = [link for heading in tree.iter(_HEADINGS) for link in heading.iter("a")
             if (link.get("href") or "").startswith("#")]
    if found and enabled("heading-permalinks"):
        for link in found:
            text = link.text_content().strip()
            if has_alnum(text):
                link.drop_tag()  # its words stay, as the heading's
            elif len(text) <= 2:
                link.drop_tree()  # its tail stays
        return len(found)
    return 0


MAX_LINE_BREAKS = 2  # blank lines in a row that print anything: a blank line between two lines
# what a blank line is made of: a line break, or a small element of these tags around nothing
# but white space (no-break and zero-width spaces too): "<div><br></div>", "<p>&nbsp;</p>"
_BLANK_TAGS = frozenset({"br", "p", "div", "span", "font", "center", "b", "i", "strong", "em", "u", "small"})
_BLANK_CHARS = " \t\n\r\f\v\u00a0\u200b\u200c\u200d\u2060\ufeff"
_MAX_BLANK_CHILDREN = 3  # "<div><br></div>", "<p><span>&nbsp;</span></p>": a blank line is small


def _blank(text: str | None) -> bool:
    return not text or not text.strip(_BLANK_CHARS)


def _prints_nothing(element: HtmlElement, depth: int = 0) -> bool:
    """Whether an element (of _BLANK_TAGS) is a blank line: no words, and only blank lines in it.
    (The cheap tests first: this runs for most elements of a page. Selecting the candidates by an
    XPath on their text instead cost four times as much.)"""
    if len(element) > _MAX_BLANK_CHILDREN or not _blank(element.text):
        return False
    return not len(element) or depth < 2 and all(
        child.tag in _BLANK_TAGS and _blank(child.tail) and _prints_nothing(child, depth + 1) for child in element)


def collapse_line_break_runs(tree: HtmlElement) -> int:
    """A run of blank lines (<br>s, empty paragraphs and divs, "<p>&nbsp;</p>") with only white
    space between them keeps its first MAX_LINE_BREAKS (rule line-break-runs): past a blank line,
    more print nothing a reader reads, and a page of 150,000 <br>s cost trafilatura's readability
    minutes and gigabytes (5,000 "<div><br></div>" 2.4 s). Returns how many went."""
    if not enabled("line-break-runs"):
        return 0
    # an element is past the first MAX_LINE_BREAKS of a run when it and the siblings right before
    # it are blank lines with only white space between them: the cheap tests on the siblings come
    # first, as this runs for most elements of a page
    doomed = []
    for element in tree.iter(*_BLANK_TAGS):
        before, run = element, [element]
        while len(run) <= MAX_LINE_BREAKS:
            before = before.getprevious()
            if before is None or before.tag not in _BLANK_TAGS or not _blank(before.tail):
                break
            run.append(before)
        if len(run) > MAX_LINE_BREAKS and all(_prints_nothing(e) for e in run):
            doomed.append(element)
    # removed in document order, after the walk: each one's previous sibling is then the last kept
    for element in doomed:
        previous = element.getprevious()
        if not _blank(element.tail) and previous is not None:  # the text after the run stays
            previous.tail = (previous.tail or "") + element.tail
        element.getparent().remove(element)
    return len(doomed)


def separate_line_breaks(tree: HtmlElement) -> None:
    """A <br> separates the words on either side of it, as a browser shows them; the element
    has no text of its own, so every reading of the text (lxml's text_content, trafilatura)
    would otherwise run them together ("as far as I can see.Had it serviced")."""
    for br in tree.iter("br"):
        tail = br.tail
        if not tail or not tail[0].isspace():
            br.tail = "\n" + (tail or "")


_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*>")
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False,
                               collect_ids=False, huge_tree=False)
# lxml.html picks each element's class in a Python function (form fields get their own classes),
# called every time Python touches an element: millions of calls per page set, a tenth of the
# extraction's time. Extraction never uses the form classes, so every element is an HtmlElement,
# chosen in C.
_LOOKUP = etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity)
_PARSER.set_element_class_lookup(_LOOKUP)
# for the rare page nested deeper than libxml2's usual bound (it reads 2048 levels)
_DEEP_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False,
                                    collect_ids=False, huge_tree=True)
_DEEP_PARSER.set_element_class_lookup(_LOOKUP)


def _too_deep(parser: etree.HTMLParser) -> bool:
    return any(error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for error in parser.error_log)


# Nesting deeper than this shows a reader nothing more (browsers stop nesting at 512): below it,
# wrappers are unwrapped, keeping their text and the elements that make paragraphs, lists, tables
# and links; below twice it every tag goes, keeping the text. Both stay under libxml2's usual 256
# levels, which the libraries extraction hands the page to may parse it with again.
MAX_NESTING = 100
_KEPT_WHEN_FLATTENED = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
    "pre", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "br", "a", "img",
    "figure", "figcaption", "time"})


def flatten_deep_nesting(tree: HtmlElement, limit: int = MAX_NESTING) -> int:
    """Unwrap what is nested deeper than `limit` (see MAX_NESTING); the number of subtrees done."""
    done = 0
    for boundary in _at_depth(tree, limit):
        wrappers = {e.tag for e in boundary.iterdescendants()
                    if isinstance(e.tag, str) and e.tag not in _KEPT_WHEN_FLATTENED}
        if wrappers:
            etree.strip_tags(boundary, *wrappers)
        for deeper in _at_depth(boundary, limit):
            etree.strip_tags(deeper, "*")
        done += 1
    return done


def _at_depth(tree: HtmlElement, depth: int) -> list[HtmlElement]:
    """The elements `depth` levels under `tree` (a walk that never goes deeper: linear)."""
    found, level = [], 0
    walk = etree.iterwalk(tree, events=("start", "end"))
    for event, element in walk:
        if event == "end":
            level -= 1
            continue
        level += 1
        if level > depth:
            found.append(element)
            walk.skip_subtree()
    return found


# elements whose text is never the page's: code, styles, and AMP's ad slots (whose only text is a
# placeholder such as "Advertisement")
CODE_TAGS = (*UNPRINTED_TAGS, "link", "meta", "amp-ad", "amp-embed", "amp-sticky-ad")


def strip_code(tree: HtmlElement) -> None:
    """Remove the code elements, keeping the text that follows each (in C: a page may have
    thousands of them)."""
    etree.strip_elements(tree, *CODE_TAGS, with_tail=False)


def text_of(element: HtmlElement) -> str:
    """Visible text of an element with whitespace collapsed."""
    return " ".join(element.text_content().split())
