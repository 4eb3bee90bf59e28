"""`scrapy fixture URL_OR_FILE [NAME]`: save a page as a replay fixture with its current item.

Quiet: it prints its own result line and real errors only. It refuses, with one line and
nothing saved: a NAME that is taken (unless --force), a page that cannot be fetched (HTTP
error, connection, robots.txt), and a page with no text to test against (empty, binary, a
bot challenge, or no headline and no body). Ctrl-C stops it with one line, nothing saved, and
exit 130 (a fixture is written beside its folder and renamed into place: never half-written).
Exit codes: newscrawl/commands/_cli.py.
"""

from __future__ import annotations

import re
import signal
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import Request, Spider
from scrapy.commands import ScrapyCommand
from twisted.python.failure import Failure

from newscrawl.commands._cli import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    STOP_SIGNALS,
    ExitsOnLogFileFailure,
    check_logging,
    check_process_files,
    fail,
    log_level_help,
    pid_file_held,
    quiet_logs,
    run_until_interrupted,
    settle_process_files,
    setup_parser,
    share_no_crawl,
    signals_held,
    why_not_fetched,
)
from newscrawl.commands.crawl import check_command_settings
from newscrawl.commands.extract import PageError, gunzip_page
from newscrawl.config.path_names import name_problem
from newscrawl.config.sites import host_problem
from newscrawl.crawl.challenges import is_challenge, is_empty
from newscrawl.crawl.meta import ANY_BODY
from newscrawl.discovery.documents import not_a_page
from newscrawl.extract import ExtractedPage, extract_page
from newscrawl.extract.encoding import binary_kind
from newscrawl.output.replay import SavedPage, save_page

VOLATILE = ("fetched_at",)
_URL = re.compile(r"^https?://[^/\s]+", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)  # ftp://, file://, a mistyped htp://


