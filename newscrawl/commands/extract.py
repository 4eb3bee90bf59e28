"""`scrapy extract FILE_OR_URL... [--url URL]...` (`newscrawl extract`): each page's Article as one
JSON line on standard output, and nothing else there, as trafilatura's command line does for
one-off jobs.

- a saved page (HTML, or gzip-compressed HTML such as page.html.gz) needs the address it was
  saved from: one --url per file, in the order of the files; `-` reads a page from standard input;
- a URL is fetched once (no retry) through Scrapy with the project's settings: its user agent,
  robots.txt obeyed, its delays and download limits; with no crawl state and no HTTP cache;
- the record is `newscrawl.extract.extract_article(url, page)`, written as the crawl's JSON
  Lines output writes it (the project's jsonlines exporter and FEED_EXPORT_* settings);
- records come out in the order of the arguments; a page that cannot be read, fetched or
  extracted is one line on stderr, and the other pages still come; a page the classifier takes
  for no article (a listing, a product) still gives its record, with one line on stderr.

Exit 0 when every page gave a record, 1 when one did not, 2 for bad arguments, 130 when Ctrl-C
stopped it (one line names the pages with no record written), 141 when the reader of standard
output went away (_cli.py).
"""

from __future__ import annotations

import gzip
import io
import os
import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import CloseSpider
from scrapy.exporters import BaseItemExporter
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.utils.conf import feed_complete_default_values_from_settings
from scrapy.utils.misc import load_object
from twisted.python.failure import Failure

from newscrawl.commands._cli import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_READER_GONE,
    EXIT_USAGE,
    ExitsOnLogFileFailure,
    as_typed,
    check_logging,
    check_process_files,
    default,
    fail,
    log_level_help,
    pid_file_held,
    quiet_logs,
    run_until_interrupted,
    settle_process_files,
    setup_parser,
    signals_held,
    stdout_problem,
    stdout_to_devnull,
    why_not_fetched,
    without_end_of_options,
    write_all,
)
from newscrawl.commands.crawl import check_command_settings
from newscrawl.config.sites import host_problem
from newscrawl.crawl.challenges import is_challenge, is_empty
from newscrawl.crawl.middlewares.charset import declared_charset
from newscrawl.crawl.pipelines.validate import record_problem
from newscrawl.discovery.documents import not_a_page
from newscrawl.extract import extract_page
from newscrawl.extract.encoding import binary_kind
from newscrawl.settings import EXTENSIONS_BASE

_URL = re.compile(r"^https?://[^/\s]+", re.IGNORECASE)
# what a user means as an address: a scheme of any spelling, or a host starting with www.
# (a scheme mistyped, "www.", or a host name, localhost or an IP address, with a port or not,
# before the first "/": an address typed without its scheme)
_ADDRESS_LIKE = re.compile(r"^(?:[a-z]{2,8}:/{0,3}|www\.)[^/\s]|^(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?/"
                           r"|^(?:localhost|\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?(?:/|$)", re.IGNORECASE)
STDIN = "-"
# the crawl's own extensions, which a one-off fetch switches off
CRAWL_EXTENSIONS = tuple(name for name in EXTENSIONS_BASE if name.startswith("newscrawl."))
# a one-off look at pages: nothing of a crawl's state, cache, worker pool or disk queue, and one
# request per page (a failed fetch is reported; run the command again to retry)
_DEFAULTS = {"NEWSCRAWL_STATE": "", "HTTPCACHE_ENABLED": False, "NEWSCRAWL_EXTRACT_WORKERS": 0,
             "NEWSCRAWL_DISK_FRONTIER": False, "RETRY_ENABLED": False}


@dataclass
class Printed:
    """A page's record, the name the page was given by (a file or a URL) and the lines said
    about it on stderr, printed with the record, in the order of the arguments."""

    article: Any
    name: str
    notes: list[str] = field(default_factory=list)


class PageError(Exception):
    """A page that gave no record, and why (one line)."""


@dataclass
class Source:
    """One FILE_OR_URL argument: a page to fetch, or a saved page (a file, or - for stdin) with
    the address it came from."""

    arg: str
    url: str
    fetch: bool


