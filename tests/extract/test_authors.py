"""Author rules: persons only; "By", roles and labels stripped; lists split; organisations dropped."""

from __future__ import annotations

from newscrawl.extract import extract_article
from newscrawl.extract.authors import clean_names, is_person, split_names
from newscrawl.extract.rules import disabled


def _page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_by_prefix_and_roles_are_stripped():
    assert split_names("By Jane Doe, Staff Writer") == ["Jane Doe"]
    assert split_names("Von Philipp Wehsack") == ["Philipp Wehsack"]
    assert split_names("Written by Meghan Neville") == ["Meghan Neville"]
    assert split_names("신현주 기자") == ["신현주"]


def test_a_role_printed_before_the_name_is_stripped():
    # "By Staff Writer Jane Doe" was one author, "Staff Writer Jane Doe"
    assert split_names("By Staff Writer Jane Doe") == ["Jane Doe"]
    assert split_names("By Senior Correspondent Jane Doe") == ["Jane Doe"]
    assert split_names("By Editor In Chief") == []  # a role whole, no name after it
    with disabled("authors-roles"):
        assert split_names("By Staff Writer Jane Doe") == ["Staff Writer Jane Doe"]


def test_a_meta_author_that_is_the_titles_site_name_gives_way_to_the_printed_byline():
    # no og:site_name: the site's name is known from the end of its <title>
    text = "<p>" + "El Gobierno aprobó este martes la reforma de las pensiones tras meses de negociación. " * 3 + "</p>"
    page = _page("<title>El Gobierno aprueba la reforma | Diario del Sur</title><meta name='author' content='Diario del Sur'>",
                 f"<article><h1>El Gobierno aprueba la reforma</h1><p class='firma'>Por Lucía Fernández Ortega</p>"
                 f"{text}</article>")
    assert extract_article("https://www.diariodelsur.example/economia/reforma_1.html", page).authors == [
        "Lucía Fernández Ortega"]
    with disabled("authors-not-site"):
        assert extract_article("https://www.diariodelsur.example/economia/reforma_1.html", page).authors == [
            "Diario del Sur"]


def test_lists_of_names_are_split():
    assert clean_names(["A. Smith and B. Jones"]) == ["A. Smith", "B. Jones"]
    assert clean_names(["Felix Schröder und Jörg Soldwisch, dpa"]) == ["Felix Schröder", "Jörg Soldwisch"]
    assert clean_names(["Maria &amp; Katerina"]) == ["Maria", "Katerina"]


def test_a_meta_lines_dots_part_its_items_as_bars_do():
    # "By A and B · Photos by C · Nov. 17, 2024": the second writer was read with the photo
    # credit glued on ("Omar Haddad · Photos by Lena Cho"), no name, and dropped
    line = "By Iris Caldwell and Omar Haddad · Photos by Lena Cho · Nov. 17, 2024"
    assert clean_names([line]) == ["Iris Caldwell", "Omar Haddad"]
    assert clean_names(["By Jane Doe • Updated 3 hours ago"]) == ["Jane Doe"]


def test_a_dot_inside_a_name_parts_nothing():
    # Chinese and Japanese write a foreign or minority name's parts with an unspaced middle dot
    # (艾尔肯·吐尼亚孜, a Uyghur name in a Xinhua byline): only a dot with a space beside it
    # parts a meta line's items
    assert split_names("记者 艾尔肯·吐尼亚孜") == ["艾尔肯·吐尼亚孜"]
    assert split_names("By Anna•Lena Berg") == ["Anna•Lena Berg"]


def test_no_agency_brand_decides_a_name():
    # "Efe" is a Turkish given name, "Ansa" a Finnish one: a list of news agencies' names took
    # their bearers for newsrooms; an agency is its name as the whole credit, or told by general
    # marks (capitals, "Press")
    assert is_person("Efe Kaya")
    assert is_person("Ansa Virtanen")
    assert not is_person("AFP")
    assert clean_names(["Jane Doe", "Associated Press", "EFE"]) == ["Jane Doe"]


