"""News sites made up for the distributed tests and benchmark, served on loopback addresses by
servers that record every request (host, path, start and end time, concurrency)."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_VOCABULARY = ("council budget river harbour election minister school hospital market farmers weather "
         "festival court police bridge railway museum library island coast mountain village city "
         "report survey energy water transport tourism fishing football music theatre science "
         "research university students teachers doctors nurses workers union company profits "
         "exports imports prices housing rent parliament mayor governor citizens residents")
WORDS = _VOCABULARY.split()


def _paragraph(rng: random.Random, words: int = 60) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def article_path(number: int) -> str:
    return f"/2024/05/story-{number:04d}.html"


def article_html(host: str, number: int, total: int, padding: int = 0) -> str:
    """One article: JSON-LD NewsArticle, a headline, unique paragraphs, links to others."""
    rng = random.Random(f"{host}-{number}")
    headline = f"Story {number} from {host}: {rng.choice(WORDS)} and {rng.choice(WORDS)}"
    body = "".join(f"<p>{_paragraph(rng)}</p>" for _ in range(6))
    related = "".join(f'<li><a href="{article_path((number + k) % total)}">more</a></li>' for k in (1, 7))
    jsonld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": headline,
                         "datePublished": f"2024-05-{1 + number % 28:02d}T08:00:00+00:00",
                         "author": {"@type": "Person", "name": "Ana Reporter"}})
    filler = "".join(f'<div class="widget"><span>{_paragraph(rng, 20)}</span></div>' for _ in range(padding))
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{headline} - {host}</title>"
            f'<meta property="og:type" content="article">'
            f'<script type="application/ld+json">{jsonld}</script></head><body>'
            f'<nav><a href="/">Home</a> <a href="/section/a/">A</a> <a href="/section/b/">B</a></nav>'
            f"<article><h1>{headline}</h1><div class=entry-content>{body}</div></article>"
            f"<aside><ul>{related}</ul>{filler}</aside></body></html>")


def listing_html(title: str, links: list[str]) -> str:
    items = "".join(f'<li><a href="{link}">{link}</a></li>' for link in links)
    return (f"<!doctype html><html><head><meta charset=utf-8><title>{title}</title></head><body>"
            f"<h1>{title}</h1><ul>{items}</ul></body></html>")


def site_pages(host: str, articles: int, padding: int = 0) -> dict[str, bytes]:
    """A home page, two section pages splitting the articles, the articles, a robots.txt."""
    paths = [article_path(n) for n in range(articles)]
    pages = {
        "/": listing_html(f"{host} home", ["/section/a/", "/section/b/"]),
        "/section/a/": listing_html("Section A", paths[0::2]),
        "/section/b/": listing_html("Section B", paths[1::2]),
        "/robots.txt": "User-agent: *\nAllow: /\n",
    }
    for n, path in enumerate(paths):
        pages[path] = article_html(host, n, articles, padding)
    return {path: text.encode() for path, text in pages.items()}


@dataclass
class Hit:
    host: str
    path: str
    start: float
    end: float


@dataclass
class RecordingSite:
    """One site on host:port; `hits` lists every request it answered."""

    host: str
    port: int
    pages: dict[str, bytes]
    delay: float = 0.0  # seconds each response takes
    hold: threading.Event | None = None  # when given, responses wait until it is set (at most 60 s)
    hits: list[Hit] = field(default_factory=list)
    active: int = 0  # requests being answered, robots.txt left out
    peak: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def article_urls(self) -> set[str]:
        return {f"{self.url.rstrip('/')}{path}" for path in self.pages if path.startswith("/2024/")}

    def counts(self) -> dict[str, int]:
        """How many times each path was requested."""
        result: dict[str, int] = defaultdict(int)
        with self.lock:
            for hit in self.hits:
                result[hit.path] += 1
        return dict(result)

    def gaps(self, exclude: tuple[str, ...] = ("/robots.txt",)) -> list[float]:
        """Seconds between the starts of consecutive requests."""
        with self.lock:
            starts = sorted(h.start for h in self.hits if h.path not in exclude)
        return [b - a for a, b in zip(starts, starts[1:], strict=False)]


def _handler(site: RecordingSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            start = time.monotonic()
            # robots.txt is fetched by Scrapy's robots.txt middleware, outside the site's download slot
            counted = self.path != "/robots.txt"
            with site.lock:
                site.active += counted
                site.peak = max(site.peak, site.active)
            try:
                if site.hold is not None:
                    site.hold.wait(60)
                if site.delay:
                    time.sleep(site.delay)
                body = site.pages.get(self.path.split("?", 1)[0])
                status = 200 if body is not None else 404
                body = body if body is not None else b"not found"
                kind = "text/plain" if self.path.endswith(".txt") or status == 404 else "text/html; charset=utf-8"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
            finally:
                # done before the body goes out: a client can only have the whole response (and
                # send its next request) once this request no longer counts as active
                with site.lock:
                    site.active -= counted
                    site.hits.append(Hit(site.host, self.path, start, time.monotonic()))
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a killed worker's connections reset: expected here, not worth a traceback


@contextmanager
def serve_sites(specs: list[tuple[str, int, float]], padding: int = 0,
                hold: threading.Event | None = None) -> Iterator[list[RecordingSite]]:
    """Serve one made-up site per (host, articles, delay) on a free port of that loopback host;
    with `hold`, every response waits until that event is set."""
    servers, sites = [], []
    try:
        for host, articles, delay in specs:
            if not host.startswith("127."):
                raise ValueError("loopback hosts only")
            site = RecordingSite(host, 0, site_pages(host, articles, padding), delay, hold)
            server = _QuietServer((host, 0), _handler(site))
            site.port = server.server_address[1]
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            sites.append(site)
        yield sites
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
