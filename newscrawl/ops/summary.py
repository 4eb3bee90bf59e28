"""What a finished crawl says: a few lines on stderr, and why nothing was written when nothing was.

`summary_lines` reads the crawl's stats (the same numbers `scrapy cron` keeps in its summary
JSON); `no_article_reasons` counts the pages that did not become records by reason.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from newscrawl.distributed.outage import LOST_STAT as REDIS_DATA_LOST
from newscrawl.distributed.outage import STAT as REDIS_OUTAGE
from newscrawl.distributed.seeds import BAD_SEED_STAT
from newscrawl.ops.coverage import FIELDS, coverage_sites, site_coverage

logger = logging.getLogger("newscrawl")

NO_ARTICLES = "no articles written"
# articles whose line is in the output but not in the state, which could not be written: the next
# run, appending, reconciles them
UNRECORDED = "newscrawl/output/unrecorded"
# articles not written because the state could not list the output before its first line
STATE_NOT_WRITTEN = "newscrawl/state/not_written"
# responses other than robots.txt (PageCount): Scrapy's response_received_count counts its own
# robots.txt requests and the spider's (read for Sitemap: lines), which are no pages of the site
PAGES_FETCHED = "newscrawl/pages/fetched"
# `not written: URL (why)` lines logged for pages the user named (newscrawl/crawl/named.py)
NAMED_NOT_WRITTEN = "newscrawl/named/not_written"
# ERROR lines logged for an error already counted under newscrawl/errors/<reason>
COUNTED_ERROR_LINES = "newscrawl/errors_logged"
# requests kept in memory because the frontier's folder refused a write (newscrawl/crawl/frontier.py)
FRONTIER_DISK_FULL = "newscrawl/frontier/disk_full"
MAX_SITE_LINES = 20  # sites listed one per line in the summary; the rest are counted
# failed requests whose fault passes (the server or the network, not the page: too_large is the page)
PASSING_NETWORK = ("timeout", "truncated", "connection_refused", "dns_error", "tls_error", "connection_error",
                   "download_error")
# HTTP answers that say "not now" rather than "no" (Scrapy's RETRY_HTTP_CODES and the like)
PASSING_HTTP = ("408", "429", "500", "502", "503", "504", "522", "524")
# why pages did not become records: a label and the stats counted under it (prefixes end in "/")
REASONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("seen in earlier runs", ("newscrawl/skipped/seen_before", "newscrawl/dropped/seen_in_earlier_run",
                              "newscrawl/dropped/unchanged", "newscrawl/revisit/not_modified",
                              # another address's text, written in an earlier run: no duplicate of this run's
                              "newscrawl/dropped/duplicate_of_earlier_run")),
    ("duplicates in this run", ("newscrawl/dropped/duplicate_url", "newscrawl/dropped/duplicate_content")),
    ("not articles", ("newscrawl/pages/not_article",)),
    ("too short", ("newscrawl/dropped/short_body",)),
    ("no headline", ("newscrawl/dropped/no_headline",)),
    ("older than since", ("newscrawl/skipped/older_than_since", "newscrawl/dropped/older_than_since")),
    ("older than NEWSCRAWL_STATE_MAX_AGE", ("newscrawl/skipped/older_than_state_max_age",
                                            "newscrawl/dropped/older_than_state_max_age")),
    ("forbidden by robots.txt", ("robotstxt/forbidden",)),
    ("bot challenges", ("newscrawl/dropped/challenge_page",)),
    ("empty pages", ("newscrawl/dropped/empty_page",)),
    ("not HTML", ("newscrawl/dropped/not_html",)),
    ("extraction failed", ("newscrawl/dropped/extraction_",)),
    ("HTTP errors", ("newscrawl/dropped/http_",)),
    # the page's own size, not the network's fault: a rerun fetches it no better
    ("over DOWNLOAD_MAXSIZE", ("newscrawl/dropped/too_large",)),
    ("network errors", tuple(f"newscrawl/dropped/{reason}" for reason in PASSING_NETWORK)),
    ("not saved: no output keeps them", ("newscrawl/output/not_saved",)),
    ("failed in an item pipeline", ("newscrawl/dropped/pipeline_error",)),
    ("not written: the output failed", ("newscrawl/output/not_written",)),
    ("not written: the state failed", (STATE_NOT_WRITTEN,)),
    # fetched while a distributed worker's Redis was gone: nothing could record them
    ("not written: Redis unavailable", ("newscrawl/dropped/redis_unavailable",)),
)

# the reasons the summary counts also when none of their pages was met: a crawl's usual three
ALWAYS = ("seen in earlier runs", "duplicates in this run", "not articles")
PREFIX = "newscrawl/"  # left off the stat names a summary line shows

# a label as it reads after a count of 1 (`1 HTTP error (404)`); the others read right for any
# count (`1 too short`). no_article_reasons keys by the label as above: cron's JSON keeps it
ONE = {"duplicates in this run": "duplicate in this run", "not articles": "not an article",
       "bot challenges": "bot challenge", "empty pages": "empty page", "HTTP errors": "HTTP error",
       "network errors": "network error", "not saved: no output keeps them": "not saved: no output keeps it"}


def _matches(key: str, pattern: str) -> bool:
    return key.startswith(pattern) if pattern.endswith(("/", "_")) else key == pattern


def reason_stats(stats: dict[str, Any]) -> dict[str, dict[str, int]]:
    """The stats behind each reason a page did not become a written article: label -> {stat:
    count} (non-zero only), in the order of REASONS.

    Each stat is counted under the first reason that names it; newscrawl/dropped/ stats no
    reason names are a reason of their own, under their own name."""
    found: dict[str, dict[str, int]] = {}
    claimed: set[str] = set()
    for label, patterns in REASONS:
        keys = [k for k in stats if k not in claimed and any(_matches(k, p) for p in patterns)]
        claimed.update(keys)
        counts = {k: int(stats[k] or 0) for k in sorted(keys) if stats[k]}
        if counts:
            found[label] = counts
    for key in sorted(stats):
        if key.startswith("newscrawl/dropped/") and key not in claimed and stats[key]:
            found[key.removeprefix("newscrawl/dropped/").replace("_", " ")] = {key: int(stats[key])}
    return found


def no_article_reasons(stats: dict[str, Any]) -> dict[str, int]:
    """Pages and records that did not become written articles, by reason (non-zero only)."""
    counts = {label: sum(keys.values()) for label, keys in reason_stats(stats).items()}
    if "HTTP errors" in counts:  # which ones: a 404 and a 503 ask for different things
        codes = sorted(k.removeprefix("newscrawl/dropped/http_") for k in stats
                       if k.startswith("newscrawl/dropped/http_") and stats[k])
        counts = {(f"HTTP errors ({', '.join(codes)})" if k == "HTTP errors" else k): v
                  for k, v in counts.items()}
    return counts


def written(stats: dict[str, Any]) -> int:
    """Articles written to the output: recorded in the state, or not when it failed (unrecorded)."""
    return int(stats.get("newscrawl/articles/emitted", 0) or 0) + unrecorded(stats)


def bad_seeds(stats: dict[str, Any]) -> int:
    """Seeds a worker took from Redis and skipped, each with a WARNING (newscrawl/distributed/seeds.py)."""
    return int(stats.get(BAD_SEED_STAT, 0) or 0)


def unrecorded(stats: dict[str, Any]) -> int:
    """Articles written to the output after the state could not be written (not recorded)."""
    return int(stats.get(UNRECORDED, 0) or 0)


def counted(count: int, label: str) -> str:
    """`2 HTTP errors (404, 503)`, `1 HTTP error (404)`: a reason's label after its count."""
    if count == 1:
        for many, one in ONE.items():
            if label == many or label.startswith(f"{many} ("):
                return f"1 {one}{label.removeprefix(many)}"
    return f"{count} {label}"


