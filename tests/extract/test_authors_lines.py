"""Author rules for bylines printed as plain lines near the headline (themes that mark nothing)."""

from __future__ import annotations

from newscrawl.extract import extract_article
from newscrawl.extract.authors import is_person, split_names, team_credit
from newscrawl.extract.rules import disabled


def _article(header: str, head: str = "") -> str:
    prose = "<p>" + "The council met on Tuesday to discuss the plans for the bridge. " * 4 + "</p>"
    return (f"<html><head>{head}</head><body><article><h1>Council approves the new bridge</h1>"
            f"{header}{prose}</article></body></html>")


def _authors(header: str, head: str = "") -> list[str]:
    return extract_article("https://x.example/a", _article(header, head)).authors


def test_colon_after_the_byline_word():
    assert split_names("Written by:Ann Lee") == ["Ann Lee"]


def test_date_after_the_name_in_a_byline_line():
    assert _authors("<p>By <a href='/p/ann'>Ann Lee</a> December 2, 2025</p>") == ["Ann Lee"]
    assert _authors("<div><b>By Ann Lee</b> - Mar 27, 2024</div>") == ["Ann Lee"]


def test_credit_inside_a_longer_header_line():
    assert _authors("<p>Posted on December 18, 2025 Posted by Ann Lee 59 Comments</p>") == ["Ann Lee"]
    assert _authors("<p>March 15, 2022 · 3 min read · By Ann Lee</p>") == ["Ann Lee"]


def test_a_credit_right_after_the_date_in_one_text():
    """WordPress themes print "Posted on DATE by NAME" as one line of plain text."""
    assert _authors("<p>Posted on March 3, 2024 by Ann Lee</p>") == ["Ann Lee"]
    assert _authors("<p>Am 3. März 2024 von Anna Huber</p>") == ["Anna Huber"]
    assert _authors("<p>Publié le 3 mars 2024 par Anne Dubois</p>") == ["Anne Dubois"]
    assert _authors("<p>March 3, 2024 by Staff</p>") == []  # a credit, no person
    assert _authors("<p>Posted on March 5, 2024 at 9:14 am by Ann Lee</p>") == ["Ann Lee"]
    # Drupal 7's default byline
    assert _authors("<p>Submitted by Dana Whitfield on Wed, 03/20/2024 - 09:15</p>") == ["Dana Whitfield"]
    # a CMS's default account credits nobody
    assert _authors("<p>Posted on March 6, 2024 by admin</p>") == []


def test_a_credit_after_a_clock_time_or_a_dash_in_the_date_line():
    """A credit follows a 24-hour or "10h15" time as it follows a year, and a dash between spaces
    parts a meta line's items as a bullet or a bar does (a stranger's pages)."""
    assert _authors("<p>Publié le 5 avril 2024 à 10h15 par Jean Dupont</p>") == ["Jean Dupont"]
    assert _authors("<p>Posted on 5 April 2024 at 14:30 by Ann Lee</p>") == ["Ann Lee"]
    german = "<div class='byline'>Veröffentlicht am 7. März 2024, 14:30 Uhr – Von Klaus-Dieter Müller</div>"
    page = extract_article("https://x.example/a", _article(german).replace("<html>", "<html lang='de'>"))
    assert page.authors == ["Klaus-Dieter Müller"]
    assert page.dateline == "Veröffentlicht am 7. März 2024, 14:30 Uhr"


def test_each_item_of_a_meta_line_credits_apart():
    """"Updated by" credits an editor in its own item: the "By" item beside it is the byline."""
    assert _authors("<p>Updated: April 20, 2024 | Published: April 2, 2024 | By Lisa Ray</p>") == ["Lisa Ray"]
    assert _authors("<p>Updated by Sam Editor · By Lisa Ray</p>") == ["Lisa Ray"]
    assert _authors("<p>Updated by Sam Editor on April 20, 2024</p>") == []


def test_a_credit_after_a_date_in_the_pages_language_leaves_the_date_readable():
    spanish = ("<html lang='es'><head></head><body><main><h1>El ayuntamiento aprueba el plan</h1>"
               "<p class='meta'>Publicado el 3 de marzo de 2024 por María González Pérez</p>"
               f"<p>{'El pleno del ayuntamiento aprobó este domingo el nuevo plan de movilidad urbana. ' * 5}</p>"
               "</main></body></html>")
    page = extract_article("https://x.example/plan", spanish)
    assert page.published == "2024-03-03"
    assert page.authors == ["María González Pérez"]