@dataclass
class OrderedOutput:
    """Records and error lines, written in the order of the arguments as soon as every page
    before them is done (a fetched page may arrive after a file that comes later).

    The exporter writes a record into `buffer`; the record then goes to `stream` whole."""

    exporter: BaseItemExporter
    buffer: io.BytesIO
    stream: Any
    done: dict[int, Any] = field(default_factory=dict)
    written: int = 0
    failed: int = 0
    # standard output takes no more: its reader went away (`| head -1`, error None), or it failed
    # (a full disk: the error)
    closed: bool = False
    error: OSError | None = None
    min_body: int = 200  # NEWSCRAWL_MIN_BODY_CHARS: a record a crawl would drop is said so

    def put(self, index: int, outcome: Any) -> None:
        """The record (Printed) or the PageError of argument `index`."""
        if self.closed:
            return
        self.done[index] = outcome
        while self.written in self.done:
            with signals_held():  # Ctrl-C cuts no record in two, and counts it right
                self._write(self.done.pop(self.written))
                self.written += 1

    def _write(self, outcome: Any) -> None:
        if isinstance(outcome, PageError):
            self.failed += 1
            print(as_typed(f"scrapy extract: {' '.join(str(outcome).split())}"), file=sys.stderr, flush=True)
            return
        notes = list(outcome.notes)
        if problem := record_problem(outcome.article, self.min_body)[1]:
            # printed all the same (a one-off look at any page), but never silently
            notes.append(f"{outcome.name}: a crawl would not write this record ({problem})")
        for note in notes:
            print(as_typed(f"scrapy extract: {note}"), file=sys.stderr, flush=True)
        self.exporter.export_item(outcome.article)
        data = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        try:
            write_all(self.stream, data)
        except OSError as exc:  # in a Scrapy callback too: the command ends after the crawl
            self.closed = True
            self.error = None if isinstance(exc, BrokenPipeError) else exc
            # what is still buffered goes nowhere, instead of failing again when Python exits
            stdout_to_devnull()

    def end_if_closed(self) -> None:
        """End as a closed standard output says: 141 for a reader gone, one line and 1 for an
        output that failed (a full disk)."""
        if self.error is not None:
            fail("extract", stdout_problem(self.error))
        if self.closed:
            raise SystemExit(EXIT_READER_GONE)


