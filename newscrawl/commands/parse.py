"""`scrapy parse [options] URL`: what the site spider makes of one page, printed as Scrapy's
parse command prints it (the items, then the requests it would follow).

Scrapy's parse starts the spider without arguments, which the site spider refuses (it needs a
start URL): this one gives it `article=URL` unless -a url=, article= or sites= is given, and
uses the site spider unless --spider names another. It reads and writes no crawl state (an
in-memory one, unless -s NEWSCRAWL_STATE is given), shares no crawl (REDIS_URL is not used, as
by extract), keeps no HTTP cache, extracts in this process, and logs errors only (-L WARNING
for each dropped page, -L INFO for the whole log).

Exit 0 when an item came out; 1, with one line saying why, when the page could not be fetched
or holds no article; 2 for bad arguments; 130 when Ctrl-C stopped it (newscrawl/commands/_cli.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import re
import warnings
from typing import Any

from scrapy.commands.parse import Command as ScrapyParseCommand
from scrapy.exceptions import DropItem, ScrapyDeprecationWarning, UsageError
from scrapy.http import Request
from scrapy.spiders import Spider
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from newscrawl.commands._cli import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    ExitsOnLogFileFailure,
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
    share_no_crawl,
    standard_output,
    why_not_fetched,
)
from newscrawl.commands.crawl import check_command_settings
from newscrawl.commands.fixture import not_article_reason
from newscrawl.crawl.meta import NOT_ARTICLE
from newscrawl.crawl.spider import SiteSpider

_HTTP_URL = re.compile(r"^https?://[^/\s]+", re.IGNORECASE)
# what the page was; the spider counts each page it does not turn into an article
# why the page itself gave no article (newscrawl/skipped/ counts links not followed: not the page's)
_NO_ARTICLE = ("newscrawl/pages/not_article", "newscrawl/dropped/")
# parse is a look at one page: no state, cache, worker pool or disk queue of the crawl
_DEFAULTS = {"NEWSCRAWL_STATE": "", "HTTPCACHE_ENABLED": False,
             "NEWSCRAWL_EXTRACT_WORKERS": 0, "NEWSCRAWL_DISK_FRONTIER": False}
# what a crawl that writes output runs to check, record and report its writing
_CRAWL_RUN_EXTENSIONS = ("newscrawl.output.recorder.StateRecorder", "newscrawl.ops.summary.NoArticlesWarning")


def refuse_output(args: list[str], opts: argparse.Namespace) -> None:
    """-o/-O: parse prints what it extracts and writes no file (Scrapy's parse would open, and
    with -O empty, the file before anything is known); one line naming the command that writes."""
    url = args[0] if len(args) == 1 and _HTTP_URL.match(args[0]) else "URL"
    for flag, value in (("-O", opts.overwrite_output), ("-o", opts.output)):
        if value:
            fail("parse", f"{flag} is not for scrapy parse, which prints the page's item and writes "
                 f"no file: use scrapy crawl site -a article={url} {flag} {value[0]}", EXIT_USAGE)


class Command(ExitsOnLogFileFailure, ScrapyParseCommand):
    """Scrapy's parse command, made to work with the site spider and to end with one line."""

    def short_desc(self) -> str:
        return "Parse a URL with the site spider and print the article it extracts"

    def long_desc(self) -> str:
        return (f"{self.short_desc()}, without reading or writing the crawl state. Exit 0 when an "
                "item came out, 1 when the page cannot be fetched or holds no article (one line "
                "says why), 2 for bad arguments.")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        setup_parser(parser, "parse")
        log_level_help(parser, "ERROR")
        # parse prints and writes no file: -o/-O are refused (refuse_output), not offered
        for flags, dest in ((("-o", "--output"), "output"), (("-O", "--overwrite-output"), "overwrite_output")):
            parser.add_argument(*flags, dest=dest, metavar="FILE", action="append", help=argparse.SUPPRESS)
        parser.add_argument("--spider", dest="spider", default="site",
                            help="the spider to parse with (default site)")
        parser.add_argument("-c", "--callback", dest="callback",
                            help="the spider method to call: parse (what a crawl does with a page "
                                 "it finds, the default) or parse_article (extract the page as an "
                                 "article whatever it looks like)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        from newscrawl.commands.crawl import repeated_argument

        refuse_output(args, opts)
        if repeated := repeated_argument(opts.spargs or []):  # before Scrapy keeps only the last one
            fail("parse", repeated, EXIT_USAGE)
        check_process_files(opts, "parse")
        with pid_file_held(opts):  # written once it is known to be neither the state nor an output
            super().process_options(args, opts)
        settle_process_files(self.settings, opts, "parse")
        if "warc" in opts.spargs:  # parse fetches one live page: a replay is the crawl's
            fail("parse", "-a warc= replays archives: use newscrawl crawl site -a warc=PATH -o FILE "
                 "(parse fetches the one URL it is given)", EXIT_USAGE)
        for flag, value in (("-m/--meta", opts.meta), ("--cbkwargs", opts.cbkwargs)):
            if value is not None and not isinstance(value, dict):
                fail("parse", f"{flag} takes a JSON object, like '{{\"name\": \"value\"}}'", EXIT_USAGE)
        quiet_logs(self.settings, "ERROR")  # the reason for no item comes in one line
        check_logging(self.settings, "parse")
        check_command_settings(self.settings, "parse")
        # Scrapy's own parse callback returns a Deferred, which Scrapy itself then warns about
        warnings.filterwarnings("ignore", message=r".* returned a Deferred", category=ScrapyDeprecationWarning)
        for name, value in _DEFAULTS.items():
            default(self.settings, name, value)
        # REDIS_URL made the spider a distributed worker, whose Redis queue could not serialize
        # Scrapy parse's callback: a traceback, then "could not fetch URL: no response"
        share_no_crawl(self.settings)
        # a crawl's own warnings about what it wrote ("no output given", "no articles written")
        # are wrong for a command that prints and writes nothing; parse says why itself
        extensions = self.settings.getdict("EXTENSIONS")
        extensions.update(dict.fromkeys(_CRAWL_RUN_EXTENSIONS))
        self.settings.set("EXTENSIONS", extensions, priority="spider")  # over the project's, under -s

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1 or not _HTTP_URL.match(args[0]):
            given = f", not {' '.join(args)!r}" if args else ""
            fail("parse", f"give one http(s) URL: scrapy parse URL{given}", EXIT_USAGE)
        if opts.depth < 1:
            fail("parse", f"--depth must be 1 or more, not {opts.depth}", EXIT_USAGE)
        url = args[0]
        spidercls = self._spider_class(opts)
        if issubclass(spidercls, SiteSpider) and not {"url", "urls", "article", "articles", "sites"} & set(opts.spargs):
            opts.spargs["article"] = url  # the spider's start URL: its site, domains and profile
        self.startup_error: BaseException | None = None
        self.fetch_error: BaseException | None = None
        # Scrapy's run, with a line and an exit code for each way it can come out empty
        self.set_spidercls(url, opts)
        if self.start_parsing(url, opts):
            fail("parse", f"interrupted; {url} was not parsed", EXIT_INTERRUPTED)
        self._check_fetched(url)
        with standard_output("parse"):
            self.print_results(opts)
        if not any(self.items.values()):
            fail("parse", f"no article in {url}: {self._no_article_reasons()}")

    def _spider_class(self, opts: argparse.Namespace) -> type[Spider]:
        """The spider, checked before anything starts: its name, callback and rules."""
        assert self.crawler_process is not None
        loader = self.crawler_process.spider_loader
        try:
            spidercls = loader.load(opts.spider)
        except KeyError:
            fail("parse", f"unknown spider {opts.spider!r}: use one of {', '.join(sorted(loader.list()))}",
                 EXIT_USAGE)
        if opts.callback and not callable(getattr(spidercls, opts.callback, None)):
            fail("parse", f"the {opts.spider} spider has no callback {opts.callback!r}: use -c parse or "
                 "-c parse_article", EXIT_USAGE)
        if opts.cbkwargs:
            method = getattr(spidercls, opts.callback or "parse", None)
            try:
                inspect.signature(method).bind(None, None, **opts.cbkwargs)  # (self, response, ...)
            except (TypeError, ValueError):
                fail("parse", f"the {opts.spider} spider's {opts.callback or 'parse'} takes no "
                     f"--cbkwargs {', '.join(opts.cbkwargs)}", EXIT_USAGE)
        if opts.rules and not getattr(spidercls, "rules", None):
            fail("parse", f"the {opts.spider} spider has no CrawlSpider rules for -r/--rules: use -c parse "
                 "or -c parse_article", EXIT_USAGE)
        return spidercls

    def prepare_request(self, spider: Spider, request: Request, opts: argparse.Namespace) -> Request:
        """Scrapy's request for the URL, with an errback that keeps why it failed (the failure
        middleware then leaves the one line to this command)."""
        request = super().prepare_request(spider, request, opts)
        request.errback = self._fetch_failed
        return request

    def _fetch_failed(self, failure: Failure) -> None:
        self.fetch_error = failure.value

    def scraped_data(self, args: tuple[Any, ...]) -> Any:
        """Scrapy's scraped_data; with --pipelines, each item goes through the pipelines before it
        is shown, and an item a pipeline drops is not shown (its reason is counted in the stats;
        Scrapy's own parse shows the item as it was and logs a traceback for the drop)."""
        items, requests, opts, *rest = args
        if not opts.pipelines:
            return super().scraped_data(args)
        plain = argparse.Namespace(**{**vars(opts), "pipelines": False})
        itemproc = self.pcrawler.engine.scraper.itemproc

        async def through_pipelines() -> list[Any]:
            kept = []
            for item in items:
                with contextlib.suppress(DropItem):
                    kept.append(await itemproc.process_item_async(item))
            return kept

        return deferred_from_coro(through_pipelines()).addCallback(
            lambda kept: super(Command, self).scraped_data((kept, requests, plain, *rest)))

    def start_parsing(self, url: str, opts: argparse.Namespace) -> bool:
        """Scrapy's start_parsing, keeping a spider that cannot start as one line (not a traceback);
        whether Ctrl-C stopped it (at once, not after the download timeout)."""
        assert self.crawler_process is not None and self.spidercls is not None
        self.pcrawler = self._create_crawler(self.spidercls)
        self._watch(self.crawler_process.crawl(self.pcrawler, **opts.spargs))
        return run_until_interrupted(self.crawler_process)

    def _watch(self, outcome: Any) -> None:
        def keep(exc: BaseException | None) -> None:
            if exc is not None and self.startup_error is None:
                self.startup_error = exc

        if isinstance(outcome, Deferred):
            outcome.addErrback(lambda failure: keep(failure.value))
        elif isinstance(outcome, asyncio.Future):
            outcome.add_done_callback(lambda task: None if task.cancelled() else keep(task.exception()))

    def _check_fetched(self, url: str) -> None:
        """One line and the exit code when the spider did not start or the page did not come."""
        if self.startup_error is not None:
            exc = self.startup_error  # a bad -a value is the user's to fix; a state or a bug is not
            bad_input = isinstance(exc, ValueError | KeyError | FileNotFoundError | UsageError)
            text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            assert self.spidercls is not None
            fail("parse", f"the {self.spidercls.name} spider could not start: {text}",
                 EXIT_USAGE if bad_input else EXIT_FAILED)
        if not self.first_response:
            if self.fetch_error is not None:
                why = why_not_fetched(self.fetch_error)
            elif self._stats().get("offsite/filtered"):  # refused without a call to the errback
                why = "it is not on the site given with -a url= or -a sites= (leave them out to parse any page)"
            else:
                why = "no response"
            fail("parse", f"could not fetch {url}: {why}")

    def _stats(self) -> dict[str, Any]:
        try:
            stats = self.pcrawler.stats
        except RuntimeError:  # Scrapy 2.19: no stats before the crawl started
            return {}
        return stats.get_stats() if stats is not None else {}

    def _no_article_reasons(self) -> str:
        stats = self._stats()
        counts = {key.rsplit("/", 1)[-1]: value for key, value in sorted(stats.items())
                  if key.startswith(_NO_ARTICLE) and isinstance(value, int)}
        if list(counts) == ["not_article"] and counts["not_article"] == 1:
            signals = self.first_response.meta.get(NOT_ARTICLE) if self.first_response else None
            why = f" ({not_article_reason(signals)})" if signals else ""  # the score and signals, as extract says
            return f"not an article page{why}; -c parse_article extracts it anyway"
        if counts:
            return "dropped as " + ", ".join(reason if count == 1 else f"{reason} x{count}"
                                             for reason, count in counts.items())
        return "the callback returned no item"

