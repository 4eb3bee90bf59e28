"""A small real HTTP server for the discovery, incremental and cron tests.

Serves a directory with ETag and Last-Modified (and answers If-None-Match / If-Modified-Since
with 304), generates endless pagination (/world/page/N/) and calendar pages
(/events/calendar/YYYY-MM/) to test trap bounds, and logs every request for assertions.
Modes: `challenge` answers every request with a bot-challenge page; `gate` holds every request
until the test sets the event (bounded by a timeout).
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

CHALLENGE_PAGE = (b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
                  b"<noscript>Enable JavaScript and cookies to continue</noscript>"
                  b"<script src=\"/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1\"></script>"
                  b"</body></html>")


@dataclass
class Hit:
    """One request the server answered."""

    path: str
    status: int
    if_none_match: str | None
    if_modified_since: str | None

    @property
    def conditional(self) -> bool:
        return bool(self.if_none_match or self.if_modified_since)


@dataclass
class SiteServer:
    """A running test server: its base URL and what it saw."""

    base: str
    root: Path | None
    hits: list[Hit] = field(default_factory=list)
    challenge: bool = False
    gate: threading.Event | None = None
    sleep: float = 0.0
    active: int = 0
    peak: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self, status: int | None = None) -> list[str]:
        return [h.path for h in self.hits if status is None or h.status == status]

    def clear(self) -> None:
        with self.lock:
            self.hits.clear()
            self.peak = 0


def _endless(path: str) -> bytes | None:
    page = re.fullmatch(r"/world/page/(\d+)/", path)
    if page and int(page.group(1)) >= 3:
        number = int(page.group(1))
        return (f"<html><head><title>World, page {number}</title></head><body><h1>Older stories</h1>"
                f'<a href="/world/page/{number + 1}/">Older stories</a></body></html>').encode()
    month = re.fullmatch(r"/events/calendar/(\d{4})-(\d{2})/", path)
    if month:
        year, number = int(month.group(1)), int(month.group(2))
        previous = f"{year - (number == 1)}-{12 if number == 1 else number - 1:02d}"
        return (f"<html><head><title>Events {year}-{number:02d}</title></head><body>"
                f"<h1>Events</h1><p>No events this month.</p>"
                f'<a href="/events/calendar/{previous}/">Previous month</a></body></html>').encode()
    return None


class _Handler(BaseHTTPRequestHandler):
    server_version = "HarbourTest/1.0"
    site: SiteServer

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass

    def do_GET(self) -> None:
        site = self.site
        with site.lock:
            site.active += 1
            site.peak = max(site.peak, site.active)
        try:
            if site.gate is not None:
                site.gate.wait(timeout=60)
            if site.sleep:
                time.sleep(site.sleep)
            self._answer()
        finally:
            with site.lock:
                site.active -= 1

    def _answer(self) -> None:
        site = self.site
        path = unquote(urlsplit(self.path).path)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")

        def send(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            with site.lock:
                site.hits.append(Hit(path, status, inm, ims))
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        if site.challenge:
            send(200, CHALLENGE_PAGE, {"Content-Type": "text/html; charset=utf-8"})
            return
        generated = _endless(path)
        if generated is not None:
            send(200, generated, {"Content-Type": "text/html; charset=utf-8"})
            return
        target = (site.root / path.lstrip("/")).resolve() if site.root else None
        if target is not None and target.is_dir():
            target = target / "index.html"
        if target is None or not target.is_file() or site.root.resolve() not in target.parents:
            send(404, b"<html><body><h1>Not found</h1></body></html>", {"Content-Type": "text/html"})
            return
        body = target.read_bytes()
        mtime = int(target.stat().st_mtime)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
        not_modified = inm == etag if inm else False
        if not inm and ims:
            with contextlib.suppress(TypeError, ValueError):
                not_modified = mtime <= parsedate_to_datetime(ims).timestamp()
        if not_modified:
            send(304, headers=headers)
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix == ".rss":
            kind = "application/rss+xml"
        if kind.startswith("text/") or kind.endswith("xml"):
            kind += "; charset=utf-8"
        send(200, body, {"Content-Type": kind, **headers})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client that went away (a killed crawl) is expected here, not a test failure


@contextlib.contextmanager
def serve_site(root: Path | None, host: str = "127.0.0.1", **options) -> Iterator[SiteServer]:
    """Serve `root` on host (a loopback address), any free port; yields the SiteServer."""
    if not host.startswith("127."):
        raise ValueError("test servers listen on loopback addresses only")
    site = SiteServer(base="", root=root, **options)
    handler = type("Handler", (_Handler,), {"site": site})
    server = _Server((host, 0), handler)
    site.base = f"http://{host}:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, name=f"site-{host}", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        if site.gate is not None:
            site.gate.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
