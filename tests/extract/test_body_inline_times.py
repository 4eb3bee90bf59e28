"""A date or time marked up inside a sentence stays in it (rule inline-times): trafilatura
deletes every <time> element with its words."""

from __future__ import annotations

from newscrawl.extract import extract_article
from newscrawl.extract.rules import disabled
from tests.extract.test_body_rules4 import PARAGRAPHS

URL = "https://bay.example/2024/05/01/library-fines/"


def _page(last: str) -> str:
    return ("<html><body><article><h1>Library board drops overdue fines</h1>"
            "<p class='meta'>Published <time datetime='2024-05-01'>May 1, 2024</time></p>"
            + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + f"{last}</article></body></html>")


def test_a_time_inside_a_sentence_keeps_its_words():
    html = _page("<p>The board will next meet on <time datetime='2024-05-13'>Monday, May 13</time>, "
                 "at 7 p.m. in the council chamber.</p>")
    body = extract_article(URL, html).body
    assert body.endswith("The board will next meet on Monday, May 13, at 7 p.m. in the council chamber.")
    with disabled("inline-times"):
        assert extract_article(URL, html).body.endswith("The board will next meet on , at 7 p.m. in the "
                                                        "council chamber.")


def test_a_schedule_line_keeps_its_day():
    html = _page("<h3>Visitation</h3><p><time datetime='2024-01-18T16:00'>Thursday, January 18, 2024"
                 "</time>, 4:00 PM - 7:00 PM</p><p>Lakeside Funeral Home, 210 Chestnut St.</p>")
    assert "Thursday, January 18, 2024, 4:00 PM - 7:00 PM" in extract_article(URL, html).body


def test_the_date_line_stays_out_of_the_body():
    article = extract_article(URL, _page(""))
    assert article.dateline == "May 1, 2024"
    assert "May 1, 2024" not in article.body and "Published" not in article.body
    assert article.body.startswith(PARAGRAPHS[0][:40])


def test_a_timetables_cells_keep_their_times():
    html = _page("<table><tr><th>School</th><th>Starts</th></tr><tr><td>Millbrook High</td>"
                 "<td><time datetime='07:25'>7:25 a.m.</time></td></tr><tr><td>Lincoln Middle</td>"
                 "<td><time datetime='08:05'>8:05 a.m.</time></td></tr></table>")
    body = extract_article(URL, html).body
    assert "Millbrook High | 7:25 a.m." in body and "Lincoln Middle | 8:05 a.m." in body
