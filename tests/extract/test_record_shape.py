"""The record's shape (issue 15, item 5): `published` keeps the page's seconds and offset, a page
that dates no article gets no date, `dateline` is the date line alone, each `noise` string one
printed item."""

from __future__ import annotations

from pathlib import Path

from newscrawl.extract import extract_article

REPO = Path(__file__).resolve().parents[2]
TEXT = "<p>" + "The board met on Wednesday and agreed the plan after a long debate. " * 8 + "</p>"


def _page(head: str, body: str) -> str:
    return f"<html lang='en'><head><title>Plan agreed</title>{head}</head><body>{body}</body></html>"


def test_published_keeps_the_seconds_and_offset_of_the_source_that_gives_them() -> None:
    # JSON-LD has the local time with its offset; one meta tag writes the same wall clock as UTC,
    # another without any offset: the wall clocks agree, and only JSON-LD tells the moment
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Plan agreed", '
            '"datePublished": "2025-01-29T18:10:07.780602-0500"}</script>'
            '<meta property="article:published_time" content="2025-01-29T18:10:00Z">'
            '<meta name="sailthru.date" content="2025-01-29 18:10">')
    article = extract_article("https://example.com/plan", _page(head, f"<article><h1>Plan agreed</h1>{TEXT}</article>"))
    assert article.published == "2025-01-29T18:10:07-05:00"


def test_a_time_without_offset_stays_as_the_page_gives_it() -> None:
    head = '<meta property="article:published_time" content="2025-01-29T18:10:07">'
    article = extract_article("https://example.com/plan", _page(head, f"<article><h1>Plan agreed</h1>{TEXT}</article>"))
    assert article.published == "2025-01-29T18:10:07"


def test_a_top_bar_date_above_the_headline_is_no_publication_date() -> None:
    # (a date one or two lines above the headline is a kicker's: the top bar sits above the menu)
    body = ("<div class='top-bar'><div>Friday, April 26, 2024</div></div><nav><ul><li>Home</li><li>World</li>"
            f"<li>Business</li><li>Sport</li></ul></nav><h1>About us</h1>{TEXT}")
    assert extract_article("https://example.com/about/", _page("", body)).published is None


def test_a_date_printed_below_the_headline_is_still_found() -> None:
    body = ("<div class='top-bar'><div>Friday, April 26, 2024</div></div>"
            f"<h1>Plan agreed</h1>{TEXT}<p>Filed on March 3, 2024 by the desk.</p>")
    article = extract_article("https://example.com/plan", _page("", body))
    assert (article.published or "").startswith("2024-03-03")


def test_the_demo_sites_about_page_has_no_date_and_its_articles_keep_theirs() -> None:
    about = (REPO / "fixtures" / "demo" / "about" / "index.html").read_text("utf-8")
    assert extract_article("https://demo.example/about/", about).published is None
    path = REPO / "fixtures" / "demo" / "2023" / "03" / "09" / "ferry-operator-adds-third-vessel" / "index.html"
    story = extract_article("https://demo.example/2023/03/09/ferry-operator-adds-third-vessel/", path.read_text("utf-8"))
    assert story.published == "2023-03-09T11:10:00-05:00"


def _dateline(meta: str) -> str | None:
    body = f"<article><h1>Plan agreed</h1><div class='meta'>{meta}</div>{TEXT}</article>"
    return extract_article("https://example.com/plan", _page("", body)).dateline


def test_the_dateline_is_the_element_that_prints_the_date_not_the_byline_beside_it() -> None:
    meta = "<address><span>By <a href='/a/'>Korin Miller</a></span><time>Published: Jan 29, 2025</time></address>"
    assert _dateline(meta) == "Published: Jan 29, 2025"


def test_the_dateline_leaves_out_reading_and_relative_times_after_a_separator() -> None:
    assert _dateline("<p>Jan 29, 2025 • Last updated 1 hour ago • 4 minute read</p>") == "Jan 29, 2025"
    assert _dateline("<p>by <a href='/a/'>Amanda</a> · Dec 20, 2025 at 3:00 am · <a href='#c'>One comment</a></p>") \
        == "Dec 20, 2025 at 3:00 am"


