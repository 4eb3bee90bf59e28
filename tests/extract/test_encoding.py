"""newscrawl.extract.encoding: the charset chosen and the text decoded agree, in every branch."""

from __future__ import annotations

import codecs

import pytest

from newscrawl.extract.encoding import choose_encoding, decode

CAFE = "<html><head>{meta}</head><body>" + "<p>Café crème, naïve façade – «déjà vu»</p>" * 40 + "</body></html>"

CASES = [  # (body, declared header charset, expected "how")
    (CAFE.format(meta="").encode("utf-8"), "utf-8", "declared"),
    (CAFE.format(meta="").encode("cp1252"), "utf-8", "detected"),  # latin text labelled UTF-8
    (CAFE.format(meta='<meta charset="windows-1252">').encode("cp1252"), None, "meta"),
    (CAFE.format(meta='<meta charset="windows-1252">').encode("cp1252"), "utf-8", "meta"),
    (CAFE.format(meta="").encode("utf-8"), None, "utf-8"),
    (codecs.BOM_UTF8 + CAFE.format(meta="").encode("utf-8"), "iso-8859-1", "bom"),
    (CAFE.format(meta="").encode("utf-8").replace(b"\xc3\xa9", b"\xe9", 1), "utf-8", "declared"),  # one bad byte
]


@pytest.mark.parametrize(("body", "declared", "how"), CASES)
def test_decode_gives_the_text_of_the_chosen_charset(body: bytes, declared: str | None, how: str) -> None:
    encoding, chosen_how = choose_encoding(body, declared)
    assert chosen_how == how
    bom = codecs.BOM_UTF8 if body.startswith(codecs.BOM_UTF8) else b""
    assert decode(body, declared) == body[len(bom):].decode(encoding, errors="replace")
    if how != "detected":  # detection may guess a sibling code page on this short text
        assert decode(body, declared).count("crème") >= 39


# -- in a crawl: the same charset and the same count, whether workers or the crawl process decode --

@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_mislabelled_article_decodes_and_is_counted_once(crawl, workers: str) -> None:
    from tests.support.faultserver import CHARSET_TEXT, FaultServer

    title, text = CHARSET_TEXT["cp1251"]
    with FaultServer("127.0.0.4") as site:
        items, stats, proc = crawl("-a", f"article={site.url('/charset/cp1251-labelled-utf8')}",
                                   extra=["-s", f"NEWSCRAWL_EXTRACT_WORKERS={workers}"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [item["headline"] for item in items] == [title + " (2)"]
    assert text in items[0]["body"]
    assert stats["newscrawl/charset/fallback"] == 1
    assert stats["newscrawl/charset/detected/cp1251"] == 1
    assert "as cp1251 (detected): its declared utf-8 does not fit" in proc.stderr