def test_a_web_address_of_any_country_is_no_person():
    # the country codes were the data sets' own (de, at, ch, uk, fr...): any two-letter one is a
    # country's, "Delfi.lv" a site as much as "hessenschau.de"
    assert not is_person("Delfi.lv")
    assert not is_person("Index.hu")
    assert is_person("J.R. Smith")  # initials are no address
    # a title run into a name is no address either: a country's code is written in lower case
    assert is_person("Prof.Dr. Hans Müller")
    assert is_person("Dr.Jo Smith")


def test_an_agency_with_another_word_is_no_person():
    # an agency's acronym as written ("Agencia EFE", "Redazione ANSA", "AFP Photo") is an
    # organisation's credit; only as a name word in title case ("Efe Kaya") is it a person's
    for credit in ("Agencia EFE", "Redazione ANSA", "AFP Relaxnews", "AFP Photo", "Jane Doe AP Photo",
                   "Reuters Breakingviews", "dpa-AFX"):
        assert not is_person(credit), credit
    assert clean_names(["Ayşe Nur Efe"]) == ["Ayşe Nur Efe"]  # a surname, not an employer
    assert clean_names(["KEVIN FREKING AP"]) == ["KEVIN FREKING"]


def test_organisations_dropped_when_a_person_is_named():
    assert clean_names(["Jane Doe", "Associated Press", "NDR"]) == ["Jane Doe"]
    assert not is_person("Reuters")  # an agency's name as the whole credit
    assert clean_names(["Jane Doe, Reuters"]) == ["Jane Doe"]
    assert not is_person("hessenschau.de")
    assert not is_person("Insights from")
    assert is_person("Marna van der Merwe")


def test_organisation_kept_when_nobody_is_named():
    html = _page('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", '
                 '"author": {"@type": "Organization", "name": "BBC News"}}</script>',
                 "<article><h1>Council approves the new bridge</h1><p>Text.</p></article>")
    assert extract_article("https://x.example/a", html).authors == ["BBC News"]


def test_jsonld_persons_beat_a_site_wide_meta_author():
    html = _page('<meta name="author" content="Condé Nast">'
                 '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", '
                 '"author": [{"@type": "Person", "name": "Rachel Riederer"}]}</script>',
                 "<article><h1>Council approves the new bridge</h1><p>Text.</p></article>")
    assert extract_article("https://x.example/b", html).authors == ["Rachel Riederer"]


def test_jsonld_graph_references_are_resolved():
    html = _page('<script type="application/ld+json">{"@graph": ['
                 '{"@type": "NewsArticle", "headline": "H", "author": {"@id": "#p1"}},'
                 '{"@type": "Person", "@id": "#p1", "givenName": "Birgit", "familyName": "Baumann"}]}'
                 "</script>", "<article><h1>Council approves the new bridge</h1><p>Text.</p></article>")
    assert extract_article("https://x.example/c", html).authors == ["Birgit Baumann"]


def test_printed_byline_near_the_headline():
    html = _page("", '<article><h1>Council approves the new bridge</h1><div class="byline">By <a href="/author/sara-brown">'
                 "Sara Brown</a></div><p>Text.</p></article>"
                 '<aside><a href="/author/someone-else">Someone Else</a></aside>')
    assert extract_article("https://x.example/d", html).authors == ["Sara Brown"]


def test_reviewer_is_not_an_author():
    html = _page("", "<article><h1>Council approves the new bridge</h1><p>Reviewed by Margaret James</p><p>By Ann Lee</p>"
                 "<p>Text.</p></article>")
    assert extract_article("https://x.example/e", html).authors == ["Ann Lee"]


def test_site_name_is_no_person():
    head = '<meta property="og:site_name" content="Daily Example"><meta name="author" content="Daily Example">'
    # nobody named: the site is credited as written
    html = _page(head, "<article><h1>Council approves the new bridge</h1><p>Text.</p></article>")
    assert extract_article("https://x.example/f", html).authors == ["Daily Example"]
    # a printed byline names a person: the site name goes
    html = _page(head, '<article><h1>Council approves the new bridge</h1><p class="byline">By Ann Lee</p><p>Text.</p></article>')
    assert extract_article("https://x.example/g", html).authors == ["Ann Lee"]


