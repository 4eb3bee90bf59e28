"""Bare ampersands made XML before a feed or sitemap is parsed (newscrawl/discovery/ampersands.py)."""

from __future__ import annotations

import time

from newscrawl.discovery.ampersands import escape_bare_ampersands


def test_only_ampersands_that_begin_no_xml_reference_change():
    xml = b"<a>?a=1&b=2 &amp; &#38; &#x26; &lt;&gt;&quot;&apos; &nbsp; &foo; <![CDATA[x&y]]></a>"
    assert escape_bare_ampersands(xml) == (b"<a>?a=1&amp;b=2 &amp; &#38; &#x26; &lt;&gt;&quot;&apos; "
                                           b"&#160; &amp;foo; <![CDATA[x&y]]></a>")
    well_formed = b"<urlset><url><loc>https://a.example/?p=1&amp;q=2</loc></url></urlset>"
    assert escape_bare_ampersands(well_formed) == well_formed


def test_a_document_cut_short_in_a_cdata_section_keeps_its_text_and_takes_linear_time():
    """A regular expression that matched CDATA sections searched to the document's end for each
    unclosed one: 200,000 of them (2 MB) took hours."""
    assert escape_bare_ampersands(b"<t>a & b <![CDATA[q&r") == b"<t>a &amp; b <![CDATA[q&r"
    started = time.monotonic()
    escape_bare_ampersands(b"<![CDATA[&" * 200_000)
    assert time.monotonic() - started < 5
