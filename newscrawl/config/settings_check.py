"""Checks of `-s NAME=VALUE`: values of the type the code reads, values that name something or a
path, and setting names.

Used by every command that reads settings (newscrawl/commands/crawl.py's check_settings) before
anything starts. A value must be of the type the code reads it as (true or false, a whole
number, a number, a list, a JSON object), whether the setting has a default or only code reads
it (NEWSCRAWL_STATE_CHECK, scrapy-redis's SCHEDULER_FLUSH_ON_START). A value that names
something (a profile, a class, a Redis URL, an output encoding) must name something that exists,
and an encoding one that writes every character; a path must be of the right kind (a file
setting must not name a folder, nor a folder setting a file). A misspelt
name would be ignored by Scrapy without a word: a `NEWSCRAWL_` name no code reads is refused,
and so is any name one letter or so away from a known setting; any other name nothing installed
reads gives a warning.
"""

from __future__ import annotations

import codecs
import difflib
import importlib.util
import math
import re
import warnings
from collections.abc import Mapping
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

PREFIX = "NEWSCRAWL_"
# ceilings of durations in seconds: a wait for one request, page or lease longer than a day is a
# mistyped unit (milliseconds), and beyond these the timers and dates they feed overflow (a
# poll's timeout holds 24 days, a date 9999 years)
A_DAY = 86_400
A_CENTURY = 100 * 365 * A_DAY
# settings whose value must be a number at least this big
MINIMUMS = {
    "DOWNLOAD_TIMEOUT": 0.001, "DOWNLOAD_MAXSIZE": 0, "DOWNLOAD_WARNSIZE": 0, "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 1, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "RETRY_TIMES": 0,
    "REDIRECT_MAX_TIMES": 0, "DEPTH_LIMIT": 0, "CLOSESPIDER_TIMEOUT": 0, "CLOSESPIDER_PAGECOUNT": 0,
    "CLOSESPIDER_ERRORCOUNT": 0, "CLOSESPIDER_ITEMCOUNT": 0, "AUTOTHROTTLE_START_DELAY": 0,
    "AUTOTHROTTLE_MAX_DELAY": 0, "AUTOTHROTTLE_TARGET_CONCURRENCY": 0.001,
    "NEWSCRAWL_MIN_BODY_CHARS": 0, "NEWSCRAWL_RETRY_AFTER_MAX": 0, "NEWSCRAWL_GC_THRESHOLD": 0,
    "NEWSCRAWL_EXTRACT_WORKERS": 0, "NEWSCRAWL_EXTRACT_TIMEOUT": 0, "NEWSCRAWL_EXTRACT_QUEUE": 0,
    "NEWSCRAWL_EXTRACT_MAX_TASKS": 0, "NEWSCRAWL_REVISIT": 0, "NEWSCRAWL_STATE_MAX_AGE": 0,
    "NEWSCRAWL_MAX_PAGE_NUMBER": 0, "NEWSCRAWL_MAX_CALENDAR_PAGES": 0,
    "NEWSCRAWL_CRON_MAX_QUIET_RUNS": 0, "NEWSCRAWL_CRON_PROGRESS_INTERVAL": 0,
    "NEWSCRAWL_REDIS_LEASE": 0.001, "MAX_IDLE_TIME_BEFORE_CLOSE": 0, "NEWSCRAWL_ARCHIVE_MAX_BYTES": 1,
    "NEWSCRAWL_SHARED_DOWNLOAD_DELAY": 0, "NEWSCRAWL_REDIS_MAX_IN_PROGRESS": 0,
}
# durations, and their ceilings: one line before the crawl, not a traceback after it started
MAXIMUMS = {
    "DOWNLOAD_TIMEOUT": A_DAY, "DOWNLOAD_DELAY": A_DAY, "AUTOTHROTTLE_START_DELAY": A_DAY,
    "AUTOTHROTTLE_MAX_DELAY": A_DAY, "NEWSCRAWL_RETRY_AFTER_MAX": A_DAY, "NEWSCRAWL_EXTRACT_TIMEOUT": A_DAY,
    "NEWSCRAWL_REDIS_LEASE": A_DAY, "NEWSCRAWL_CRON_PROGRESS_INTERVAL": A_DAY,
    "CLOSESPIDER_TIMEOUT": A_CENTURY, "NEWSCRAWL_REVISIT": A_CENTURY, "NEWSCRAWL_STATE_MAX_AGE": A_CENTURY,
    "MAX_IDLE_TIME_BEFORE_CLOSE": A_CENTURY, "NEWSCRAWL_SHARED_DOWNLOAD_DELAY": A_DAY,
}
# settings naming a file or a folder (relative paths are relative to the working directory)
FILE_SETTINGS = ("NEWSCRAWL_STATE", "NEWSCRAWL_STATS_FILE", "LOG_FILE")
FOLDER_SETTINGS = ("NEWSCRAWL_CRON_DIR", "HTTPCACHE_DIR", "JOBDIR", "NEWSCRAWL_ARCHIVE")
# set by newscrawl itself for each run, never by a user (the frontier folder is deleted after the run)
INTERNAL = {"NEWSCRAWL_FRONTIER_DIR": "it is set by newscrawl for each run and deleted after it: "
                                      "to keep the frontier in a folder of your own, set JOBDIR instead"}
