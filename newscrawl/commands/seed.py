"""`scrapy seed URL... | -a sites=sites.toml | --status`: start a distributed crawl.

Registers the sites in Redis (REDIS_URL) and queues one seed per site; idle workers
(`scrapy crawl site -s REDIS_URL=...`, on any machine) pick the seeds up and share the crawl.
`--status` prints what the shared crawl holds: queued requests, seeds, workers, in flight.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader
from w3lib.url import canonicalize_url

from newscrawl.commands._cli import (
    EXIT_FAILED,
    EXIT_USAGE,
    ExitsOnLogFileFailure,
    as_typed,
    check_logging,
    check_process_files,
    fail,
    log_level_help,
    pid_file_held,
    quiet_logs,
    settle_process_files,
    setup_parser,
    start_logging,
)
from newscrawl.commands.crawl import check_command_settings
from newscrawl.config.sites import SiteConfig, SitesFileError, load_sites, one_per_page
from newscrawl.crawl.arguments import sites_from_urls

if TYPE_CHECKING:
    from newscrawl.distributed.seeds import Seeded

logger = logging.getLogger(__name__)

REDIS_EXTRA = "pip install 'newscrawl[redis]' (in a checkout: pip install '.[redis]')"


class Command(ExitsOnLogFileFailure, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[options] URL... | -a sites=FILE | --status"

    def short_desc(self) -> str:
        return "Push start URLs or a sites file to the Redis queue of distributed workers"

    def long_desc(self) -> str:
        return (f"{self.short_desc()}. Exit 0 when seeded, 1 when Redis cannot be reached, 2 for "
                "bad arguments.")

    def add_options(self, parser) -> None:
        super().add_options(parser)
        setup_parser(parser, "seed")
        log_level_help(parser, "WARNING")
        parser.add_argument("-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
                            help="sites=FILE: seed every site of a sites file")
        parser.add_argument("--spider", default="site", help="the workers' spider (default: site)")
        parser.add_argument("--status", action="store_true", help="show the shared crawl's queue and workers")

    def process_options(self, args: list[str], opts) -> None:
        check_process_files(opts, "seed")
        with pid_file_held(opts):  # written once it is known to be neither the state nor an output
            super().process_options(args, opts)
        settle_process_files(self.settings, opts, "seed")
        quiet_logs(self.settings)  # WARNING: the project's settings.py logs at INFO
        check_logging(self.settings, "seed")  # --logfile as the other commands check it
        start_logging(self.settings)  # no crawler process here to do it

    def run(self, args: list[str], opts) -> None:
        check_command_settings(self.settings, "seed")
        if not self.settings.get("REDIS_URL"):
            raise UsageError("set REDIS_URL, e.g. scrapy seed -s REDIS_URL=redis://host:6379/0 URL",
                             print_help=False)
        options = _spider_args(opts.spargs)
        self._check_spider(opts.spider)
        if opts.status and (args or options):
            raise UsageError("--status only shows the shared crawl: give it without URLs or -a sites=FILE",
                             print_help=False)
        if opts.status:
            self._connected(self._status, opts.spider)
            return
        if not args and "sites" not in options:
            raise UsageError("give start URLs or -a sites=FILE", print_help=False)
        try:
            # two URLs of one site are its start pages, as for `crawl -a url="A B"` (before,
            # only the first was kept, and what only the second leads to was never crawled)
            sites = sites_from_urls(_start_urls(args))
            if "sites" in options:
                listed = load_sites(options["sites"])
                if clash := _same_start_page(sites, listed):
                    raise UsageError(clash, print_help=False)
                sites += listed
        except (SitesFileError, ValueError) as exc:
            raise UsageError(str(exc), print_help=False) from None
        sites = _unique(sites)
        try:
            from newscrawl.distributed.seeds import seed_sites
        except ImportError as exc:
            fail("seed", f"distributed mode needs the redis extra ({exc}): {REDIS_EXTRA}")

        def seed(server: Any, keys: Any) -> None:
            new = server.get(keys.marker) is None
            line = seeded_line(seed_sites(server, keys, sites), keys.seeds)
            # a Redis that lost a crawl (restarted empty, flushed) looks new: say it is
            line += ("; a new crawl: this Redis held none (if it held one, it lost it, and articles "
                     "written before come out again)" if new else "")
            print(line)
            logger.info(line)  # and into --logfile, for a seed run from cron

        self._connected(seed, opts.spider)

    def _status(self, server: Any, keys: Any) -> None:
        """The shared crawl as JSON; one line on stderr when this Redis holds no crawl."""
        from newscrawl.config.redis_url import safe_url

        status = _status(server, keys)
        print(json.dumps(status, indent=2))
        if status["crawl"] is None:
            print(as_typed(f"scrapy seed: no crawl in Redis at {safe_url(self.settings.get('REDIS_URL'))} "
                           f"(no key {keys.marker}): nothing was seeded there yet, or it lost the crawl's "
                           "data (restarted without persistence, or flushed)"), file=sys.stderr)

    def _check_spider(self, name: str) -> None:
        """A spider name no worker runs would queue seeds nobody reads."""
        names = get_spider_loader(self.settings).list()
        if name not in names:
            fail("seed", f"unknown spider {name!r} for --spider: the workers run one of "
                 f"{', '.join(sorted(names))}", EXIT_USAGE)

    def _connected(self, action: Any, spider: str) -> None:
        """Run action(server, keys), turning an unreachable Redis into one line and exit 1."""
        try:
            from newscrawl.distributed.connection import RedisUnavailable, connect
            from newscrawl.distributed.keys import crawl_keys
        except ImportError as exc:
            fail("seed", f"distributed mode needs the redis extra ({exc}): {REDIS_EXTRA}")
        try:
            server = connect(self.settings)
        except RedisUnavailable as exc:
            fail("seed", str(exc), EXIT_FAILED)
        except ValueError as exc:  # redis-py's answer to a URL it cannot parse
            fail("seed", f"REDIS_URL is not a Redis URL ({exc}): use redis://[:PASSWORD@]HOST:6379/0", EXIT_USAGE)
        import redis

        from newscrawl.config.redis_url import safe_url
        from newscrawl.distributed.outage import how_it_failed

        try:
            action(server, crawl_keys(self.settings, spider))
        except redis.RedisError as exc:  # gone since the PING, full, or a read-only replica
            detail = " ".join(str(exc).split()) or type(exc).__name__
            fail("seed", f"Redis at {safe_url(self.settings.get('REDIS_URL'))} {how_it_failed(exc)} "
                 f"({detail}): run the same command again once it takes writes (seeding again is "
                 "harmless)", EXIT_FAILED)


def seeded_line(done: list[Seeded], key: str) -> str:
    """What a seed did, site by site: `seeded 2 sites into site:start_urls: a.example, b.example
    (registered already, unchanged)`, and the sites whose seed was still waiting."""
    from newscrawl.ops.summary import plural

    queued = [_described(seeded) for seeded in done if seeded.queued]
    waiting = [_described(seeded) for seeded in done if not seeded.queued]
    line = f"seeded {plural(len(queued), 'site')} into {key}: {', '.join(queued)}" if queued else \
        f"seeded nothing into {key}"
    if waiting:
        line += ("; not queued again, as a seed of it still waits for a worker (which starts it as "
                 f"registered now): {', '.join(waiting)}")
    return line


def _described(seeded: Seeded) -> str:
    """A site's name, with how its registration changed when it had one."""
    from newscrawl.distributed.seeds import NEW, UNCHANGED

    if seeded.change == NEW:
        return seeded.name
    if seeded.change == UNCHANGED:
        return f"{seeded.name} (registered already, unchanged)"
    changed = seeded.change.split("; ")
    hints = ["to keep both, give every start page in one seed command"] if seeded.change.startswith("start pages") \
        else []
    if any(change.startswith(("delay ", "concurrency ")) for change in changed):
        # a worker reads its start pages afresh from the seed, but its download slot and shared
        # politeness keep the limits they first read: restarting is what applies them
        hints.append("a worker already crawling it keeps its old delay and concurrency until it restarts")
    return f"{seeded.name} (its registration replaced: {seeded.change}{''.join(f': {hint}' for hint in hints)})"