def test_a_team_credited_by_the_date_is_named_without_by_and_a_bare_role_credits_nobody():
    """Found by a stranger: "May 1, 2024 · By Staff" gave the author "By Staff"."""
    text = "".join(f"<p>The council agreed the harbour plan by seven votes to two, paragraph {i}.</p>"
                   for i in range(6))

    def authors(meta: str) -> list[str]:
        html = _page("", f"<h1>Harbour plan agreed</h1><p class='meta'>{meta}</p>{text}")
        return extract_article("https://x.example/news/2024/05/01/harbour", html).authors

    assert authors("May 1, 2024 · By Podium Staff") == ["Podium Staff"]
    assert authors("May 1, 2024 · By Staff") == []
    assert authors("May 1, 2024 · By Staff Reporter") == []
    assert authors("By Jane Doe · May 1, 2024") == ["Jane Doe"]


def test_a_title_with_and_in_it_is_the_persons_title_whole():
    # a stranger's byline: "Government and data reporter" came out as an author, "Government"
    assert clean_names(["By Kevin Marsh, Government and data reporter"]) == ["Kevin Marsh"]
    assert clean_names(["Kevin Marsh | Health and science correspondent"]) == ["Kevin Marsh"]
    assert clean_names(["By Jane Doe, Food and Drink Editor, and John Roe, Politics reporter"]) == ["Jane Doe", "John Roe"]
    # a name after "and" is still a name, and the words after a title are still its own
    assert clean_names(["By Jane Doe, Reporter and John Roe"]) == ["Jane Doe", "John Roe"]
    assert clean_names(["Jane Doe, Senior Director, Content & Marketing"]) == ["Jane Doe"]
    # a second stranger's: a name before "and" is a second author, not part of a title
    assert clean_names(["By Kevin Marsh, Ana Ruiz and Herald staff"]) == ["Kevin Marsh", "Ana Ruiz"]
    with disabled("authors-roles"):
        assert "Government" in clean_names(["By Kevin Marsh, Government and data reporter"])


def test_a_note_in_brackets_after_a_name_is_no_part_of_it():
    """A place or a role in brackets, commas and all, and a newsroom's initials ("(obe)")."""
    assert split_names("Par Jane Roe (Marseille, correspondante)") == ["Jane Roe"]
    assert clean_names(["By Jane Roe (Washington, correspondent)"]) == ["Jane Roe"]
    html = _page('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", "author": '
                 '[{"@type": "Person", "name": "Elena Oberholzer (obe)"}, '
                 '{"@type": "Person", "name": "Oliver Maksan (oma)"}]}</script>',
                 "<article><h1>Council approves the new bridge</h1><p>Text.</p></article>")
    assert extract_article("https://x.example/a", html).authors == ["Elena Oberholzer", "Oliver Maksan"]


def test_a_credit_for_the_story_and_its_photos_names_the_author():
    # "Story and photos by Gary Lindqvist" credited "Story"
    from newscrawl.extract.authors import clean_names, has_byline_prefix, split_names

    assert clean_names(split_names("Story and photos by Gary Lindqvist")) == ["Gary Lindqvist"]
    assert clean_names(split_names("Text & Photos by Gary Lindqvist")) == ["Gary Lindqvist"]
    # "Text:" stays no byline opener: "Text: HELP to 55555 for alerts" credited "HELP to"
    assert not has_byline_prefix("Text: HELP to 55555 for alerts")
    assert clean_names(split_names("Photos by Gary Lindqvist")) != ["Gary Lindqvist"]  # a photo credit


_STORY = ("<html lang=en><head><title>Rail story</title><meta property=og:type content=article></head>"
          "<body>{before}<article><h1>Rail story</h1>{byline}" +
          "".join(f"<p>Paragraph {i}: residents gathered on Friday as officials described the plan in "
                  "detail, saying work would begin next year.</p>" for i in range(6)) +
          "</article>{after}</body></html>")