# Scrapy's old names for an output: Scrapy still writes to FEED_URI, but newscrawl's output checks
# (overwrite, clash, format), its state's record of what was written and its summary read FEEDS
RETIRED = {"FEED_URI": "Scrapy's old name for the output, which newscrawl does not check or record: "
                       "give -o FILE (append) or -O FILE (overwrite) instead",
           "FEED_FORMAT": "Scrapy's old name for the output's format: give -o FILE.FORMAT, or "
                          "-o FILE:FORMAT, instead"}
# dict settings of components: keys are import paths (values: order) ...
COMPONENT_KEYS = ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS", "ITEM_PIPELINES",
                  "SPIDER_CONTRACTS", "ADDONS")
# ... or values are import paths (keys: a URI scheme or a format)
COMPONENT_VALUES = ("DOWNLOAD_HANDLERS", "FEED_STORAGES", "FEED_EXPORTERS")
# string settings whose default is an import path but which also take plain names
NOT_PATHS = {"REFERRER_POLICY"}
REDIS_SCHEMES = ("redis", "rediss", "unix")
# scrapy-redis's own names for where Redis is: newscrawl reads REDIS_URL alone (the state store,
# the seeds, whether a crawl is distributed at all), so these never make a crawl distributed
REDIS_SERVER_SETTINGS = {"REDIS_HOST": "host", "REDIS_PORT": "port", "REDIS_DB": "db"}
# REDIS_PARAMS keys that say where Redis is (its other keys are client options, and welcome)
REDIS_SERVER_PARAMS = ("url", "host", "port", "db", "unix_socket_path")
# REDIS_PARAMS client options in seconds (redis-py hands them to the socket, or adds them to a
# time), and whether 0 is allowed (a socket timeout of 0 is a socket that never waits)
REDIS_SECONDS_PARAMS = {"socket_timeout": False, "socket_connect_timeout": False, "health_check_interval": True}
# the encodings that write every character an article may hold (codecs.lookup's names, which
# aliases such as utf8 or UTF-16 resolve to): with any other, the first article holding a
# character outside it stopped the crawl with a traceback (output_error)
UTF_CODECS = frozenset({"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le",
                        "utf-32-be"})
_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")
# a typed read of a setting by name, `settings.getbool("NAME")`: the type, then the name
_GETTER = re.compile(r"""get(bool|int|float|list|dict)\(\s*["']([A-Z][A-Z0-9_]{1,}[A-Z0-9])["']""")
# lists of HTTP status codes: Scrapy and newscrawl read each entry with int() once the crawl runs
STATUS_LISTS = frozenset({"RETRY_HTTP_CODES", "HTTPERROR_ALLOWED_CODES", "HTTPCACHE_IGNORE_HTTP_CODES"})
HIGHEST_STATUS = 999
_QUOTED_NAME = re.compile(r"""["']([A-Z][A-Z0-9_]{1,}[A-Z0-9])["']""")


