"""Is a page a bot challenge? Was a run healthy? (used by the spider's counters and `scrapy cron`)"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


@dataclass
class SiteHealth:
    """One site's counters for one run, and the verdict."""

    name: str
    counts: dict[str, int]
    quiet_runs: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems


def judge_site(name: str, counts: dict[str, int], quiet_runs: int, max_quiet_runs: int,
               failure_ratio: float = 0.5) -> SiteHealth:
    """Apply the health rules to one site's counters (docs/discovery-and-cron.md)."""
    get = counts.get
    pages = get("pages", 0)  # HTML/XML responses that reached a callback
    failed = get("failed", 0)  # requests that failed (probes of usual paths excluded)
    blocked = get("challenge", 0) + get("empty", 0)
    found = (get("articles", 0) + get("seen_before", 0) + get("not_modified", 0)
             + get("skipped_old", 0) + get("revisited", 0))
    problems = []
    if get("forbidden", 0) and not pages:
        problems.append("robots.txt forbids every page")
    elif blocked and (blocked >= max(1, pages) * 0.5 or get("home_blocked", 0)):
        problems.append(f"bot-challenge or empty pages where content was expected ({blocked})")
    elif failed and failed > (failed + pages) * failure_ratio:
        problems.append(f"most requests failed ({failed} of {failed + pages})")
    if not found and not problems:
        problems.append("no article page could be discovered or parsed")
    for key, percent in sorted(counts.items()):
        if key.startswith("coverage_fell/"):  # newscrawl/ops/coverage.py
            problems.append(f"{key.removeprefix('coverage_fell/')} found in only {percent}% of "
                            "articles, far below its recent runs: a layout change may have broken extraction")
    if max_quiet_runs and quiet_runs >= max_quiet_runs:
        problems.append(f"no new article for {quiet_runs} runs in a row")
    return SiteHealth(name, dict(counts), quiet_runs, problems)