def no_articles_line(stats: dict[str, Any]) -> str:
    """`no articles written: 3 seen in earlier runs, 1 too short` (or why nothing was fetched)."""
    reasons = no_article_reasons(stats)
    if reasons:
        line = f"{NO_ARTICLES}: " + ", ".join(counted(count, label) for label, count in reasons.items())
        if stats.get("newscrawl/replay/records") and reasons.get("seen in earlier runs"):
            line += (" (a replay into a state that has seen these articles, the live crawl's or an "
                     "earlier replay's, writes none of them again: replay into a new state, "
                     "-s NEWSCRAWL_STATE=replay.sqlite, or none, -s NEWSCRAWL_STATE=off)")
        return line
    if stats.get("newscrawl/errors/damaged_warc") and not stats.get("newscrawl/replay/records"):
        return f"{NO_ARTICLES}: no record of the WARC input could be read (see the errors above)"
    if stats.get("newscrawl/distributed/worker") and not pages_fetched(stats) and bad_seeds(stats):
        return (f"{NO_ARTICLES}: 0 pages fetched: {plural(bad_seeds(stats), 'seed')} in Redis could not "
                "be used (see the WARNING lines: a seed is a URL with https:// or a site that "
                "newscrawl seed registered)")
    if stats.get("newscrawl/distributed/worker") and not pages_fetched(stats):
        # a worker of a shared crawl fetches only what was seeded into its Redis
        return (f"{NO_ARTICLES}: 0 pages fetched: the shared crawl in Redis had nothing queued or seeded "
                "(newscrawl seed -s REDIS_URL=... URL adds a site)")
    how = "read from WARC files" if replayed(stats) else "fetched"
    return f"{NO_ARTICLES}: {plural(pages_fetched(stats), 'page')} {how} and none held an article"


