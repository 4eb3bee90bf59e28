"""A fault-injecting news site for tests, served on a loopback address (127.0.0.0/8 only).

`FaultServer(host)` serves a small news site whose home page links to readable articles and to
every kind of broken response a crawler meets: 5xx and 429 (with Retry-After), hangs, slow and
truncated bodies, connection resets, redirect loops, redirects off the site and to other
schemes, oversize pages, gzip bombs, binary bodies labelled text/html, empty 200s, malformed
HTML, missing or wrong charsets, bot-challenge pages answered with 200, and a robots.txt that
errors. It counts every request by path, so tests can assert what was (not) fetched.

Run by hand: `python -m tests.support.faultserver --host 127.0.0.1 --port 8000`.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import gzip
import html
import ipaddress
import json
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer

HANG_SECONDS = 8.0  # longer than any test's DOWNLOAD_TIMEOUT, short enough to end by itself

LOREM = (
    "The council met on Tuesday evening to debate the new budget for the harbour district, "
    "and after four hours of argument the members agreed to fund the repairs to the sea wall. "
    "Residents who had waited for years said they were relieved, although several warned that "
    "the money would not be enough to finish the work before the winter storms arrive."
)

# readable articles whose text a correct decoder must recover exactly
CHARSET_TEXT = {
    "cp1251": ("Москва готовится к зиме",
               "Городские службы Москвы начали подготовку к зиме: дороги ремонтируют, "
               "котельные проверяют, а жители получают новые квитанции за отопление. "
               "Мэрия обещает, что снегоуборочная техника выйдет на улицы в первый же день "
               "снегопада, а дворники получат новую форму и инструменты. Жители северных "
               "районов жалуются на холодные батареи и просят ускорить проверку сетей."),
    "shift_jis": ("東京で新しい図書館が開館",
                  "東京の中心部に新しい図書館が開館し、初日から多くの市民が訪れました。"
                  "館内には十万冊以上の本が並び、子ども向けの読書室や静かな学習スペースも"
                  "用意されています。館長は、地域の人々が本と出会う場所にしたいと話しました。"
                  "開館記念の講演会には作家や研究者が参加し、会場は満席となりました。"),
    "latin1": ("Café crème à la française",
               "À Paris, les cafés préparent la crème du matin depuis des générations. "
               "Les serveurs expliquent que la qualité du lait, la température et le geste "
               "comptent autant que le café lui-même. Une clientèle fidèle revient chaque jour "
               "pour ce rituel, et les propriétaires s'inquiètent de la hausse des prix."),
    "cp1252": ("Café owner’s “big” day – naïve crème brûlée",
               "the café’s owner said “we’re delighted” – prices rose by 5€ and the crème brûlée "
               "sold out by noon, according to staff."),
}

SHIFT_JIS_MORE = ("週末には家族連れが多く訪れ、絵本の読み聞かせ会も開かれました。"
                  "区の担当者によると、建物は地元の木材を使って建てられ、"
                  "屋上には小さな庭園もあります。開館時間は午前九時から午後八時までです。")

CHALLENGE_PAGE = b"""<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"><meta name="robots" content="noindex,nofollow">
</head><body><div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">www.example-news.test</h1>
<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<noscript><div class="h2"><span id="challenge-error-text">Enable JavaScript and cookies to
continue</span></div></noscript></div></div>
<script>(function(){window._cf_chl_opt={cvId: '2',cZone: 'www.example-news.test'};
var a=document.createElement('script');a.src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1';
document.getElementsByTagName('head')[0].appendChild(a);}());</script></body></html>"""


def _attribute_name(number: int) -> str:
    """a, b, ... z, aa, ab, ...: the shortest distinct attribute names."""
    name = ""
    number += 1
    while number:
        number, letter = divmod(number - 1, 26)
        name = chr(ord("a") + letter) + name
    return name


# one tag of 190,000 attributes (930 KB): libxml2's HTML parser takes time quadratic in the
# attributes of one tag, minutes in C that neither a time limit nor Ctrl-C stops. Extraction keeps
# a tag's first MAX_ATTRIBUTES (newscrawl/extract/document.py), so this page takes a moment.
CROWDED_TAG_PAGE = ("<html><body><h1>Slow</h1><div " + " ".join(map(_attribute_name, range(190_000)))
                    + ">text</div></body></html>").encode()

# a page whose extraction takes tens of seconds, for a reason in code newscrawl does not own: a
# news article's metadata (so that it gets the thorough body a crawl gives what may be an article)
# over 240,000 one-letter paragraphs (960 KB, under the fault crawl's 1 MB download limit).
# trafilatura reads each paragraph in several passes, about a tenth of a millisecond each: 25 s
# on the machine these tests were written on, five times the time limit the tests set (5 s).
_SLOW_DATA = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                         "headline": "Storm closes the harbour", "datePublished": "2024-03-01T08:00:00+01:00"})
SLOW_EXTRACTION_PAGE = ('<html lang="en"><head><meta charset="utf-8"><title>Storm closes the harbour</title>'
                        f'<script type="application/ld+json">{_SLOW_DATA}</script></head><body>'
                        "<h1>Storm closes the harbour</h1><div>" + "<p>x" * 240_000
                        + "</div></body></html>").encode()

PDF_BODY = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\nstream\n"
            + bytes(range(256)) * 40 + b"\nendstream\n%%EOF\n")

MALFORMED_ARTICLE = (
    "<html><head><title>Storm closes the harbour - Fault Times</title><meta charset=utf-8>"
    "<script type=application/ld+json>{\"@type\":\"NewsArticle\",\"headline\":\"Storm closes "
    "the harbour\",\"datePublished\":\"2024-03-01T08:00:00+01:00\"}</script>"
    "<body><div id=main><article><h1>Storm closes the harbour<h1>"
    "<p>" + LOREM + "<p>" + LOREM.replace("council", "port authority") +
    "<table><tr><td><p>The ferries stay in port until <b><i>Friday</b></i> at least."
    "</div></span></article></body><p>stray text after the body"
)


def article_page(title: str, paragraphs: list[str], *, charset: str | None = "utf-8",
                 lang: str = "en", published: str = "2024-03-01T08:00:00+01:00") -> str:
    """An article page with JSON-LD NewsArticle, an h1 and body paragraphs."""
    meta = f'<meta charset="{charset}">' if charset else ""
    data = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                       "datePublished": published, "author": {"@type": "Person", "name": "Ann Lee"}},
                      ensure_ascii=False)
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>{html.escape(title)} - Fault '
            f'Times</title><meta property="og:type" content="article">'
            f'<script type="application/ld+json">{data}</script></head><body>'
            f'<header><a href="/">Fault Times</a></header><main><article><h1>{html.escape(title)}</h1>'
            f'<div class="entry-content">{body}</div></article></main>'
            f'<footer>&copy; Fault Times</footer></body></html>')


def plain_article(slug: str) -> bytes:
    """A readable English article whose text names its slug."""
    title = f"Harbour report {slug}"
    return article_page(title, [f"Report {slug}. {LOREM}", LOREM, f"End of report {slug}."]).encode()


@lru_cache(maxsize=1)
def gzip_bomb(size: int = 16 * 1024 * 1024) -> bytes:
    """About 16 KB that inflate to 16 MiB of HTML-looking whitespace (over the 10 MiB limit)."""
    return gzip.compress(b"<html><body>" + b" " * size, compresslevel=9)


Handler = Callable[["FaultHandler"], None]


class FaultHandler(BaseHTTPRequestHandler):
    """Dispatches a path to one fault; unknown paths are 404."""

    protocol_version = "HTTP/1.0"
    server: _Server

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet test output
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        parts = urlsplit(self.path)
        self.query = parse_qs(parts.query)
        owner = self.server.owner
        with owner.lock:
            owner.hits[parts.path] += 1
            owner.times.setdefault(parts.path, []).append(time.monotonic())
            self.attempt = owner.hits[parts.path]
        route = owner.route(parts.path)
        if route is None:
            self.send_bytes(b"<html><body><h1>Not found</h1></body></html>", status=404)
            return
        # the client may give up (timeouts, cancelled oversize downloads): nothing to do then
        with contextlib.suppress(ConnectionError, OSError):
            route(self)

    # -- helpers -----------------------------------------------------------------------------

    def send_bytes(self, body: bytes, status: int = 200, content_type: str = "text/html; charset=utf-8",
                   headers: dict[str, str] | None = None, length: int | None = None) -> None:
        """A complete response (Content-Length is `length` when given, to lie about it)."""
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def redirect(self, location: str, status: int = 302) -> None:
        self.send_bytes(b"", status=status, headers={"Location": location})

    def reset(self) -> None:
        """Close with a TCP RST instead of a FIN."""
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def hang(self) -> None:
        """Send nothing until the client gives up or the server stops."""
        self.server.owner.stopping.wait(HANG_SECONDS)
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default backlog of 5 drops connections when a crawl hurries
    owner: FaultServer

    def handle_error(self, request, client_address) -> None:
        pass  # resets and client timeouts are the point here, not errors


class FaultServer:
    """A threaded HTTP server on a loopback address; use as a context manager."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, robots: str = "error",
                 extra: dict[str, Handler] | None = None, offsite: str | None = None,
                 articles: int = 0, delay: float = 0.0) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"FaultServer serves on loopback addresses only, not {host}")
        self.host = host
        self.robots = robots  # "error" (500), "reset", "allow" or "deny"
        self.offsite = offsite or "http://127.0.0.254:9/"  # where off-site redirects point
        self.extra = extra or {}
        self.articles = articles  # / and /list link /articles/story-1 ... story-N (no faults)
        self.delay = delay  # seconds each /articles/ page takes, to make a crawl last
        self.hits: Counter[str] = Counter()
        self.times: dict[str, list[float]] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.httpd = _Server((host, port), FaultHandler)
        self.httpd.owner = self
        self.port = self.httpd.server_address[1]
        gzip_bomb()  # made once, before any request waits for it
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                       daemon=True)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base + path

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def route(self, path: str) -> Handler | None:
        if path in self.extra:
            return self.extra[path]
        if path == "/" and self.articles:
            return _list  # an article site: its home page lists every story, and no fault
        if path.startswith("/articles/"):
            return _article
        return ROUTES.get(path)