def out_of_range(name: str, value: object, number: float) -> str | None:
    """Why a numeric setting's value is under its MINIMUMS or over its MAXIMUMS entry, or None."""
    if name in MINIMUMS and number < MINIMUMS[name]:
        return f"invalid setting {name}={value!r}: must be at least {MINIMUMS[name]:g}"
    if name in MAXIMUMS and number > MAXIMUMS[name]:
        return f"invalid setting {name}={value!r}: must be at most {MAXIMUMS[name]:.0f} seconds"
    return None


# -- names ------------------------------------------------------------------------------------

def check_setting_name(settings: BaseSettings, name: str) -> tuple[str, bool] | None:
    """(message, fatal) for a command-line setting no code reads, or None when the name is known.

    Known: Scrapy's defaults, the project's settings, and any quoted name in the code of Scrapy,
    newscrawl and the installed Scrapy extensions (a name only code reads, such as
    NEWSCRAWL_STATE_CHECK, has no default)."""
    if not name.strip():  # `-s =5`: Scrapy takes it as a setting named ""
        return "invalid -s value: a setting needs a name (-s NAME=VALUE)", True
    if name != name.strip():  # `-s ' DOWNLOAD_DELAY=1'`: printed bare, the space did not show
        return spaced_setting(settings, name), True
    if _defined_below_cmdline(settings, name) or name in _names_in_components(settings):
        return None
    if name.startswith(PREFIX):
        if name in _names_in_newscrawl():
            return None
        known = sorted(n.removeprefix(PREFIX) for n in _names_in_newscrawl() if n.startswith(PREFIX))
        match = _closest(name.removeprefix(PREFIX), known, 0.7)  # the shared prefix says nothing
        match = PREFIX + match if match else None
        hint = f"did you mean {match}?" if match else "no newscrawl setting has this name"
        return f"unknown setting {name}: {hint} (newscrawl's settings are listed in docs/configuration.md)", True
    if name in _names_in_installed_code():
        return None
    known = sorted(n for n in settings if _defined_below_cmdline(settings, n))
    match = _closest(name, known, 0.85)
    if match:
        return (f"unknown setting {name}: did you mean {match}? (neither Scrapy, newscrawl nor an "
                f"installed Scrapy extension reads {name})"), True
    return (f"setting {name} is read by neither Scrapy, newscrawl nor an installed Scrapy extension: "
            f"it does nothing unless your own code reads it"), False


def spaced_setting(settings: BaseSettings, name: str) -> str:
    """The line for a setting name that begins or ends with a space (quoted, so it shows)."""
    bare = name.strip()
    hint = f": give -s {bare}={settings.get(name)}" if is_setting(bare) else ""
    return f"unknown setting {name!r}: the name has a space{hint}"


def is_setting(name: str) -> bool:
    """Whether a name is one of Scrapy's or newscrawl's settings (a default, or read by newscrawl)."""
    return name in _defaults_and_project() or (name.startswith(PREFIX) and name in _names_in_newscrawl())


def _defined_below_cmdline(settings: BaseSettings, name: str) -> bool:
    """Whether the name has a value before the command line: Scrapy's default, the project's, or
    the command's own default."""
    if name in _defaults_and_project():
        return True
    return name in settings and settings.getpriority(name) != SETTINGS_PRIORITIES["cmdline"]


@lru_cache(maxsize=1)
def _defaults_and_project() -> frozenset[str]:
    from scrapy.settings import default_settings

    from newscrawl import settings as project

    return frozenset(n for module in (default_settings, project) for n in vars(module) if n.isupper())


# the environment variables Scrapy reads itself (scrapy.utils.project)
_READ_FROM_ENVIRONMENT = {"SCRAPY_CHECK", "SCRAPY_PROJECT", "SCRAPY_PYTHON_SHELL", "SCRAPY_SETTINGS_MODULE"}
_READ_FROM_ENVIRONMENT.add("NEWSCRAWL_PROG")  # cli.py's, in os.environ for the commands: no setting