# articles kept with no date to compare with -a since= (an undated article always passes it;
# newscrawl/crawl/discovery.py)
SINCE_UNDATED = "newscrawl/since/undated"
# "START redirects to TARGET": a start page whose redirect left the site (the last one met;
# newscrawl/crawl/middlewares/redirect.py)
START_REDIRECTED_OFFSITE = "newscrawl/start/redirected_offsite"
EXTRACTION_FAILED = "newscrawl/dropped/extraction_"
UNREADABLE = ("no page of the site could be read (see the lines above): check the address, and whether "
              "the site is up and lets crawlers in")


def unreadable_site_line(stats: dict[str, Any], settings: BaseSettings) -> str:
    """Why a crawl of a site read no page: its start page redirected off the site, its pages were
    fetched but none could be extracted, or no page came at all (the address, the site)."""
    if redirected := stats.get(START_REDIRECTED_OFFSITE):
        start, _, target = str(redirected).partition(" redirects to ")
        return (f"the start URL {start} redirects to {target}, off the site, and the crawl does not "
                f"follow it: give that address (-a url={target})")
    failed = extraction_failures(stats)
    if pages_fetched(stats) and failed:
        fetched = pages_fetched(stats)
        were = "page was" if fetched == 1 else "pages were"
        return f"{fetched} {were} fetched but none could be extracted ({_extraction_why(failed, settings)})"
    return UNREADABLE


def extraction_failures(stats: dict[str, Any]) -> dict[str, int]:
    """Pages whose extraction failed, by reason (extraction_timeout, _crashed, _error)."""
    return {k.removeprefix("newscrawl/dropped/"): int(v) for k, v in stats.items()
            if k.startswith(EXTRACTION_FAILED) and v}


def _extraction_why(failed: dict[str, int], settings: BaseSettings) -> str:
    if "extraction_timeout" in failed:
        timeout = settings.getfloat("NEWSCRAWL_EXTRACT_TIMEOUT")
        return (f"extraction timed out: NEWSCRAWL_EXTRACT_TIMEOUT={timeout:g} s; give it more time, "
                "or leave it unset")
    if "extraction_crashed" in failed:
        return "the extraction worker died on each page: see the lines above"
    return "see the lines above"