class Command(ExitsOnLogFileFailure, ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_LEVEL": "ERROR"}

    def syntax(self) -> str:
        return "[options] FILE_OR_URL... [--url URL]..."

    def short_desc(self) -> str:
        return "Print the article of each page (a saved file or a URL) as one JSON line"

    def long_desc(self) -> str:
        return (f"{self.short_desc()}, and nothing else on standard output. A saved page (HTML or "
                ".html.gz, or - for standard input) needs --url, the address it was saved from "
                "(one per file, in order); a URL is fetched once with the project's user agent, "
                "robots.txt obeyed. Exit 0 when every page gave a record, 1 when one did not (one "
                "line on stderr for each), 2 for bad arguments.")

    def add_options(self, parser) -> None:
        super().add_options(parser)
        setup_parser(parser, "extract")
        log_level_help(parser, "ERROR")
        parser.add_argument("--url", action="append", default=[], metavar="URL",
                            help="the address a saved FILE (or -) came from; one per file, in "
                                 "the order of the files")

    def process_options(self, args: list[str], opts) -> None:
        check_process_files(opts, "extract")
        with pid_file_held(opts):  # written once it is known to be neither the state nor an output
            super().process_options(args, opts)
        settle_process_files(self.settings, opts, "extract")
        quiet_logs(self.settings, "ERROR")  # the project's settings.py logs at INFO
        check_logging(self.settings, "extract")
        check_command_settings(self.settings, "extract")
        for name, value in _DEFAULTS.items():
            default(self.settings, name, value)

    def run(self, args: list[str], opts) -> None:
        assert self.settings is not None
        sources = sources_of(without_end_of_options(args), opts.url)
        buffer = io.BytesIO()
        output = OrderedOutput(jsonlines_exporter(buffer, self.settings), buffer, sys.stdout.buffer,
                               min_body=self.settings.getint("NEWSCRAWL_MIN_BODY_CHARS", 200))
        limit = self.settings.getint("DOWNLOAD_MAXSIZE")
        profile = self.settings.get("NEWSCRAWL_PROFILE") or None  # -s, as a crawl forces it
        try:
            for index, source in enumerate(sources):
                if not source.fetch and not output.closed:
                    output.put(index, _outcome(lambda s=source: read_saved(s, limit, profile)))
        except KeyboardInterrupt:  # Ctrl-C while a large page is read or extracted
            interrupted(sources, output)
        to_fetch: dict[str, list[int]] = {}
        for index, source in enumerate(sources):
            if source.fetch:
                to_fetch.setdefault(source.url, []).append(index)
        if to_fetch and not output.closed and not self._fetch(to_fetch, output, profile):
            interrupted(sources, output)
        output.end_if_closed()
        self.exitcode = EXIT_FAILED if output.failed else 0

    def _fetch(self, to_fetch: dict[str, list[int]], output: OrderedOutput, profile: str | None) -> bool:
        """Fetch each URL once through Scrapy and put its record (or why not) at its places;
        False when Ctrl-C stopped it (the pages not yet come are left out)."""
        assert self.crawler_process is not None
        answered: set[str] = set()

        def settle(url: str, outcome: Any) -> None:
            answered.add(url)
            for index in to_fetch[url]:
                output.put(index, outcome)

        def go_on() -> None:
            if output.closed:  # nobody reads the records any more: fetch no more pages
                raise CloseSpider("standard output closed")

        class FetchPages(Spider):
            name = "extract-fetch"
            start_urls = list(to_fetch)  # trusted by the protected-network check, as a crawl's start URLs
            # the crawl's extensions (state and outputs, stats file, coverage, "no articles
            # written") have nothing to do with a one-off fetch; Scrapy's own (AutoThrottle) stay
            custom_settings = {"EXTENSIONS": dict.fromkeys(CRAWL_EXTENSIONS)}

            async def start(self):
                for url in to_fetch:
                    yield Request(url, callback=self.keep, errback=self.failed, dont_filter=True,
                                  cb_kwargs={"asked": url})

            def keep(self, response: Response, asked: str) -> None:
                go_on()  # a page the downloader had queued before the spider was closed
                settle(asked, _outcome(lambda: fetched_record(asked, response, profile)))
                go_on()

            def failed(self, failure: Failure) -> None:
                asked = failure.request.cb_kwargs["asked"]  # type: ignore[attr-defined]
                settle(asked, PageError(f"could not fetch {asked}: {why_not_fetched(failure.value)}"))
                go_on()

        self.crawler_process.crawl(FetchPages)
        if run_until_interrupted(self.crawler_process):
            return False
        for url in to_fetch:
            if url not in answered:  # the crawl did not start, or closed before the page came
                settle(url, PageError(f"could not fetch {url}: no response (-L INFO shows the log)"))
        return True


def interrupted(sources: list[Source], output: OrderedOutput) -> None:
    """End with one line naming the pages whose record was not written, and exit 130."""
    output.end_if_closed()  # standard output had failed already: that is what to say
    left = [source.arg for source in sources[output.written:]]
    names = ", ".join("standard input" if arg == STDIN else arg for arg in left)
    fail("extract", f"interrupted; nothing written for {names}" if left else "interrupted",
         EXIT_INTERRUPTED)


def sources_of(args: list[str], urls: list[str]) -> list[Source]:
    """The pages the arguments name, each saved page paired with its --url (exit 2 if they
    cannot be)."""
    if not args:
        fail("extract", "give a saved page or a URL: scrapy extract FILE --url URL, or scrapy "
             "extract URL", EXIT_USAGE)
    if args.count(STDIN) > 1:
        fail("extract", "standard input (-) can be read once: give - once", EXIT_USAGE)
    for url in urls:
        if not _URL.match(url):
            fail("extract", f"--url must be an http(s) address, not {url!r}", EXIT_USAGE)
    for url in [*urls, *(arg for arg in args if _URL.match(arg))]:
        problem = host_problem(url)
        if problem:
            fail("extract", problem, EXIT_USAGE)
    saved = [arg for arg in args if not _URL.match(arg)]
    for arg in saved:
        # a mistyped address ("htps://...", "www.example.com/x") is no URL, and no such file
        if arg != STDIN and _ADDRESS_LIKE.match(arg) and not os.path.exists(arg):
            fail("extract", f"{arg!r} is neither a saved file nor an http(s) URL (one starts with "
                 "https://)", EXIT_USAGE)
    if urls and not saved:
        fail("extract", "--url is for a saved file; a fetched page keeps its own address", EXIT_USAGE)
    if len(urls) != len(saved):
        fail("extract", f"give one --url per saved file, in the order of the files ({_count(saved, 'file')}, "
             f"{_count(urls, '--url')}): scrapy extract FILE --url https://...", EXIT_USAGE)
    addresses = iter(urls)
    return [Source(arg, arg, True) if _URL.match(arg) else Source(arg, next(addresses), False)
            for arg in args]


def _count(items: list[str], what: str) -> str:
    return f"{len(items)} {what}{'' if len(items) == 1 else 's'}"


def jsonlines_exporter(stream: Any, settings: BaseSettings) -> BaseItemExporter:
    """The exporter a crawl's `-O out.jsonl` writes with, with the same feed options."""
    options = feed_complete_default_values_from_settings({}, settings)
    exporter = load_object(settings.getwithbase("FEED_EXPORTERS")["jsonlines"])(
        stream, fields_to_export=options["fields"], encoding=options["encoding"],
        indent=options["indent"], **options["item_export_kwargs"])
    exporter.start_exporting()
    return exporter


def _outcome(make: Any) -> Any:
    """The record `make()` returns, or the PageError it raised."""
    try:
        return make()
    except PageError as exc:
        return exc


def read_saved(source: Source, limit: int, profile: str | None = None) -> Printed:
    """The record of a saved page (a file, gzip-compressed or not, or standard input), with the
    extraction profile `profile` (None: the one the page is detected as)."""
    name = "standard input" if source.arg == STDIN else source.arg
    try:
        if source.arg == STDIN:
            body = sys.stdin.buffer.read(limit + 1 if limit else -1)
        else:
            path = Path(source.arg)
            if path.is_dir():
                raise PageError(f"{name} is a folder: give a saved HTML file or a URL")
            with path.open("rb") as file:
                body = file.read(limit + 1 if limit else -1)
    except FileNotFoundError:
        looks_like_a_url = "/" in source.arg and "." in source.arg.split("/")[0]
        hint = " (a URL starts with http:// or https://)" if looks_like_a_url else ""
        raise PageError(f"no such file: {name}{hint}") from None
    except OSError as exc:
        raise PageError(f"cannot read {name}: {exc.strerror or exc}") from None
    if body.startswith(b"\x1f\x8b"):
        body = gunzip_page(body, name, limit)
    _check_size(body, name, limit)
    return record(name, source.url, body, profile=profile)


def gunzip_page(body: bytes, name: str, limit: int) -> bytes:
    """A gzip-compressed page, decompressed up to `limit` bytes (a bomb is refused, not inflated)."""
    try:
        return gzip.GzipFile(fileobj=io.BytesIO(body)).read(limit + 1 if limit else -1)
    except (OSError, EOFError, zlib.error) as exc:
        raise PageError(f"{name} is not a readable gzip file ({exc}): give the page or an intact .gz") from None


def _check_size(body: bytes, name: str, limit: int) -> None:
    if limit and len(body) > limit:
        raise PageError(f"{name} is larger than DOWNLOAD_MAXSIZE ({limit} bytes), the most a crawl "
                        "reads of a page: -s DOWNLOAD_MAXSIZE=BYTES reads more")


def fetched_record(url: str, response: Response, profile: str | None = None) -> Printed:
    """The record of a fetched page (at the address it was fetched from, after redirects)."""
    content_type = response.headers.get(b"Content-Type") or b""
    if not isinstance(response, TextResponse) and not is_empty(response.body):
        raise PageError(f"{url} is not an HTML page ({content_type.decode('latin-1') or 'no Content-Type'})")
    encoding = declared_charset(response) if isinstance(response, TextResponse) else None
    return record(url, response.url, response.body, response.status, dict(response.headers),
                  content_type, encoding, profile)


def record(name: str, url: str, body: bytes, status: int = 200, headers: dict | None = None,
           content_type: bytes = b"", encoding: str | None = None, profile: str | None = None) -> Printed:
    """The page's record as a crawl writes it for a page named with -a article= (its full body
    whatever it reads as), or the PageError that says why there is none."""
    if is_empty(body):
        raise PageError(f"{name} is an empty page")
    if kind := binary_kind(body, content_type):
        raise PageError(f"{name} is {kind}, not an HTML page")
    if other := not_a_page(body, content_type):  # a feed, a sitemap, JSON: its record is junk
        raise PageError(f"{name} is {other.what}, not an HTML page")
    if is_challenge(status, headers, body):
        raise PageError(f"{name} is a bot-challenge page, not the article (save the page from a "
                        "browser and give the file with --url)")
    page = extract_page(url, body, encoding=encoding, profile=profile, non_article_body="full")
    if page.error:
        raise PageError(f"could not extract {name}: {page.error}")
    if not (page.article.headline or page.article.body):
        cut = f"; {page.cut}" if page.cut else ""
        raise PageError(f"{name} holds no article text (no headline and no body){cut}")
    notes = [f"{name}: {page.cut}"] if page.cut else []
    if not page.is_article:
        # the record is printed (a one-off look at any page), but never silently: a crawl drops it
        notes.append(f"{name} does not read as an article ({', '.join(page.signals)}): its record is "
                     "printed; a crawl writes it only if -a article= names it")
    return Printed(page.article, name, notes)
