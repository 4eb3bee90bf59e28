"""The Article item, its JSON Schema and the loader's clean-up processors."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from itemadapter import ItemAdapter

from newscrawl.extract.loaders import ArticleLoader
from newscrawl.extract.processors import canonical_url, clean_body, clean_text, to_iso8601
from newscrawl.items import Article

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "newscrawl" / "schema" /
                     "article.schema.json").read_text("utf-8"))


def test_schema_lists_exactly_the_item_fields():
    assert set(SCHEMA["properties"]) == {f.name for f in fields(Article)}


def test_every_field_has_a_default():
    item = ItemAdapter(Article()).asdict()
    assert item["authors"] == [] and item["revision"] == 1 and item["schema_version"] == 2


def test_clean_text_decodes_entities_and_collapses_whitespace():
    assert clean_text("  Biden &amp; Putin\u00a0meet\n today\u200b ") == "Biden & Putin meet today"
    assert clean_text("   ") is None


def test_clean_body_keeps_paragraphs_separated_by_one_blank_line():
    assert clean_body("First  para.\n\n\n  Second para. \nThird.") == "First para.\n\nSecond para.\n\nThird."


def test_canonical_url_drops_tracking_and_fragment_and_sorts_query():
    url = "https://Example.com/a/b?utm_source=x&b=2&a=1&fbclid=y#top"
    assert canonical_url(url) == "https://example.com/a/b?a=1&b=2"
    assert canonical_url("mailto:someone@example.com") is None


def test_iso8601_keeps_the_offset_and_refuses_the_future():
    assert to_iso8601("2022-02-20T21:42:00-05:00") == "2022-02-20T21:42:00-05:00"
    assert to_iso8601("2999-01-01T00:00:00+00:00") is None
    assert to_iso8601("1970-01-01T00:00:00+00:00") is None


def test_loader_deduplicates_authors_and_takes_first_headline():
    loader = ArticleLoader()
    loader.add_value("headline", ["  The  headline ", "Other"])
    loader.add_value("authors", ["Daniel Hart", "daniel hart", "Ann Lee"])
    loader.add_value("published", "2022-02-20T21:42:00-05:00")
    item = loader.load_item()
    assert item.headline == "The headline"
    assert item.authors == ["Daniel Hart", "Ann Lee"]
    assert item.published == "2022-02-20T21:42:00-05:00"
