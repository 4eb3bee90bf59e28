"""How many steps jusText's neighbour search would take on a page, counted before it is asked."""

from __future__ import annotations

import lxml.html

from newscrawl.extract.second_opinion_cost import (
    MAX_SECOND_OPINION_STEPS,
    most_blocks,
    neighbour_steps,
    second_opinion_affordable,
)

# a good block to jusText (over 150 characters, a fifth of them stop words): it ends a run
LONG = ("The council voted on Tuesday to approve a budget for transit and parks, and the mayor said "
        "that the city would start work on the new lines in the spring of next year.")
# a near-good one (stop words, but under 150 characters): short blocks' search walks past it
NEAR_GOOD = "The council said that it will meet again in the hall on the first day of the month."


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


def test_a_near_good_block_joins_the_run_around_it_and_its_own_run_counts_again() -> None:
    # jusText's search for a short block's neighbour passes near-good blocks by; each near-good
    # block then looks for its own neighbour past the near-good ones beside it
    assert steps(f"<p>a</p><p>{NEAR_GOOD}</p><p>{NEAR_GOOD}</p><p>b</p><p>{LONG}</p>") == 2 * 4 + 2 * 2


def test_what_trafilatura_deletes_first_ends_no_run_and_a_double_break_splits_a_block() -> None:
    assert steps(f"<p>a</p><aside><p>{LONG}</p></aside><p>b</p><script>{LONG}</script>") == 2 * 2
    assert steps("<p>a<br>b<br><br>c</p>") == 2 * 2


def test_short_blocks_between_near_good_ones_are_not_affordable() -> None:
    # each short block walked the whole page, past the near-good ones that were taken for good
    # ones (a time in each near-good block made trafilatura ask jusText: 8 million steps, 2.4 s)
    pairs = "".join(f"<p>x</p><p>{NEAR_GOOD} <time>now</time></p>" for _ in range(2000))
    page = f"<html><body><h1>Budget</h1><div>{pairs}</div></body></html>"
    assert not second_opinion_affordable(lxml.html.document_fromstring(page))


def test_blank_block_tags_do_not_count_as_blocks_in_the_bound() -> None:
    """jusText keeps no blank block: a page of many empty or wrapping block tags holds no more
    blocks than texts, so it needs no closer count (two walks in Python)."""
    empty = "<div class='spacer'></div>\n" * 2000
    tree = lxml.html.document_fromstring(f"<html><body>{empty}<p>One paragraph of text.</p>{empty}</body></html>")
    assert most_blocks(tree) <= 2
    assert second_opinion_affordable(tree)