def pages_fetched(stats: dict[str, Any]) -> int:
    """Pages the crawl received (fetched, or read from WARC files), robots.txt not counted."""
    return int(stats.get(PAGES_FETCHED, 0) or 0)


def elapsed_seconds(stats: dict[str, Any]) -> float:
    """How long the crawl ran: Scrapy's count when the spider closed, else (a forced stop, a
    second Ctrl-C, closes nothing) the time since it started."""
    if stats.get("elapsed_time_seconds") is not None:
        return float(stats["elapsed_time_seconds"])
    start = stats.get("start_time")
    if isinstance(start, datetime):
        return max(0.0, (datetime.now(UTC) - start).total_seconds())
    return 0.0


def stopping_line(crawler: Crawler) -> str | None:
    """`stopping: waiting for 5 requests under way ...` after the first Ctrl-C or TERM, when
    Scrapy's graceful stop has requests to wait for; None when it has none, and stops at once.
    Requests still queued behind a site's delay are named apart: they wait the delay, not a
    server."""
    downloader = getattr(getattr(crawler, "engine", None), "downloader", None)
    held = len(getattr(downloader, "active", ()) or ())
    if not held:
        return None
    slots = list((getattr(downloader, "slots", None) or {}).values())
    queued = sum(len(getattr(slot, "queue", ())) for slot in slots)
    # the longest wait: a site's queue, one delay apart each (Scrapy varies each delay by its
    # slot's jitter, ±50% of DOWNLOAD_DELAY unless RANDOMIZE_DOWNLOAD_DELAY is off)
    wait = max((len(slot.queue) * slot.delay * (1 + float(getattr(slot, "jitter", 0) or 0))
                for slot in slots if getattr(slot, "queue", None)), default=0.0)
    waits = []
    if held > queued:
        timeout = crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
        # no bound is promised: each retry waits the timeout again, and a request robots.txt held
        # back goes out once robots.txt is answered
        waits.append(f"{plural(held - queued, 'request')} under way to finish (a server that does not answer "
                     f"holds each for DOWNLOAD_TIMEOUT, {timeout:g} s, on every attempt)")
    if queued and wait:
        # each is sent once its delay is over, and waits for its answer too (a stranger's stop,
        # told "up to 8.27103 s", waited 34 s on a server that did not answer)
        waits.append(f"{plural(queued, 'request')} queued behind the delay between requests to a site "
                     f"(up to {math.ceil(wait)} s of delay: DOWNLOAD_DELAY or the sites file's delay; "
                     "then each waits for its answer)")
    elif queued:
        waits.append(f"{plural(queued, 'request')} queued for a free connection")
    return f"stopping: waiting for {' and '.join(waits)}; Ctrl-C again to stop at once"


def plural(count: int, noun: str) -> str:
    """`1 article`, `2 articles`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _breakdown(label: str, keys: dict[str, int]) -> str:
    """` (skipped/seen_before=13, dropped/seen_in_earlier_run=1)`: the stats a reason adds up,
    for a reason that several stats count; "" for a reason one stat counts."""
    patterns = dict(REASONS).get(label, ())
    if not keys or len(patterns) < 2 and not any(p.endswith(("/", "_")) for p in patterns):
        return ""
    return f" ({', '.join(f'{k.removeprefix(PREFIX)}={v}' for k, v in keys.items())})"



def is_passing(reason: str) -> bool:
    """Whether a failed request's reason (`newscrawl/errors/<reason>`) is a fault that passes."""
    return reason in PASSING_NETWORK or reason.removeprefix("http_") in PASSING_HTTP


def passing_faults(stats: dict[str, Any]) -> int:
    """Pages given up on for a fault that passes (a network error, a server error, too many
    requests): the state never records them, so a later run fetches them."""
    found = reason_stats(stats)
    return sum(count for label in ("network errors", "HTTP errors")
               for key, count in found.get(label, {}).items()
               if is_passing(key.removeprefix("newscrawl/dropped/")))