def test_the_site_headers_author_link_is_not_the_articles_byline():
    page = _STORY.format(before='<header><a href="/author/jane/">Jane</a></header>',
                         byline='<p>By <a href="/author/tom-hill/">Tom Hill</a></p>', after="")
    assert extract_article("https://x.example/news/rail", page).authors == ["Tom Hill"]
    # the article's own header holds its byline
    page = _STORY.format(before="", byline="", after="").replace(
        "<h1>Rail story</h1>", '<header><h1>Rail story</h1><a href="/author/tom-hill/">Tom Hill</a></header>')
    assert extract_article("https://x.example/news/rail", page).authors == ["Tom Hill"]


def test_a_sidebar_of_the_sites_writers_names_no_author():
    columnists = ('<aside><h3>Our columnists</h3><ul><li><a href="/author/mary-jones/">Mary Jones</a></li>'
                  '<li><a href="/author/bob-smith/">Bob Smith</a></li></ul></aside>')
    page = _STORY.format(before="", byline="", after=columnists)
    assert extract_article("https://x.example/news/rail", page).authors == []


_TEXT = "<p>" + "The council met on Tuesday to talk about the bridge and the roads that lead to it. " * 4 + "</p>"


def test_a_byline_beside_the_headline_in_a_title_wrapper_is_read():
    # a theme's wrapper around its title and byline ("title-wrap") is the article's header, not
    # a block whose names are someone else's
    body = ("<article><div class='title-wrap'><h1>Bridge plan approved</h1>"
            "<span class='byline'>Jane Doe</span></div>" + _TEXT * 4 + "</article>")
    page = _page("<title>Bridge plan approved</title>", body)
    assert extract_article("https://x.example/news/bridge-plan", page).authors == ["Jane Doe"]


def test_one_publishers_own_meta_name_is_not_read():
    # <meta name="byl"> is one newspaper's own byline tag: the standard author tags are read
    page = _page("<title>Bridge plan approved</title><meta name='byl' content='By Jane Doe'>",
                 "<article><h1>Bridge plan approved</h1>" + _TEXT * 4 + "</article>")
    assert extract_article("https://x.example/news/bridge-plan", page).authors == []


def test_a_byline_classed_in_the_sites_language_is_read_and_a_word_beginning_alike_is_not():
    # "auteur" (Dutch, French), "autor" (Spanish, German, Polish), "autore" (Italian) name the
    # byline as "author" does; "autoresize" is no author's word, nor "hauteur" (French: a height)
    for word in ("auteur", "story-autor", "autore-nome"):
        body = (f"<article><h1>Bridge plan approved</h1><span class='{word}'>Sanne de Vries</span>"
                + _TEXT * 4 + "</article>")
        page = _page("<title>Bridge plan approved</title>", body)
        assert extract_article("https://x.example/news/bridge-plan", page).authors == ["Sanne de Vries"], word
    body = ("<article><h1>Bridge plan approved</h1><span class='autoresize'>Sanne de Vries</span>"
            "<div class='hauteur-fixe'>Piet Bakker</div>"
            + _TEXT * 4 + "</article>")
    page = _page("<title>Bridge plan approved</title>", body)
    assert extract_article("https://x.example/news/bridge-plan", page).authors == []


def test_a_class_holding_a_byline_word_in_another_word_is_no_byline_beside_a_real_one():
    # the page's "autor" token was looked for with contains(@class, ...), which also found the
    # "autoresize" field: its text was read as a second author
    body = ("<article><h1>Bridge plan approved</h1><span class='autor'>Sanne de Vries</span>"
            "<span class='autoresize'>Piet Bakker</span>" + _TEXT * 4 + "</article>")
    page = _page("<title>Bridge plan approved</title>", body)
    assert extract_article("https://x.example/news/bridge-plan", page).authors == ["Sanne de Vries"]