def unread_environment(environment: Mapping[str, str]) -> list[str]:
    """A line for each environment variable named after a setting (NEWSCRAWL_STATE, or Scrapy's
    old SCRAPY_ prefix): neither newscrawl nor Scrapy reads settings from the environment, so a
    state or output the user meant to move would be used where it is, without a word."""
    known = _defaults_and_project() | {n for n in _names_in_newscrawl() if n.startswith(PREFIX)}
    lines = []
    for variable in sorted(environment):
        if variable in _READ_FROM_ENVIRONMENT or not variable.startswith((PREFIX, "SCRAPY_")) \
                or not environment[variable]:  # set to nothing: nothing meant
            continue
        name = variable.removeprefix("SCRAPY_")
        if name in known:
            lines.append(f"environment variable {variable} is not read: give the setting with -s {name}=VALUE")
    return lines


def _closest(name: str, candidates: list[str], cutoff: float) -> str | None:
    """The known name the given one most likely misspells (case ignored), or None."""
    upper = {c.upper(): c for c in candidates}
    matches = difflib.get_close_matches(name.upper(), list(upper), n=1, cutoff=cutoff)
    return upper[matches[0]] if matches else None


@lru_cache(maxsize=1)
def _names_in_newscrawl() -> frozenset[str]:
    import newscrawl

    return frozenset(_names_in_files(Path(newscrawl.__file__).parent.rglob("*.py")))


@lru_cache(maxsize=1)
def _names_in_installed_code() -> frozenset[str]:
    """Quoted upper-case names in Scrapy, newscrawl and every installed distribution that needs
    Scrapy (its extensions and add-ons read their settings by name)."""
    return frozenset(_names_in_files(_installed_files())) | _names_in_newscrawl()


@lru_cache(maxsize=1)
def _read_as() -> dict[str, frozenset[str]]:
    """The types (bool, int, float, list, dict) each setting is read as by name in the code of
    Scrapy, newscrawl and every installed Scrapy extension (`settings.getbool("NAME")`)."""
    import newscrawl

    found: dict[str, set[str]] = {}
    for path in [*_installed_files(), *Path(newscrawl.__file__).parent.rglob("*.py")]:
        try:
            text = path.read_text("utf-8", errors="replace")
        except OSError:
            continue
        for kind, name in _GETTER.findall(text):
            found.setdefault(name, set()).add(kind)
    return {name: frozenset(kinds) for name, kinds in found.items()}


def whole_number_settings() -> frozenset[str]:
    """Settings that Scrapy, newscrawl or an installed Scrapy extension reads as a whole number
    (`settings.getint("NAME")`): "1.5" or "2.0" there fails only once the crawl has started."""
    return frozenset(name for name, kinds in _read_as().items() if "int" in kinds)


def setting_kind(name: str) -> str | None:
    """What a setting's value must be: "bool", "int" (a whole number), "float", "list", "dict",
    or None (a string, or anything). From its default, else from how the code reads it: a
    setting with no default (NEWSCRAWL_STATE_CHECK, SCHEDULER_FLUSH_ON_START) failed with a
    traceback once read, or exited 1 with a misleading line."""
    reference = default_value(name)
    read_as = _read_as().get(name, frozenset())
    # read as one type only: PERIODIC_LOG_STATS is read as a bool and as a dict, and takes both
    only = next(iter(read_as)) if reference is None and len(read_as) == 1 else None
    if isinstance(reference, bool) or only == "bool":
        return "bool"
    if "int" in read_as:
        return "int"
    if isinstance(reference, int | float) or name in MINIMUMS or only == "float":
        return "float"
    if isinstance(reference, list | tuple) or only == "list":
        return "list"
    if isinstance(reference, dict) or only == "dict":
        return "dict"
    return None


def typed_problem(settings: BaseSettings, name: str) -> str | None:
    """Why a command-line value is not of its setting's kind (setting_kind), or out of range."""
    value = settings.get(name)
    kind = setting_kind(name)
    try:
        problem = _kind_problem(settings, name, kind)
    except (TypeError, ValueError):
        return f"invalid setting {name}={value!r}: expected {_expected(name, kind, value)}"
    return problem