def not_written_line(stats: dict[str, Any]) -> str:
    """`not written: 14 seen in earlier runs (skipped/seen_before=13, dropped/seen_in_earlier_run=1);
    0 duplicates in this run; 18 not articles; 1 too short`: the summary's count of every reason
    (ALWAYS ones also at 0), the same counts as no_articles_line and cron's `not_written`."""
    found = reason_stats(stats)
    labels = [label for label, _ in REASONS if label in ALWAYS or label in found]
    labels += [label for label in found if label not in dict(REASONS)]
    parts = [counted(sum(found.get(label, {}).values()), label) + _breakdown(label, found.get(label, {}))
             for label in labels]
    return f"not written: {'; '.join(parts)}"


def lines_say_why(stats: dict[str, Any]) -> bool:
    """Whether a `not written: URL (why)` line named every page that was not written (a run of
    pages named with -a article=): then `no articles written:` would only say it again."""
    lines = int(stats.get(NAMED_NOT_WRITTEN, 0) or 0)
    return lines > 0 and lines >= sum(no_article_reasons(stats).values())


def log_reaches_stderr(settings: BaseSettings, level: int) -> bool:
    """Whether a log record of this level is printed on stderr with these settings (not with
    --nolog, --logfile or a higher LOG_LEVEL: then a line the user must see is printed as well)."""
    if not settings.getbool("LOG_ENABLED", True) or settings.get("LOG_FILE"):
        return False
    return logging.getLevelName(str(settings.get("LOG_LEVEL", "DEBUG")).upper()) <= level


def forced_line(count: int) -> str:
    """`forced: 1 page that does not read as an article written because -a article= ...`."""
    if count == 1:
        return ("forced: 1 page that does not read as an article written because -a article= or "
                "articles= names it (see its warning above)")
    return (f"forced: {count} pages that do not read as articles written because -a article= or "
            "articles= names them (see their warnings above)")


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{round(share * 100)}%"


def _coverage(stats: dict[str, Any], site: str) -> str:
    run = site_coverage(stats, site)
    shares = ", ".join(f"{field} {_percent(run['shares'][field])}" for field in FIELDS)
    return f"{plural(run['articles'], 'article page')}; {shares}"


def _counts(counts: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "none"


def _by_prefix(stats: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix) and v}


def replayed(stats: dict[str, Any]) -> bool:
    """Whether the run replayed WARC files (-a warc=) instead of fetching."""
    return "newscrawl/replay/files" in stats or "newscrawl/replay/records" in stats


DEPTH_IGNORED = "depth/request_ignored_count"  # Scrapy's count of the links past DEPTH_LIMIT


def _undated_clause(stats: dict[str, Any]) -> str:
    """`; 3 undated articles passed since= (no date to compare)`, or "" when there were none."""
    undated = int(stats.get(SINCE_UNDATED, 0) or 0)
    return f"; {plural(undated, 'undated article')} passed since= (no date to compare)" if undated else ""


