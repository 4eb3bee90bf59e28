"""The frontier's disk queue stores requests as Scrapy's own queue does, callbacks named cheaply."""

from __future__ import annotations

import pickle

import pytest
from scrapy import Request, Spider
from scrapy.squeues import PickleLifoDiskQueue
from scrapy.utils.test import get_crawler

from newscrawl.crawl.frontier import NamedCallbackLifoDiskQueue


class _Spider(Spider):
    name = "queue-test"

    def parse(self, response):
        yield from ()

    def parse_article(self, response):
        yield from ()

    def on_error(self, failure):
        yield from ()


class _Other:
    def parse(self, response):
        yield from ()


def _queue(cls, tmp_path, spider):
    crawler = get_crawler(_Spider)
    crawler.spider = spider
    return cls.from_crawler(crawler, str(tmp_path / cls.__name__))


def _requests(spider):
    return [Request("https://news.example/a", callback=spider.parse, errback=spider.on_error, priority=3,
                    meta={"site": "news", "depth": 2}, cb_kwargs={"page": 1}),
            Request("https://news.example/b", callback=spider.parse_article),
            Request("https://news.example/c")]


def test_same_requests_back_as_scrapys_queue(tmp_path):
    spider = _Spider()
    ours, scrapys = _queue(NamedCallbackLifoDiskQueue, tmp_path, spider), _queue(PickleLifoDiskQueue, tmp_path, spider)
    for queue in (ours, scrapys):
        for request in _requests(spider):
            queue.push(request)
    while len(scrapys):
        mine, theirs = ours.pop(), scrapys.pop()
        assert mine.to_dict(spider=spider) == theirs.to_dict(spider=spider)
        assert mine.callback == theirs.callback and mine.errback == theirs.errback
    assert len(ours) == 0
    ours.close()
    scrapys.close()


def test_request_keeps_its_methods_and_a_foreign_callback_is_refused_as_scrapy_does(tmp_path):
    spider = _Spider()
    queue = _queue(NamedCallbackLifoDiskQueue, tmp_path, spider)
    request = _requests(spider)[0]
    queue.push(request)
    assert request.callback == spider.parse and request.errback == spider.on_error  # not left as names
    stranger = Request("https://news.example/d", callback=_Other().parse)
    with pytest.raises(ValueError, match="not an instance method"):
        queue.push(stranger)
    assert callable(stranger.callback)
    assert pickle.loads(pickle.dumps(queue.pop().to_dict(spider=spider)))["callback"] == "parse"
    queue.close()