def _kind_problem(settings: BaseSettings, name: str, kind: str | None) -> str | None:
    """Read the value as its kind (raising TypeError or ValueError as Scrapy's getters do); the
    range, finiteness or entries that still make it unusable."""
    value = settings.get(name)
    if kind == "bool":
        settings.getbool(name)
    elif kind == "int":
        return out_of_range(name, value, settings.getint(name))
    elif kind == "float":
        number = settings.getfloat(name)
        if not math.isfinite(number):  # "inf" overflowed timers once the crawl ran; "nan" compares as nothing
            return f"invalid setting {name}={value!r}: expected a finite number"
        return out_of_range(name, value, number)
    elif kind == "list":
        entries = settings.getlist(name)
        if name in STATUS_LISTS:
            for entry in entries:
                _status_code(entry)
    elif kind == "dict":
        settings.getdict(name)
    return None


def _status_code(entry: object) -> int:
    """An entry of a list of status codes, read as Scrapy reads it (int()); ValueError for an
    entry that is no HTTP status code."""
    code = int(str(entry))
    if not 100 <= code <= HIGHEST_STATUS:
        raise ValueError(f"{code} is no HTTP status code")
    return code


def _expected(name: str, kind: str | None, value: object) -> str:
    """What a value of the setting's kind looks like, for the refusal."""
    from newscrawl.discovery.since import duration_seconds

    if name in STATUS_LISTS:
        return "a list of HTTP status codes, such as 500,503"
    expected = {"bool": "true or false", "int": "a whole number", "list": "a list",
                "float": "a number of seconds" if name in MAXIMUMS else "a number"}.get(str(kind), "a JSON object")
    seconds = duration_seconds(str(value)) if name in MAXIMUMS else None
    if seconds is not None:  # "90d": the unit other commands take (state prune, -a since=)
        expected += f" ({value} is {seconds:.0f})"
    return expected


def _installed_files() -> list[Path]:
    """The Python files of Scrapy and of every installed distribution that needs Scrapy."""
    import scrapy

    files = list(Path(scrapy.__file__).parent.rglob("*.py"))
    for dist in metadata.distributions():
        requires = " ".join(dist.requires or []).lower()
        name = (dist.metadata["Name"] or "").lower()
        # newscrawl's own files are read above: its distribution may list the tests too (an
        # egg-info in a checkout), whose made-up names must not count as known
        if name in ("scrapy", "newscrawl"):
            continue
        if re.search(r"\bscrapy\b", requires) or name.startswith("scrapy"):
            files += [Path(str(dist.locate_file(f))) for f in dist.files or [] if f.suffix == ".py"]
    return files


def _names_in_components(settings: BaseSettings) -> frozenset[str]:
    """Quoted names in the modules of the components this crawl is configured with (EXTENSIONS,
    DNS_RESOLVER, ...): an extension of the project's own, outside the newscrawl package, reads
    its settings there."""
    paths = (path for name in settings for path in _component_paths(settings, name))
    return _names_in_modules(frozenset(path.rsplit(".", 1)[0] for path in paths))


@lru_cache(maxsize=4)
def _names_in_modules(modules: frozenset[str]) -> frozenset[str]:
    files = []
    for module in modules:
        if module.split(".", 1)[0] in ("scrapy", "newscrawl", "twisted"):
            continue  # scanned as a whole elsewhere, or reads no Scrapy setting
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            continue  # a path that cannot be loaded is reported by check_named_setting
        if spec is not None and spec.origin and spec.origin.endswith(".py"):
            files.append(Path(spec.origin))
    return frozenset(_names_in_files(files))


def _names_in_files(files, pattern: re.Pattern[str] = _QUOTED_NAME) -> set[str]:
    names: set[str] = set()
    for path in files:
        try:
            names.update(pattern.findall(path.read_text("utf-8", errors="replace")))
        except OSError:
            continue
    return names


# -- values that name something ------------------------------------------------------------

