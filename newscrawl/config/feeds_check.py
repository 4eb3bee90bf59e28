"""Checks of the output settings given with `-s`: FEEDS, FEED_EXPORT_FIELDS,
FEED_EXPORT_BATCH_ITEM_COUNT and FEED_URI_PARAMS (used by settings_check.check_named_setting).

Scrapy takes what it cannot use without a word, or fails once the crawl has started: a field
no article has is left out of every record (`["url", "headlnie"]` wrote the url alone, and the
state recorded the articles as written, so they were never written again), a string of fields
is read letter by letter (`{}` records), an unknown format or a batch size without
`%(batch_id)d` in the name switches the feed exporter off, a misspelt option is ignored, and a
class that cannot be loaded is a traceback. Each is one line before anything is written.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from typing import Any

from scrapy.settings import BaseSettings

from newscrawl.items import Article

# the options Scrapy reads from a FEEDS entry (scrapy/extensions/feedexport.py, and its
# postprocessing plugins' own, scrapy/extensions/postprocessing.py)
FEED_OPTIONS = ("batch_item_count", "encoding", "fields", "format", "indent", "item_classes", "item_export_kwargs",
                "item_filter", "overwrite", "postprocessing", "store_empty", "uri_params")
PLUGIN_OPTIONS = ("bz2_compresslevel", "gzip_compresslevel", "gzip_filename", "gzip_mtime", "lzma_check",
                  "lzma_filters", "lzma_format", "lzma_preset")
BOOLEAN_OPTIONS = ("overwrite", "store_empty")
# what a name split into batches needs, as Scrapy checks it (else it switches the exporter off)
BATCH_PLACEHOLDER = re.compile(r"%\(batch_time\)s|%\(batch_id\)")
FEEDS_EXAMPLE = '{"articles.jsonl": {"format": "jsonlines"}}'
FIELDS_EXAMPLE = '["url", "headline"] (or a JSON object of field: output name, {"url": "link"})'


def article_fields() -> list[str]:
    """The fields of a record: the Article item's."""
    return [field.name for field in dataclasses.fields(Article)]


def export_formats(settings: BaseSettings) -> list[str]:
    """The formats FEED_EXPORTERS writes (Scrapy's with the project's, not those switched off)."""
    return sorted(str(name) for name, exporter in settings.getwithbase("FEED_EXPORTERS").items() if exporter)


def feeds_problem(settings: BaseSettings) -> str | None:
    """Why an entry of FEEDS cannot work as given: options that are no JSON object, an option
    Scrapy has not, an unknown format, fields no article has, a class that cannot be loaded, a
    batch size without a batch number in the name."""
    try:
        feeds = settings.getdict("FEEDS")
    except (TypeError, ValueError):
        return None  # not a dict: check_setting says so
    for uri, options in feeds.items():
        if options is None:
            continue  # no options: the defaults
        if not isinstance(options, dict):
            return (f"invalid setting FEEDS: the options of the output {uri} are {options!r}, not a JSON object: "
                    f"give them as {{{json.dumps(str(uri))}: {{\"format\": \"jsonlines\"}}}}")
        if problem := _option_problem(settings, str(uri), options):
            return f"invalid setting FEEDS: {problem}"
    return None


def _option_problem(settings: BaseSettings, uri: str, options: dict[str, Any]) -> str | None:
    custom_filter = options.get("item_filter") not in (None, "scrapy.extensions.feedexport.ItemFilter")
    for name in options:
        if name in FEED_OPTIONS or name in PLUGIN_OPTIONS:
            continue
        match = difflib.get_close_matches(str(name).lower(), FEED_OPTIONS, n=1, cutoff=0.75)
        if match or not custom_filter:  # an item filter of one's own may read options of its own
            hint = f"did you mean {match[0]}? " if match else ""
            return (f"the output {uri} has an unknown option {name!r}, which Scrapy would ignore: {hint}"
                    f"(the options: {', '.join(FEED_OPTIONS)})")
    if "format" in options and (problem := _format_problem(settings, options["format"])):
        return f"the output {uri}: {problem}"
    if "fields" in options and options["fields"] is not None:
        if problem := fields_problem(options["fields"]):
            return f"the fields of the output {uri}: {problem}"
        if not options["fields"]:
            return (f"the fields of the output {uri} are empty, and every record would be {{}}: give the fields "
                    "to write, or leave the option out to write them all")
    for name in BOOLEAN_OPTIONS:
        if name in options and not isinstance(options[name], bool):
            return f"the {name} option of the output {uri} is {options[name]!r}: expected true or false"
    if options.get("indent") is not None and (isinstance(options["indent"], bool)
                                              or not isinstance(options["indent"], int)):
        return f"the indent option of the output {uri} is {options['indent']!r}: expected a whole number or null"
    if not isinstance(options.get("item_export_kwargs") or {}, dict):
        return f"the item_export_kwargs option of the output {uri} is {options['item_export_kwargs']!r}: expected a JSON object"
    if problem := _classes_problem(uri, options):
        return problem
    if "batch_item_count" in options:
        count = options["batch_item_count"]
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            return (f"the batch_item_count option of the output {uri} is {count!r}: expected a whole number "
                    "of records per file (0: one file)")
        if problem := batch_problem(uri, count, "batch_item_count"):
            return problem
    return None


