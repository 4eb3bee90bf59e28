"""What extraction's rules share, defined once: what holds prose, the keys texts are compared
by, a title's separators, which class words name the page's chrome, a credit's words, date labels,
month and weekday names, which dates are plausible.

Words and bounds that one concern alone uses sit at the top of that concern's module
(bylines in authors.py, update labels in dateline.py); the tags a page never prints sit with
the block tags in lines.py; the rules themselves are in rules.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from lxml.html import HtmlElement

from newscrawl.extract.lines import BLOCK_TAGS
from newscrawl.extract.rules import enabled

# --- prose -----------------------------------------------------------------------------------

PROSE_LINE = 80  # a paragraph this long is a sentence of prose; shorter ones are labels, teasers
LONG_PARAGRAPH = 200  # one paragraph this long is article prose
PROSE_CHARS = 400  # so are a few shorter paragraphs that are this long together
# a full stop in any script; not a day's ordinal dot ("6. März 2024", "am 5. Mai"), which ends no
# sentence, where text follows it: one that ends the text ends a sentence ("... had risen to 12.")
SENTENCE_END = re.compile(r"(?:(?<!\b\d)(?<!\b\d\d)\.|[!?。！？])(?:\s|$)|\.\s*$")
_WORDS = re.compile(r"\w+")
# the marks between a <title>'s parts ("Headline | Site", "Site - Headline")
TITLE_MARKS = "|-–—·•»"
# one of them between spaces, and the same or a colon where a label may open the title ("Site:
# Page"); (?<!\s): starts only where a run of white space starts (linear on a long run)
_TITLE_MARK = re.escape(TITLE_MARKS)
TITLE_SEPARATOR = re.compile(rf"(?<!\s)\s+[{_TITLE_MARK}]\s+")
TITLE_OR_LABEL_SEPARATOR = re.compile(rf"(?<!\s)\s+[{_TITLE_MARK}:]\s+")


# scripts that write a word in a character or two (Chinese characters, Japanese kana, Korean
# syllables): each such character holds about as much text as this many Latin letters. The
# article model's text measures (features.py) and the crawl's shortest body are taken in these
# units, so that a Chinese article weighs what its English translation would. (The body's own
# prose bounds below stay in characters: in these units they changed one fundus check body for
# the worse and no tune record.)
WIDE_CHAR_SIZE = 3
_HAN_KANA = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WIDE_CHARS = re.compile(f"[{_HAN_KANA}\uac00-\ud7af]")
# of those, the scripts written without spaces between words (Korean has them)
_UNSPACED_CHARS = re.compile(f"[{_HAN_KANA}]")
UNSPACED_WORD = 2  # characters in a word of those

# the languages a script names, for a page that declares none: the language of the most widely
# read press in it (a Ukrainian page read as Russian finds no month, as it did undeclared)
_SCRIPTS = (("ja", re.compile("[\u3040-\u30ff]")), ("ko", re.compile("[\uac00-\ud7af]")),
            ("zh", re.compile("[\u4e00-\u9fff]")), ("ru", re.compile("[\u0400-\u04ff]")),
            ("el", re.compile("[\u0370-\u03ff]")), ("ar", re.compile("[\u0600-\u06ff]")))
_LETTERS = re.compile(r"[^\W\d_]")
SCRIPT_SAMPLE = 3000  # characters of the page's text read to tell its script


def script_language(text: str) -> str | None:
    """The language a text's script names, when most of its letters are in one script other than
    Latin (kana before Han: Japanese writes both)."""
    sample = text[:SCRIPT_SAMPLE]
    letters = len(_LETTERS.findall(sample))
    for language, script in _SCRIPTS:
        found = len(script.findall(sample))
        if found and found * (2 if language in ("ja", "ko") else 1) >= letters / 2:
            return language
    return None


def text_size(text: str) -> int:
    """A text's length in Latin letters' worth (rule wide-scripts): its characters, a Chinese,
    Japanese or Korean one counting WIDE_CHAR_SIZE."""
    if text.isascii():
        return len(text)
    wide = len(_WIDE_CHARS.findall(text))
    if wide and enabled("wide-scripts"):
        return len(text) + (WIDE_CHAR_SIZE - 1) * wide
    return len(text)


def word_count(text: str) -> int:
    """A text's words: those between spaces, and in Chinese or Japanese, which write none, one
    for every UNSPACED_WORD characters (rule wide-scripts)."""
    words = len(text.split())
    if text.isascii():
        return words
    unspaced = len(_UNSPACED_CHARS.findall(text))
    if unspaced and enabled("wide-scripts"):
        return words + unspaced // UNSPACED_WORD
    return words


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


def reads_like_prose(text: str) -> bool:
    """Whether a text is at least a sentence: some length, and a full stop somewhere."""
    return len(text) >= PROSE_LINE and bool(SENTENCE_END.search(text))


def squash(text: str) -> str:
    """A text's words run together, case-folded: the key that matches a line however it is
    spaced, cased or punctuated ("By Jane Doe" and "BY JANE DOE:")."""
    return "".join(_WORDS.findall(text.casefold()))


def plain_words(text: str) -> str:
    """A text's words, case-folded, a space between each: the key that compares texts however
    they are punctuated or spaced (a headline and a <title>)."""
    return " ".join(_WORDS.findall(text.casefold()))


def prose_chars(tree: HtmlElement) -> int:
    """Characters in the prose paragraphs (<p> of a sentence's length) under `tree`."""
    total = 0
    for paragraph in tree.iter("p"):
        length = len(" ".join(paragraph.text_content().split()))
        if length >= PROSE_LINE:
            total += length
    return total


# --- class and id words ----------------------------------------------------------------------
# Words matched as whole parts of a class or id ("post-related", "share_bar"), on lower-cased
# text: a case-sensitive search is three times faster than an IGNORECASE one, and this runs per
# element.

# the page's chrome: what every page of the site repeats around the article's text (an ad slot
# named in the site's language too: "publicidad", "reklama", "anzeige", "iklan")
CHROME_WORDS = (
    r"share|sharing|social|newsletter|subscribe|subscription|signup|promo\w*|advert\w*|ads?|adv|"
    r"anzeigen?|werbung|publicidad|publicidade|publicite|pubblicita|reklam[aey]?|iklan|"
    r"sponsor\w*|reprints?|print|read-?more|breadcrumbs?|pagination|pager|toolbar|tags|tag-?list|topics|"
    r"paywall|regwall"
)
# other pages' teasers, readers' comments ("talkbacks" on Israeli sites, an obituary's guestbook,
# condolences), the author's bio, the legal small print: prose, but never this article's
TEASER_WORDS = (r"related|recommend\w*|read-?next|more-?stories|most-?read|also-?read|outbrain|taboola|"
                r"trending|popular")
COMMENT_WORDS = r"comments?|talkbacks?|guest-?book|condolences?"
BIO_WORDS = (r"author-?bio|author-?box|about-?(?:the-?)?author|author-?info|author-?card|"
             r"saboxplugin\w*")
FOREIGN_PROSE_WORDS = f"{TEASER_WORDS}|{COMMENT_WORDS}|{BIO_WORDS}|copyright"
# the page's own aids beside the text, short by nature: a table of contents, "recent posts" and
# "you may also like" lists, donation boxes (a story's own "how to donate" box is not short), an
# advertiser disclosure, a disclaimer
TEASER_LIST_WORDS = (
    r"recent-?(?:posts?|articles?|news|stories|entries|blogs?)|"
    r"latest-?(?:posts?|articles?|news|stories|blogs?)|"
    r"more-?from\w*|you-?may-?also\w*|also-?like"
)
ASIDE_WORDS = (
    rf"toc|table-?of-?contents?|table-?contents?|donat\w*|{TEASER_LIST_WORDS}|disclaimer|disclosure"
)
# the site's frame around every page: navigation, menus, sidebars, widgets, footers, notices
FRAME_WORDS = r"nav|navbar|navigation|menu|sidebar|widget|footer|cookie|newsletter"
# overlays: modal dialogs and pop-ups (consent, sign-up and contact forms)
OVERLAY_WORDS = r"modal|popup|pop-up"
# consent banners, by their class or their vendor's id ("onetrust-banner-sdk", "CybotCookiebotDialog")
CONSENT_WORDS = r"cookie-?(?:banner|notice|consent|bar|popup|wall|law)s?|consent|gdpr|onetrust\w*|cybotcookiebot\w*"
# the site's identity printed on every page: its logo and name
SITE_IDENTITY_WORDS = r"logo|site-?title|site-?name|sitename|brand"


# an inline style that hides its element (the page does not show it)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def class_words(*groups: str) -> re.Pattern[str]:
    """A pattern finding any word of `groups` as a whole part of a lower-cased class or id."""
    return re.compile(rf"(?:^|[-_\s])(?:{'|'.join(groups)})(?:$|[-_\s])")


CHROME = class_words(CHROME_WORDS)
FOREIGN_PROSE = class_words(FOREIGN_PROSE_WORDS)
ASIDE = class_words(ASIDE_WORDS)
OVERLAY = class_words(OVERLAY_WORDS)
CONSENT = class_words(CONSENT_WORDS)
# a block of other pages' teasers or of comments, whose dates are theirs (a sidebar's "Recent
# Posts", related stories); not the frame's words: themes put an article's meta in an <aside>
# or a layout column called "sidebar"
OTHER_PAGES = class_words(FOREIGN_PROSE_WORDS, ASIDE_WORDS)
# the blocks whose printed dates and names are other pages' or commenters': teasers and comments
# only (an author box or card prints the article's own byline and date)
OTHER_PAGES_PRINTED = class_words(TEASER_WORDS, COMMENT_WORDS, TEASER_LIST_WORDS)
# any block our own pruning judges by its class
ANY_BLOCK_MARK = class_words(CHROME_WORDS, FOREIGN_PROSE_WORDS, ASIDE_WORDS, OVERLAY_WORDS, CONSENT_WORDS)
# where a headline is not: the site's frame, overlays, the site's name
NOT_ARTICLE_MARK = class_words(FRAME_WORDS, OVERLAY_WORDS, SITE_IDENTITY_WORDS)
# the cautious reading, for a rule that would keep a block trafilatura drops (unmask-prose): a
# class or id that so much as contains a stem of the words above (or names the byline) names
# chrome
NAMES_CHROME = re.compile(
    r"nav|menu|footer|sidebar|author|byline|cookie|consent|modal|newsletter|related|stories|popular|"
    r"comment|share|shar\b|social|subscri|banner|breadcrumb|promo|advert|sponsor|outbrain|taboola|"
    r"(?:^|[-_\s])ads?(?:$|[-_\s])|(?:^|\s)widget(?:$|\s)|widget[-_]area|textwidget"
)


@lru_cache(maxsize=4096)
def _names_other_pages(cls: str, ident: str) -> bool:
    return bool(OTHER_PAGES_PRINTED.search(f"{cls} {ident}".lower()))


# an embedded post of another site, as its embed code marks it ("twitter-tweet", "instagram-media")
EMBED_CLASS_WORDS = ("twitter-tweet", "instagram-media", "tiktok-embed", "embed")
EMBEDDED_POST = re.compile("|".join(EMBED_CLASS_WORDS))


# a teaser's title, wherever in the card it sits (inside its link too)
_TEASER_TITLES = ("h2", "h3", "h4", "h5", "h6")


@lru_cache(maxsize=4096)
def may_print_other_pages(cls: str, ident: str) -> bool:
    """Whether a block with this class and id could be one that `prints_other_pages` (the
    strings alone, read once per distinct pair: a cheap test before it, for a walk of a page)."""
    return bool(EMBEDDED_POST.search(cls.lower())) or _names_other_pages(cls, ident)


def prints_other_pages(element: HtmlElement) -> bool:
    """Whether a block's class or id names it as other pages' teasers or as comments ("recent
    posts", "related", "comments"), and it holds blocks of its own (a teaser, a comment) or a
    teaser's title (a heading inside a card's link): what it
    prints (dates, names) is theirs, not the article's header. An author box is none (it prints
    the article's byline and date), nor is one line classed so (a meta line's "August 19, 2025 |
    33 Comments"). An embedded post (a tweet's blockquote) prints its own author and date."""
    cls, ident = element.get("class"), element.get("id")
    if element.tag == "blockquote" and cls and EMBEDDED_POST.search(cls.lower()):
        return True
    return bool(cls or ident) and _names_other_pages(cls or "", ident or "") \
        and (any(isinstance(child.tag, str) and child.tag in BLOCK_TAGS for child in element)
             or next(element.iter(_TEASER_TITLES), None) is not None)


def marks(element: HtmlElement) -> str:
    """An element's class and id, lower-cased, for the patterns above."""
    return f"{element.get('class') or ''} {element.get('id') or ''}".lower()


# --- credits ---------------------------------------------------------------------------------

# a name is short: a person's ("Marna van der Merwe"), a site's beside a title's notice
# ("Northfield Daily Star | Page not found")
MAX_NAME_WORDS = 5

# the "by" words that join a credit to a printed date ("March 3, 2024 by Jane Doe", "von Anna
# Huber, 3. März 2024"): only those no date in these languages is written with (not "de", "di")
CREDIT_BY = r"by|von|por|par|door"
# ... and all the words that open a byline ("By", "Przez", "De"), as a pattern's alternation
BYLINE_BY = rf"{CREDIT_BY}|di|av|af|przez|od|от|de"
# the verbs of a credit before its "by" ("Posted by", "Written by")
CREDIT_VERBS = r"posted|written|authored|published|submitted"

# --- dates -----------------------------------------------------------------------------------

# the labels a date is printed with ("Published", "Aktualisiert", "Mis à jour"), in the languages
# of news sites, as a pattern's alternation
DATE_LABELS = (r"published|posted|updated|modified|publi[ée]|mis\s+[àa]\s+jour|ver[öo]ffentlicht|aktualisiert|"
               r"publicado|actualizado|atualizado|pubblicato|aggiornato|gepubliceerd|bijgewerkt|opublikowano|"
               r"aktualizacja")

# month names in English, whole and cut short, as a pattern's alternation (a byline's or a
# trailing line's printed date)
MONTH_NAMES = (r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
               r"july|august|september|october|november|december")
# weekday names, Monday first as datetime.weekday() counts: in English (a byline's printed date),
# and with German, French, Spanish, Italian and Dutch (a dateline's weekday before its date)
ENGLISH_WEEKDAYS = (
    ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thur", "thurs"),
    ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun"),
)
_OTHER_WEEKDAYS = (
    ("montag", "lundi", "lunes", "lunedì", "lunedi", "maandag"),
    ("dienstag", "mardi", "martes", "martedì", "martedi", "dinsdag"),
    ("mittwoch", "mercredi", "miércoles", "miercoles", "mercoledì", "mercoledi", "woensdag"),
    ("donnerstag", "jeudi", "jueves", "giovedì", "giovedi", "donderdag"),
    ("freitag", "vendredi", "viernes", "venerdì", "venerdi", "vrijdag"),
    ("samstag", "sonnabend", "samedi", "sábado", "sabado", "zaterdag"),
    ("sonntag", "dimanche", "domingo", "domenica", "zondag"),
)
WEEKDAYS = tuple(english + other for english, other in zip(ENGLISH_WEEKDAYS, _OTHER_WEEKDAYS, strict=True))

EARLIEST = datetime(1990, 1, 1)  # before the web: a date this early is a misreading
SLACK = timedelta(days=1)  # a page dated "today" in a zone ahead of UTC is not in the future


# the moment pages are read as of: their fetch, where the caller tells it (a saved page replayed
# later then gets the record it got when fetched, not one that moves with the calendar)
_AS_OF: ContextVar[datetime | None] = ContextVar("as_of", default=None)


def reading_time() -> datetime:
    """The moment a page is read as of (aware, UTC): the one `as_of` set, else the clock."""
    return _AS_OF.get() or datetime.now(UTC)


@contextmanager
def as_of(moment: datetime | None) -> Iterator[None]:
    """Read pages as of `moment` while inside (None: the clock; a naive moment is UTC): a page
    cannot carry a date after it was fetched."""
    if moment is not None:
        # one moment, however written: its days are UTC's, not those of the offset it came with
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    token = _AS_OF.set(moment)
    try:
        yield
    finally:
        _AS_OF.reset(token)


def plausible(value: datetime, now: datetime | None = None) -> bool:
    """Whether a page may carry the date `value`: neither before the web nor in the future."""
    now = now or reading_time()
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    return value.replace(tzinfo=None) >= EARLIEST and aware <= now + SLACK