def check_named_setting(settings: BaseSettings, name: str) -> str | None:
    """Why a command-line value that names a profile, a path, a class or a server cannot work."""
    value = settings.get(name)
    if name in INTERNAL:
        return f"invalid setting {name}={value!r}: {INTERNAL[name]}"
    if name in RETIRED:
        return f"invalid setting {name}={value!r}: {RETIRED[name]}"
    if name == "NEWSCRAWL_PROFILE" and value:
        from newscrawl.extract.profiles import get_profile

        try:
            get_profile(str(value))
        except ValueError as exc:
            return f"invalid setting {name}={value!r}: {exc}"
    if name == "REDIS_URL" and value:
        return _redis_url_problem(str(value))
    if name in REDIS_SERVER_SETTINGS or name == "REDIS_PARAMS":
        return _redis_server_problem(settings, name)
    if name == "NEWSCRAWL_REDIS_PREFIX" and not str(value or "").strip():
        return f"invalid setting {name}={value!r}: give a prefix for the Redis keys, such as newscrawl"
    if name in FILE_SETTINGS or name in FOLDER_SETTINGS:
        return _check_path(name, value)
    if name == "FEED_EXPORT_ENCODING":
        problem = encoding_problem(value, "leave it unset")
        return f"invalid setting {name}={value!r}: {problem}" if problem else None
    if name in ("FEEDS", "FEED_EXPORT_FIELDS", "FEED_EXPORT_BATCH_ITEM_COUNT", "FEED_URI_PARAMS"):
        from newscrawl.config import feeds_check

        if name == "FEEDS":
            return feeds_check.feeds_problem(settings) or _feed_encoding_problem(settings)
        return {"FEED_EXPORT_FIELDS": feeds_check.export_fields_problem,
                "FEED_EXPORT_BATCH_ITEM_COUNT": feeds_check.batch_count_problem,
                "FEED_URI_PARAMS": feeds_check.uri_params_problem}[name](settings)
    if name in ("EXTENSIONS", "EXTENSIONS_BASE"):
        return _check_import_paths(settings, name) or _kept_extensions_problem(settings, name)
    return _check_import_paths(settings, name)


def encoding_problem(encoding: object, instead: str) -> str | None:
    """Why an output encoding cannot write every article, or None for a UTF encoding; `instead`:
    the other way out, after "use utf-8"."""
    try:
        codec = codecs.lookup(str(encoding))
    except (LookupError, ValueError):  # ValueError: a name with a NUL in it
        return f"no such encoding: use utf-8, or {instead}"
    if codec.name not in UTF_CODECS:
        return ("it cannot write every character an article may hold, and the first article holding "
                f"one outside it would stop the crawl: use utf-8, or {instead}")
    if codec.name != "utf-8":
        # Scrapy encodes record by record: a byte-order mark opens every line, and the outputs
        # read back line by line (crash recovery, -O and -o checks) are UTF-8
        return (f"{codec.name} puts a byte-order mark before every record and cannot be read back "
                f"line by line: use utf-8, or {instead}")
    return None


def _feed_encoding_problem(settings: BaseSettings) -> str | None:
    """The first output in FEEDS whose own `encoding` option cannot write every article."""
    try:
        feeds = settings.getdict("FEEDS")
    except (TypeError, ValueError):
        return None  # not a dict: check_setting says so
    for uri, options in feeds.items():
        encoding = options.get("encoding") if isinstance(options, dict) else None
        if encoding is None:  # left out: FEED_EXPORT_ENCODING; null: ASCII JSON, \u escapes
            continue
        if problem := encoding_problem(encoding, "leave the option out (FEED_EXPORT_ENCODING applies)"):
            return f"invalid setting FEEDS: the encoding {encoding!r} of the output {uri}: {problem}"
    return None


# the extensions a crawl cannot go without, and what each does: switched off, every run writes
# every article again (the state records none) or writes nothing at all, with exit 0
KEPT_EXTENSIONS = {
    "newscrawl.output.recorder.StateRecorder": "records each article written in the state (without it every "
                                               "run writes every article again)",
    "scrapy.extensions.feedexport.FeedExporter": "writes the -o/-O outputs",
}


def _kept_extensions_problem(settings: BaseSettings, name: str) -> str | None:
    """An EXTENSIONS (or EXTENSIONS_BASE) value that switches off one of KEPT_EXTENSIONS."""
    from scrapy.utils.conf import build_component_list

    try:
        enabled = set(build_component_list(settings.getwithbase("EXTENSIONS")))
    except (TypeError, ValueError):
        return None  # not a dict of orders: check_setting says so
    for path, does in KEPT_EXTENSIONS.items():
        if path not in enabled:
            return (f"invalid setting {name}: it switches off {path}, which {does}; keep it (give your own "
                    "extensions in EXTENSIONS: they go beside newscrawl's and Scrapy's)")
    return None