def articles_then_wait(count: int, seconds: float = 4) -> dict[str, Handler]:
    """Routes (`extra`) for a home page linking `count` stories and /wait, a page that takes
    `seconds`: the crawl has written every article and is still running (/wait is hit)."""
    def home(h: FaultHandler) -> None:
        links = "".join(f'<li><a href="/articles/story-{i}">S{i}</a></li>' for i in range(1, count + 1))
        h.send_bytes(f"<html><body><h1>All</h1><ul>{links}<li><a href='/wait'>w</a></li></ul>"
                     "</body></html>".encode())

    def wait(h: FaultHandler) -> None:
        h.server.owner.stopping.wait(seconds)
        h.send_bytes(b"<html><body><h1>Later</h1><p>nothing here</p></body></html>")

    return {"/": home, "/wait": wait}


# -- routes ------------------------------------------------------------------------------------

def _home(h: FaultHandler) -> None:
    links = "".join(f'<li><a href="{path}">{path}</a></li>' for path in HOME_LINKS)
    offsite = f'<li><a href="{h.server.owner.offsite}articles/linked-offsite">elsewhere</a></li>'
    h.send_bytes(f"<!DOCTYPE html><html><head><title>Fault Times</title></head><body><h1>Fault Times"
                 f"</h1><ul>{links}{offsite}</ul></body></html>".encode())