def test_the_dates_weekday_is_no_name():
    # Drupal's byline: "By NAME, Tue, 04/09/2024 - 14:22"
    assert _authors("<p>By <span class='username'>Tom Kowalczyk</span>, Tue, 04/09/2024 - 14:22</p>") \
        == ["Tom Kowalczyk"]
    assert not is_person("Tue") and not is_person("Sunday")


def test_trailing_colon_is_no_byline():
    assert _authors("<p>Share:</p><p>Below, we review the plans:</p>") == []


def test_name_line_above_the_date_line():
    assert _authors("<div><div>Ann Lee</div><div>Jul 18, 2025</div></div>") == ["Ann Lee"]
    assert _authors("<div><div>Ann Lee</div><div>Tech Writer</div></div>") == ["Ann Lee"]
    # a section title after the date is no byline
    assert _authors("<div>Dec 10</div><h2>Cautionary Tale</h2>") == []


def test_team_credit_kept_as_written():
    assert _authors("<p>By The Currency editors</p>") == ["The Currency editors"]
    assert _authors("<p>By Resy Staff</p>") == ["Resy Staff"]
    assert split_names("Jane Doe, Staff Writer") == ["Jane Doe"]
    assert _authors("<p>By ASU Online, in News, Business</p>") == ["ASU Online"]


def test_person_publisher_is_no_site_name():
    head = ('<script type="application/ld+json">{"@type": "BlogPosting", "headline": "H", '
            '"author": {"@type": "Person", "name": "Ann Lee"}, '
            '"publisher": {"@type": "Person", "name": "Ann Lee"}}</script>')
    assert _authors("", head) == ["Ann Lee"]


def test_words_after_a_role_are_no_names():
    assert split_names("Jane Doe, Senior Director, Content & Marketing") == ["Jane Doe"]
    assert split_names("Ann Lee, Certified Pediatric Sleep Consultant") == ["Ann Lee"]
    assert split_names("A. Smith and B. Jones") == ["A. Smith", "B. Jones"]


def test_a_hyphenated_name_is_one_name():
    assert split_names("Jean-Luc Picard") == ["Jean-Luc Picard"]


def test_interface_labels_are_no_names():
    assert not is_person("Learn More")
    assert not is_person("Filed Under")
    assert is_person("Matt Check")


def test_author_box_far_from_the_headline():
    prose = "<p>" + "The council met on Tuesday to discuss the plans for the bridge. " * 4 + "</p>"
    filler = "".join(f"<p>Paragraph {i} of the story about the bridge and its cost.</p>" for i in range(450))
    html = (f"<html><body><article><h1>Council approves the new bridge</h1>{prose}{filler}</article>"
            '<div class="post-author"><p class="authorName">Ann Lee</p></div></body></html>')
    assert extract_article("https://x.example/box", html).authors == ["Ann Lee"]


def test_site_first_word_in_a_meta_tag_is_no_person():
    head = '<meta property="og:site_name" content="Quillfeed Signal"><meta name="author" content="Quillfeed">'
    assert _authors('<p class="byline">By Ann Lee</p>', head) == ["Ann Lee"]


def test_team_credits_printed_as_lines():
    assert team_credit("The Upwork Team") and not team_credit("the team behind the bridge")
    assert _authors("<p>Written by</p><p>The Example Team</p>") == ["The Example Team"]
    assert _authors("<div>The Example Team</div><div>Published</div><div>Oct 10, 2025</div>") == \
        ["The Example Team"]
    assert _authors("<p>Ann Lee | October 15, 2025</p>") == ["Ann Lee"]


def test_name_line_with_its_section_or_date_in_parts():
    assert _authors("<div><div>Ann Lee in seo</div><div>Dec 10</div></div>") == ["Ann Lee"]
    assert _authors("<p>Dec 26, 2025 • Ann Lee in Project Management</p>") == ["Ann Lee"]


def test_by_after_a_numeric_date():
    assert _authors("<p>03/01/2017 by Ann Lee, Staff Writer</p>") == ["Ann Lee"]


def test_contributors_label():
    assert split_names("Contributors: Ann Lee") == ["Ann Lee"]