def _redis_url_problem(url: str) -> str | None:
    """A REDIS_URL that redis-py would refuse, or read otherwise than meant (a database that is no
    number is database 0); said without its password."""
    from newscrawl.config.redis_url import safe_url

    scheme = url.split("://", 1)[0].lower()
    if scheme not in REDIS_SCHEMES:
        return (f"invalid setting REDIS_URL={safe_url(url)!r}: give a Redis URL such as redis://HOST:6379/0 "
                "(or rediss://, unix://)")
    database = urlsplit(url).path.strip("/") if scheme in ("redis", "rediss") else ""
    if database and not database.isdigit():
        return (f"invalid setting REDIS_URL={safe_url(url)!r}: the database after the host is a number, "
                f"as in redis://HOST:6379/0, not {database!r}")
    return None


def _redis_server_problem(settings: BaseSettings, name: str) -> str | None:
    """Why REDIS_HOST, REDIS_PORT, REDIS_DB or REDIS_PARAMS cannot work as given. Without
    REDIS_URL the crawl ran on this machine alone, with no word (each of two machines wrote every
    article); beside it they were ignored (redis-py lets the URL win) or, REDIS_DB under a URL
    with no database, split the shared queue and the state across two databases."""
    params = _redis_params(settings)
    said = name if name == "REDIS_PARAMS" else f"{name}={settings.get(name)!r}"
    url = settings.get("REDIS_URL")
    if not url:
        if name == "REDIS_PARAMS" and not params:
            return None  # empty: asks for nothing
        return (f"invalid setting {said}: distributed mode is set with REDIS_URL "
                f"(e.g. -s REDIS_URL={_example_url(settings, params)})")
    server = [key for key in REDIS_SERVER_PARAMS if key in params]
    if name == "REDIS_PARAMS" and not server:  # client options (timeouts, ...) for the server REDIS_URL names
        return _redis_client_problem(str(url), params)
    what = f" ({', '.join(server)})" if name == "REDIS_PARAMS" else ""
    from newscrawl.config.redis_url import safe_url

    return (f"invalid setting {said}{what}: REDIS_URL={safe_url(str(url))!r} names the Redis server; "
            "give its host, port and database there only")


def _redis_client_problem(url: str, params: dict) -> str | None:
    """Why redis-py cannot take REDIS_PARAMS's client options: it raised a TypeError (a traceback,
    exit 1) only when `seed` or a worker first used Redis. None without the redis extra (the
    command says it needs it)."""
    try:
        import redis
    except ImportError:
        return None
    for key, zero in REDIS_SECONDS_PARAMS.items():
        value = params.get(key)
        if value is not None and not (isinstance(value, int | float) and not isinstance(value, bool)
                                      and math.isfinite(value) and (value > 0 or zero and value == 0)):
            least = "0 or more" if zero else "above 0"
            return f"invalid setting REDIS_PARAMS: {key}={value!r} must be a number of seconds, {least}"
    options = {key: value for key, value in params.items() if key != "redis_cls"}  # scrapy-redis's own
    try:  # builds the connection redis-py would use, without connecting
        redis.ConnectionPool.from_url(url, **options).make_connection()
    except TypeError as exc:
        found = re.search(r"unexpected keyword argument '([^']+)'", str(exc))
        if not found:
            return f"invalid setting REDIS_PARAMS: redis-py cannot take it ({exc})"
        match = difflib.get_close_matches(found[1], _redis_client_options(redis), n=1)
        hint = f": did you mean {match[0]}?" if match else ""
        return f"invalid setting REDIS_PARAMS: redis-py takes no client option {found[1]!r}{hint}"
    except ValueError as exc:
        return f"invalid setting REDIS_PARAMS: redis-py cannot take it ({exc})"
    return None


def _redis_client_options(redis: ModuleType) -> list[str]:
    """The keyword arguments redis-py's connections take (for a did-you-mean)."""
    import inspect

    names: set[str] = set()
    for cls in (redis.connection.Connection, redis.connection.SSLConnection,
                redis.connection.UnixDomainSocketConnection):
        for klass in cls.__mro__:
            if "__init__" in vars(klass):
                names.update(inspect.signature(klass.__init__).parameters)
    return sorted(names - {"self", "args", "kwargs"})


