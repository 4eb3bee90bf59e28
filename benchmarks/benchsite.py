"""A local news site of N article pages resampled from the real pages, for the crawl benchmark.

    .venv/bin/python -m benchmarks.benchsite --articles 5000 --pages-file usable.json [--port 0]

Article n is real page `usable[n % len(usable)]` at its real size, served at /news/story-{n}.html
with three changes so every copy is a distinct article: its canonical/og:url tags name its own
URL, one frequent word of its body gets a suffix unique to n (so the content fingerprints
differ and dedupe keeps it), and a <base href> to the page's original address keeps its own
relative links pointing at the original site (offsite, so not followed). The home page links
listing pages /list/{k}.html, each linking 100 articles. robots.txt allows everything.
Prints "serving http://HOST:PORT/" when ready; stops on SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import signal
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from benchmarks.pages import Page, load_pages

PER_LISTING = 100
_CANONICAL = re.compile(r"""<link\b[^>]*\brel\s*=\s*["']?canonical\b[^>]*>""", re.IGNORECASE)
_OG_URL = re.compile(r"""<meta\b[^>]*\bproperty\s*=\s*["']?og:url\b[^>]*>""", re.IGNORECASE)
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{5,}")
URL_MARK, WORD_MARK = "\x00URL\x00", "\x00WORD\x00"


def _variation_word(page: Page) -> str | None:
    """The most frequent longer word of the true body that appears space-delimited in the HTML."""
    for word, _ in Counter(_WORD.findall(page.truth_body)).most_common(20):
        if f" {word} " in page.html:
            return word
    return None


class Template:
    """A page split at the places that change per copy, pre-encoded: a copy is one bytes.join."""

    def __init__(self, page: Page) -> None:
        html = page.html
        word = _variation_word(page)
        html = _CANONICAL.sub(f'<link rel="canonical" href="{URL_MARK}">', html)
        html = _OG_URL.sub(f'<meta property="og:url" content="{URL_MARK}">', html)
        base = f'<base href="{page.url}">'
        match = _HEAD.search(html)
        html = html[:match.end()] + base + html[match.end():] if match else base + html
        if word:
            html = html.replace(f" {word} ", f" {word}{WORD_MARK} ")
        self.word = word
        # split on both marks, remembering which mark follows each piece
        self.pieces: list[bytes] = []
        self.marks: list[str] = []
        for part in re.split(f"({URL_MARK}|{WORD_MARK})", html):
            if part in (URL_MARK, WORD_MARK):
                self.marks.append(part)
            else:
                self.pieces.append(part.encode("utf-8"))

    def render(self, url: str, tag: str) -> bytes:
        values = {URL_MARK: url.encode(), WORD_MARK: tag.encode()}
        out = [self.pieces[0]]
        for mark, piece in zip(self.marks, self.pieces[1:], strict=True):
            out.append(values[mark])
            out.append(piece)
        return b"".join(out)


def tag_for(n: int) -> str:
    """A letters-only suffix unique to n (digits could be read as dates)."""
    letters = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(97 + r) + letters
    return "x" + letters


class BenchSite:
    """The site's content: N articles over the usable templates, plus listings and robots.txt."""

    def __init__(self, pages: list[Page], articles: int) -> None:
        self.templates = [Template(page) for page in pages]
        self.articles = articles
        self.listings = (articles + PER_LISTING - 1) // PER_LISTING

    def article_path(self, n: int) -> str:
        return f"/news/story-{n}.html"

    def get(self, base: str, path: str) -> tuple[int, str, bytes]:
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nAllow: /\n"
        if path in ("/", "/index.html"):
            links = "".join(f'<li><a href="/list/{k}.html">Stories, page {k + 1}</a></li>'
                            for k in range(self.listings))
            return 200, "text/html; charset=utf-8", _listing_page("Bench News", links)
        match = re.fullmatch(r"/list/(\d+)\.html", path)
        if match and int(match.group(1)) < self.listings:
            k = int(match.group(1))
            links = "".join(f'<li><a href="{self.article_path(n)}">Story {n}</a></li>'
                            for n in range(k * PER_LISTING, min(self.articles, (k + 1) * PER_LISTING)))
            return 200, "text/html; charset=utf-8", _listing_page(f"Stories, page {k + 1}", links)
        match = re.fullmatch(r"/news/story-(\d+)\.html", path)
        if match and int(match.group(1)) < self.articles:
            n = int(match.group(1))
            template = self.templates[n % len(self.templates)]
            return 200, "text/html; charset=utf-8", template.render(base + path.lstrip("/"), tag_for(n))
        return 404, "text/plain", b"not found"


def usable_pages(pages: list[Page], min_body: int = 200) -> list[str]:
    """Ids of the pages whose copies are distinct articles: the page and one copy are articles
    with a headline and a body the validate pipeline keeps, and their fingerprints differ."""
    from newscrawl.extract import extract_page

    usable = []
    for page in pages:
        template = Template(page)
        if not template.word:
            continue
        url = "http://127.0.0.1/news/story-1.html"
        original = extract_page(page.url, page.html)
        copy = extract_page(url, template.render(url, tag_for(1)), encoding="utf-8")
        if all(r.is_article and r.article.headline and len(r.article.body) >= min_body
               for r in (original, copy)) and original.article.fingerprint != copy.article.fingerprint:
            usable.append(page.id)
    return usable


def _listing_page(title: str, items: str) -> bytes:
    return (f"<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1>"
            f"<ul>{items}</ul></body></html>").encode()


def serve(site: BenchSite, host: str, port: int) -> ThreadingHTTPServer:
    """Start the server in a thread; returns it (call shutdown() to stop)."""
    if not host.startswith("127."):
        raise ValueError("the benchmark site listens on loopback addresses (127.0.0.0/8) only")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real server

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            base = f"http://{self.headers.get('Host') or f'{host}:{port}'}/"
            status, kind, body = site.get(base, self.path.split("?", 1)[0])
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="benchsite", daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--pages-file", type=Path, help="JSON list of usable page ids (default: all)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--until-stdin-closes", action="store_true",
                        help="also stop when standard input closes (the benchmark's own server)")
    args = parser.parse_args(argv)
    pages = load_pages()
    if args.pages_file:
        wanted = set(json.loads(args.pages_file.read_text("utf-8")))
        pages = [p for p in pages if p.id in wanted]
    site = BenchSite(pages, args.articles)
    server = serve(site, args.host, args.port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if args.until_stdin_closes:  # the benchmark dies: its server goes with it
        threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    print(f"serving http://{args.host}:{server.server_address[1]}/ "
          f"({args.articles} articles from {len(pages)} pages)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
