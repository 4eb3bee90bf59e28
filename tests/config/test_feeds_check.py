"""The output settings (FEEDS, FEED_EXPORT_FIELDS, FEED_EXPORT_BATCH_ITEM_COUNT,
FEED_URI_PARAMS) are checked before a crawl: a stranger's misspelt field list wrote shortened or
empty records with exit 0, and the state recorded the articles as written; malformed FEEDS
entries were tracebacks, or switched the feed exporter off with a false line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscrawl.commands.crawl import unreadable_setting
from tests.conftest import run_scrapy
from tests.support.faultserver import FaultServer
from tests.support.settings_checks import assert_one_problem

pytestmark = pytest.mark.timeout(120)


def feeds(**options: object) -> str:
    return json.dumps({"o.jsonl": options})


FIELDS_KNOWN = "an article's fields are url, canonical_url, site, headline"


@pytest.mark.parametrize(("values", "problem"), [
    # Scrapy's forms: a JSON list or object, or names with commas
    ({"FEED_EXPORT_FIELDS": '["url", "headline"]'}, None),
    ({"FEED_EXPORT_FIELDS": "url,headline"}, None),
    ({"FEED_EXPORT_FIELDS": "url"}, None),
    ({"FEED_EXPORT_FIELDS": '{"url": "link", "headline": "title"}'}, None),
    ({"FEED_EXPORT_FIELDS": '[["url", "link"], "body"]'}, None),
    ({"FEED_EXPORT_FIELDS": "[]"}, None),  # Scrapy: every field
    ({"FEED_EXPORT_FIELDS": '["url","headlnie"]'},
     "invalid setting FEED_EXPORT_FIELDS: unknown field 'headlnie' (did you mean headline?), which every record "
     f"would leave out: {FIELDS_KNOWN}"),
    ({"FEED_EXPORT_FIELDS": "url, headline"}, "unknown field ' headline' (did you mean headline?)"),
    ({"FEED_EXPORT_FIELDS": "5"}, "invalid setting FEED_EXPORT_FIELDS='5': expected field names, such as "
                                  'url,headline or ["url", "headline"]'),
    ({"FEED_EXPORT_FIELDS": '{"url": 5}'}, "{'url': 5} is no list of field names"),
    ({"FEED_EXPORT_FIELDS": '["nope", "nada"]'}, "unknown fields 'nope', 'nada'"),
    # FEEDS: every option checked as Scrapy reads it
    ({"FEEDS": feeds(fields=["url", "headline"], format="jsonlines", overwrite=True)}, None),
    ({"FEEDS": feeds(fields={"url": "link"}, item_classes=["newscrawl.items.Article"], indent=None)}, None),
    ({"FEEDS": json.dumps({"o-%(batch_id)d.jsonl": {"batch_item_count": 10}})}, None),
    ({"FEEDS": json.dumps({"o.jsonl": None})}, None),
    ({"FEEDS": feeds(fields="url")}, "invalid setting FEEDS: the fields of the output o.jsonl: 'url' is no list "
                                     "of field names: give them as"),
    ({"FEEDS": feeds(fields=["nonexistent"])}, f"the fields of the output o.jsonl: unknown field 'nonexistent', "
                                               f"which every record would leave out: {FIELDS_KNOWN}"),
    ({"FEEDS": feeds(fields=[])}, "the fields of the output o.jsonl are empty, and every record would be {}"),
    ({"FEEDS": json.dumps({"o.jsonl": "jsonlines"})},
     "invalid setting FEEDS: the options of the output o.jsonl are 'jsonlines', not a JSON object: give them as "
     '{"o.jsonl": {"format": "jsonlines"}}'),
    ({"FEEDS": feeds(formt="json")},
     "invalid setting FEEDS: the output o.jsonl has an unknown option 'formt', which Scrapy would ignore: did you "
     "mean format? (the options: batch_item_count, encoding, fields, format,"),
    ({"FEEDS": feeds(colour="red")}, "unknown option 'colour', which Scrapy would ignore: (the options:"),
    ({"FEEDS": feeds(format="bogus")},
     "invalid setting FEEDS: the output o.jsonl: unknown output format 'bogus': give one of csv, jl, json, jsonl, "
     "jsonlines, marshal, pickle, xml, or leave the format out"),
    ({"FEEDS": feeds(format=5)}, "the output o.jsonl: unknown output format 5: give one of csv,"),
    ({"FEEDS": feeds(format="JSONL")}, "unknown output format 'JSONL' (formats are lower case: jsonl): give one of"),
    ({"FEEDS": feeds(item_classes=["nope.Nope"])},
     "the item_classes option of the output o.jsonl: cannot load 'nope.Nope' (No module named 'nope')"),
    ({"FEEDS": feeds(item_classes="newscrawl.items.Article")}, "item_classes option of the output o.jsonl is "
                                                               "'newscrawl.items.Article': expected a list"),
    ({"FEEDS": feeds(item_classes=["scrapy.Item"])}, "no article is a scrapy.Item, so the output would get no record"),
    ({"FEEDS": feeds(item_filter="nope.Filter")}, "the item_filter option of the output o.jsonl: cannot load"),
    ({"FEEDS": feeds(uri_params="nope.f")}, "the uri_params option of the output o.jsonl: cannot load 'nope.f'"),
    ({"FEEDS": feeds(batch_item_count="x")}, "the batch_item_count option of the output o.jsonl is 'x': expected"),
    ({"FEEDS": feeds(batch_item_count=1)},
     "invalid setting FEEDS: the output o.jsonl is split into a file every 1 record (batch_item_count), and its "
     "name has no %(batch_id)d or %(batch_time)s to tell the files apart"),
    ({"FEEDS": feeds(overwrite="false")}, "the overwrite option of the output o.jsonl is 'false': expected true "
                                          "or false"),
    ({"FEEDS": feeds(indent="2")}, "the indent option of the output o.jsonl is '2': expected a whole number"),
    ({"FEEDS": feeds(), "FEED_EXPORT_BATCH_ITEM_COUNT": "5"},
     "invalid setting FEED_EXPORT_BATCH_ITEM_COUNT=5: the output o.jsonl is split into a file every 5 records"),
    ({"FEEDS": json.dumps({"o-%(batch_time)s.jsonl": {}}), "FEED_EXPORT_BATCH_ITEM_COUNT": "5"}, None),
    ({"FEED_URI_PARAMS": "nope.f"}, "invalid setting FEED_URI_PARAMS='nope.f': cannot load it (No module named"),
])
def test_output_setting_checks(values: dict, problem: str | None) -> None:
    assert_one_problem(values, problem)


@pytest.mark.parametrize(("value", "said"), [
    ("5", "invalid -s FEEDS value '5': expected a JSON object, such as {\"articles.jsonl\": {\"format\": "
          "\"jsonlines\"}}"),
    ('"d.jsonl"', "invalid -s FEEDS value '\"d.jsonl\"': expected a JSON object, such as"),
])
def test_feeds_that_are_no_json_object_are_said_so(value: str, said: str) -> None:
    """FEEDS=5 was a TypeError traceback; FEEDS='"d.jsonl"' said `not enough values to unpack`."""
    problem = unreadable_setting([f"FEEDS={value}"])
    assert problem is not None and problem.startswith(said), problem


@pytest.fixture(scope="module")
def news_site():
    with FaultServer("127.0.0.1", robots="allow", articles=3) as server:
        yield server


@pytest.mark.parametrize("given", [
    ["-O", "OUT/a.jsonl", "-s", 'FEED_EXPORT_FIELDS=["url","headlnie"]'],
    ["-s", "FEED_EXPORT_FIELDS=5", "-O", "OUT/a.jsonl"],
    ["-s", 'FEEDS={"OUT/b.jsonl": {"fields": "url"}}'],
    ["-s", "FEEDS=5"],
    ["-s", 'FEEDS="OUT/d.jsonl"'],
    ["-s", 'FEEDS={"OUT/e.jsonl": "jsonlines"}'],
    ["-s", 'FEEDS={"OUT/f.jsonl": {"item_classes": ["nope.Nope"]}}'],
    ["-s", 'FEEDS={"OUT/g.jsonl": {"uri_params": "nope.f"}}'],
    ["-s", 'FEEDS={"OUT/h.jsonl": {"batch_item_count": 1}}'],
    ["-s", 'FEEDS={"OUT/i.jsonl": {"formt": "json"}}'],
    ["-s", 'FEEDS={"OUT/j.jsonl": {"format": "bogus"}}'],
])
def test_a_bad_output_setting_is_one_line_and_exit_2_before_anything_is_written(
        tmp_path: Path, news_site: FaultServer, given: list[str]) -> None:
    """Each wrote `{}` or shortened records with exit 0, or was a traceback (exit 1), or said
    "The FeedExporter extension is not enabled" (exit 1). Now: one line, exit 2, nothing fetched
    and nothing written."""
    args = [arg.replace("OUT", str(tmp_path)) for arg in given]
    proc = run_scrapy(["crawl", "site", "-a", f"url={news_site.url('/')}", *args,
                       "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}"], timeout=90)
    assert proc.returncode == 2, proc.stderr[-2000:]
    errors = [line for line in proc.stderr.splitlines() if "ERROR:" in line or "CRITICAL:" in line]
    assert len(errors) == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert news_site.hits["/"] == 0
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("feeds_value", "said"), [
    ({"OUT/h.jsonl": {}, "OUT/./h.jsonl": {}},
     "the FEEDS output OUT/h.jsonl and the FEEDS output OUT/./h.jsonl are one file"),
    ({"OUT/c.jsonl": {"format": "csv"}},
     "the FEEDS output OUT/c.jsonl is named as a JSON Lines file, but its format is csv: name it OUT/c.csv"),
])
def test_messages_about_feeds_outputs_name_feeds_not_o(tmp_path: Path, feeds_value: dict, said: str) -> None:
    """They said `-o h.jsonl and -o ./h.jsonl are one file` of outputs the user gave as FEEDS."""
    value = json.dumps(feeds_value).replace("OUT", str(tmp_path))
    proc = run_scrapy(["crawl", "site", "-a", "url=http://127.0.0.5:9/", "-s", f"FEEDS={value}",
                       "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}"], timeout=90)
    assert proc.returncode == 2, proc.stderr[-2000:]
    errors = [line.split("ERROR: ", 1)[1] for line in proc.stderr.splitlines() if "ERROR:" in line]
    assert len(errors) == 1 and errors[0].startswith(said.replace("OUT", str(tmp_path))), errors
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("options", "stats_file", "said"), [
    ({"format": "jsonlines"}, "b.jsonl", "the FEEDS output OUT/b.jsonl is also the stats file"),
    ({"format": "jsonlines"}, "a.jsonl", "-o OUT/a.jsonl is also the stats file"),
    ({}, "a.jsonl", "-o OUT/a.jsonl is also the stats file"),  # FEEDS given its format before the checks
])
def test_beside_o_each_output_is_named_as_it_was_given(tmp_path: Path, options: dict, stats_file: str,
                                                        said: str) -> None:
    """With -o beside -s FEEDS, every output was named as an -o one (`-o b.jsonl`, though b.jsonl
    was given in FEEDS): each is now named as it was given."""
    value = json.dumps({f"{tmp_path}/b.jsonl": options})
    proc = run_scrapy(["crawl", "site", "-a", "url=http://127.0.0.5:9/", "-o", f"{tmp_path}/a.jsonl",
                       "-s", f"FEEDS={value}", "-s", f"NEWSCRAWL_STATS_FILE={tmp_path / stats_file}",
                       "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}"], timeout=90)
    assert proc.returncode == 2, proc.stderr[-2000:]
    errors = [line.split("ERROR: ", 1)[1] for line in proc.stderr.splitlines() if "ERROR:" in line]
    assert len(errors) == 1 and errors[0].startswith(said.replace("OUT", str(tmp_path))), errors