class Command(ExitsOnLogFileFailure, ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_LEVEL": "ERROR"}

    def syntax(self) -> str:
        return "[options] URL_OR_FILE [NAME]"

    def short_desc(self) -> str:
        return "Save a page (fetched or from a file) as a fixture with its current item for review"

    def long_desc(self) -> str:
        return (f"{self.short_desc()}. Exit 0 when saved, 1 when the page cannot be fetched, has "
                "nothing to test against (empty, binary, a bot challenge, no text) or cannot be "
                "written, 2 for bad arguments or a NAME that exists (--force replaces it).")

    def add_options(self, parser) -> None:
        super().add_options(parser)
        setup_parser(parser, "fixture")
        log_level_help(parser, "ERROR")
        parser.add_argument("--url", help="the page's address, when saving a local file")
        parser.add_argument("--dir", default="fixtures/pages",
                            help="the folder fixtures live in (default fixtures/pages)")
        parser.add_argument("--force", action="store_true",
                            help="replace a fixture of the same NAME")

    def process_options(self, args: list[str], opts) -> None:
        check_process_files(opts, "fixture")
        with pid_file_held(opts):  # written once it is known to be neither the state nor an output
            super().process_options(args, opts)
        settle_process_files(self.settings, opts, "fixture")
        quiet_logs(self.settings, "ERROR")  # the project's settings.py logs at INFO
        check_logging(self.settings, "fixture")
        check_command_settings(self.settings, "fixture")
        share_no_crawl(self.settings)  # REDIS_URL wrote the page's fetch into the shared state

    def run(self, args: list[str], opts) -> None:
        try:
            self._save(args, opts)
        except KeyboardInterrupt:  # Ctrl-C while a large page is read or extracted
            fail("fixture", f"interrupted; nothing saved for {args[0] if args else 'the page'}", EXIT_INTERRUPTED)

    def _save(self, args: list[str], opts) -> None:
        if not args:
            fail("fixture", "give a URL or a saved HTML file: scrapy fixture URL_OR_FILE [NAME]", EXIT_USAGE)
        if len(args) > 2:
            fail("fixture", f"unexpected argument {args[2]!r}: scrapy fixture URL_OR_FILE [NAME]", EXIT_USAGE)
        source = args[0]
        name = args[1] if len(args) > 1 else None
        if name is not None:
            self._check_name(name, opts)
        self._check_dir(Path(opts.dir))
        for url in (source if _URL.match(source) else None, opts.url):
            problem = host_problem(url) if url and _URL.match(url) else None
            if problem:
                fail("fixture", problem, EXIT_USAGE)
        page = self._fetch(source, opts) if _URL.match(source) else \
            self._read(source, opts, self.settings.getint("DOWNLOAD_MAXSIZE"), name)
        page.profile = self.settings.get("NEWSCRAWL_PROFILE") or None  # -s, as a crawl forces it
        item, extracted = self._item(source, page)
        name = name or _name_for(page.url)
        folder = self._check_name(name, opts)
        with signals_held():  # an older fixture is moved aside, then the new one renamed in
            try:
                save_page(folder, page, item, replace=folder.exists())
            except OSError as exc:
                fail("fixture", f"cannot write {folder}: {exc.strerror or exc}; nothing saved")
            for signum in STOP_SIGNALS:  # saved: a held Ctrl-C (TERM, HUP) is too late
                signal.signal(signum, signal.SIG_IGN)  # (and a pending signal ignored is dropped)
        print(f"saved {folder}; review {folder / 'expected.json'} before committing it")
        if not extracted.is_article:  # saved all the same: a listing page can be a fixture too
            print(f"note: by newscrawl's judgement {page.url} is not an article page "
                  f"({not_article_reason(extracted.signals)}): a crawl emits no item for it")

    # -- arguments ---------------------------------------------------------------------------

    @staticmethod
    def _check_dir(folder: Path) -> None:
        if folder.exists() and not folder.is_dir():
            fail("fixture", f"--dir {folder} is a file, not a folder: give the folder fixtures go in")

    @staticmethod
    def _check_name(name: str, opts) -> Path:
        """The fixture's folder; a NAME that is a path, or a fixture that exists, is refused."""
        if not _PLAIN_NAME.match(name):  # a folder name every system and shell takes as it is
            fail("fixture", f"NAME must be a plain folder name (like example-story), not {name!r}", EXIT_USAGE)
        folder = Path(opts.dir) / name
        if folder.is_dir() and any(folder.iterdir()) and not opts.force:
            fail("fixture", f"fixture {folder} exists: give another NAME, or --force to replace it", EXIT_USAGE)
        if folder.exists() and not folder.is_dir():
            fail("fixture", f"{folder} is a file, not a fixture folder: give another NAME", EXIT_USAGE)
        return folder

    @staticmethod
    def _read(source: str, opts, limit: int, name: str | None) -> SavedPage:
        """A saved page (gzip-compressed or not, as fixtures and `extract` keep them), read up to
        `limit` bytes."""
        path = Path(source)
        problem = name_problem(path)  # a name too long, a symbolic link loop: exists() would raise or lie
        exists = problem is None and path.exists()
        if source == "-" and not exists:
            fail("fixture", "a fixture is made from a saved file or a URL, not from standard input: save "
                 "the page to a file and give it with --url", EXIT_USAGE)
        if not exists and _SCHEME.match(source):
            fail("fixture", f"{source} is neither an http(s) URL nor a file: give an http:// or https:// "
                 "address, or a saved HTML file with --url", EXIT_USAGE)
        if problem:
            fail("fixture", f"cannot read {source}: {problem}", EXIT_USAGE)
        if not exists:
            hint = " (a URL starts with http:// or https://)" if "/" in source and "." in source.split("/")[0] else ""
            fail("fixture", f"no such file: {source}{hint}", EXIT_USAGE)
        if path.is_dir():
            fail("fixture", f"{source} is a folder: give a saved HTML file or a URL", EXIT_USAGE)
        if not opts.url:
            fail("fixture", f"a local file needs --url, the address it was saved from: "
                 f"scrapy fixture {source}{f' {name}' if name else ''} --url https://...", EXIT_USAGE)
        if not _URL.match(opts.url):
            fail("fixture", f"--url must be an http(s) address, not {opts.url!r}", EXIT_USAGE)
        try:
            body = path.read_bytes()
            if body.startswith(b"\x1f\x8b"):
                body = gunzip_page(body, source, limit)
        except OSError as exc:
            fail("fixture", f"cannot read {source}: {exc.strerror or exc}")
        except PageError as exc:
            fail("fixture", f"{exc}: nothing saved")
        return SavedPage(url=opts.url, body=body, headers={"Content-Type": "text/html; charset=utf-8"},
                         source=str(path))

    # -- the page ----------------------------------------------------------------------------

    @staticmethod
    def _item(source: str, page: SavedPage) -> tuple[dict[str, Any], ExtractedPage]:
        """The page's current item, and the extraction it comes from (whether newscrawl takes
        the page for an article); a page with nothing to test against is refused."""
        if is_empty(page.body):
            fail("fixture", f"{source} is an empty page: nothing saved")
        if kind := binary_kind(page.body, page.headers.get("Content-Type", "").encode("latin-1")):
            fail("fixture", f"{source} is {kind}, not an HTML page: nothing saved")
        if other := not_a_page(page.body, page.headers.get("Content-Type", "")):
            fail("fixture", f"{source} is {other.what}, not an HTML page: nothing saved")
        if is_challenge(page.status, page.headers, page.body):
            fail("fixture", f"{source} is a bot-challenge page, not the article: nothing saved "
                 "(save the page from a browser and give the file with --url)")
        page.fetched_at = page.fetched_at or datetime.now(UTC).isoformat(timespec="seconds")
        extracted = extract_page(page.url, page.body, profile=page.profile, fetched_at=page.fetched_time())
        item = ItemAdapter(extracted.article).asdict()
        if extracted.error or not (item.get("headline") or item.get("body")):
            why = extracted.error or "no headline and no body"
            fail("fixture", f"{source} holds no article text to test against ({why}): nothing saved")
        for key in VOLATILE:
            item.pop(key, None)
        return item, extracted

    def _fetch(self, url: str, opts) -> SavedPage:
        """Fetch through Scrapy itself (robots.txt, user agent, redirects, decompression), with
        no state (nothing read or recorded) and no HTTP cache."""
        if opts.url:
            fail("fixture", "--url is for a local file; a fetched page keeps its own address", EXIT_USAGE)
        saved: list[SavedPage] = []
        errors: list[BaseException] = []

        class FetchOne(Spider):
            name = "fixture-fetch"
            start_urls = [url]  # trusted by the protected-network check, as a crawl's start URL
            custom_settings = {"NEWSCRAWL_STATE": "", "HTTPCACHE_ENABLED": False}

            async def start(self):
                # a binary body comes through, to be refused like a binary local file
                yield Request(url, callback=self.keep, errback=self.failed, dont_filter=True,
                              meta={ANY_BODY: True})

            def keep(self, response):
                headers = {k.decode(): b", ".join(v).decode("latin-1")
                           for k, v in response.headers.items()
                           if k.decode().lower() in ("content-type", "last-modified", "etag")}
                saved.append(SavedPage(url=response.url, body=response.body, status=response.status,
                                       headers=headers, source=f"fetched {url}"))

            def failed(self, failure: Failure) -> None:
                errors.append(failure.value)

        self.crawler_process.crawl(FetchOne)
        if run_until_interrupted(self.crawler_process):
            fail("fixture", f"interrupted; nothing saved for {url}", EXIT_INTERRUPTED)
        if not saved:
            why = why_not_fetched(errors[0]) if errors else "no response (see the log)"
            fail("fixture", f"could not fetch {url}: {why}; nothing saved")
        return saved[0]


def not_article_reason(signals: list[str]) -> str:
    """Why extract_page's classifier (newscrawl/extract/classify.py) did not take a page for an
    article, from its signals: the score, then the features that pushed it most ("-": away from
    an article, "+": towards one)."""
    score = next((s.split("=", 1)[1] for s in signals if s.startswith("score=")), None)
    against = [s[1:] for s in signals if s.startswith("-")]
    towards = [s[1:] for s in signals if s.startswith("+")]
    parts = [f"article score {score}" if score else "no article text"]
    if against:
        parts.append("against: " + ", ".join(against))
    if towards:
        parts.append("for: " + ", ".join(towards))
    return "; ".join(parts)


_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _name_for(url: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", url.lower().split("//", 1)[-1]).strip("-")
    return slug[:80]

