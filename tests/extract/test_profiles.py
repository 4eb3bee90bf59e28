"""Theme profiles: each one is detected from markup on real saved pages, and versioned."""

from __future__ import annotations

import json

import pytest

from newscrawl.extract import extract_page
from newscrawl.extract.document import decode_html, parse_html
from newscrawl.extract.profiles import GENERIC, PROFILES, detect_profile, get_profile
from newscrawl.output.replay import fixture_folders, load_page
from tests.conftest import PAGES

# fixtures whose expected.json names the profile that must handle them
PROFILED = [f for f in fixture_folders(PAGES)
            if (f / "expected.json").exists() and "profile" in json.loads((f / "expected.json").read_text("utf-8"))]


def _expected(folder) -> dict:
    return json.loads((folder / "expected.json").read_text("utf-8"))


def test_every_profile_has_a_fixture():
    covered = {_expected(f)["profile"] for f in PROFILED}
    missing = {p.name for p in PROFILES} - covered
    assert not missing, f"profiles without a fixture page: {sorted(missing)}"


@pytest.mark.parametrize("folder", PROFILED, ids=lambda f: f.name)
def test_profile_detected_and_recorded(folder):
    page = load_page(folder)
    expected = _expected(folder)
    profile = get_profile(expected["profile"])
    tree = parse_html(decode_html(page.body))
    assert detect_profile(tree) is profile
    result = extract_page(page.url, page.body)
    # the item names the profile and its version, so a layout change shows in the output
    assert result.article.extractor == f"{profile.name}/v{profile.version}"
    assert result.is_article
    assert result.article.authors == expected["authors"]


def test_generic_page_gets_no_theme_profile():
    html = "<html><body><article><h1>Plain page</h1><p>" + "Text. " * 200 + "</p></article></body></html>"
    result = extract_page("https://plain.example/2024/05/01/plain-page", html)
    assert detect_profile(parse_html(html)) is None
    assert result.article.extractor == f"{GENERIC.name}/v{GENERIC.version}"


def test_profiles_have_distinct_names_and_positive_versions():
    names = [p.name for p in PROFILES]
    assert len(names) == len(set(names))
    assert all(p.version >= 1 for p in PROFILES)


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown profile 'nope'; known profiles: "):
        get_profile("nope")


def test_forced_profile_is_used():
    page = load_page(PAGES / "wpnews-nassauguardian")
    result = extract_page(page.url, page.body, profile="wordpress")
    assert result.article.extractor.startswith("wordpress/v")
