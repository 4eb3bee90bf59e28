"""Is a response a bot challenge or an empty page instead of content? Asked of every page the
crawl fetches (and of pages `scrapy fixture` and `newscrawl extract` are given)."""

from __future__ import annotations

import re

# markers of interstitial pages sent instead of content (Cloudflare, DataDome, Imperva, Sucuri,
# PerimeterX, SiteGround, Akamai); matched in the first bytes of small pages only
_CHALLENGE_TITLE = re.compile(
    rb"<title>\s*(?:just a moment\.\.\.|attention required! \| cloudflare|access denied"
    rb"|checking your browser|ddos-guard|robot challenge screen|are you a robot\??"
    rb"|please wait\.\.\.|security check)\s*</title>"
)
_CHALLENGE_MARKERS = (
    b"cf-chl-", b"cf_chl_opt", b"challenges.cloudflare.com/turnstile", b"captcha-delivery.com",
    b"_incapsula_resource", b"sucuri website firewall", b"px-captcha", b"/.well-known/sgcaptcha",
    b"enable javascript and cookies to continue", b"checking if the site connection is secure",
)
_SMALL_PAGE = 64 * 1024
# Several of these markers are also on every real page of a protected site (Imperva injects its
# /_Incapsula_Resource script, Turnstile guards comment forms), so a marker only counts on a page
# with little to read: interstitials print one or two short paragraphs (Cloudflare's and Sucuri's
# block pages, the longest, about 650 characters; fixtures/challenges/), while the real article
# pages under 64 KB of the shared data sets print 1,500 characters and more, navigation included.
CONTENT_CHARS = 1000
_HTML = (b"<html", b"<head", b"<body")
# blocks whose text is never shown: scripts, styles, templates (up to their end tag), comments
_HIDDEN = re.compile(rb"<(?:(script|style|template)\b|!--)")
_TAG = re.compile(rb"<[^<>]*>")  # [^<>]: each byte is scanned from one '<' at most (linear)


def is_challenge(status: int, headers: dict | None, body: bytes) -> bool:
    """Whether a response is a bot challenge instead of the page.

    A page counts as one when Cloudflare says so (`cf-mitigated: challenge`), or when it is an
    HTML page under 64 KB (any size with an error status) that carries a challenge marker and
    has less than CONTENT_CHARS characters of readable text: a page with an article in it is
    not a challenge page, whatever scripts it loads.
    """
    mitigated = (headers or {}).get(b"cf-mitigated") or (headers or {}).get("cf-mitigated")
    if mitigated and b"challenge" in (mitigated if isinstance(mitigated, bytes) else str(mitigated).encode()):
        return True
    if len(body) > _SMALL_PAGE and status < 400:
        return False
    # one lower-casing and plain substring searches: a case-blind regex of many alternatives
    # took milliseconds per page
    head = body[:_SMALL_PAGE].lower()
    if not any(marker in head for marker in _CHALLENGE_MARKERS) and not _CHALLENGE_TITLE.search(head):
        return False
    # a robots.txt or sitemap that names a marker's path is no interstitial; the text is
    # measured only on the rare page that has a marker
    return any(tag in head for tag in _HTML) and readable_chars(head) < CONTENT_CHARS


def readable_chars(html: bytes) -> int:
    """How many characters of text the page's body shows (whitespace, tags, scripts, styles and
    comments left out); linear in the page's size, no parse."""
    start = html.find(b"<body")
    if start < 0:
        start = max(html.find(b"</head"), 0)
    shown, pos = [], start
    while (match := _HIDDEN.search(html, pos)) is not None:
        shown.append(html[pos:match.start()])
        name = match.group(1)
        # the end of "</script ...>" (a closing tag may hold spaces), or of "-->"
        end = html.find(b"</" + name, match.end()) if name else html.find(b"-->", match.end())
        if end >= 0:
            end = html.find(b">", end)
        if end < 0:
            pos = len(html)  # never closed: the rest is code
            break
        pos = end + 1
    shown.append(html[pos:])
    text = _TAG.sub(b" ", b"".join(shown))
    # characters, not bytes: a page in Greek or Japanese needs as many as one in English
    return len(b"".join(text.split()).decode("utf-8", "replace"))


def is_empty(body: bytes) -> bool:
    """A page with no content at all (an empty or whitespace-only 200)."""
    return not body.strip()