def _format_problem(settings: BaseSettings, fmt: object) -> str | None:
    """Why a FEEDS `format` names no format Scrapy writes (Scrapy switched the feed exporter off,
    and the crawl wrote nothing)."""
    formats = export_formats(settings)
    if fmt is None or (isinstance(fmt, str) and fmt in formats):
        return None
    lower = f" (formats are lower case: {fmt.lower()})" if isinstance(fmt, str) and fmt.lower() in formats else ""
    return (f"unknown output format {fmt!r}{lower}: give one of {', '.join(formats)}, or leave the format out "
            "(the name's extension says it, else JSON Lines)")


def fields_problem(fields: object) -> str | None:
    """Why a list (or JSON object) of fields to export cannot work as Scrapy reads it: not a
    list of names, or a name no article has (left out of every record without a word)."""
    wrong = f"{fields!r} is no list of field names: give them as {FIELDS_EXAMPLE}"
    if isinstance(fields, dict):
        if not all(isinstance(name, str) and isinstance(output, str) for name, output in fields.items()):
            return wrong
        names = list(fields)
    elif isinstance(fields, list | tuple):
        names = []
        for field in fields:
            if isinstance(field, list | tuple) and len(field) == 2 and all(isinstance(x, str) for x in field):
                names.append(field[0])  # [field, output name]
            elif isinstance(field, str):
                names.append(field)
            else:
                return wrong
    else:
        return wrong
    known = article_fields()
    unknown = [name for name in names if name not in known]
    if not unknown:
        return None
    matches = {name: difflib.get_close_matches(name, known, n=1, cutoff=0.7) for name in unknown}
    said = ", ".join(f"{name!r}" + (f" (did you mean {match[0]}?)" if match else "")
                     for name, match in matches.items())
    fields_word = "fields" if len(unknown) > 1 else "field"
    return (f"unknown {fields_word} {said}, which every record would leave out: an article's fields are "
            f"{', '.join(known)}")


def export_fields_problem(settings: BaseSettings) -> str | None:
    """FEED_EXPORT_FIELDS as Scrapy reads it (a JSON list or object, or names with commas)."""
    value = settings.get("FEED_EXPORT_FIELDS")
    if value is None:
        return None
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = value.split(",")  # as Scrapy reads it: " headline" is no field
        if not isinstance(parsed, dict | list):
            return (f"invalid setting FEED_EXPORT_FIELDS={value!r}: expected field names, such as url,headline "
                    f"or {FIELDS_EXAMPLE}")
        value = parsed
    problem = fields_problem(value)
    return f"invalid setting FEED_EXPORT_FIELDS: {problem}" if problem else None


def batch_problem(uri: str, count: int, said: str) -> str | None:
    """Why an output split into files of `count` records cannot be (Scrapy switched the feed
    exporter off, and said it was not enabled)."""
    if not count or BATCH_PLACEHOLDER.search(uri):
        return None
    return (f"the output {uri} is split into a file every {count} record{'s' if count != 1 else ''} ({said}), and its name has no "
            "%(batch_id)d or %(batch_time)s to tell the files apart: put one in it (such as "
            "articles-%(batch_id)d.jsonl), or set no batch size")


def batch_count_problem(settings: BaseSettings) -> str | None:
    """FEED_EXPORT_BATCH_ITEM_COUNT for the outputs that have no batch_item_count of their own."""
    try:
        count = settings.getint("FEED_EXPORT_BATCH_ITEM_COUNT")
        feeds = settings.getdict("FEEDS")
    except (TypeError, ValueError):
        return None  # check_setting says so
    for uri, options in feeds.items():
        if isinstance(options, dict) and "batch_item_count" in options:
            continue  # its own, checked with FEEDS
        if problem := batch_problem(str(uri), count, "FEED_EXPORT_BATCH_ITEM_COUNT"):
            return f"invalid setting FEED_EXPORT_BATCH_ITEM_COUNT={count}: {problem}"
    return None


def _classes_problem(uri: str, options: dict[str, Any]) -> str | None:
    """item_classes, item_filter and uri_params name classes or functions that must load; an
    item class must be one articles are (else the output gets no record)."""
    from scrapy.utils.misc import load_object

    classes = options.get("item_classes")
    if classes is not None and (not isinstance(classes, list | tuple) or not all(isinstance(c, str) for c in classes)):
        return (f"the item_classes option of the output {uri} is {classes!r}: expected a list of import paths, "
                'such as ["newscrawl.items.Article"]')
    for name, paths in (("item_classes", classes or []), ("item_filter", [options.get("item_filter")]),
                        ("uri_params", [options.get("uri_params")])):
        for path in paths:
            if path is None:
                continue
            if not isinstance(path, str):
                return f"the {name} option of the output {uri} is {path!r}: expected an import path"
            try:
                loaded = load_object(path)
            except (ImportError, NameError, ValueError, AttributeError) as exc:
                return f"the {name} option of the output {uri}: cannot load {path!r} ({' '.join(str(exc).split())})"
            if name == "item_classes" and isinstance(loaded, type) and not issubclass(Article, loaded):
                return (f"the item_classes option of the output {uri}: no article is a {path}, so the output "
                        "would get no record: give newscrawl.items.Article, or leave the option out")
    return None


def uri_params_problem(settings: BaseSettings) -> str | None:
    """FEED_URI_PARAMS names a function that must load (a traceback once the crawl started)."""
    from scrapy.utils.misc import load_object

    path = settings.get("FEED_URI_PARAMS")
    if not path:
        return None
    try:
        load_object(path)
    except (ImportError, NameError, ValueError, AttributeError, TypeError) as exc:
        return f"invalid setting FEED_URI_PARAMS={path!r}: cannot load it ({' '.join(str(exc).split())})"
    return None
