"""Every golden headline and author in fixtures/pages/*/expected.json is printed in its page.

The extraction tests compare what newscrawl extracts with these values, so a golden value must
come from the page, not from newscrawl: `golden_sources` in the fixture's meta.json says where
each is printed, as a reader can check in page.html (a `note` says more where it helps):
- `{"css": SELECTOR}`: the first element it selects; its text (a <meta>: its content);
- `{"json-ld": SNIPPET}`: these exact characters in one of the page's JSON-LD scripts.
A headline equals the text of its element (whitespace collapsed: a no-break space is a space);
an author is contained in it (a byline prints "By NAME -")."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from newscrawl.output.replay import fixture_folders, load_page
from tests.conftest import PAGES

FOLDERS = [f for f in fixture_folders(PAGES) if (f / "expected.json").exists()]


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def located(page: bytes, source: dict) -> str:
    """The text a source points at; AssertionError if it points at nothing."""
    if "json-ld" in source:
        tree = lxml_html.document_fromstring(page.decode("utf-8"))
        scripts = tree.xpath("//script[@type='application/ld+json']/text()")
        assert any(source["json-ld"] in script for script in scripts), f"no JSON-LD holds {source['json-ld']!r}"
        return source["json-ld"]
    tree = lxml_html.document_fromstring(page.decode("utf-8"))
    found = tree.cssselect(source["css"])
    assert found, f"nothing in the page matches {source['css']!r}"
    element = found[0]
    return collapse(element.get("content", "") if element.tag == "meta" else element.text_content())


def golden_sources(folder: Path) -> dict:
    return json.loads((folder / "meta.json").read_text("utf-8")).get("golden_sources", {})


def unsupported(page: bytes, expected: dict, sources: dict) -> list[str]:
    """The golden headline and authors that a listed source does not print (empty: all are)."""
    problems = []
    for field in ("headline", "authors"):
        if field not in expected:
            continue
        if not sources.get(field):
            problems.append(f"{field}: no source says where the page prints it")
            continue
        for source in sources[field]:
            text = located(page, source)
            if field == "headline":
                quoted = json.dumps(expected["headline"], ensure_ascii=False)[1:-1]
                printed = (collapse(expected["headline"]) == text if "css" in source else quoted in text)
                if not printed:
                    problems.append(f"headline {expected['headline']!r} is not {text!r} ({source})")
            else:
                for name in expected["authors"]:
                    if name not in text and json.dumps(name)[1:-1] not in text:
                        problems.append(f"author {name!r} is not in {text!r} ({source})")
    return problems


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_golden_headline_and_authors_are_printed_in_the_page(folder: Path) -> None:
    page = load_page(folder)
    assert unsupported(page.body, page.expected, golden_sources(folder)) == []


def test_every_golden_value_has_a_source() -> None:
    with_authors = [f.name for f in FOLDERS if "authors" in load_page(f).expected]
    assert len(with_authors) >= 14
    for folder in FOLDERS:
        expected, sources = load_page(folder).expected, golden_sources(folder)
        for field in ("headline", "authors"):
            if field in expected:
                assert sources.get(field), f"{folder.name}: {field} has no source in meta.json"


@pytest.mark.parametrize(("field", "wrong"), [
    ("authors", ["Jill Barshey"]), ("authors", ["Jill Barshay", "Ann Lee"]), ("authors", ["Hechinger"]),
    ("headline", "Tutoring was supposed to save American kids after the pandemic."),
])
def test_a_wrong_golden_value_is_caught(field: str, wrong: object) -> None:
    folder = PAGES / "wordpress-hechingerreport"
    page, sources = load_page(folder), golden_sources(folder)
    assert unsupported(page.body, page.expected, sources) == []
    assert unsupported(page.body, {**page.expected, field: wrong}, sources) != []
