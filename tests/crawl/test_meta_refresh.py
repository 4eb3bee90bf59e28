"""The meta refresh middleware's shortcut never changes what Scrapy's own middleware decides, and a
refresh to the page itself (a live blog reloading) keeps the page instead of following it."""

from __future__ import annotations

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.crawl.middlewares.redirect import SafeMetaRefreshMiddleware

PAD = "<p>" + "news text " * 300 + "</p>"
PAGES = {
    "none": f"<html><head><title>t</title></head><body>{PAD}</body></html>",
    "refresh": '<html><head><META HTTP-EQUIV="Refresh" CONTENT="0; URL=/moved"></head><body>x</body></html>',
    "late refresh": f'<html><head><title>t</title></head><body>{PAD * 3}<meta http-equiv="refresh" '
                    'content="0;url=/late"></body></html>',
    "word only": f"<html><body>{PAD}<p>refresh the page</p></body></html>",
}


class _Spider(Spider):
    name = "refresh-test"
    allowed_domains = ["news.example"]


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_same_decision_as_scrapy(name, encoding):
    crawler = get_crawler(_Spider)
    crawler.spider = _Spider()
    ours = SafeMetaRefreshMiddleware.from_crawler(crawler)
    scrapys = MetaRefreshMiddleware.from_crawler(crawler)
    body = PAGES[name].encode(encoding)

    def decide(middleware):
        request = Request("https://news.example/page")
        response = HtmlResponse(request.url, body=body, encoding=encoding, request=request)
        result = middleware.process_response(request, response)
        return result.url if isinstance(result, Request) else type(result).__name__

    expected = decide(scrapys)
    assert decide(ours) == expected
    assert expected.startswith("https://news.example/moved") == (name == "refresh")


@pytest.mark.parametrize(("content", "reloads"), [
    ("60; url=https://news.example/live.html", True),
    ("90;URL='/live.html'", True),
    ("30; url=live.html#latest", True),  # the fragment is no other page
    ("30; url=HTTPS://NEWS.EXAMPLE/live.html", True),  # canonicalised
    ("0; url=/live.html?page=2", False),
    ("0; url=/moved.html", False),
])
def test_a_refresh_to_the_page_itself_keeps_the_page(content, reloads):
    """A live blog reloads itself: the page is kept, not dropped as a loop; any other target is
    followed as Scrapy follows it."""
    crawler = get_crawler(_Spider)
    crawler.spider = _Spider()
    crawler.stats.open_spider()
    middleware = SafeMetaRefreshMiddleware.from_crawler(crawler)
    request = Request("https://news.example/live.html")
    body = f'<html><head><meta http-equiv="refresh" content="{content}"></head><body>{PAD}</body></html>'
    response = HtmlResponse(request.url, body=body.encode(), encoding="utf-8", request=request)
    result = middleware.process_response(request, response)
    assert (result is response) == reloads
    assert not crawler.stats.get_value("newscrawl/dropped/redirect_loop")
