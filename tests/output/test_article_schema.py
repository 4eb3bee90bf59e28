"""The check every crawl test applies to the lines it reads (tests/support/schema.py): a line the
published schema refuses fails the test, naming the file, the line number, the field and the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import read_jsonl

GOOD = {"url": "https://a.example/1", "headline": "A headline", "body": "Text.", "authors": [],
        "noise": [], "tags": [], "revision": 1, "schema_version": 2}


def write(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


def test_a_valid_line_is_read(tmp_path: Path) -> None:
    assert read_jsonl(write(tmp_path / "out.jsonl", GOOD)) == [GOOD]


@pytest.mark.parametrize(("change", "complaint"), [
    ({"headline": ""}, "headline: '' should be non-empty"),
    ({"revision": 0}, "revision: 0 is less than the minimum of 1"),
    ({"authors": "Ann Lee"}, "authors: 'Ann Lee' is not of type 'array'"),
    ({"schema_version": 1}, "schema_version: 2 was expected"),
    ({"warc": {"file": "a.warc.gz", "offset": -1, "record_id": "<urn:uuid:1>"}},
     "warc/offset: -1 is less than the minimum of 0"),
    ({"warc": {"file": "a.warc.gz", "offset": 0}}, "warc: 'record_id' is a required property"),
    ({"score": 0.5}, "Additional properties are not allowed ('score' was unexpected)"),
])
def test_a_line_the_schema_refuses_fails_with_the_line_and_the_reason(tmp_path: Path, change: dict,
                                                                      complaint: str) -> None:
    path = write(tmp_path / "out.jsonl", GOOD, {**GOOD, **change})
    with pytest.raises(pytest.fail.Exception) as failure:
        read_jsonl(path)
    message = str(failure.value)
    assert message.startswith(f"{path} line 2 does not match article.schema.json: ")
    assert complaint in message
    assert json.dumps({**GOOD, **change}) in message  # the line itself


def test_a_missing_field_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "out.jsonl", {k: v for k, v in GOOD.items() if k != "body"})
    with pytest.raises(pytest.fail.Exception, match="'body' is a required property"):
        read_jsonl(path)


def test_other_json_lines_files_are_read_unchecked(tmp_path: Path) -> None:
    row = {"url": "https://a.example/1", "fingerprint": "f1", "revision": 1}  # a state export row
    assert read_jsonl(write(tmp_path / "export.jsonl", row), articles=False) == [row]
