"""A folder served over HTTP/1.1 the way many news servers send pages: gzip when the client
asks for it, and chunked transfer encoding, so an archive must keep the body as it came over
the wire and a replay must undo both. Loopback only."""

from __future__ import annotations

import contextlib
import gzip
import mimetypes
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


class WireHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root: Path
    delay: float = 0.0

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's name
        pass

    def _file(self) -> Path | None:
        path = unquote(urlsplit(self.path).path)
        target = (self.root / path.lstrip("/")).resolve()
        if self.root.resolve() not in target.parents and target != self.root.resolve():
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.delay:
            time.sleep(self.delay)
        target = self._file()
        if target is None:
            body = b"not found"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        body = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            kind += "; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        if "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body, mtime=0)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(body), 4096):
            part = body[start:start + 4096]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        self.wfile.write(b"0\r\n\r\n")


@contextlib.contextmanager
def serve_wire_site(root: Path, host: str = "127.0.0.1", delay: float = 0.0) -> Iterator[str]:
    """Serve `root` gzipped and chunked, each answer `delay` seconds late; yields the base URL."""
    if not host.startswith("127."):
        raise ValueError("test servers listen on loopback only")
    handler = type("Handler", (WireHandler,), {"root": Path(root), "delay": delay})
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
