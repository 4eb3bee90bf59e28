"""Sitemaps as sites write them (newscrawl/discovery/sitemaps.py): bare ampersands in their URLs
and relative `<loc>`s, which the protocol forbids and sites print all the same."""

from __future__ import annotations

from newscrawl.discovery.sitemaps import read_sitemap, robots_sitemaps

URLSET = b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'


def test_bare_ampersands_keep_every_url_of_the_sitemap_whole():
    """`?a=1&b=2` left unescaped came out as `?a=1=2`, and every well-escaped `&amp;` after it
    lost its ampersand (`?p=7lang=en`): the crawl fetched and wrote URLs the site never listed."""
    body = URLSET + (b"<url><loc>https://a.example/story?a=1&b=2</loc></url>"
                     b"<url><loc>https://a.example/news?p=7&amp;lang=en</loc></url>"
                     b"<url><loc><![CDATA[https://a.example/cdata?x=1&y=2]]></loc></url>"
                     b"<url><loc>https://a.example/caf&#233;?n=1&#38;m=2</loc></url></urlset>")
    assert [e.url for e in read_sitemap(body).entries] == [
        "https://a.example/story?a=1&b=2", "https://a.example/news?p=7&lang=en",
        "https://a.example/cdata?x=1&y=2", "https://a.example/café?n=1&m=2"]


def test_relative_locs_are_resolved_against_the_sitemap_url():
    """A sitemap index's `<loc>/sm3.xml</loc>` raised `Missing scheme in request url` in the
    spider's callback (a traceback, and the index's later sitemaps were never fetched)."""
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>/sm3.xml</loc></sitemap><sitemap><loc>http://[broken</loc></sitemap>"
             b"<sitemap><loc> https://a.example/sm4.xml </loc></sitemap></sitemapindex>")
    document = read_sitemap(index, base_url="https://a.example/maps/index.xml")
    assert [e.url for e in document.entries] == ["https://a.example/sm3.xml", "https://a.example/sm4.xml"]
    urlset = read_sitemap(URLSET + b"<url><loc>2026/12/01/story/</loc></url></urlset>",
                          base_url="https://a.example/news/sitemap.xml")
    assert [e.url for e in urlset.entries] == ["https://a.example/news/2026/12/01/story/"]


def test_robots_txt_lines_that_name_no_http_url_are_skipped_and_the_others_kept():
    """`Sitemap: http://[broken/` raised ValueError in the spider's robots.txt callback (a
    traceback, and the next lines' sitemaps were lost); an empty `Sitemap:` named robots.txt
    itself as a sitemap, and `ftp:` one the crawl would have fetched over FTP."""
    body = (b"User-agent: *\nSitemap: http://[broken/map.xml\nSitemap:\nSitemap: ftp://a.example/m.xml\n"
            b"Sitemap: http://a.example:99999/m.xml\nSitemap: /news-sitemap.xml\n")
    assert robots_sitemaps(body, "https://a.example/robots.txt") == ["https://a.example/news-sitemap.xml"]
