"""Feeds as sites write them (newscrawl/discovery/feeds.py): bare ampersands and HTML's named
characters, which XML does not define, in links and titles."""

from __future__ import annotations

from newscrawl.discovery.feeds import read_feed


def test_bare_ampersands_and_html_names_keep_links_and_titles_whole():
    """`<link>...?a=1&b=2</link>` came out as `?a=1=2`, every `&amp;` after it was dropped
    (`?p=7lang=en`), and a title's `Q&A` or `&nbsp;` lost its characters."""
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
            b"<item><title>Q&A: the harbour&nbsp;plan</title><link>https://a.example/s?a=1&b=2</link></item>"
            b"<item><title><![CDATA[Tom & Jerry &amp; co]]></title>"
            b"<link>https://a.example/news?p=7&amp;lang=en</link></item></channel></rss>")
    entries = read_feed(body, "https://a.example/feed/")
    assert [(e.url, e.title) for e in entries] == [
        ("https://a.example/s?a=1&b=2", "Q&A: the harbour\xa0plan"),
        ("https://a.example/news?p=7&lang=en", "Tom & Jerry &amp; co")]


def test_an_entry_that_names_no_url_is_skipped_and_the_others_kept():
    """One `<link>http://[broken/</link>` raised ValueError from read_feed: the spider's callback
    ended with a traceback and every other entry of the feed was lost."""
    rss = (b'<rss version="2.0"><channel><item><link>http://[broken/</link></item>'
           b"<item><link>mailto:desk@a.example</link></item><item><link>/news/ok</link></item></channel></rss>")
    assert [e.url for e in read_feed(rss, "https://a.example/feed/")] == ["https://a.example/news/ok"]
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="http://[x/"/></entry>'
            b'<entry><link href="/news/ok2"/></entry></feed>')
    assert [e.url for e in read_feed(atom, "https://a.example/atom.xml")] == ["https://a.example/news/ok2"]
