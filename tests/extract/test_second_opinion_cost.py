"""How many steps jusText's neighbour search would take on a page, counted before it is asked."""

from __future__ import annotations

import lxml.html

from newscrawl.extract.second_opinion_cost import (
    MAX_SECOND_OPINION_STEPS,
    neighbour_steps,
    second_opinion_affordable,
)

LONG = "The council voted on Tuesday to approve a budget for transit and parks."


def steps(body: str) -> int:
    return neighbour_steps(lxml.html.document_fromstring(f"<html><body>{body}</body></html>"))


def test_each_run_of_short_blocks_counts_its_square() -> None:
    assert steps(f"<p>a</p><p>b</p><p>c</p><p>{LONG}</p><li>d</li><li>e</li>") == 3 * 3 + 2 * 2


def test_blank_blocks_neither_end_a_run_nor_join_it() -> None:
    assert steps("<p>a</p><div> </div><p></p><p>b</p>") == 2 * 2


def test_a_block_with_link_text_ends_a_run() -> None:
    assert steps("<p>a</p><p>b</p><p><a href='/x'>more</a></p><p>c</p>") == 2 * 2 + 1


def test_inline_tags_stay_in_their_block_and_comments_are_no_text() -> None:
    assert steps(f"<p>{LONG[:30]}<b>{LONG[30:]}</b></p><p>a<!-- {LONG} --></p>") == 1


def test_a_page_of_ordinary_length_is_affordable_and_a_long_run_is_not() -> None:
    page = f"<html><body><h1>Budget</h1>{f'<p>{LONG}</p>' * 40}{'<li>x</li>' * 300}</body></html>"
    assert second_opinion_affordable(lxml.html.document_fromstring(page))
    run = int(MAX_SECOND_OPINION_STEPS ** 0.5) + 1
    page = f"<html><body><h1>Budget</h1><ul>{'<li>x</li>' * run}</ul></body></html>"
    assert not second_opinion_affordable(lxml.html.document_fromstring(page))