def _robots(h: FaultHandler) -> None:
    mode = h.server.owner.robots
    if mode == "error":
        h.send_bytes(b"<html><body>Internal Server Error</body></html>", status=500)
    elif mode == "reset":
        h.reset()
    elif mode == "deny":
        h.send_bytes(b"User-agent: *\nDisallow: /\n", content_type="text/plain")
    else:
        h.send_bytes(b"User-agent: *\nAllow: /\n", content_type="text/plain")


def _article(h: FaultHandler) -> None:
    if h.server.owner.delay:
        time.sleep(h.server.owner.delay)
    h.send_bytes(plain_article(h.path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]))


def _list(h: FaultHandler) -> None:
    links = "".join(f'<li><a href="/articles/story-{i}">Story {i}</a></li>'
                    for i in range(1, h.server.owner.articles + 1))
    h.send_bytes(f"<!DOCTYPE html><html><head><title>All stories</title></head><body><h1>All "
                 f"stories</h1><ul>{links}</ul></body></html>".encode())


def _status(code: int, retry_after: str | None = None, fail_times: int | None = None) -> Handler:
    """`code` for the first `fail_times` requests (always when None), then a readable article."""

    def handler(h: FaultHandler) -> None:
        if fail_times is not None and h.attempt > fail_times:
            _article(h)
            return
        headers = {"Retry-After": retry_after} if retry_after else {}
        h.send_bytes(f"<html><body><h1>{code}</h1></body></html>".encode(), status=code, headers=headers)

    return handler


