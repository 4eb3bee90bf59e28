"""Scrapy settings for newscrawl: polite, bounded and safe defaults for unattended runs."""

from scrapy.settings import default_settings as _scrapy

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.crawl.spider"]
NEWSPIDER_MODULE = "newscrawl.crawl"
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
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"  # the failure middleware logs the one line per dropped page

# newscrawl's components sit in Scrapy's *_BASE dicts, beside Scrapy's own: Scrapy merges a
# user's -s DOWNLOADER_MIDDLEWARES / SPIDER_MIDDLEWARES / ITEM_PIPELINES / EXTENSIONS over them, so
# adding a component keeps the state, the dedupe and the rest (a replaced dict wrote every article
# again on each run); a user switches one of them off with None, as with Scrapy's own

# faults and safety (docs/reliability.md): newscrawl/crawl/middlewares/
DOWNLOADER_MIDDLEWARES_BASE = {
    **_scrapy.DOWNLOADER_MIDDLEWARES_BASE,
    "newscrawl.crawl.middlewares.failures.FailureMiddleware": 20,
    # Scrapy's own gives the parser to the first requests that wait for robots.txt only
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newscrawl.crawl.middlewares.robots.EveryWaiterRobotsTxtMiddleware": 100,
    # -a warc=: responses from WARC records, before robots.txt, download slots and the cache
    "newscrawl.crawl.middlewares.replay.WarcReplayMiddleware": 30,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newscrawl.crawl.middlewares.retry.RetryAfterMiddleware": 550,
    "newscrawl.crawl.middlewares.charset.CharsetFallbackMiddleware": 565,
    "newscrawl.crawl.middlewares.responses.BinaryBodyMiddleware": 570,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "newscrawl.crawl.middlewares.responses.SafeHttpCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newscrawl.crawl.middlewares.redirect.SafeMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "newscrawl.crawl.middlewares.redirect.SafeRedirectMiddleware": 600,
    "newscrawl.crawl.middlewares.network.ProtectedNetworkMiddleware": 860,
    # NEWSCRAWL_ARCHIVE: next to the downloader, so it sees the body before decompression
    "newscrawl.crawl.middlewares.archive.ArchiveMiddleware": 950,
}
NEWSCRAWL_RETRY_AFTER_MAX = 60  # seconds: a longer Retry-After drops the page instead of waiting
# never fetched through a redirect or a link, unless a start URL is in the same network
NEWSCRAWL_PROTECTED_NETWORKS = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
    "::1/128", "::/128", "fc00::/7", "fe80::/10", "ff00::/8",
]
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
# whole-line writes, full-disk handling and crash recovery (newscrawl/output/)
FEED_STORAGES = {"file": "newscrawl.output.storage.RecoverableFeedStorage",
                 "": "newscrawl.output.storage.RecoverableFeedStorage",
                 "stdout": "newscrawl.output.storage.StdoutFeedStorage"}
# CSV cells holding a list or a dict as JSON, which reads back (Scrapy joins a list with commas)
FEED_EXPORTERS = {"csv": "newscrawl.output.exporters.CsvArticleExporter"}
LOG_LEVEL = "INFO"

SPIDER_MIDDLEWARES_BASE = {
    **_scrapy.SPIDER_MIDDLEWARES_BASE,
    "newscrawl.crawl.middlewares.seen.SeenBeforeMiddleware": 800,
}
ITEM_PIPELINES_BASE = {
    **_scrapy.ITEM_PIPELINES_BASE,
    "newscrawl.crawl.pipelines.validate.ValidatePipeline": 400,
    "newscrawl.crawl.pipelines.dedupe.DedupePipeline": 500,
}
EXTENSIONS_BASE = {
    **_scrapy.EXTENSIONS_BASE,
    "newscrawl.output.recorder.StateRecorder": 500,  # checks outputs and state, records what is written
    "newscrawl.output.stats.StatsFile": 510,
    "newscrawl.crawl.collector.QuietGarbageCollector": 520,
    "newscrawl.ops.coverage.CoverageHistory": 530,  # field coverage per site and run, kept in the state
    "newscrawl.ops.summary.NoArticlesWarning": 540,  # `no articles written: ...` with the reasons
    "newscrawl.ops.summary.PageCount": 545,  # the pages fetched, robots.txt not counted
    "newscrawl.ops.summary.PipelineErrors": 546,  # the records an item pipeline failed on
    "newscrawl.crawl.named.NotWrittenLines": 550,  # counts `not written: URL` lines; prints them under --nolog
}
NEWSCRAWL_SUMMARY = True  # print a few summary lines on stderr when `scrapy crawl` ends

