"""Unit tests of the quality metrics, and one report run over real wpnews pages."""

from __future__ import annotations

import io

import pytest

from benchmarks.quality import metrics as m
from benchmarks.quality.datasets import detect_kind, load
from benchmarks.quality.report import format_table, run
from newscrawl.items import Article
from tests.conftest import DATA

needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"no data sets at {DATA} (the metrics are tested without them)")


# --- headline -------------------------------------------------------------------------------


def test_headline_typographic_quotes_equal_ascii() -> None:
    assert m.headline_exact("n’e “Trashion” show", 'n\'e "Trashion" show')
    assert m.headline_exact("«Non» dit-il", '"Non" dit-il')


def test_headline_dashes_zero_width_and_whitespace() -> None:
    assert m.headline_exact("Covid\u200b – a  year\u00a0on ", "Covid - a year on")
    assert m.headline_exact("Ａｂｃ — x", "Abc - x")  # NFKC folds full-width letters


def test_headline_is_case_sensitive_and_needs_a_value() -> None:
    assert not m.headline_exact("covid - a year on", "Covid - a year on")
    assert not m.headline_exact("Covid - a year on - Site", "Covid - a year on")
    assert not m.headline_exact(None, "Covid")


# --- published ------------------------------------------------------------------------------


def test_day_converts_prediction_to_truth_offset() -> None:
    # 03:37 UTC on the 4th is 23:37 on the 3rd at -04:00
    assert m.same_day("2022-05-04T03:37:37+00:00", "2022-05-03T23:37:37-04:00")
    assert m.same_day("2022-05-04T03:37:37+00:00", "2022-05-04T10:00:00+08:00")
    assert not m.same_day("2022-05-04T20:00:00+00:00", "2022-05-04T10:00:00+08:00")


def test_day_without_offsets_compares_as_written() -> None:
    assert m.same_day("2022-05-04T01:00:00+05:00", "2022-05-04")
    assert not m.same_day("2022-05-04", "2022-05-03T23:37:37-04:00")
    assert not m.same_day(None, "2022-05-04")
    assert not m.same_day("yesterday", "2022-05-04")


def test_minute_in_utc_when_both_have_offsets() -> None:
    assert m.same_minute("2022-05-04T03:37:59Z", "2022-05-03T23:37:01-04:00")
    assert not m.same_minute("2022-05-04T03:38:00Z", "2022-05-03T23:37:59-04:00")


def test_minute_naive_side_compares_wall_clock() -> None:
    assert m.same_minute("2024-10-16T08:05:00+08:00", "2024-10-16T08:05:30")
    assert not m.same_minute("2024-10-16", "2024-10-16T00:00:00")  # no time of day predicted


def test_time_of_day_detection() -> None:
    assert m.has_time_of_day("2024-05-03T15:47:42.389000+00:00")
    assert m.has_time_of_day("2024-05-03 15:47")
    assert not m.has_time_of_day("2024-05-03")
    assert not m.has_time_of_day(None)


# --- authors --------------------------------------------------------------------------------


def test_author_names_normalised() -> None:
    assert m.normalize_author("  JOSÉ  García-López ") == "josé garcía lópez"
    assert m.normalize_author("Ｊａｎｅ Doe") == "jane doe"


def test_authors_micro_average_pools_pages() -> None:
    pages = [
        m.author_counts(["Jane Doe", "By Line"], ["jane doe"]),  # 1 tp, 2 pred, 1 truth
        m.author_counts([], ["A B", "C D", "E F"]),  # 0 tp, 0 pred, 3 truth
    ]
    prf = m.micro_prf(pages)
    assert prf.precision == pytest.approx(1 / 2)
    assert prf.recall == pytest.approx(1 / 4)
    assert prf.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)  # not the mean of per-page F1


def test_authors_compared_as_sets() -> None:
    assert m.author_counts(["Jane Doe", "JANE DOE"], ["Jane Doe"]) == (1, 1, 1)


# --- body, bag of words ---------------------------------------------------------------------


def test_bow_cjk_characters_are_tokens() -> None:
    assert m.bow_tokens("東京タワー Hello, WORLD") == {
        "東": 1,
        "京": 1,
        "タ": 1,
        "ワ": 1,
        "ー": 1,
        "hello": 1,
        "world": 1,
    }
    assert sorted(m.bow_tokens("abc東def")) == ["abc", "def", "東"]


def test_bow_multiset_overlap() -> None:
    prf = m.bag_of_words("the the cat", "the cat sat on the mat")
    assert prf.precision == pytest.approx(3 / 3)
    assert prf.recall == pytest.approx(3 / 6)
    assert prf.f1 == pytest.approx(2 / 3)


def test_bow_empty_prediction_scores_zero() -> None:
    assert m.bag_of_words("", "some text") == (0.0, 0.0, 0.0)
    assert m.bag_of_words(None, "some text") == (0.0, 0.0, 0.0)
    assert m.bag_of_words("...", "some text") == (0.0, 0.0, 0.0)


def test_bow_mean_over_pages_of_page_f1() -> None:
    scores = [m.bag_of_words("a b", "a b"), m.bag_of_words("", "a b")]
    assert m.mean_prf(scores).f1 == pytest.approx(0.5)


# --- body, 4-gram shingles ------------------------------------------------------------------


def test_short_text_is_one_shingle() -> None:
    assert m.shingles("Hello world") == {("Hello", "world"): 1}
    assert m.shingles("") == {}