def test_the_dateline_leaves_out_a_credit_in_the_same_text() -> None:
    assert _dateline("<p>Posted on March 3, 2024 by Ann Lee</p>") == "Posted on March 3, 2024"
    assert _dateline("<p>Am 3. März 2024 von Anna Huber</p>") == "Am 3. März 2024"
    assert _dateline("<p>By Ann Lee, March 3, 2024</p>") == "March 3, 2024"
    assert _dateline("<p>By Ann Lee, March 3, 2024, by staff</p>") == "March 3, 2024"
    assert _dateline("<p>Posted on March 5, 2024 at 9:14 am by Ann Lee</p>") == "Posted on March 5, 2024 at 9:14 am"
    assert _dateline("<p>Posted by Peter Bell on August 21, 2019</p>") == "August 21, 2019"


def test_a_dateline_whose_time_sits_in_another_item_keeps_both() -> None:
    assert _dateline("<p>19 November 2019 • 1:16pm</p>") == "19 November 2019 • 1:16pm"
    assert _dateline("<p><span>Jan 29,</span> <span>2025</span></p>") == "Jan 29, 2025"


def test_each_noise_string_is_one_printed_item() -> None:
    from newscrawl.extract.document import parse_html
    from newscrawl.extract.noise import printed_items

    tree = parse_html("<div class='social'><div><span class='n'>69</span><span>Followers</span>"
                      "<span><a href='#'>Follow</a></span></div><div><span>Welcome!</span>Log in</div></div>")
    assert printed_items(tree.find(".//div[@class='social']")) == ["69 Followers", "Follow", "Welcome! Log in"]


def test_a_canonical_naming_the_home_page_is_not_an_articles_address():
    page = ("<html><head><title>Rail line reopens</title>{tag}</head><body><article><h1>Rail line "
            "reopens</h1><p>" + "The rail line reopened on Monday after two years of works. " * 8 +
            "</p></article></body></html>")
    url = "https://x.example/news/2024/05/rail-line-reopens"
    cases = {'<link rel="canonical" href="/">': url,
             '<link rel="canonical" href="https://x.example/index.php">': url,
             '<meta property="og:url" content="https://x.example/">': url,
             '<link rel="canonical" href="/"><meta property="og:url" content="/news/rail">':
                 "https://x.example/news/rail",
             '<link rel="canonical" href="/news/rail?id=7">': "https://x.example/news/rail?id=7"}
    for tag, expected in cases.items():
        assert extract_article(url, page.format(tag=tag)).canonical_url == expected, tag
    # the home page itself may well say so
    home = extract_article("https://x.example/?", page.format(tag='<link rel="canonical" href="/">'))
    assert home.canonical_url == "https://x.example/"


def test_the_image_is_an_absolute_url_as_the_canonical_is() -> None:
    """An og:image written relative to the page ("../img/dam.jpg", "/uploads/dam.jpg") is read
    against the page's URL: the record's image can be fetched as it stands."""
    url = "https://daily.example/2024/05/01/dam-opens/"
    body = f"<article><h1>Plan agreed</h1>{TEXT}</article>"
    cases = {"../img/dam.jpg": "https://daily.example/2024/05/01/img/dam.jpg",
             "/uploads/dam.jpg": "https://daily.example/uploads/dam.jpg",
             "//cdn.example/dam.jpg": "https://cdn.example/dam.jpg",
             " https://cdn.example/dam.jpg ": "https://cdn.example/dam.jpg"}
    for written, expected in cases.items():
        head = f'<meta property="og:image" content="{written}">'
        assert extract_article(url, _page(head, body)).image == expected, written
    assert extract_article(url, _page('<meta property="og:image" content="  ">', body)).image is None


def test_addresses_are_written_as_given_not_decoded_as_entities() -> None:
    """A query parameter named like an HTML entity ("&copy=1", "&lang=en") is a parameter: the
    record's url named another page ("?p=3〈=en©=1") when its text was entity-decoded."""
    url = "https://daily.example/story/?p=3&lang=en&copy=1&sect=2"
    head = '<meta property="og:image" content="https://cdn.example/img?w=800&amp;copy=1">'
    article = extract_article(url, _page(head, f"<article><h1>Plan agreed</h1>{TEXT}</article>"))
    assert article.url == url and article.image == "https://cdn.example/img?w=800&copy=1"


