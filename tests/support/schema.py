"""Every article line a test reads is checked against the published JSON Schema
(newscrawl/schema/article.schema.json), so a field the schema does not allow fails the test
that read it, with the line and the schema's complaint."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "newscrawl" / "schema" / "article.schema.json"


@cache
def validator() -> Draft202012Validator:
    """The schema's validator (the schema itself is checked once, here)."""
    schema = json.loads(SCHEMA_PATH.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def check_article(record: Any, where: str, line: str) -> None:
    """Fail the test with the line and every schema error if `record` is not a valid article."""
    errors = sorted(validator().iter_errors(record), key=lambda e: list(e.absolute_path))
    if errors:
        reasons = "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '(record)'}: {e.message}"
                            for e in errors)
        pytest.fail(f"{where} does not match {SCHEMA_PATH.name}: {reasons}\n  the line: {line[:2000]}",
                    pytrace=False)


def parse_articles(text: str, where: str) -> list[dict]:
    """Every non-empty line of JSON Lines text, parsed and checked against the schema."""
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            record = json.loads(line)
            check_article(record, f"{where} line {number}", line)
            records.append(record)
    return records