def test_shingles_are_case_sensitive_and_counted() -> None:
    assert m.shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert m.shingle_counts("A b c d", "a b c d") == (0, 1, 1)
    assert m.shingle_counts("a b c d a b c d", "a b c d") == (1, 5, 1)


def test_shingle_averages_skip_empty_sides() -> None:
    counts = [
        (1, 1, 2),  # P 1.0, R 0.5
        (0, 0, 4),  # no prediction: recall 0, no precision
        (0, 3, 0),  # no truth: precision 0, no recall
    ]
    prf = m.shingle_prf(counts)
    assert prf.precision == pytest.approx(0.5)  # mean of 1.0 and 0.0
    assert prf.recall == pytest.approx(0.25)  # mean of 0.5 and 0.0
    assert prf.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)


# --- wcxb snippets, wpnews ------------------------------------------------------------------


def test_snippet_hits_ignore_case_and_spacing() -> None:
    body = "First  paragraph here.\n\nSecond one,\nwrapped."
    assert m.snippet_hits(body, ["first paragraph", "Second one, wrapped", "Sidebar"]) == (2, 3)
    assert m.snippet_hits("", ["x"]) == (0, 1)


def test_body_bounds_ignore_optional_lines() -> None:
    body = (
        "Written by: Jane\n\nFirst sentence here. More.\n\nLast “one”.\n\nHeader Image: a caption"
    )
    first, last = m.body_bounds(
        body, "First sentence here.", 'Last "one".', ["Written by: Jane", "Header Image:"]
    )
    assert (first, last) == (True, True)
    assert m.body_bounds(body, "First sentence here.", 'Last "one".') == (False, False)
    assert m.body_bounds("", "a", "b") == (False, False)


def test_leaks_look_everywhere_but_noise() -> None:
    item = Article(body="Text. LEAVE A REPLY", noise=["Tuesday , 03 May 2022"], tags=["Next  Post"])
    assert m.leaks(item, ["LEAVE A REPLY", "Next Post", "Tuesday , 03 May 2022"]) == [
        "LEAVE A REPLY",
        "Next Post",
    ]
    assert m.leaks({"headline": "0 Comment(s)"}, ["0Comment(s)"]) == ["0Comment(s)"]


def test_noise_recall_counts_captured_strings() -> None:
    assert m.noise_hits(["27 C Oranjestad", "Tuesday, 03 May 2022"], ["Oranjestad", "x"]) == (1, 2)
    assert m.noise_hits(None, ["Oranjestad"]) == (0, 1)


# --- data sets and report -------------------------------------------------------------------


@needs_data
def test_datasets_detected_and_read_as_utf8() -> None:
    kinds = {name: detect_kind(DATA / name) for name in ("aeb", "fundus", "wcxb", "wpnews")}
    assert kinds == {"aeb": "aeb", "fundus": "fundus", "wcxb": "wcxb", "wpnews": "wpnews"}
    page = next(iter(load(DATA / "wpnews", limit=1)))
    assert page.url.startswith("http") and "<html" in page.html.lower()
    assert {"headline", "published", "body_first", "must_not_contain"} <= page.truth.keys()


def _dummy_extract(url: str, html: str) -> Article:
    """Pretend extractor: the same headline, date and body for every page."""
    return Article(url=url, headline="Dummy", published="2022-05-03T23:37:00-04:00", body="x y z")


def _broken_extract(url: str, html: str) -> Article:
    raise RuntimeError("boom")


@needs_data
def test_report_over_three_wpnews_pages() -> None:
    out = io.StringIO()
    extractors = {"dummy": _dummy_extract, "broken": _broken_extract}
    (result,) = run([DATA / "wpnews"], extractors, limit=3, worst=2, out=out)
    assert result.pages == 3
    table = format_table(result)
    labels = [line.split("  ")[0].strip() for line in table.splitlines()[2:]]
    assert labels == [
        "headline exact",
        "published day",
        "published minute",
        "body starts right",
        "body ends right",
        "leaks (strings, lower is better)",
        "pages with leaks (lower is better)",
        "noise recall",
        "ms/page (mean)",
        "errors",
    ]
    assert table.splitlines()[1].split() == ["metric", "n", "dummy", "broken"]
    scores = {x.label: x.value for x in result.metrics["dummy"]}
    assert scores["headline exact"] == 0 and scores["body starts right"] == 0
    assert scores["published minute"] == pytest.approx(1 / 3)  # 24ora at 23:37 -04:00
    assert "-- worst headline (wpnews, dummy)" in out.getvalue()
    broken = {x.label: x.value for x in result.metrics["broken"]}
    assert broken["errors"] == 3 and broken["headline exact"] == 0


@needs_data
def test_ablation_prints_a_row_per_rule_with_its_effect_on_every_key_score() -> None:
    from benchmarks.quality.ablate import ablate
    from newscrawl.extract.rules import RULES

    out = io.StringIO()
    rows = ablate([DATA / "wpnews"], out, workers=1, limit=2)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["rule", "pages", "wpnews:start", "wpnews:end", "wpnews:leaks",
                                "wpnews:noise", "verdict"]
    assert lines[1].startswith("all rules on")
    assert [line.split()[0] for line in lines[2:]] == [rule.name for rule in RULES]
    assert all(verdict in ("keep", "mixed", "drop") for _, _, verdict in rows)
    # the pages of this set that a rule is never asked about are not run again
    assert any(line.split()[1] == "0" for line in lines[2:])