def _start_urls(words: list[str]) -> list[str]:
    """The start URLs given, each start page once however it is spelt; a word that is no URL is
    one line, exit 2."""
    for word in words:
        if problem := _not_a_url(word):
            raise UsageError(problem, print_help=False)
    return one_per_page(words)


def _not_a_url(word: str) -> str | None:
    """The line for a word a stranger gives for a URL: a file of URLs, or a host without its
    scheme; None for anything else (sites_from_urls checks the URL itself)."""
    if re.match(r"[a-z][a-z0-9+.-]*:(?!\d)", word, re.IGNORECASE):  # a scheme, not HOST:PORT
        return None
    if _is_file(word):
        return (f"url: {word} is a file, not a start URL: give its URLs as arguments (scrapy seed "
                f"$(cat {word})), or a sites file (TOML) with -a sites={word}")
    if re.fullmatch(r"[\w-]+(\.[\w-]+)+(:\d+)?(/\S*)?|[\w-]+:\d+(/\S*)?", word):
        if "/" not in word and word.rpartition(".")[2].lower() in _FILE_SUFFIXES:
            # a file of URLs not where the command runs (from cron, in another folder): no
            # host, whatever its dots say
            return (f"url: {word} is no URL, and no file of that name is in {Path.cwd()}: give the "
                    "file's path, or its URLs as arguments")
        return f"url: not an http(s) URL: {word!r} has no scheme: give https://{word} (or http://)"
    return None