def summary_lines(stats: dict[str, Any], outputs: list[str] | None = None) -> list[str]:
    """A few lines for a person: written, fetched and the time; why the others were not written
    (not_written_line); errors; field coverage, and one line per site when there are several; one
    more when pages named with -a article= were written though they do not read as articles."""
    where = f" to {', '.join(outputs)}" if outputs else ""
    elapsed = elapsed_seconds(stats)
    errors = _by_prefix(stats, "newscrawl/errors/")
    logged = _by_prefix(stats, "log_count/")
    # ERROR lines of errors already counted by their reason are not counted again as log_error
    logged["ERROR"] = logged.get("ERROR", 0) - int(stats.get(COUNTED_ERROR_LINES, 0) or 0)
    for stat, reason in ((REDIS_OUTAGE, "redis_unavailable"), (REDIS_DATA_LOST, "redis_data_lost")):
        if stats.get(stat):  # its one ERROR line, by its reason
            errors[reason] = 1
            logged["ERROR"] -= 1
    errors.update({f"log_{k.lower()}": v for k, v in logged.items() if k in ("ERROR", "CRITICAL") and v > 0})
    errors.update(extraction_failures(stats))  # logged as WARNINGs, but pages lost all the same
    if bad_seeds(stats):  # logged as WARNINGs, but a site that was seeded is not crawled
        errors["bad_seed"] = bad_seeds(stats)
    not_recorded = f" ({unrecorded(stats)} of them not recorded in the state)" if unrecorded(stats) else ""
    lines = [
        f"{plural(written(stats), 'article')} written{where}{not_recorded}; "
        f"{plural(pages_fetched(stats), 'page')} "
        f"{'read from WARC files' if replayed(stats) else 'fetched'} in {elapsed:.1f} s "
        f"({stats.get('finish_reason') or 'stopped'})" + _undated_clause(stats),
        not_written_line(stats),
        f"errors: {_counts(errors)}",
    ]
    if missed := passing_faults(stats):  # a by-hand run's user is told what a rerun does
        lines.append(f"{plural(missed, 'page')} not fetched for a passing fault (network errors, server "
                     "errors): nothing records them, so the same crawl run again fetches them "
                     "(with -o, appending them to the file)")
    if beyond := int(stats.get(DEPTH_IGNORED, 0) or 0):  # Scrapy's DepthMiddleware says so at DEBUG only
        lines.append(f"{plural(beyond, 'link')} not followed: past DEPTH_LIMIT, the steps a crawl takes "
                     "from its start pages (-s DEPTH_LIMIT=0 follows links at any depth)")
    if FRONTIER_DISK_FULL in stats:  # its WARNING line says which folder and what to do
        lines.append(f"frontier: its folder could not be written (a full disk?): "
                     f"{plural(int(stats[FRONTIER_DISK_FULL] or 0), 'request')} kept in memory instead")
    forced = int(stats.get("newscrawl/articles/forced", 0) or 0)
    if forced:  # -a article= pages written though they do not read as articles: each warned above
        lines.insert(1, forced_line(forced))
    sites = coverage_sites(stats)
    if len(sites) == 1:
        lines.append(f"coverage: {_coverage(stats, sites[0])}")
    listed = sites[:MAX_SITE_LINES] if len(sites) > 1 else []
    for site in listed:
        emitted = stats.get(f"newscrawl/site/{site}/emitted", 0)
        lines.append(f"site {site}: {emitted} written; coverage: {_coverage(stats, site)}")
    if len(sites) > len(listed) > 0:  # a CC-NEWS replay meets thousands of sites
        lines.append(f"... and {len(sites) - len(listed)} more sites (per-site counts in the stats)")
    return lines


class NoArticlesWarning:
    """Logs one WARNING, `no articles written: ...` with the counts by reason, after a crawl
    that wrote no article, unless each page it did not write had its own line (lines_say_why)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NoArticlesWarning:
        return cls(crawler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        if not written(stats) and not lines_say_why(stats):
            logger.warning("%s", no_articles_line(stats))


class PageCount:
    """Counts the pages received (PAGES_FETCHED): every response but robots.txt, Scrapy's own
    request for it and the spider's."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageCount:
        return cls(crawler)

    def response_received(self, response: Any, request: Any, spider: Spider | None = None) -> None:
        if urlsplit(request.url).path != "/robots.txt":
            self.crawler.stats.inc_value(PAGES_FETCHED)


PIPELINE_ERROR = "newscrawl/dropped/pipeline_error"


class PipelineErrors:
    """Counts the records an item pipeline failed on (PIPELINE_ERROR): Scrapy logs the error and
    drops the record, which is then neither written nor counted under any reason (a user's own
    pipeline that raises lost every article with exit 0)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.item_error, signal=signals.item_error)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PipelineErrors:
        return cls(crawler)

    def item_error(self, item: Any, response: Any = None, spider: Spider | None = None, failure: Any = None) -> None:
        self.crawler.stats.inc_value(PIPELINE_ERROR)
