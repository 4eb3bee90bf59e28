"""The names the crawl's parts share: request meta keys and per-site stats keys, in one place.

Plain strings, picklable, so requests keep them in disk and Redis queues."""

from __future__ import annotations

# -- request meta keys ----------------------------------------------------------------------
SITE = "newscrawl_site"  # the name of the site (in the spider's site list) a request belongs to
HINTS = "newscrawl_hints"  # what a feed or sitemap said of the page (Discovered.hints())
HOME = "newscrawl_home"  # the site's start page: feeds are discovered here
PROBE = "newscrawl_probe"  # a guessed path (/sitemap.xml, /feed/): missing is no failure
ROBOTS = "newscrawl_robots"  # the site's robots.txt, read for Sitemap: lines
ALWAYS_FETCH = "newscrawl_always_fetch"  # discovery pages and single articles: never "seen before"
NAMED = "newscrawl_named"  # -a article= / articles= page: the URL the user gave (newscrawl/crawl/named.py)
CUT = "newscrawl_cut"  # a page over the size extraction reads: what was not read (ExtractedPage.cut)
FORCED = "newscrawl_forced"  # -a article= page that does not read as an article: its article score
NOT_ARTICLE = "newscrawl_not_article"  # a page that does not read as an article: the classifier's signals (for parse)
REVISIT = "newscrawl_revisit"  # a revisit of an emitted article: the revision the state had
CONDITIONAL = "newscrawl_conditional"  # cache the response and revalidate it on the next run
ANY_BODY = "newscrawl_any_body"  # take any body (feeds, sitemaps): no binary-body check
FAILURE_REASON = "newscrawl_failure_reason"  # (reason, detail) for the failure middleware
POLITENESS_TOKEN = "newscrawl_politeness_lease"  # distributed: the lease this request holds


def site_stat(site: str, key: str) -> str:
    """The stats key of a per-site counter: newscrawl/site/<name>/<key>."""
    return f"newscrawl/site/{site}/{key}"


# -- WARC archives and replay (newscrawl/archive/) -------------------------------------------------
WARC_RECORD = "newscrawl_warc"  # {file, offset, record_id} of the response's record: the item's `warc`
WARC_SOURCE = "newscrawl_warc_source"  # replay: (path, offset, record_id, WARC-Date) of the record to answer with
# a saved page replayed (a fixture's meta.json fetched_at): when it was fetched, an aware datetime,
# the moment its page is read as of and its record's fetched_at
FETCHED_AT = "newscrawl_fetched_at"
