"""Before a crawl fetches anything: every output can be written, no file the crawl writes is
another of its files or one of its inputs, `-o` never breaks a file it appends to, and `-O`
never erases articles the state records as written.

An article is recorded in the state only once its line is in an output, so an output that
cannot be written must stop the crawl before the first request (exit 1), and an output that is
about to be emptied must not hold articles the state promises are written somewhere (exit 2).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.extensions.feedexport import apply_uri_params
from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

from newscrawl.config.path_names import name_problem
from newscrawl.extract.processors import canonical_url
from newscrawl.output.formats import (
    DEFAULT_FORMAT,
    LINE_FORMATS,
    WHOLE_FORMATS,
    article_urls,
    named_format,
    not_json_lines,
    records_without_urls,
    same_format,
)
from newscrawl.output.paths import PIPE_REASON, log_file, unwritable_reason
from newscrawl.state import stateless

# feed URI schemes newscrawl writes itself (whole lines, recorded after the write)
LOCAL_SCHEMES = {"", "file", "stdout"}
# URI schemes of remote or special storages (Scrapy's FEED_STORAGES and other well-known ones):
# a name with any other word before its first colon is a local file (articles-2026-12-06T01:15.jsonl)
URI_SCHEMES = frozenset({"s3", "gs", "gcs", "ftp", "ftps", "sftp", "scp", "ssh", "http", "https",
                         "webdav", "dav", "davs", "az", "abfs", "abfss", "adl", "wasb", "wasbs",
                         "hdfs", "smb", "nfs", "data", "mailto", "redis", "rediss"})
# Scrapy's feed URI placeholders (%(name)s, %(time)s, %(batch_id)d: feedexport.apply_uri_params)
PLACEHOLDER = re.compile(r"%\(([^)]+)\)[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa]")
# placeholders Scrapy fills with the time the file is opened: every run names a new file
PER_RUN = frozenset({"time", "batch_time"})
# placeholders that differ from one file of an output to the next (a new file each batch, each run)
PER_FILE = PER_RUN | {"batch_id"}
# records of an existing output read to see whether the state records its articles
RECORDS_CHECKED = 1000
# the state file and the files SQLite and cron make beside it (its logs, cron's lock)
STATE_FILES = ("", "-wal", "-shm", "-journal", ".lock")
# spider arguments that name a file the crawl reads
INPUT_ARGUMENTS = ("urls", "articles", "sites")
# names of compressed files, and the tool that compresses a finished output that way
COMPRESSED = {".gz": "gzip", ".tgz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".lzma": "xz",
              ".zst": "zstd", ".lz4": "lz4", ".lz": "lzip", ".br": "brotli", ".zip": "zip",
              ".7z": "7z", ".z": "compress", ".sz": "snzip"}
# names of web archive files, never JSON Lines
ARCHIVE_SUFFIXES = frozenset({".warc", ".arc"})
# extension of a plain output file of each format, for the name a refusal suggests
EXTENSIONS = {"jsonlines": "jsonl", "jl": "jsonl"}
# why newscrawl cannot compress what it writes (Scrapy's FEEDS `postprocessing` included)
WHOLE_LINES = ("an article is recorded as written once its whole line is in the file, and a "
               "compressor holds lines back: a stopped crawl would lose articles recorded as written")


# the setting in which the crawl command tells the crawl's parts which outputs were given in FEEDS
FEEDS_OUTPUTS = "NEWSCRAWL_FEEDS_OUTPUTS"


class RemoteOutput(ValueError):
    """An output that is a remote URI (s3://, ftp://, ...), which newscrawl does not write (exit 2)."""


class OutputName(ValueError):
    """An output name that names no file: empty, a folder's (it ends with "/"), too long, or one
    with a symbolic link loop on the way (exit 2)."""


class OutputError(RuntimeError):
    """An output cannot be written; the message names the path and the OS error (exit 1)."""


class OverwriteRefused(ValueError):
    """`-O FILE` would erase articles the state records as written (exit 2)."""


class OutputClash(ValueError):
    """Two files of the crawl are one, or an output would break the file it appends to (exit 2)."""


class LogFileClash(OutputClash):
    """An output that is also the log file: the refusal's line must not go into that file."""


class CompressedOutput(ValueError):
    """An output named or set up to be compressed, which newscrawl does not write (exit 2)."""


class FormatMismatch(ValueError):
    """An output whose format is not the one its name's extension says (exit 2)."""


@dataclass(frozen=True)
class FeedTarget:
    """One output of the crawl (an entry of FEEDS)."""

    uri: str
    path: Path | None  # None: standard output
    overwrite: bool
    format: str = DEFAULT_FORMAT
    postprocessing: tuple[Any, ...] = ()  # FEEDS plugins (compression) between exporter and file
    in_feeds: bool = False  # given in FEEDS (-s FEEDS, the settings), not with -o or -O: messages name it so
    placeholders: tuple[str, ...] = ()  # Scrapy's URI parameters in its name (%(name)s, %(time)s)
    pattern: re.Pattern[str] | None = None  # the absolute paths of the files it names, when they vary

    @property
    def per_run(self) -> bool:
        """Whether every run writes a new file (%(time)s in its name): `path` is then the name a
        file of this moment would have, and no run overwrites, appends to or holds another's."""
        return bool(PER_RUN.intersection(self.placeholders))

    def files(self, paths: list[str]) -> list[str]:
        """Which of the files the crawl wrote (`paths`) are this output's: its path, or each file
        its name gave (a file per run, or per batch: %(batch_id)d)."""
        if self.path is None:
            return []
        if self.pattern is None:
            return [p for p in dict.fromkeys(paths) if Path(p).absolute() == self.path.absolute()]
        return [p for p in dict.fromkeys(paths) if self.pattern.fullmatch(str(Path(p).absolute()))]

    @property
    def keeps(self) -> bool:
        """Whether what is written there is kept (not /dev/null)."""
        return self.path is None or not same_file(self.path, Path(os.devnull))


def uri_scheme(uri: str, storages: frozenset[str] = frozenset()) -> str:
    """The URI scheme of a feed URI, or "" for a local file. urlsplit takes any word before a
    colon for a scheme (`articles-2026-12-06T01:15.jsonl`, `C:\\out.jsonl`): only a known
    scheme (`storages`: FEED_STORAGES' names), or one followed by `//`, makes a URI."""
    scheme = urlsplit(uri).scheme
    if len(scheme) < 2:  # C:\\ is a path, not a scheme
        return ""
    known = scheme in LOCAL_SCHEMES or scheme in URI_SCHEMES or scheme in storages
    return scheme if known or uri[len(scheme) + 1:].startswith("//") else ""


def export_formats(settings: BaseSettings) -> frozenset[str]:
    """The formats the outputs can be written in (FEED_EXPORTERS with Scrapy's, not those off)."""
    return frozenset(str(name) for name, exporter in settings.getwithbase("FEED_EXPORTERS").items() if exporter)


def storage_schemes(settings: BaseSettings) -> frozenset[str]:
    """The URI schemes the settings' feed storages write to (FEED_STORAGES with Scrapy's)."""
    return frozenset(str(name) for name in settings.getwithbase("FEED_STORAGES"))


def local_feed_uri(uri: str, storages: frozenset[str] = frozenset()) -> str:
    """The FEEDS key for an output: a local file whose name Scrapy would parse as a URI (a word
    and a colon before it) as its absolute path, which Scrapy takes for a file; any other as it is."""
    if len(urlsplit(uri).scheme) > 1 and not uri_scheme(uri, storages):
        return str(Path(uri).absolute())
    return uri


def feed_format(uri: str, options: dict[str, Any], formats: frozenset[str]) -> str:
    """The format an output is written in: its `format` option, else the one its name's
    extension says (case ignored), else JSON Lines."""
    return str(options.get("format") or named_format(uri, formats) or DEFAULT_FORMAT)


def settled_feeds(settings: BaseSettings) -> dict[str, Any] | None:
    """FEEDS as the crawl writes them, or None when they are so already: every local file Scrapy
    would parse as a URI (`articles-2026-12-06T01:15.jsonl`) under its absolute path, and every
    output with its format set to `feed_format`'s. Scrapy reads the extension as written
    (`OUT.CSV` was no format, and the feed exporter was switched off) and takes no format for a
    name without one."""
    storages, formats = storage_schemes(settings), export_formats(settings)
    feeds = settings.getdict("FEEDS")
    settled = {local_feed_uri(str(uri), storages): {**(options or {}),
                                                    "format": feed_format(str(uri), options or {}, formats)}
               for uri, options in feeds.items()}
    return None if settled == feeds else settled


def feeds_outputs(feeds: dict, settings: BaseSettings) -> frozenset[str]:
    """The keys, as settled_feeds writes them, of the outputs given in FEEDS (`feeds`: FEEDS as
    the crawl command reads them before -o/-O are added) rather than with -o/-O: `in_feeds` of
    feed_targets. Scrapy keeps the FEEDS entry of a key given both ways, though the crawl
    command refuses such a key first (commands/crawl.py repeated_output)."""
    storages = storage_schemes(settings)
    return frozenset(local_feed_uri(str(uri), storages) for uri in feeds)


def output_path(uri: str, storages: frozenset[str] = frozenset()) -> Path | None:
    """The local path a feed URI writes to (None for stdout), its placeholders (%(name)s) as
    they are: RemoteOutput for a remote URI, OutputName for one that names no file."""
    parts = urlsplit(uri)
    scheme = uri_scheme(uri, storages)
    if scheme not in LOCAL_SCHEMES:
        raise RemoteOutput(f"newscrawl writes its articles to local files or standard output only, "
                           f"not to {uri}: write to a file and copy it afterwards")
    if scheme == "stdout":
        return None
    path = parts.path if scheme == "file" else uri
    if not path.strip():
        raise OutputName("the output's name is empty: give a file name, such as -o articles.jsonl")
    if path != path.strip():  # a quoted name with a stray space: a second file beside the meant one
        raise OutputName(f"the output's name {uri!r} begins or ends with a space, which would create a "
                         f"file of its own beside {path.strip()}: give the name without it")
    if path.endswith(("/", os.sep)):
        raise OutputName(f"the output {uri} names a folder (it ends with /), and an output is a file: give a "
                         f"file's name, such as {uri.rstrip('/' + os.sep)}/articles.jsonl")
    return Path(path)


def uri_params(spider: Any, options: dict[str, Any]) -> dict[str, Any]:
    """The URI parameters Scrapy's feed exporter fills an output's name with for its first file
    (FeedExporter._get_uri_params): the spider's attributes (%(name)s), the time (now) and
    batch_id 1, passed through the output's `uri_params` function if it has one."""
    params: dict[str, Any] = {}
    for name in dir(spider) if spider is not None else ():
        with contextlib.suppress(Exception):  # a property that needs the running crawl
            params[name] = getattr(spider, name)
    now = datetime.now(tz=UTC)
    params["time"] = now.replace(microsecond=0).isoformat().replace(":", "-")
    params["batch_time"] = now.isoformat().replace(":", "-")
    params["batch_id"] = 1
    function = options.get("uri_params")
    if function:
        given = load_object(function)(params, spider)
        params = given if given is not None else params
    return params


def _name_pattern(path: str, params: dict[str, Any]) -> re.Pattern[str]:
    """The absolute paths of the files a name with per-file placeholders gives."""
    parts, last = [], 0
    absolute = str(Path(path).absolute())  # placeholders stay as they are: only a folder is put before
    for match in PLACEHOLDER.finditer(absolute):
        parts.append(re.escape(absolute[last:match.start()]))
        fixed = match.group(1) not in PER_FILE
        parts.append(re.escape(apply_uri_params(match.group(0), params)) if fixed else ".+?")
        last = match.end()
    parts.append(re.escape(absolute[last:]))
    return re.compile("".join(parts))


def placeholders(path: Path | None) -> tuple[str, ...]:
    """The names of Scrapy's URI parameters in an output's path (name, time, batch_id)."""
    return tuple(dict.fromkeys(match.group(1) for match in PLACEHOLDER.finditer(str(path or ""))))


def _filled(uri: str, path: Path, params: dict[str, Any]) -> Path:
    """The path with Scrapy's URI parameters filled; OutputName when one cannot be filled
    (Scrapy would fail as the spider opens)."""
    try:
        return Path(apply_uri_params(str(path), params))
    except KeyError as exc:
        raise OutputName(f"the output {uri} names %({exc.args[0]})s, which Scrapy cannot fill: an output's "
                         "name takes %(name)s (the spider's name, or another of its attributes), "
                         "%(time)s, %(batch_time)s and %(batch_id)d") from None
    except (TypeError, ValueError) as exc:
        raise OutputName(f"the output {uri}: Scrapy cannot fill its name's placeholders ({exc})") from None


def feed_targets(settings: BaseSettings, spider: Any = None,
                 in_feeds: Collection[str] | None = None) -> list[FeedTarget]:
    """The crawl's outputs, from FEEDS (what -o and -O set; `in_feeds`: the keys of those given
    in FEEDS instead, by default NEWSCRAWL_FEEDS_OUTPUTS, which the crawl command sets), their
    names filled as Scrapy fills them for the first file (`spider`: the crawl's spider, or one
    built from its -a arguments)."""
    if in_feeds is None:
        in_feeds = frozenset(settings.getlist(FEEDS_OUTPUTS))
    targets = []
    storages, formats = storage_schemes(settings), export_formats(settings)
    for uri, options in settings.getdict("FEEDS").items():
        options = options or {}
        path, pattern = output_path(str(uri), storages), None
        names = placeholders(path)
        if path is not None and names:  # the spider's attributes are read only for a name that takes them
            params = uri_params(spider, options)
            if PER_FILE.intersection(names):
                pattern = _name_pattern(str(path), params)
            path = _filled(str(uri), path, params)
        if path is not None and (reason := name_problem(str(path))):  # too long, a link loop
            raise OutputName(f"cannot write to {path}: {reason}; give the output another name")
        targets.append(FeedTarget(str(uri), path, bool(options.get("overwrite")),
                                  feed_format(str(uri), options, formats),
                                  tuple(options.get("postprocessing") or ()), in_feeds=str(uri) in in_feeds,
                                  placeholders=names, pattern=pattern))
    return targets


def names_spider(spidercls: Any, spargs: dict[str, str]) -> Any:
    """A spider of the crawl's class built from its -a arguments, not started: its attributes
    fill the outputs' names before the crawl (%(name)s). The class itself when it cannot be built."""
    try:
        return spidercls(**spargs)
    except Exception:
        return spidercls


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (the same spelling, or two spellings of one file). A
    path that cannot be resolved (a symbolic link loop: RuntimeError on Python 3.11, OSError
    later) is compared as it is spelled."""
    try:
        if a.resolve() == b.resolve():
            return True
    except (OSError, RuntimeError):
        return a.absolute() == b.absolute()
    with contextlib.suppress(OSError):
        return a.exists() and b.exists() and os.path.samefile(a, b)
    return False


def _is_standard_output(path: Path) -> bool:
    """Whether a path is this process's standard output (/dev/stdout, /dev/fd/1, or the file
    or pipe standard output goes to)."""
    with contextlib.suppress(OSError, ValueError):
        mine, other = os.fstat(1), os.stat(path)
        return (mine.st_dev, mine.st_ino) == (other.st_dev, other.st_ino)
    return False


def real_state(state: str | Path) -> Path:
    """The file a state path really names, symbolic links followed: SQLite keeps its -wal, -shm
    and -journal beside that file, and cron its lock, so that two spellings of one state (a link
    to the file, a linked folder) share one lock."""
    return Path(os.path.realpath(state))  # not strict: a link loop is refused elsewhere, not here


def state_files(state: str | Path) -> list[Path]:
    """The state file and the files SQLite and cron keep beside the file it really is."""
    real = real_state(state)
    return [Path(state), *(Path(f"{real}{suffix}") for suffix in STATE_FILES[1:])]


def crawl_files(settings: BaseSettings, spargs: dict[str, str]) -> list[tuple[str, Path]]:
    """(what it is, path) of every file the crawl writes or reads, outputs excluded."""
    from newscrawl.state import stateless

    files = []
    state = settings.get("NEWSCRAWL_STATE")
    if state and not stateless(settings) and not settings.get("REDIS_URL"):
        files += [("the state file (NEWSCRAWL_STATE)", path) for path in state_files(state)]
    if settings.get("NEWSCRAWL_STATS_FILE"):
        files.append(("the stats file (NEWSCRAWL_STATS_FILE)", Path(settings["NEWSCRAWL_STATS_FILE"])))
    if log := log_file(settings):  # --nolog too: Scrapy writes it all the same
        files.append(("the log file", Path(log)))
    # folders: the crawl would make the folder, and then the output could not be written
    if settings.get("JOBDIR"):
        files.append(("the job folder (JOBDIR)", Path(settings["JOBDIR"])))
    if settings.get("NEWSCRAWL_ARCHIVE"):
        files.append(("the archive folder (NEWSCRAWL_ARCHIVE)", Path(settings["NEWSCRAWL_ARCHIVE"])))
    for name in INPUT_ARGUMENTS:
        if spargs.get(name):
            files.append((f"the -a {name}= file", Path(spargs[name])))
    files.extend(("a WARC file this replay reads (-a warc=)", Path(path)) for path in _warc_inputs(spargs))
    return files


def _warc_inputs(spargs: dict[str, str]) -> list[str]:
    """The files `-a warc=` names (none when it names none, or a name no file can have: the
    argument check says so, which may come after this)."""
    from newscrawl.archive.reader import warc_files

    try:
        return warc_files(spargs["warc"]) if spargs.get("warc") else []
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python 3.11)
        return []


def feeds_output(uri: str) -> str:
    """How a message names an output given in FEEDS rather than with -o or -O."""
    return f"the FEEDS output {uri}"


def given_as(target: FeedTarget) -> str:
    """How the user gave an output: `-o FILE`, `-O FILE`, or the FEEDS output FILE (with the
    name its placeholders give, when they give one before the crawl)."""
    filled = f" ({target.path})" if target.placeholders and target.path is not None and not target.per_run else ""
    if target.in_feeds:
        return f"{feeds_output(target.uri)}{filled}"
    return f"{'-O' if target.overwrite else '-o'} {target.uri}{filled}"


def worker_without_output(settings: BaseSettings, targets: list[FeedTarget]) -> str | None:
    """Why a distributed worker (REDIS_URL) cannot run with no output that keeps its articles:
    each request it takes from the shared queue is taken from every other worker, so its
    articles would be fetched, recorded as done in Redis and written nowhere. None otherwise."""
    from newscrawl.distributed import enabled

    if not enabled(settings) or any(target.keeps for target in targets):
        return None
    need = ("a worker of the shared crawl needs an output (-o FILE): what it takes from Redis is no "
            "other worker's to fetch")
    if not targets:
        return need
    return f"{', '.join(given_as(target) for target in targets)} keeps nothing, and {need}"


def check_clashes(targets: list[FeedTarget], settings: BaseSettings, spargs: dict[str, str]) -> None:
    """OutputClash when an output is another output, the state, the stats or log file, or a
    file the crawl reads; or when `-o` would append to a file its format cannot extend."""
    local = [t for t in targets if t.path is not None and t.keeps]
    if sum(1 for t in targets if t.path is None) > 1:
        raise OutputClash("standard output is given twice (-o -): every article would be written "
                          "twice; give it once")
    for target in (t for t in targets if t.path is None):
        for what, path in crawl_files(settings, spargs):
            if _is_standard_output(path):
                flag = "-O" if target.overwrite else "-o"
                raise OutputClash(f"the articles go to standard output ({flag} -), and {what} {path} is "
                                  "standard output too: its lines would be mixed into the records; give "
                                  "it a file of its own")
    for number, target in enumerate(local):
        for other in local[number + 1:]:
            if same_file(target.path, other.path):
                raise OutputClash(f"{given_as(target)} and {given_as(other)} are one file: every article "
                                  "would be written to it twice; give it once")
        for what, path in crawl_files(settings, spargs):
            if same_file(target.path, path):
                raise (LogFileClash if what == "the log file" else OutputClash)(f"{given_as(target)} is also {what}: writing articles there would "
                                  "destroy it; give the output a path of its own")
        refuse_append(target)


def refuse_append(target: FeedTarget) -> None:
    """OutputClash when `-o` appends to a non-empty file of a format that is one document, or
    appends JSON Lines to a file that holds one (`-o out.jsonl` where another tool wrote a JSON
    array, or `-o out:jsonl` after `-O out:json`) or holds anything else but JSON Lines (`-o
    photo.jpg`, `-o notes.md`: its first or last line is no JSON object)."""
    path = target.path
    if target.overwrite or path is None or target.per_run or not path.is_file() or not path.stat().st_size:
        return
    if target.format in WHOLE_FORMATS:
        raise OutputClash(f"cannot append to {path}: a {target.format.upper()} file is one document, "
                          "and what a second run appends makes it invalid. Write JSON Lines (a "
                          ".jsonl file), which appends line by line, or write to a new file")
    if target.format not in LINE_FORMATS:
        return
    if _opens_a_document(path):
        raise OutputClash(f"cannot append JSON Lines to {path}: it holds a JSON array or an XML "
                          "document, which lines written after it would break. Write the JSON "
                          "Lines to a new file")
    if which := _unreadable(path):
        raise OutputClash(f"cannot append JSON Lines to {path}: it holds something else (its {which} "
                          "line is not a JSON object), and the articles would be mixed into it. "
                          "Write the JSON Lines to a new file")


def _opens_a_document(path: Path) -> bool:
    """Whether a file starts as a JSON array or an XML document does (JSON Lines start with a
    record's "{")."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return start[:1] in (b"[", b"<")


def _unreadable(path: Path) -> str | None:
    """Which line of a file shows it is no JSON Lines (`formats.not_json_lines`); None when it
    cannot be read here (the check that it can be written says why)."""
    try:
        return not_json_lines(path)
    except OSError:
        return None


def colon_format(uri: str, formats: Collection[str]) -> str | None:
    """The format an -o/-O value names after its last colon (`out.txt:csv`), as Scrapy reads
    it: what follows the colon when it is one of `formats`, else None."""
    _, colon, named = uri.rpartition(":")
    return named if colon and named in formats else None


def format_problem(uri: str, formats: set[str], flag: str = "-o") -> str | None:
    """Why `-o FILE:FORMAT` names no format newscrawl writes, or None. Scrapy reads what follows
    the last colon as the format when it is one; a word there that is none (`c.jsonl:foo`) was
    meant as one, and would otherwise be read as a URI scheme ("c.jsonl:")."""
    if ":" not in uri or colon_format(uri, formats) is not None:
        return None
    path, named = uri.rsplit(":", 1)
    if not named or not named.replace("-", "").replace("_", "").isalnum():
        return None  # `stdout:`, `file:///x`, `out:2024.jsonl`: not a format after the colon
    if named.isdigit():
        return None  # `articles-2026-12-06T01:15`: a time in the name, not a format
    plain = path if path == "-" or named_format(path, formats) else f"{path}.jsonl"
    return (f"unknown output format {named!r} in {flag} {uri}: give one of "
            f"{', '.join(sorted(formats))} after the colon ({flag} FILE:FORMAT), or name the file "
            f"with its format's extension ({flag} {plain})")


def _format_name(fmt: str) -> str:
    return "JSON Lines" if fmt in LINE_FORMATS else fmt.upper()


def refuse_format_mismatch(targets: list[FeedTarget], formats: frozenset[str]) -> None:
    """FormatMismatch for an output whose name's extension says another format than the one
    given (`-o out.csv:jsonl`): JSON Lines went into a CSV file without a word, and every reader,
    and every later check of the file (appending, -O), takes it for what its name says."""
    for target in targets:
        named = named_format(target.uri, formats) if target.path is not None else None
        if named is None or same_format(named, target.format):
            continue
        assert target.path is not None
        extension = EXTENSIONS.get(target.format, target.format)
        raise FormatMismatch(f"{given_as(target)} is named as a {_format_name(named)} file, but its format is "
                             f"{target.format}: name it {target.path.with_suffix('.' + extension)} to write "
                             f"{_format_name(target.format)}, or give no format to write {_format_name(named)}")


def refuse_compression(targets: list[FeedTarget]) -> None:
    """CompressedOutput for an output named like a compressed file (newscrawl would write plain
    text under it) or a web archive, or given Scrapy's FEEDS `postprocessing` (compression after
    the exporter)."""
    for target in targets:
        if target.postprocessing:
            raise CompressedOutput(f"the output {target.uri}: FEEDS postprocessing (compression) is not supported: "
                                   f"{WHOLE_LINES}. Write it plain and compress it after the crawl")
        if target.path is None:
            continue
        if target.path.suffix.lower() in ARCHIVE_SUFFIXES:
            # JSON Lines under an archive's name: a replay of its folder (-a warc=DIR) fails on it
            raise CompressedOutput(f"{given_as(target)} names a {target.path.suffix} file, the name of a web "
                                   f"archive, but the crawl writes JSON Lines: name it "
                                   f"{target.path.with_suffix('.' + EXTENSIONS.get(target.format, target.format))} "
                                   "(-s NEWSCRAWL_ARCHIVE=DIR writes the pages' WARC files)")
        tool = COMPRESSED.get(target.path.suffix.lower())
        if tool is None:
            continue
        plain = target.path.with_suffix("")
        extension = EXTENSIONS.get(target.format, target.format)
        suffix = plain.suffix.lower().lstrip(".")
        if suffix not in {extension, target.format} and EXTENSIONS.get(suffix) != extension:  # out.gz, crawl.warc.gz
            plain = plain.with_suffix(f".{extension}") if plain.suffix else plain.with_name(f"{plain.name}.{extension}")
        raise CompressedOutput(f"{given_as(target)} names a {target.path.suffix} file, but the crawl writes "
                               f"it uncompressed ({WHOLE_LINES}): name it {plain} and "
                               f"compress it after the crawl ({tool} {plain})")


def check_outputs(settings: BaseSettings, spider: Any = None) -> list[FeedTarget]:
    """Every output and the stats file can be written (OutputError otherwise); the outputs."""
    targets = feed_targets(settings, spider)
    for target in targets:
        if target.path is not None:
            check_output_writable(target)
    stats_file = settings.get("NEWSCRAWL_STATS_FILE")
    if stats_file:
        check_writable(Path(stats_file), "the stats file")
    return targets


def check_output_writable(target: FeedTarget) -> None:
    """`check_writable` for an output file (`target.path` is set)."""
    assert target.path is not None
    check_writable(target.path, pipe_hint="to pipe the records into a program, write them to "
                                          "standard output (-o -) and pipe that")


def check_writable(path: Path, what: str = "", pipe_hint: str = "") -> None:
    """Raise OutputError with one line when `path` cannot be written."""
    reason = unwritable_reason(path)
    if reason == PIPE_REASON and pipe_hint:
        reason = f"{reason}: {pipe_hint}"
    if reason:
        raise OutputError(f"cannot write {what + ' ' if what else ''}to {path}: {reason}")


def recorded_articles(path: Path, fmt: str, store: Any, limit: int = RECORDS_CHECKED) -> int:
    """How many of the first `limit` records of an output file (of format `fmt`) are articles
    the state records as written (under their URL or its canonical form): `-O` refuses to empty
    such a file, and the stats or log file to be one (side_files)."""
    found = 0
    for url in article_urls(path, fmt, limit):
        if store.get(url) is not None or store.get(canonical_url(url) or url) is not None:
            found += 1
    return found


def appended_files(targets: list[FeedTarget], formats: Collection[str] = ()) -> list[Path]:
    """The files the crawl appends to (-o) that hold something already (of `formats` only, if
    given): not standard output, /dev/null, nor a file a run names anew (%(time)s)."""
    return [target.path for target in targets
            if target.path is not None and not target.overwrite and target.keeps and not target.per_run
            and (not formats or target.format in formats)
            and target.path.is_file() and target.path.stat().st_size]


def appended_without_state(targets: list[FeedTarget], settings: BaseSettings, job: str | None = None) -> list[str]:
    """A warning for each file a crawl with no state appends to (-o) that holds records already:
    nothing tells the crawl they are written, so it writes them again (a replay run twice), unless
    it goes on with the crawl the user's JOBDIR `job` keeps (crawl/frontier.py resumes_job)."""
    if not stateless(settings):
        return []
    if job:  # Scrapy's JOBDIR keeps the requests seen: the pages fetched before are not fetched again
        return [f"appending to {path} without a state: JOBDIR {job} goes on with the crawl it keeps, "
                f"so the pages it fetched already are not fetched again (articles {path} holds from any "
                f"other crawl may be written again)"
                for path in appended_files(targets)]
    return [f"appending to {path} without a state: the articles it holds already are written "
            f"to it again (-O {path} replaces it; with a state, NEWSCRAWL_STATE unset, a crawl "
            f"writes only the articles not written before)"
            for path in appended_files(targets)]


def refuse_overwrite(targets: list[FeedTarget], store: Any, settings: BaseSettings) -> None:
    """OverwriteRefused when `-O FILE` would empty a file whose articles the state records."""
    if settings.getbool("NEWSCRAWL_OVERWRITE_OUTPUT"):
        return
    for target in targets:
        path = target.path
        if not target.overwrite or path is None or not target.keeps or target.per_run:  # a new file
            continue
        if not path.is_file() or not path.stat().st_size:
            continue
        if recorded_articles(path, target.format, store):
            why = f"the state ({store.describe()}) records its articles as written, so"
        elif records_without_urls(path, target.format, RECORDS_CHECKED):
            # an output whose fields leave url out: what it holds cannot be matched with the state
            why = (f"its records name no url (its fields leave it out), so nothing tells whether the "
                   f"state ({store.describe()}) records them as written; if it does,")
        else:
            continue
        if target.format not in LINE_FORMATS:
            append = "Write to JSON Lines (.jsonl) to append, "
        elif target.in_feeds:  # no -o to give: the entry's own option appends
            append = f'Append (set "overwrite": false in the FEEDS entry of {target.uri}), '
        else:
            append = f"Append with -o {path}, "
        raise OverwriteRefused(
            f"refusing to overwrite {path}: {why} this crawl would not write them again and "
            f"they would be lost. {append}write to a new file (it gets only the articles not "
            f"written before), crawl without state to write them all again (-s "
            f"NEWSCRAWL_STATE=none), or set -s NEWSCRAWL_OVERWRITE_OUTPUT=True to overwrite")
