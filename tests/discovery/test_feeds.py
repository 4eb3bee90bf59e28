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
