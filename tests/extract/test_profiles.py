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


@pytest.mark.parametrize("profile", [p for p in PROFILES if p.body], ids=lambda p: p.name)
def test_a_table_in_a_theme_body_is_the_articles_data(profile):
    # WordPress prints every table block as <figure class="wp-block-table">: the profiles' body
    # boilerplate took every <figure> (a stranger's property-tax story lost its 12-row table)
    sentences = ["Property owners in nine of the county's twelve towns will pay higher tax rates this "
                 f"year, according to figures released on Monday by the county assessor ({i})." for i in range(4)]
    table = ("<figure class='wp-block-table'><table><tr><th>Town</th><th>Rate</th></tr>"
             "<tr><td>Carver Falls</td><td>$25.60</td></tr></table></figure>")
    picture = "<figure class='wp-block-image'><img src='/a.jpg'><figcaption>The assessor's office</figcaption></figure>"
    container = profile.body[-1]
    body = f"<p>{sentences[0]}</p><p>{sentences[1]}</p>{table}{picture}<p>{sentences[2]}</p><p>{sentences[3]}</p>"
    html = _in_container(container, body)
    tree = parse_html(html)
    assert tree.cssselect(container), container
    article = extract_page("https://ledger.example/2024/03/05/tax-rates/", html, profile=profile.name).article
    assert article.extractor == profile.key
    assert "Carver Falls" in article.body and "$25.60" in article.body
    assert "assessor's office" not in article.body
    assert article.body.endswith(sentences[3])


def _in_container(css: str, inner: str) -> str:
    """A page whose element matching a simple descendant selector (".a .b", "article .b") holds `inner`."""
    open_tags, close_tags = [], []
    for part in css.split():
        tag, _, classes = part.partition(".")
        tag = tag or "div"
        open_tags.append(f"<{tag} class='{classes.replace('.', ' ')}'>" if classes else f"<{tag}>")
        close_tags.insert(0, f"</{tag}>")
    return (f"<html><body><h1 class='entry-title'>Tax rates rise in nine towns</h1>{''.join(open_tags)}"
            f"{inner}{''.join(close_tags)}</body></html>")