def _slow(h: FaultHandler) -> None:
    body = plain_article("slow-body")
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    step = len(body) // 8 + 1
    for start in range(0, len(body), step):  # eight chunks over about a second
        h.wfile.write(body[start:start + step])
        h.wfile.flush()
        time.sleep(0.12)


def _truncated(h: FaultHandler) -> None:
    body = plain_article("truncated")
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body[: len(body) // 2])
    h.wfile.flush()
    h.close_connection = True


def _reset_midway(h: FaultHandler) -> None:
    body = plain_article("reset-midway")
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body[:300])
    h.reset()


def _oversize(declared: bool) -> Handler:
    def handler(h: FaultHandler) -> None:
        chunk = b"<p>" + b"x" * 1021 + b"</p>\n"
        total = 4 * 1024 * 1024
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        if declared:
            h.send_header("Content-Length", str(total))
        h.end_headers()
        for _ in range(total // len(chunk)):  # the client cancels long before the end
            h.wfile.write(chunk)
        h.close_connection = True

    return handler


def _gzip_bomb(h: FaultHandler) -> None:
    h.send_bytes(gzip_bomb(), headers={"Content-Encoding": "gzip"})


def _charset(kind: str) -> Handler:
    """Articles whose bytes and labels disagree."""

    def handler(h: FaultHandler) -> None:
        if kind == "cp1251-undeclared":  # no header charset, no <meta>
            title, text = CHARSET_TEXT["cp1251"]
            body = article_page(title, [text, text], charset=None, lang="ru")
            h.send_bytes(body.encode("cp1251"), content_type="text/html")
        elif kind == "cp1251-labelled-utf8":  # header says utf-8, bytes are cp1251
            title, text = CHARSET_TEXT["cp1251"]
            body = article_page(title + " (2)", [text, text], charset=None, lang="ru")
            h.send_bytes(body.encode("cp1251"), content_type="text/html; charset=utf-8")
        elif kind == "shift_jis-meta":  # header says utf-8, <meta> says shift_jis (right)
            title, text = CHARSET_TEXT["shift_jis"]
            body = article_page(title, [text, SHIFT_JIS_MORE], charset="shift_jis", lang="ja")
            h.send_bytes(body.encode("shift_jis"), content_type="text/html; charset=utf-8")
        elif kind == "latin1-labelled-utf8":  # header and <meta> say utf-8, bytes are latin-1
            title, text = CHARSET_TEXT["latin1"]
            body = article_page(title, [text, text], charset="utf-8", lang="fr")
            h.send_bytes(body.encode("latin-1"), content_type="text/html; charset=utf-8")
        elif kind == "bom-utf8":  # a UTF-8 BOM; the header wrongly says latin-1
            title, text = CHARSET_TEXT["latin1"]
            body = article_page(title + " (BOM)", [text, text], charset=None, lang="fr")
            h.send_bytes(codecs.BOM_UTF8 + body.encode("utf-8"),
                         content_type="text/html; charset=iso-8859-1")
        elif kind == "cp1252-undeclared":  # no charset, no language: Scrapy guesses cp1250
            title, text = CHARSET_TEXT["cp1252"]
            body = (f"<html><head><title>Café news</title></head><body><article><h1>{title}</h1>"
                    "<p class='byline'>By José Müller</p><time datetime='2024-05-01'>May 1, 2024</time>"
                    + "".join(f"<p>Paragraph {i}: {text}</p>" for i in range(3)) + "</article></body></html>")
            h.send_bytes(body.encode("cp1252"), content_type="text/html")
        elif kind == "bom-utf16":  # UTF-16 LE with its BOM; the header wrongly says utf-8
            title, text = CHARSET_TEXT["cp1251"]
            body = article_page(title + " (UTF-16)", [text, text], charset=None, lang="ru")
            h.send_bytes(codecs.BOM_UTF16_LE + body.encode("utf-16-le"),
                         content_type="text/html; charset=utf-8")

    return handler


ROUTES: dict[str, Handler] = {
    "/": _home,
    "/robots.txt": _robots,
    "/list": _list,
    "/status/500": _status(500),
    "/status/503-retry-after": _status(503, retry_after="1", fail_times=1),
    "/status/429-retry-after": _status(429, retry_after="1", fail_times=1),
    "/status/503-retry-after-long": _status(503, retry_after="86400"),
    "/status/404": _status(404),
    "/hang": FaultHandler.hang,
    "/slow": _slow,
    "/reset": FaultHandler.reset,
    "/reset-midway": _reset_midway,
    "/truncated": _truncated,
    "/redirect/ok": lambda h: h.redirect("/articles/redirect-target"),
    "/redirect/loop-a": lambda h: h.redirect("/redirect/loop-b"),
    "/redirect/loop-b": lambda h: h.redirect("/redirect/loop-a"),
    "/redirect/offsite": lambda h: h.redirect(h.server.owner.offsite + "articles/redirected-offsite"),
    "/redirect/ftp": lambda h: h.redirect("ftp://127.0.0.1/pub/file.html"),
    "/redirect/file": lambda h: h.redirect("file:///etc/passwd"),
    "/redirect/javascript": lambda h: h.redirect("javascript:alert(1)"),
    "/refresh/offsite": lambda h: h.send_bytes(
        f'<html><head><meta http-equiv="refresh" content="0; url={h.server.owner.offsite}'
        f'articles/refreshed-offsite"></head><body>moved</body></html>'.encode()),
    "/oversize/declared": _oversize(declared=True),
    "/oversize/streamed": _oversize(declared=False),
    "/gzip-bomb": _gzip_bomb,
    "/pdf": lambda h: h.send_bytes(PDF_BODY, content_type="text/html; charset=utf-8"),
    "/binary": lambda h: h.send_bytes(bytes(range(256)) * 64, content_type="text/html"),
    "/empty": lambda h: h.send_bytes(b""),
    "/malformed": lambda h: h.send_bytes(MALFORMED_ARTICLE.encode()),
    "/challenge": lambda h: h.send_bytes(CHALLENGE_PAGE),
    "/pathological": lambda h: h.send_bytes(SLOW_EXTRACTION_PAGE),
    "/crowded-tag": lambda h: h.send_bytes(CROWDED_TAG_PAGE),
    "/charset/cp1251-undeclared": _charset("cp1251-undeclared"),
    "/charset/cp1251-labelled-utf8": _charset("cp1251-labelled-utf8"),
    "/charset/shift_jis-meta": _charset("shift_jis-meta"),
    "/charset/latin1-labelled-utf8": _charset("latin1-labelled-utf8"),
    "/charset/bom-utf8": _charset("bom-utf8"),
    "/charset/bom-utf16": _charset("bom-utf16"),
    "/charset/cp1252-undeclared": _charset("cp1252-undeclared"),
}
# the home page links every fault (a loop by its first hop only) and three readable articles
# (not the cp1252 page: tests/extract/test_encoding.py names it)
HOME_LINKS = [p for p in ROUTES if p not in ("/", "/robots.txt", "/list", "/redirect/loop-b",
                                             "/charset/cp1252-undeclared")] + [
    "/articles/plain-1", "/articles/plain-2", "/articles/plain-3"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--robots", default="error", choices=["error", "reset", "allow", "deny"])
    args = parser.parse_args()
    with FaultServer(args.host, args.port, robots=args.robots) as server:
        print(f"serving the fault site at {server.url()} (Ctrl-C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            server.thread.join()



def loopback_hosts(value: str | dict) -> dict[str, str]:
    """Parse "name=127.0.0.x,name2=127.0.0.y" (or a dict); every address must be loopback."""
    pairs = value.items() if isinstance(value, dict) else (
        item.split("=", 1) for item in str(value).split(",") if item.strip())
    hosts = {name.strip().lower(): address.strip() for name, address in pairs}
    for name, address in hosts.items():
        if not ipaddress.ip_address(address).is_loopback:
            raise ValueError(f"test host {name} must resolve to a loopback address, not {address}")
    return hosts


class LoopbackResolver(CachingThreadedResolver):
    """Scrapy's resolver (DNS_RESOLVER), plus test names (setting NEWSCRAWL_TEST_HOSTS,
    "name=127.0.0.x,...") that resolve to loopback addresses, like curl --resolve."""

    hosts: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.hosts = loopback_hosts(crawler.settings.get("NEWSCRAWL_TEST_HOSTS") or "")
        return resolver

    def getHostByName(self, name: str, timeout=()):  # noqa: N802 - Twisted's interface
        if name.lower() in self.hosts:
            return defer.succeed(self.hosts[name.lower()])
        return super().getHostByName(name, timeout)


if __name__ == "__main__":
    main()
