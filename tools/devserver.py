"""Local servers for the demo and the crawl tests, on loopback addresses only.

`serve_directory` serves a folder over plain HTTP. `serve_as_https_site` makes a folder appear at
a real-looking https:// address (e.g. https://worldpress.example/): a TLS server with a throwaway
self-signed certificate, reached through an HTTP CONNECT proxy, both on 127.0.0.1. Scrapy
takes the proxy from the `https_proxy` environment variable, as for any proxy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import select
import socket
import ssl
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass


def _check_loopback(host: str) -> None:
    if not host.startswith("127."):
        raise ValueError("the dev servers listen on loopback addresses (127.0.0.0/8) only")


@contextlib.contextmanager
def _running(server: ThreadingHTTPServer) -> Iterator[ThreadingHTTPServer]:
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="devserver", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def serve_directory(root: str | Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `root` over HTTP on host:port (0 = any free port); yields the base URL."""
    _check_loopback(host)
    handler = functools.partial(_QuietHandler, directory=str(root))
    with _running(ThreadingHTTPServer((host, port), handler)) as server:
        yield f"http://{host}:{server.server_address[1]}/"


def _self_signed_cert(hostname: str, folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def _tunnel(client: socket.socket, upstream: socket.socket, timeout: float = 30.0) -> None:
    sockets = [client, upstream]
    while True:
        readable, _, _ = select.select(sockets, [], [], timeout)
        if not readable:
            return
        for sock in readable:
            data = sock.recv(65536)
            if not data:
                return
            (upstream if sock is client else client).sendall(data)


def _connect_proxy_handler(allowed_host: str, target: tuple[str, int]) -> type[BaseHTTPRequestHandler]:
    class ConnectProxy(BaseHTTPRequestHandler):
        """Tunnels CONNECT requests for one host name to the local TLS server; refuses the rest."""

        def do_CONNECT(self) -> None:  # noqa: N802 - http.server's naming
            host = self.path.rsplit(":", 1)[0]
            if host != allowed_host:
                self.send_error(403, f"this proxy only serves {allowed_host}")
                return
            with socket.create_connection(target, timeout=10) as upstream:
                self.send_response(200, "Connection established")
                self.end_headers()
                _tunnel(self.connection, upstream)
            self.close_connection = True

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            pass

    return ConnectProxy


@contextlib.contextmanager
def serve_as_https_site(root: str | Path, base_url: str, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `root` so that `base_url` (https://name/) reaches it; yields the proxy URL to use."""
    _check_loopback(host)
    hostname = urlsplit(base_url).hostname or ""
    with tempfile.TemporaryDirectory(prefix="newscrawl-demo-tls-") as tmp:
        cert, key = _self_signed_cert(hostname, Path(tmp))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        handler = functools.partial(_QuietHandler, directory=str(root))
        tls_server = ThreadingHTTPServer((host, 0), handler)
        tls_server.socket = context.wrap_socket(tls_server.socket, server_side=True)
        with _running(tls_server):
            proxy_handler = _connect_proxy_handler(hostname, (host, tls_server.server_address[1]))
            with _running(ThreadingHTTPServer((host, 0), proxy_handler)) as proxy:
                yield f"http://{host}:{proxy.server_address[1]}"