def test_two_time_elements_side_by_side_are_two_items() -> None:
    """"1:30 a.m. PT" and "Updated ..." in two <time>s written without a space between them
    read as one line "... a.m. PTUpdated ...": no date could be read in it, and the top bar's
    "today" dated the page. A <time> is one item of its own."""
    from datetime import UTC, datetime

    from lxml.html import fragment_fromstring

    from newscrawl.extract import extract_page
    from newscrawl.extract.lines import text_lines

    meta = ("<div class='meta'><time>Published December 3, 2026, 1:30 a.m. PT</time>"
            "<time>Updated December 3, 2026, 7:02 a.m. PT</time></div>")
    assert text_lines(fragment_fromstring(meta)) == [
        "Published December 3, 2026, 1:30 a.m. PT Updated December 3, 2026, 7:02 a.m. PT"]
    page = _page("", "<div class='topbar'><span>Tuesday, December 8, 2026</span></div>"
                     f"<h1>Plan agreed after a long debate</h1>{meta}{TEXT}")
    article = extract_page("https://news.example/politics/plan-agreed", page,
                           fetched_at=datetime(2026, 12, 8, 12, tzinfo=UTC)).article
    assert article.published == "2026-12-03T01:30:00-08:00"
    assert article.dateline == "Published December 3, 2026, 1:30 a.m. PT"


def test_the_date_in_a_sites_top_bar_is_widget_noise() -> None:
    """The top bar's "today" date is a widget's, whatever the theme calls its parts (a stranger's
    pages: "top-bar__date", a CSS module's "TopBar_date__1sX9k", "date-today"): it goes to
    `noise`, and never dates the page."""
    for top_bar in ("<div class='top-bar'><span class='top-bar__date'>Tuesday, December 8, 2026</span></div>",
                    "<div class='TopBar_bar__x1'><span class='TopBar_date__1sX9k'>Tuesday, December 8, 2026</span></div>",
                    "<div class='masthead'><span class='date-today'>Tuesday, December 8, 2026</span></div>"):
        page = _page("", f"{top_bar}<h1>Plan agreed after a long debate</h1>{TEXT}")
        article = extract_article("https://news.example/politics/plan-agreed", page)
        assert article.noise == ["Tuesday, December 8, 2026"], top_bar
        assert article.published is None and article.dateline is None, top_bar


def test_a_time_element_is_no_word_apart_from_the_punctuation_after_it() -> None:
    """A <time> is one item, but not a word apart from what is glued to it as one: "Published
    <time>May 3</time>, 2019" read "May 3 , 2019", which no date parser read (the page lost its
    dateline), and "<time>May 3, 2019</time>, 10:30" became a dateline "May 3, 2019 , 10:30"."""
    from datetime import UTC, datetime

    from lxml.html import fragment_fromstring

    from newscrawl.extract import extract_page
    from newscrawl.extract.lines import text_lines

    def lines(html: str) -> list[str]:
        return text_lines(fragment_fromstring(f"<div>{html}</div>"))

    assert lines("Published <time>May 3</time>, 2019") == ["Published May 3, 2019"]
    assert lines("<time>May 3, 2019</time>, 10:30 a.m.") == ["May 3, 2019, 10:30 a.m."]
    assert lines("By Jane Doe (<time>May 3, 2019</time>)") == ["By Jane Doe (May 3, 2019)"]
    assert lines("Posted <time>3</time>rd May 2019") == ["Posted 3rd May 2019"]
    assert lines("Posted on<time>May 3, 2019</time>Updated") == ["Posted on May 3, 2019 Updated"]
    assert lines("<time>1:30 a.m.</time><time>Updated 7:02 a.m.</time>") == ["1:30 a.m. Updated 7:02 a.m."]
    fetched = datetime(2020, 1, 1, tzinfo=UTC)
    for meta, dateline in (("Published <time datetime='2019-05-03'>May 3</time>, 2019", "Published May 3, 2019"),
                           ("<time>May 3, 2019</time>, 10:30 a.m.", "May 3, 2019, 10:30 a.m.")):
        page = _page("", f"<h1>Plan agreed after a long debate</h1><p class='meta'>{meta}</p>{TEXT}")
        article = extract_page("https://news.example/politics/plan-agreed", page, fetched_at=fetched).article
        assert article.dateline == dateline and article.published.startswith("2019-05-03")
