"""The rendered body's own lines that are no article text: a comment form's and a share bar's
labels anywhere, and what pages print after the article's last paragraph (a "Related news" block,
a bare date).

This is the last step of extraction: the crawl writes what it returns, unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from newscrawl.extract.rules import enabled
from newscrawl.extract.vocabulary import (
    MONTH_NAMES,
    PROSE_LINE,
    SENTENCE_END,
    WIDE_CHAR_SIZE,
    text_size,
)

# whole lines that are a comment form's or a share bar's labels, in the languages we meet most
FORM_LINES = re.compile(
    r"^(?:leave a (?:reply|comment)|"
    r"post comment|cancel reply|"
    r"deja una respuesta|hinterlasse einen kommentar|kommentar hinterlassen|"
    r"laisser un commentaire|lascia un commento|reply|comments?)$",
    re.IGNORECASE,
)
# (a share bar's label and its networks' names, or either, printed as one line: "Share this
# article: Facebook X Email")
_NETWORKS = (r"(?:share on )?(?:facebook|twitter|x|whatsapp|pinterest|linkedin|telegram|email|e-mail|print|"
             r"reddit|copy link|tweet)")
SHARE_LINES = re.compile(
    rf"^(?:(?:share(?: this)?(?: article| story| post)?|teilen|compartir):?(?:\s+{_NETWORKS}(?![\w-]))*|"
    rf"{_NETWORKS}(?![\w-])(?:[\s,|·•/]+{_NETWORKS}(?![\w-]))*)$",
    re.IGNORECASE,
)
# the site's copyright notice: "© 2026 The Gazette. All rights reserved.", "Copyright 2025 ..."
# (its mark or word first, then a year or the reservation: "Copyright law was ..." is a sentence)
COPYRIGHT_LINE = re.compile(r"^(?:©|\(c\)\s|copyright\b)(?=.*?(?:(?<!\d)(?:19|20)\d\d(?!\d)|all rights reserved))",
                            re.IGNORECASE | re.DOTALL)
MAX_COPYRIGHT_CHARS = 300
# a note about the page's layout ("Story continues below advertisement"): interface, not text
LAYOUT_LINES = re.compile(r"^(?:the\s+)?(?:story|article|text|report)\s+continues\s+(?:below|after)\b.{0,40}$",
                          re.IGNORECASE)
TRAILING_HEADINGS = re.compile(
    r"^(?:latest news|related news|related posts?|related articles?|more news|read more|"
    r"you may also like|you might also like|more from .{1,40}|recommended|popular posts?|"
    r"most read|trending|noticias relacionadas|más noticias|weitere artikel|das könnte sie auch interessieren|"
    r"lire aussi|à lire aussi|leggi anche)$",
    re.IGNORECASE,
)
# a trailing block is cut only if every line after its heading is short, like a list of headlines
MAX_TEASER_CHARS = 160
# the article's last line is never a bare date (a page's own "last reviewed" stamp printed under
# the text)
MAX_DATE_LINE = 40
# an author's bio under the article is a short paragraph
MAX_BIO_CHARS = 800
DATE_ONLY = re.compile(
    rf"^(?:[A-Za-z]+(?:\s+[A-Za-z]+){{0,2}}:?\s+)?"  # a label: "Updated", "Last reviewed"
    rf"(?:(?:{MONTH_NAMES})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d|"
    rf"\d{{1,2}}\.?\s+(?:{MONTH_NAMES})\.?,?\s+(?:19|20)\d\d|(?:{MONTH_NAMES})\.?\s+(?:19|20)\d\d|"
    rf"\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}})\.?$", re.IGNORECASE)


def clean_endings(body: str | None, authors: list[str] | None = None) -> str | None:
    """The body without interface lines and without the blocks pages print after the article
    (teasers, a bare date, the author's bio)."""
    if not body:
        return body
    paragraphs = body.split("\n\n")
    paragraphs = [p for p in paragraphs if not (_is_interface(p.strip()) and enabled("interface-lines"))]
    paragraphs = _without_trailing_teasers(paragraphs)
    # the small print first: a bio may sit above the site's copyright line
    _drop_last(paragraphs, _is_copyright)
    bio = _drop_last(paragraphs, lambda text: _is_author_bio(text, authors or []))
    if bio and len(paragraphs) > 1 and _is_bio_heading(paragraphs[-1].strip(), authors or []):
        paragraphs.pop()
    _drop_last(paragraphs, lambda text: _is_date_line(text) or _is_copyright(text))
    return "\n\n".join(paragraphs) or None


def _drop_last(paragraphs: list[str], test: Callable[[str], bool]) -> bool:
    """Remove the last paragraphs while `test` holds (the first always stays); whether any went."""
    dropped = False
    while len(paragraphs) > 1 and test(paragraphs[-1].strip()):
        paragraphs.pop()
        dropped = True
    return dropped


def _is_copyright(text: str) -> bool:
    """Whether the body's last line is the site's copyright notice, its legal small print under
    every page (rule trailing-copyright)."""
    return len(text) <= MAX_COPYRIGHT_CHARS and bool(COPYRIGHT_LINE.match(text)) and enabled("trailing-copyright")


def _is_date_line(text: str) -> bool:
    """Whether the body's last line is a bare date, the page's stamp (rule trailing-date-line)."""
    return len(text) <= MAX_DATE_LINE and bool(DATE_ONLY.match(text)) and enabled("trailing-date-line")


def _is_author_bio(text: str, authors: list[str]) -> bool:
    """Whether a closing paragraph is the author's bio: it opens with the full name of one of
    the article's authors (a story seldom ends by naming its own writer) (rule trailing-author-bio)."""
    if len(text) > MAX_BIO_CHARS:
        return False
    for name in authors:
        name = name.strip()
        if _full_name(name) and text.startswith(name) and not text[len(name):][:1].isalnum():
            return enabled("trailing-author-bio")
    return False


def _is_bio_heading(text: str, authors: list[str]) -> bool:
    """Whether the line above a cut bio is its heading ("About Jane Doe", "About the author"):
    a short line that names one of the authors, or the author, and is no sentence."""
    if len(text) >= PROSE_LINE or SENTENCE_END.search(text):
        return False
    folded = text.casefold()
    return "author" in folded or any(_full_name(name) and name.casefold() in folded for name in authors)


def _full_name(name: str) -> bool:
    """A name of more than one word, or of two or more Chinese, Japanese or Korean characters
    (written without a space: "김민수", "田中健一")."""
    return " " in name or (len(name) >= 2 and text_size(name) == WIDE_CHAR_SIZE * len(name))


def _is_interface(text: str) -> bool:
    return bool(FORM_LINES.match(text) or SHARE_LINES.match(text) or LAYOUT_LINES.match(text))


def _without_trailing_teasers(paragraphs: list[str]) -> list[str]:
    """Cut at a heading such as "Related news" that only teaser-short lines follow."""
    # only lines after the last paragraph longer than a teaser can head a run of teasers (one
    # pass: a page of thousands of "Read more" lines asked about every later line for each)
    last_long = max((i for i, p in enumerate(paragraphs) if len(p) > MAX_TEASER_CHARS), default=0)
    for index in range(last_long, len(paragraphs)):
        if TRAILING_HEADINGS.match(paragraphs[index].strip()) and enabled("trailing-teasers"):
            return paragraphs[:index]
    return paragraphs
