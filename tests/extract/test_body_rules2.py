"""Body rules, second set: prose lists kept on pages without an article container."""

from __future__ import annotations

import lxml.html

from newscrawl.extract import extract_article
from newscrawl.extract.body import without_repeats
from newscrawl.extract.boilerplate import is_prose_list

PARAGRAPHS = [
    "Cloud computing refers to delivering computing services, storage and databases over the "
    "internet rather than through hardware that a company runs in its own building.",
    "Users reach these resources remotely, which reduces the need for expensive machines and "
    "gives a business the freedom to grow or shrink what it uses from one month to the next.",
    "Choosing a provider therefore depends on the workloads a team runs and on the rules its "
    "industry sets for where data may be stored and who may read it.",
]
ITEMS = [
    "Cost efficiency: no upfront investment in servers and lower maintenance costs over time.",
    "Scalability: resources are scaled up or down with demand, so nothing sits idle for long.",
    "Accessibility: data and applications can be used from anywhere with a connection.",
]


def _page(between: str) -> str:
    """A page with no article container (no <article>, no content class): only <div>s."""
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return ("<html><body><div class='w-layout-grid'><div class='grid-1'>"
            "<h1>What cloud computing means for a small business</h1>"
            f"{paragraphs[: paragraphs.index('</p>') + 4]}<h3>Benefits of cloud computing</h3>{between}"
            f"{paragraphs[paragraphs.index('</p>') + 4:]}</div></div></body></html>")


def test_a_prose_list_between_paragraphs_is_kept_without_an_article_container():
    items = "".join(f"<li><strong>{i.split(':')[0]}</strong>:{i.split(':', 1)[1]}</li>" for i in ITEMS)
    body = extract_article("https://x.example/cloud", _page(f"<ul role='list'>{items}</ul>")).body
    assert all(p in body for p in PARAGRAPHS)
    for item in ITEMS:
        assert item in body.split("\n\n")


def test_lists_of_links_cards_or_far_from_prose_are_no_prose_lists():
    links = "".join(f'<li><a href="/s{i}">Related headline number {i} on the site</a></li>' for i in range(4))
    cards = "".join(f"<li><div><img src='/{i}.jpg'></div>{ITEMS[i]}</li>" for i in range(3))
    prose = "".join(f"<li>{i}</li>" for i in ITEMS)
    page = lxml.html.fromstring(
        f"<div><p>{PARAGRAPHS[0]}</p><ul id='links'>{links}</ul><ul id='cards'>{cards}</ul>"
        f"<p>{PARAGRAPHS[1]}</p><ul id='prose'>{prose}</ul><div><ul id='alone'>{prose}</ul></div></div>")
    found = {ul.get("id"): is_prose_list(ul) for ul in page.iter("ul")}
    assert found == {"links": False, "cards": False, "prose": True, "alone": False}


def test_a_long_paragraph_printed_twice_is_kept_once():
    """Pages that print the article twice (mobile and desktop layouts) give it once."""
    long = [p + " The same holds for teams of any size, in any industry." for p in PARAGRAPHS]
    copy = "".join(f"<p>{p}</p>" for p in long)
    html = (f"<html><body><div class='desktop'><h1>Cloud computing</h1>{copy}</div>"
            f"<div class='mobile'>{copy}</div></body></html>")
    body = extract_article("https://x.example/twice", html).body
    for paragraph in long:
        assert len(paragraph) >= 160 and body.count(paragraph) == 1


def test_without_repeats_keeps_short_repeated_lines_and_first_copies():
    long_one = PARAGRAPHS[0] + " " + PARAGRAPHS[1]
    paragraphs = ["Read more", long_one, "Read more", PARAGRAPHS[2], long_one.upper()]
    assert without_repeats(paragraphs) == ["Read more", long_one, "Read more", PARAGRAPHS[2]]


def test_a_prose_list_alone_in_its_wrapper_is_judged_by_the_wrapper_neighbours():
    prose = "".join(f"<li>{i}</li>" for i in ITEMS)
    page = lxml.html.fromstring(
        f"<div><p>{PARAGRAPHS[0]}</p><div class='list-wrap'><ul id='wrapped'>{prose}</ul></div>"
        f"<p>{PARAGRAPHS[1]}</p></div>")
    assert is_prose_list(page.get_element_by_id("wrapped"))