# conditional requests (ETag / If-Modified-Since) for feeds, sitemaps and robots.txt: Scrapy's
# HTTP cache, limited to those and always revalidated (newscrawl/crawl/httpcache.py)
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "newscrawl.crawl.httpcache.RevalidatePolicy"
HTTPCACHE_STORAGE = "newscrawl.crawl.httpcache.StateDirCacheStorage"
HTTPCACHE_DIR = ""  # empty: beside NEWSCRAWL_STATE, as <state>.httpcache/
HTTPCACHE_GZIP = True

# newscrawl's own settings (every one documented in docs/configuration.md)
NEWSCRAWL_STATE = ".newscrawl/state.sqlite"  # empty, none, null, false, off, no, 0: no state
NEWSCRAWL_OVERWRITE_OUTPUT = False  # let -O empty a file whose articles the state records as written
NEWSCRAWL_MIN_BODY_CHARS = 200
NEWSCRAWL_PROFILE = None
NEWSCRAWL_STATS_FILE = None
# incremental runs and discovery (docs/discovery-and-cron.md)
NEWSCRAWL_REVISIT = 0  # seconds: re-check articles emitted this recently (conditional requests)
NEWSCRAWL_STATE_MAX_AGE = 0  # seconds: forget state entries older than this (0: keep all)
NEWSCRAWL_MAX_PAGE_NUMBER = 10  # follow pagination (/page/N/, ?page=N) up to this page
NEWSCRAWL_MAX_CALENDAR_PAGES = 20  # calendar and date-archive pages followed per site
# WARC archives of what a crawl fetches (docs/replay-and-archives.md; newscrawl/archive/)
NEWSCRAWL_ARCHIVE = None  # a folder: every response and its request go into WARC files there
NEWSCRAWL_ARCHIVE_MAX_BYTES = 1024 ** 3  # a file is closed and the next one opened past this size
NEWSCRAWL_ARCHIVE_PREFIX = "newscrawl"  # file names: PREFIX-TIMESTAMP-SERIAL.warc.gz
# `scrapy cron` (docs/discovery-and-cron.md)
NEWSCRAWL_CRON_DIR = "output/cron"
NEWSCRAWL_CRON_MAX_QUIET_RUNS = 24  # unhealthy after this many runs in a row with no new article
NEWSCRAWL_CRON_PROGRESS_INTERVAL = 60  # seconds between progress lines
# extraction in worker processes, off the reactor thread (docs/performance.md; newscrawl/crawl/pool.py)
NEWSCRAWL_EXTRACT_WORKERS = None  # None: one per core; 0: extract in the crawl process (no time limit then)
NEWSCRAWL_EXTRACT_TIMEOUT = 30  # seconds a page may take; then its worker is killed and replaced, page dropped
NEWSCRAWL_EXTRACT_QUEUE = 0  # pages waiting for a free worker at most (0: twice the workers)
NEWSCRAWL_EXTRACT_MAX_TASKS = 0  # pages a worker extracts before it is replaced (0: never)
NEWSCRAWL_GC_FREEZE = True  # gc.freeze() when the engine starts: full collections skip start-up objects
NEWSCRAWL_GC_THRESHOLD = 10_000  # allocations between young collections in the crawl process (0: Python's 700)
# a page's output (its links and at most one article) is handled by this many asyncio tasks, all
# started for every page; the pipelines and the scheduler never wait on I/O, so more only cost
CONCURRENT_ITEMS = 2
# waiting requests in Scrapy's JOBDIR disk queues, in a folder of this run (newscrawl/crawl/frontier.py);
# a JOBDIR you set yourself (pause/resume) is used as it is
NEWSCRAWL_DISK_FRONTIER = True
# the disk queues are Scrapy's, each request written whole or not at all (a full disk); SCHEDULER is
# set by the spider (newscrawl.crawl.frontier.FrontierScheduler unless distributed or your own)
SCHEDULER_DISK_QUEUE = "newscrawl.crawl.frontier.NamedCallbackLifoDiskQueue"  # callbacks named cheaply
SCHEDULER_START_DISK_QUEUE = "newscrawl.crawl.frontier.WholeRecordFifoDiskQueue"
LOG_FORMATTER = "newscrawl.crawl.logformatter.NewscrawlLogFormatter"

# distributed mode (docs/distributed.md): set REDIS_URL (-s REDIS_URL=redis://host:6379/0)
REDIS_URL = None
NEWSCRAWL_REDIS_PREFIX = "newscrawl"  # the state store's keys in Redis
NEWSCRAWL_REDIS_LEASE = 60  # seconds: a dead worker's unfinished requests go back to the queue after this
MAX_IDLE_TIME_BEFORE_CLOSE = 60  # seconds a worker waits with nothing to do before it closes (0: never)
NEWSCRAWL_SHARED_POLITENESS = True  # enforce per-site delay and concurrency across all workers
