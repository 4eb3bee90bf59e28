"""Extraction's heuristics as named rules: each a decision a reader can point at, with the
principle that justifies it on pages in general.

Code asks `enabled("name")` (a frozenset lookup) before it applies a rule; every rule is on
unless switched off, which only the quality benchmark does (`python -m benchmarks.quality
--ablate` measures what each rule is worth by running without it). The words and bounds
several rules share are in `newscrawl.extract.vocabulary`, each defined once; those of one
concern alone sit at the top of its module.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One named heuristic: what it decides about (`concern`) and why (`principle`)."""

    name: str
    concern: str
    principle: str


def _rules(concern: str, *pairs: tuple[str, str]) -> tuple[Rule, ...]:
    return tuple(Rule(name, concern, principle) for name, principle in pairs)


RULES: tuple[Rule, ...] = (
    *_rules(
        "body",
        ("theme-body-container", "a theme's own body container holds the article: extract inside "
                                 "it, not from the whole page"),
        ("media-figures", "pictures with their captions and embedded social posts are not the "
                          "article's text"),
        ("chrome-classes", "a block its class names as chrome (share bar, newsletter box, "
                           "navigation) goes unless it holds prose"),
        ("theme-container-pruned", "a theme's body container also holds what plugins add after the "
                                   "text (an author box, related posts, comments): blocks its class "
                                   "names as other pages' or the author's go there too, and "
                                   "short asides (a disclosure, a table of contents)"),
        ("foreign-prose-classes", "a block its class names as other pages' teasers, comments or an "
                                  "author's bio goes even when it holds prose"),
        ("short-aside-classes", "a short block its class names as an aid beside the text (table of "
                                "contents, recent posts, disclaimer) goes"),
        ("overlay-classes", "a block classed as a modal or pop-up is never the article"),
        ("sign-up-forms", "a block built around a form asking for an email address is a sign-up "
                          "or contact box: its pitch goes with the form"),
        ("modal-dialogs", "a modal dialog (<dialog>, aria-modal) overlays the page: its text, its "
                          "title included, is never the article's"),
        ("teaser-cards", "a link that wraps paragraphs or headings is a teaser for another page"),
        ("prose-lists", "a list of inline text beside paragraphs is part of the running text"),
        ("unmask-prose", "a block that holds prose and names no chrome keeps its text, whatever "
                         "incidental word trafilatura finds in its class"),
        ("reveal-panels", "collapsed accordion and tab panels that hold prose are the article's "
                          "text, hidden until a click"),
        ("inline-times", "a date or time marked up inside a sentence is part of the sentence"),
        ("heading-permalinks", "a heading's permalink printed as a symbol (#, ¶) is not part of "
                               "its words"),
        ("symbol-lines", "a line with no letter or digit at either end of the body (a press "
                         "release's closing ###) marks an end, it is not text"),
        ("end-marks", "an end-of-copy mark (###, -30-) near the body's end closes the article: "
                      "what follows it (a media contact, photo credits) is not the article"),
        ("subheadings", "a subheading that introduces a paragraph is part of the running text"),
        ("link-blocks", "a paragraph or list made mostly of links is navigation"),
        ("linked-sentences", "a paragraph that is a sentence linking to other pages is the article "
                             "citing its sources, not navigation"),
        ("repeated-paragraphs", "a long paragraph printed a second time is a copy of the layout, "
                                "and so are the short lines (subheadings, list items) printed "
                                "again in one run with two such paragraphs"),
        ("unread-regions", "navigation, page footers, asides, icons, forms and buttons are never "
                           "the article's text: they go before the body is read, so neither a "
                           "reading nor the page's measure of its prose counts them"),
        ("recall-retry", "when the first pass finds next to nothing, judge the page again "
                         "favouring recall"),
        ("second-opinion-when-short", "trafilatura's second opinion (readability, justext) is asked "
                                      "only when its first reading is short, leaves out most of the "
                                      "page's prose, or is its fallback's dump of the page"),
        ("prose-share-retry", "a body holding under half of the page's prose came from a side "
                              "region: judge the page again favouring recall"),
        ("thorough-body-only-articles", "a page that no body could make an article gets one fast "
                                        "pass for its body, not a second opinion and retries"),
        ("header-lines", "the header's own lines (headline, dateline, byline) repeated in the body "
                         "are not body text"),
        ("reading-time-lines", "a line that only tells how long the article takes to read is the "
                               "page's interface"),
        ("metadata-body", "the page's JSON-LD articleBody replaces an extraction that holds under "
                          "half of it"),
        ("interface-lines", "a paragraph that is only a comment form's or share bar's label is "
                            "interface, not text"),
        ("trailing-teasers", "a heading such as \"Related news\" followed only by teaser-short "
                             "lines ends the body"),
        ("trailing-outside-container", "the article's text sits in one container: paragraphs the "
                                       "body ends with that the page prints outside the block "
                                       "holding most of it (a sign-up box, promo cards, a "
                                       "sidebar widget) are the site's"),
        ("leading-outside-container", "the article's text sits in one container: lines shorter "
                                      "than a sentence that the body begins with and the page "
                                      "prints before the block holding most of it (a kicker, "
                                      "breadcrumbs, a date label) are the header's"),
        ("trailing-date-line", "the article's last line is never a bare date: a stamp printed "
                               "under the text"),
        ("trailing-copyright", "a copyright notice closing the body is the site's small print "
                               "under every page, not the article's text"),
        ("trailing-author-bio", "a closing paragraph that opens with the full name of one of the "
                                "article's authors is the author's bio, not the story"),
    ),
    *_rules(
        "headline",
        ("headline-metadata-backed", "the printed heading most like the metadata's title is the "
                                     "headline"),
        ("headline-lines", "a heading printed on several lines (kicker, title) may hold the "
                           "headline as one of them"),
        ("headline-parts", "a heading printed in several elements on one line (kicker, title) may "
                           "hold the headline as one of them"),
        ("headline-not-chrome", "an h1 in navigation, a footer, a logo or a modal is not the "
                                "headline unless the metadata backs it"),
        ("headline-capitals-case", "a headline printed in capitals only is the metadata title "
                                   "of the same text, in its case"),
        ("headline-printed-first", "with no printed heading backed by the metadata, a printed h1 "
                                   "that reads like a headline still wins"),
        ("headline-site-name", "a title part that names the site is not the headline"),
        ("headline-any-suffix", "a metadata title's last part after a separator is the site's "
                                "name when the title is long enough without it"),
    ),
    *_rules(
        "dates",
        ("dateline-below-headline", "the article's date is printed in the lines just after its "
                                    "headline"),
        ("dateline-above-headline", "a date printed just above the headline beats the first one "
                                    "far below it"),
        ("dateline-not-site-frame", "a date in the site's header (a top bar's today), navigation or "
                                    "footer is the site's, not the article's"),
        ("dateline-clock", "a clock time printed beside the date is the time of day"),
        ("dateline-zone", "a time zone printed after the clock time gives the time its offset"),
        ("dateline-page-language", "a printed date names its month in the page's language"),
        ("dates-script-language", "a page that declares no language is read in the one its "
                                  "script names (kana Japanese, Hangul Korean, Cyrillic Russian)"),
        ("dateline-locale-order", "an ambiguous numeric date is in the page's locale's order: "
                                  "month first in US English"),
        ("dateline-not-updated", "a date labelled as an update is not the publication date the "
                                 "page prints beside it; a line that prints both is read item by item"),
        ("dateline-without-credit", "a credit printed right after the date (\"March 3, 2024 by "
                                    "Jane Doe\") is the byline, not the date line"),
        ("dates-vote", "the time most sources agree on wins; ties go to the most trusted"),
        ("dates-head-over-markup", "the head's metadata outranks body markup that no source "
                                   "backs"),
        ("dates-precise", "of two sources telling the same moment, the one with a time of day or a "
                          "local offset"),
        ("dates-utc-clock-error", "a source printing the UTC clock time with a local offset that "
                                  "another source contradicts is wrong"),
        ("dates-markup", "microdata and <time> elements marked as the publication date"),
        ("dates-first-time", "the first <time> in the article"),
        ("dates-cms-tags", "a meta tag whose name says publish is a publication date"),
        ("dates-markup-not-modified", "body markup that tells the metadata's modification time is "
                                      "no publication date"),
        ("dates-not-after-modified", "a publication later than the last modification is a render "
                                     "or a feed time"),
        ("dates-time-element", "a <time> that prints the dateline gives its machine-readable "
                               "value"),
        ("dates-printed-over-unprinted", "when the metadata's day is printed nowhere and the "
                                         "header prints another, the page presents the printed "
                                         "one"),
        ("dates-declared-og", "OpenGraph's article:published_time is a deliberate declaration "
                              "that a later printed update does not overrule"),
        ("dates-unbacked-time", "a first <time> that no other source backs may be a sidebar's: "
                                "the header's dateline knows better"),
        ("dates-same-date", "a printed date tells the metadata's date when it is its local day or "
                            "the other order of an ambiguous numeric date"),
        ("dates-htmldate", "htmldate's search of the text, for pages whose markup dates "
                           "nothing"),
        ("dates-not-in-prose", "a date inside a sentence of running text is what the text tells "
                               "of, not when the page was published: htmldate's search skips it"),
        ("dates-not-other-pages", "a date in a block of other pages' teasers (recent posts, "
                                  "related stories) or of comments is theirs, not the article's"),
        ("dates-only-articles", "a page that is almost surely no article has no article date to "
                                "search its text for (in the crawl, which writes articles only)"),
        ("dates-no-new-year", "a bare year or month guessed as its first day is no date"),
        ("dates-modified-last", "a page that dates nothing else is dated by its last "
                                "modification"),
    ),
    *_rules(
        "authors",
        ("authors-jsonld", "the JSON-LD article names its authors"),
        ("authors-meta-tags", "meta author tags name the authors when JSON-LD does not"),
        ("authors-web-credit", "a credit naming a web site names no person"),
        ("authors-not-site", "the site's own name is never a person"),
        ("authors-marked-byline", "elements marked author or byline near the headline are the "
                                  "byline"),
        ("authors-not-teasers", "a byline in a card whose heading links to another page is "
                                "that page's credit, not the article's"),
        ("authors-other-credits", "\"Reviewed by\", \"Photos by\": credits for other work than "
                                  "the writing"),
        ("authors-by-lines", "a line after the headline that opens with \"By\" is the byline"),
        ("authors-credit-in-line", "\"Posted by X\" inside a longer header line is a credit"),
        ("authors-team-credit", "a team credited by name, when no person is"),
        ("authors-organisation", "the organisation the page credits, when no person is named"),
        ("authors-name-by-date", "a header line holding only a person's name beside the date is "
                                 "the byline"),
        ("authors-author-box", "an author box far from the headline names the author when nothing "
                               "else does"),
        ("authors-roles", "role words after a name (\"Staff Writer\") are not part of it"),
        ("authors-after-role", "the words after a role are its continuation, not more names"),
        ("authors-team-name", "a collective word run into a name (\"Resy Staff\") is a team's "
                              "name"),
        ("authors-site-first-word", "a site-wide meta author tag holding the first word of the "
                                    "site's name names the site"),
        ("authors-interface-words", "button and label words are never part of a person's name"),
        ("authors-lower-case", "a name's words are capitalised, except particles (van, de)"),
        ("authors-acronym", "a one-word acronym is a newsroom, not a person"),
        ("authors-full-names", "after a full name, single words in the byline are a role's"),
        ("authors-title-suffix", "a Korean, Chinese or Japanese byline is the name with the "
                                 "reporter's title after it (\"김민수 기자\")"),
    ),
    *_rules(
        "article",
        ("error-pages", "a page whose markup names it an error page (WordPress's body class "
                        "error404, a title \"Page not found | Site\") is no article, whatever it "
                        "reads like"),
        ("declared-other-kinds", "a page whose structured data declares it is about an event or a "
                                 "job opening named by its headline, and declares no article, is "
                                 "that event's or job's "
                                 "page, not an article"),
    ),
    *_rules(
        "noise",
        ("widget-noise", "widgets (weather, today's date, tickers) hold strings of no field"),
    ),
    *_rules(
        "profiles",
        ("theme-profiles", "a WordPress theme's own markup tells where its headline, date, byline "
                           "and body are"),
    ),
    *_rules(
        "document",
        ("content-after-end-tags", "as in a browser, markup after </body> or </html> is part of "
                                   "the body"),
        ("line-break-runs", "past a blank line, more blank lines in a row (line breaks, empty "
                            "paragraphs) print nothing"),
        ("line-breaks-separate", "a line break separates the words on either side of it"),
        ("word-spans", "words wrapped one by one in spans are the same text as the words alone"),
        ("wide-scripts", "a Chinese, Japanese or Korean character holds as much text as a few "
                         "Latin letters, and Chinese and Japanese write words without spaces: "
                         "text is measured alike in every script"),
    ),
)

BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}
_off: frozenset[str] = frozenset()
# the rules consulted since `forget_asked`: a page that never asked for a rule gives the same
# record without it, so the ablation runs again only the pages that did
_asked: set[str] = set()


def enabled(name: str) -> bool:
    """Whether the rule `name` applies (every rule does, unless switched off)."""
    _asked.add(name)
    return name not in _off


def forget_asked() -> None:
    """Start recording the rules consulted afresh."""
    _asked.clear()


def asked() -> frozenset[str]:
    """The rules consulted since `forget_asked`."""
    return frozenset(_asked)


def check(names: Iterable[str]) -> frozenset[str]:
    """`names` as a set, or a ValueError naming the unknown ones."""
    wanted = frozenset(names)
    unknown = sorted(wanted - BY_NAME.keys())
    if unknown:
        raise ValueError(f"unknown rule(s): {', '.join(unknown)} (see newscrawl/extract/rules.py)")
    return wanted


def switch_off(names: Iterable[str]) -> None:
    """Run without the rules `names` from now on (an empty list switches every rule on)."""
    global _off
    _off = check(names)


@contextmanager
def disabled(*names: str) -> Iterator[None]:
    """Run the block without the rules `names`."""
    global _off
    before = _off
    _off = before | check(names)
    try:
        yield
    finally:
        _off = before


def switched_off() -> frozenset[str]:
    """The rules switched off now."""
    return _off