# how a file of URLs is named; no top-level domain is spelt so ("urls.txt" is no host)
_FILE_SUFFIXES = frozenset({"txt", "csv", "tsv", "toml", "json", "jsonl", "list", "lst", "conf", "cfg", "ini",
                            "yaml", "yml"})


def _is_file(word: str) -> bool:
    try:
        return Path(word).is_file()
    except (OSError, ValueError):  # a name too long, a NUL byte: no file, and no URL either
        return False


def _spider_args(pairs: list[str]) -> dict[str, str]:
    from newscrawl.commands.crawl import repeated_argument

    options = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or name not in ("sites",):
            raise UsageError(f"unknown -a {pair!r}: use -a sites=FILE (start URLs are plain arguments: "
                             "scrapy seed URL...)", print_help=False)
        if not value.strip():
            raise UsageError(f"-a {name}= needs a file: -a {name}=sites.toml", print_help=False)
        if re.match(r"https?://", value.strip(), re.IGNORECASE) and not Path(value).exists():
            raise UsageError(f"-a {name}= takes a sites file (TOML), not a URL: start URLs are plain "
                             f"arguments: scrapy seed {value.strip()}", print_help=False)
        options[name] = value
    if repeated := repeated_argument(pairs):
        raise UsageError(repeated, print_help=False)
    return options


def _same_start_page(given: list[SiteConfig], listed: list[SiteConfig]) -> str | None:
    """A start URL that a sites file's table also starts from: it would be two sites, each with
    its own politeness (one without the table's delay), as two such tables are refused."""
    for site in given:
        for other in listed:
            if canonicalize_url(site.url) == canonicalize_url(other.url):
                return (f"{site.url} is also the url of [sites.{other.name}] in the sites file: one site "
                        "per start page; give it once (the table keeps its options)")
    return None


def _unique(sites: list[SiteConfig]) -> list[SiteConfig]:
    """One seed per site name (the first one given), however often it is named."""
    seen: dict[str, SiteConfig] = {}
    for site in sites:
        seen.setdefault(site.name, site)
    return list(seen.values())


def _status(server: Any, keys: Any) -> dict[str, Any]:
    from newscrawl.distributed.marker import read_marker

    workers = {}
    for worker, expiry in server.zrange(keys.workers, 0, -1, withscores=True):
        name = worker.decode() if isinstance(worker, bytes) else worker
        workers[name] = {"in_flight": server.zcard(keys.processing(name)), "lease_expires_ms": int(expiry)}
    return {
        "crawl": read_marker(server, keys.marker),  # since when, by whom; None: no crawl (or lost)
        "queued": server.zcard(keys.queue),
        "seeds": server.llen(keys.seeds),
        "sites": server.hlen(keys.sites),
        "fingerprints": server.scard(keys.dupefilter),
        "workers": workers,
    }