def test_label_before_a_marked_name_says_whose_credit_it_is():
    html = ('<div class="byline">By <a href="/author/ann-lee">Ann Lee</a></div>'
            '<div class="byline-extra">Contributions From: <a href="/author/bo-ray">Bo Ray</a></div>'
            '<div class="byline-extra"><span>Reviewed by</span> <a href="/author/cy-tam">Cy Tam</a></div>')
    assert _authors(html) == ["Ann Lee"]


def test_single_words_after_a_full_name_in_a_marked_byline():
    html = ('<div class="author-name"><a href="/author/ann-lee">Ann Lee</a></div>'
            '<div class="author-dept">Research &amp; Development</div>')
    assert _authors(html) == ["Ann Lee"]


def test_byline_labels_of_other_languages():
    # a stranger's pages in Russian, Turkish, Indonesian, Polish and Chinese lost their authors
    assert _authors("<div><span>Автор: Елена Смирнова</span></div>") == ["Елена Смирнова"]
    assert _authors("<p>Yazar: Ayşe Yılmaz</p>") == ["Ayşe Yılmaz"]
    assert _authors("<p>Penulis: Rina Kartika | Editor: Budi Santoso</p>") == ["Rina Kartika"]
    assert _authors("<p>oprac. Piotr Wiśniewski</p>") == ["Piotr Wiśniewski"]
    assert _authors("<p>记者：陈静</p>") == ["陈静"]


def test_a_reporters_title_after_the_name_makes_a_byline():
    header = "<div><span class='writer'>박지영 기자</span> <span>기사입력 2026-12-01 10:20</span></div>"
    assert _authors(header) == ["박지영"]
    with disabled("authors-title-suffix"):
        assert _authors(header) == []
    # the title inside a sentence ("기자가", a reporter who...) is no byline
    assert _authors("<p>한 기자가 현장을 찾았다</p>") == []


def test_a_first_name_that_is_a_byline_word_elsewhere_stays():
    # "Oleh" opens Indonesian bylines ("Oleh: Rina Kartika") and is a Ukrainian first name
    assert _authors("<p>Oleh: Rina Kartika</p>") == ["Rina Kartika"]
    assert _authors("<p>By <a rel='author' href='/a/oleh'>Oleh Sukhov</a></p>") == ["Oleh Sukhov"]


def test_a_commenters_name_above_the_comments_date_is_no_byline():
    """A stranger's undated article without a byline: the first reader comment under it printed a
    name above a date, which read as the byline's name-above-the-date."""
    comments = ("<section id='comments' class='comments-area'><h2>3 comments</h2><ol class='comment-list'>"
                "<li class='comment'><div class='comment-author'>Bob Reader</div>"
                "<div class='comment-meta'>January 10, 2025 at 8:00 am</div><p>Great article, thanks.</p></li>"
                "</ol></section>")
    prose = "<p>" + "The council met on Tuesday to discuss the plans for the bridge. " * 4 + "</p>"
    page = (f"<html><head></head><body><main><h1>Council approves the new bridge</h1>{prose}</main>"
            f"{comments}</body></html>")
    assert extract_article("https://x.example/a", page).authors == []
    # the same name and date in the article's header are its byline
    header = page.replace(f"</h1>{prose}", f"</h1><p>Bob Reader</p><p>January 10, 2025</p>{prose}")
    assert extract_article("https://x.example/a", header).authors == ["Bob Reader"]


def test_a_date_label_after_the_name_ends_the_byline():
    # the label of the date that follows is no part of the name ("Jo Park Published" was credited)
    assert _authors("<div class='story-meta'><span>By Jo Park</span> <span>Published December 3, 2026</span></div>") \
        == ["Jo Park"]
    assert _authors("<p class='meta'>By Jo Park <time datetime='2026-12-03'>Updated December 3, 2026</time></p>") \
        == ["Jo Park"]
    assert _authors("<p>Von Anna Huber Aktualisiert am 3. Dezember 2026</p>") == ["Anna Huber"]


def test_first_and_originally_published_and_other_languages_labels_end_the_byline():
    assert _authors("<p>By Jo Park First published December 3, 2026</p>") == ["Jo Park"]
    assert _authors("<p>By Jo Park Originally published December 3, 2026</p>") == ["Jo Park"]
    assert _authors("<p>Por João Silva Atualizado em 3 de dezembro de 2026</p>") == ["João Silva"]
    assert _authors("<p>Door Jan de Vries Gepubliceerd op 3 december 2026</p>") == ["Jan de Vries"]