def _redis_params(settings: BaseSettings) -> dict:
    """REDIS_PARAMS as a dict (a value that is none is reported by check_setting)."""
    try:
        return dict(settings.getdict("REDIS_PARAMS"))
    except (TypeError, ValueError):
        return {}


def _example_url(settings: BaseSettings, params: dict) -> str:
    """The REDIS_URL for the server scrapy-redis's settings name (redis-py's defaults otherwise)."""
    found = {key: settings.get(name) or params.get(key) for name, key in REDIS_SERVER_SETTINGS.items()}
    if params.get("url"):
        return str(params["url"])
    password = ":PASSWORD@" if params.get("password") else ""
    return f"redis://{password}{found['host'] or 'localhost'}:{found['port'] or 6379}/{found['db'] or 0}"


def _check_path(name: str, value: object) -> str | None:
    """A path setting must name a path that can exist (not a name too long, no symbolic link
    loop), a file setting not a folder, nor a folder setting a file (nothing is created)."""
    if not value:
        return None
    path = Path(str(value)).expanduser()
    from newscrawl.config.path_names import name_problem

    if reason := name_problem(path):  # else is_dir() below raises (a name too long)
        return f"invalid setting {name}={value!r}: {reason}; give another path"
    if name in FILE_SETTINGS and path.is_dir():
        return (f"invalid setting {name}={value!r}: that is a folder; give a file path, such as "
                f"{path / _example(name)}")
    if name in FOLDER_SETTINGS and path.exists() and not path.is_dir():
        return f"invalid setting {name}={value!r}: that is a file, not a folder; give a folder path"
    return None


def _example(name: str) -> str:
    return {"NEWSCRAWL_STATE": "state.sqlite", "NEWSCRAWL_STATS_FILE": "stats.json"}.get(name, "crawl.log")


def _check_import_paths(settings: BaseSettings, name: str) -> str | None:
    """Settings that name a class (HTTPCACHE_STORAGE, SCHEDULER, ...) or hold classes by path."""
    for path in _component_paths(settings, name):
        if problem := _load_problem(path):
            if name in COMPONENT_KEYS or name in COMPONENT_VALUES:
                return f"invalid setting {name}: cannot load {path!r} ({problem})"
            return f"invalid setting {name}={path!r}: cannot load it ({problem})"
    return None


def _component_paths(settings: BaseSettings, name: str) -> list[str]:
    """The import paths a setting names: a class setting's value (its default is an import
    path), or the classes of a dict of components (not those switched off with None)."""
    base = name.removesuffix("_BASE")
    if base in COMPONENT_KEYS or base in COMPONENT_VALUES:
        try:
            components = settings.getdict(name)
        except (TypeError, ValueError):
            return []  # not a dict: check_setting reports that
        paths = [key if base in COMPONENT_KEYS else value for key, value in components.items()
                 if value is not None]
        return [path for path in paths if isinstance(path, str)]
    if name in NOT_PATHS or not isinstance(reference := default_value(name), str) or not _DOTTED.fullmatch(reference):
        return []
    with warnings.catch_warnings():  # reading a deprecated name (DNS_RESOLVER) warns: Scrapy says so itself
        warnings.simplefilter("ignore", ScrapyDeprecationWarning)
        value = settings.get(name)
    return [value] if isinstance(value, str) and value else []


def default_value(name: str) -> object:
    """The value before the command line: the project's, else Scrapy's default (None if neither)."""
    from scrapy.settings import default_settings

    from newscrawl import settings as project

    if hasattr(project, name):
        return getattr(project, name)
    with warnings.catch_warnings():  # a deprecated name (CONCURRENT_REQUESTS_PER_IP) warns: Scrapy says so itself
        warnings.simplefilter("ignore", ScrapyDeprecationWarning)
        return getattr(default_settings, name, None)


def _load_problem(path: str) -> str | None:
    """Why an import path cannot be loaded, or None."""
    from scrapy.utils.misc import load_object

    try:
        load_object(path)
    except (ImportError, NameError, ValueError, AttributeError) as exc:
        return " ".join(str(exc).split())
    return None
