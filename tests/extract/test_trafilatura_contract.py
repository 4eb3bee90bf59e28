"""What extraction relies on in trafilatura (pinned below its next minor in pyproject.toml).

trafilatura discards a block whose class merely contains one of its words ("widget", "meta",
"embed"...), prose and all. `unmask_prose` (rule unmask-prose), our own pre-pass on blocks we
judged to hold prose, writes such a word in capitals, which that discard rule passes by. If a
new trafilatura keeps these blocks anyway, or drops them despite the pre-pass, this test says so:
the pre-pass is then to be dropped or redone.
"""

from __future__ import annotations

import copy

import lxml.etree
import lxml.html
import pytest

from newscrawl.extract.body import run_trafilatura, unmask_prose

LEAD = [
    "Work on the approach roads is to begin first, the council said, and the river will stay open "
    "to boats during the whole of the building work on the span.",
    "The cost of the project is to be shared between the city and the region, with a grant from "
    "the national fund for transport covering a third of the total.",
]
BLOCK = [
    "The council voted on Tuesday to rebuild the old bridge over the river, a project that has been "
    "delayed for more than a decade by disputes over money.",
    "Engineers say the new span will carry twice as much traffic and will stand up to the floods "
    "that closed the old one three times in the past five years.",
    "Residents who spoke at the meeting welcomed the decision but asked the council to keep the "
    "footpath open while the work goes on next spring.",
]


def _page(block_class: str) -> lxml.html.HtmlElement:
    paragraphs = "".join(f"<p>{p}</p>" for p in LEAD)
    block = "".join(f"<p>{p}</p>" for p in BLOCK)
    return lxml.html.document_fromstring(
        f"<html><body><article><h1>Bridge to be rebuilt</h1>{paragraphs}"
        f"<div class='{block_class}'>{block}</div></article></body></html>")


@pytest.mark.parametrize("block_class", ["rich-widget", "meta"])
def test_trafilatura_drops_a_prose_block_for_a_class_word_and_the_pre_pass_keeps_it(block_class):
    tree = _page(block_class)
    without = run_trafilatura(copy.deepcopy(tree)) or ""
    assert LEAD[0] in without  # trafilatura read the page...
    assert BLOCK[1] not in without  # ...and dropped the block for its class word alone
    assert unmask_prose(tree) == 1
    with_pre_pass = run_trafilatura(tree) or ""
    assert all(p in with_pre_pass for p in LEAD + BLOCK)


def test_the_pre_pass_leaves_a_block_that_names_chrome():
    tree = _page("share-widget")
    assert unmask_prose(tree) == 0
    assert tree.find(".//div").get("class") == "share-widget"


def _settings(options) -> dict:
    return {name: getattr(options, name) for name in type(options).__slots__ if hasattr(options, name)}


def test_one_shared_extractor_in_xml_format_reads_the_body_as_the_python_format_does():
    """`trafilatura_body` hands every reading one Extractor per kind, in XML format: the body
    element must be the same as the default format's, and a reading must not change it (a
    recall escalation inside trafilatura works on a copy)."""
    from trafilatura import bare_extraction
    from trafilatura.settings import Extractor

    from newscrawl.extract.body import _reading_options, trafilatura_body

    short = lxml.html.document_fromstring(
        "<html><body><div><p>One short line of text only.</p></div><nav><ul>"
        + "".join(f"<li><a href='/p{i}'>A menu entry number {i} of the site</a></li>" for i in range(40))
        + "</ul></nav></body></html>")
    for tree in (_page("plain"), short):
        for favor_recall, fast in ((False, False), (False, True), (True, False)):
            options = _reading_options(favor_recall, fast)
            before = _settings(options)
            ours = trafilatura_body(copy.deepcopy(tree), favor_recall=favor_recall, fast=fast)
            shipped = bare_extraction(copy.deepcopy(tree), include_comments=False, include_links=True,
                                      favor_recall=favor_recall, fast=fast, deduplicate=False)
            assert isinstance(options, Extractor) and _settings(options) == before
            render = lxml.etree.tostring
            assert (ours is None) == (shipped is None)
            if ours is not None:
                assert render(ours) == render(shipped.body)
