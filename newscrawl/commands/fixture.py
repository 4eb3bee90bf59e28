"""`scrapy fixture URL_OR_FILE NAME`: save a page as a replay fixture with its current item."""

from __future__ import annotations

import re
from pathlib import Path

from itemadapter import ItemAdapter
from scrapy import Request, Spider
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.extract import extract_article
from newscrawl.replay import SavedPage, save_page

VOLATILE = ("fetched_at",)


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[options] URL_OR_FILE [NAME]"

    def short_desc(self) -> str:
        return "Save a page (fetched or from a file) as a fixture with its current item for review"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--url", help="the page's URL, when saving a local file")
        parser.add_argument("--dir", default="fixtures/pages", help="where fixtures live")

    def run(self, args: list[str], opts) -> None:
        if not args:
            raise UsageError("give a URL or a saved HTML file")
        source = args[0]
        if re.match(r"https?://", source):
            page = self._fetch(source)
        else:
            path = Path(source)
            if not path.exists():
                raise UsageError(f"no such file: {source}")
            if not opts.url:
                raise UsageError("a local file needs --url, the address it was saved from")
            page = SavedPage(url=opts.url, body=path.read_bytes(),
                             headers={"Content-Type": "text/html; charset=utf-8"}, source=str(path))
        name = args[1] if len(args) > 1 else _name_for(page.url)
        item = ItemAdapter(extract_article(page.url, page.body)).asdict()
        for key in VOLATILE:
            item.pop(key, None)
        folder = save_page(Path(opts.dir) / name, page, item)
        print(f"saved {folder}; review {folder / 'expected.json'} before committing it")

    def _fetch(self, url: str) -> SavedPage:
        """Fetch through Scrapy itself (robots.txt, user agent, redirects, decompression)."""
        saved: list[SavedPage] = []

        class FetchOne(Spider):
            name = "fixture-fetch"

            async def start(self):
                yield Request(url, callback=self.keep, dont_filter=True)

            def keep(self, response):
                headers = {k.decode(): b", ".join(v).decode("latin-1")
                           for k, v in response.headers.items()
                           if k.decode().lower() in ("content-type", "last-modified", "etag")}
                saved.append(SavedPage(url=response.url, body=response.body, status=response.status,
                                       headers=headers, source=f"fetched {url}"))

        self.crawler_process.crawl(FetchOne)
        self.crawler_process.start()
        if not saved:
            raise UsageError(f"could not fetch {url}: see the log above")
        return saved[0]


def _name_for(url: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", url.lower().split("//", 1)[-1]).strip("-")
    return slug[:80]
