"""Which article a record of an output is, under the output's field names.

An output may write some fields only (FEED_EXPORT_FIELDS, FEEDS `fields`), and a dict renames
them. A record read back (a file a crawl of another state wrote, the lines a killed crawl wrote
but did not record) is known by its URL (`url`, `canonical_url`), else by its `fingerprint`,
else by the fingerprint of its `headline` and `body`, computed as extraction computes it: the
dedupe pipeline drops an article whose fingerprint the state holds. A record with none of these
cannot be matched with the state.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from scrapy.settings import BaseSettings

from newscrawl.extract import fingerprint

URL_FIELDS = ("url", "canonical_url")
TEXT_FIELDS = ("headline", "body")
RECORDS_READ = 1000  # records read from a file's start to see what identifies them
# the state's key for an article known by its text alone (a record without URL): never fetched
FINGERPRINT_KEY = "fingerprint:"


def output_names(settings: BaseSettings, uri: str) -> dict[str, str]:
    """The output's field names: {item field: name in the file} for the fields it writes, as
    Scrapy takes them (FEEDS `fields`, else FEED_EXPORT_FIELDS); {} when it writes every field
    under its own name."""
    options = settings.getdict("FEEDS").get(uri) or {}
    fields = options.get("fields")
    if fields is None:
        fields = settings.getdictorlist("FEED_EXPORT_FIELDS") or None
    return field_names(fields)


def field_names(fields: Any) -> dict[str, str]:
    """{item field: name in the file} for a FEEDS `fields` option (a list, or a dict that
    renames); {} for none (every field, under its own name)."""
    if not fields:
        return {}
    if isinstance(fields, Mapping):
        return {str(field): str(name) for field, name in fields.items()}
    return {str(field): str(field) for field in fields}


def as_article(record: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """The record under the item's field names (the output's renames undone), with its
    fingerprint computed from its headline and body when it has none but has both."""
    fields = {name: field for field, name in names.items()}
    # a name the output does not give is read as it is (a file written with other fields)
    article = {name: value for name, value in record.items() if name not in fields}
    article.update({fields[name]: value for name, value in record.items() if name in fields})
    if not article.get("fingerprint") and all(field in article for field in TEXT_FIELDS):
        article["fingerprint"] = fingerprint(article["body"], article["headline"])
    return article


def identifies(article: Mapping[str, Any]) -> bool:
    """Whether a record (under the item's field names, `as_article`) says which article it is."""
    return any(article.get(field) for field in (*URL_FIELDS, "fingerprint"))


def _first_records(path: Path, limit: int = RECORDS_READ) -> Iterator[dict[str, Any]]:
    """The JSON objects of a JSON Lines file's first `limit` lines."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle):
            if number >= limit:
                return
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                yield record


def unidentified(path: Path, names: Mapping[str, str]) -> bool:
    """Whether a JSON Lines file holds records and none of its first ones says which article it
    is (its fields leave out url, fingerprint, and headline or body)."""
    found = False
    try:
        for record in _first_records(path):
            if identifies(as_article(record, names)):
                return False
            found = True
    except OSError:  # unreadable here: the check that it can be written says why
        return False
    return found
