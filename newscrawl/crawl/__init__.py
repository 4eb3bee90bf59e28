"""The crawl runtime, on Scrapy: the `site` spider (spider.py) and its arguments, discovery of
article URLs (discovery.py), request meta keys (meta.py), the extraction worker pool (pool.py),
the disk frontier, the HTTP cache for feeds, middlewares and pipelines."""
