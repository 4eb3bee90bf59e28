"""Scrapy settings for newscrawl: polite, bounded and safe defaults for unattended runs."""

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
COMMANDS_MODULE = "newscrawl.commands"

USER_AGENT = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl; news article crawler)"

# politeness
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_DELAY = 0.5
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4

# bounds: no single response, page or run grows without limit
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5
DEPTH_LIMIT = 6
CLOSESPIDER_TIMEOUT = 3600
CLOSESPIDER_PAGECOUNT = 20000
CLOSESPIDER_ERRORCOUNT = 500

# nothing listens for commands from outside the process
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
FEED_STORAGES = {"file": "newscrawl.feeds.LineSafeFileFeedStorage", "": "newscrawl.feeds.LineSafeFileFeedStorage"}
LOG_LEVEL = "INFO"

SPIDER_MIDDLEWARES = {
    "newscrawl.middlewares.SeenBeforeMiddleware": 800,
}
ITEM_PIPELINES = {
    "newscrawl.pipelines.clean.CleanPipeline": 300,
    "newscrawl.pipelines.validate.ValidatePipeline": 400,
    "newscrawl.pipelines.dedupe.DedupePipeline": 500,
}
EXTENSIONS = {
    "newscrawl.extensions.StateRecorder": 500,
    "newscrawl.extensions.StatsFile": 510,
}

# newscrawl's own settings (documented in README.md)
NEWSCRAWL_STATE = ".newscrawl/state.sqlite"
NEWSCRAWL_MIN_BODY_CHARS = 200
NEWSCRAWL_PROFILE = None
NEWSCRAWL_STATS_FILE = None
LOG_FORMATTER = "newscrawl.logformatter.NewscrawlLogFormatter"
