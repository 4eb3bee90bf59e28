"""A feed, a sitemap or JSON is told from an HTML page (newscrawl/discovery/documents.py): by its
root element, as discovery reads them, or by its Content-Type; XHTML stays a page."""

from __future__ import annotations

import pytest

from newscrawl.discovery.documents import not_a_page

RSS = b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>F</title></channel></rss>'
XHTML = (b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
         b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">'
         b'<head><title>A story</title></head><body><p>Words.</p></body></html>')


@pytest.mark.parametrize(("body", "content_type", "what"), [
    (RSS, b"application/xml", "an RSS feed"),
    (b"\xef\xbb\xbf\n  " + RSS, b"", "an RSS feed"),  # a BOM and blank lines before the declaration
    (b'<?xml version="1.0"?><!-- c --><feed xmlns="http://www.w3.org/2005/Atom"></feed>', b"", "an Atom feed"),
    (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>', b"", "an RSS feed"),
    (b'<?xml version="1.0"?><?xml-stylesheet href="s.xsl"?><urlset xmlns="http://www.sitemaps.org/schemas/'
     b'sitemap/0.9"><url><loc>http://a.example/</loc></url></urlset>', b"text/xml", "an XML sitemap"),
    (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></sitemapindex>', b"", "an XML sitemap index"),
    (b'<?xml version="1.0"?><rss', b"application/rss+xml; charset=utf-8", "an RSS feed"),  # cut short: its type
    (b' {"items": [1, 2]}', b"", "JSON"),
    (b'\xef\xbb\xbf[{"a": 1}]', b"", "JSON"),
    (b'{"a": ', b"application/json", "JSON"),
])
def test_feeds_sitemaps_and_json_are_not_pages(body: bytes, content_type: bytes, what: str) -> None:
    found = not_a_page(body, content_type)
    assert found is not None and found.what == what


@pytest.mark.parametrize(("body", "content_type"), [
    (XHTML, b"application/xml"),
    (XHTML, b"application/rss+xml"),  # its root says what it is
    (b"<!doctype html><html><head><title>x</title></head><body><p>a &nbsp; b</body></html>", b"text/html"),
    (b'<!DOCTYPE html><html lang="en"><body><p>[Updated] words</p></body></html>', b""),
    (b"[Updated] The council met on Tuesday.", b"text/plain"),
    (b"<html><body>{}</body></html>", b"application/json"),
    (b"", b""),
])
def test_pages_are_pages(body: bytes, content_type: bytes) -> None:
    assert not_a_page(body, content_type) is None


MEGABYTES_20 = 20 * 1024 * 1024


def test_a_long_body_is_told_from_its_start_alone() -> None:
    """JSON is told from the first bytes after the leading white space (SNIFF_BYTES), not by
    parsing a body of any size: a 20 MB JSON array is refused, even with its end cut off (never
    read); a page that starts with "[" text and is HTML is a page, however long."""
    record = b'{"url": "https://news.example/story", "headline": "Caf\xc3\xa9 \\u00e9 [1]", "n": -1.5e3},\n'
    array = b" \n[" + record * (MEGABYTES_20 // len(record) + 1) + b'{"last": true}]'
    assert len(array) > MEGABYTES_20
    for body, content_type in ((array, b""), (array, b"text/html"), (array[:-1000], b"")):
        found = not_a_page(body, content_type)
        assert found is not None and found.what == "JSON"
    page = b"[Updated] <!doctype html><html><head><title>A story</title></head><body>"
    paragraphs = b"<p>The council met on Tuesday [1].</p>\n" * (MEGABYTES_20 // 40)
    for body in (page + b"<p>Words.</p></body></html>", page + paragraphs + b"</body></html>"):
        assert not_a_page(body, b"text/html") is None
        assert not_a_page(body, b"") is None
