"""REDIS_URL as messages show it (without its password), and whether a rediss:// server speaks TLS."""

from __future__ import annotations

import socket
import ssl
from urllib.parse import urlsplit

# a TLS server answers a handshake at once; a Redis without TLS takes the ClientHello for the
# start of a command and waits for its end, and redis-py waited socket_connect_timeout (30 s),
# twice (retry_on_timeout), before "Timeout connecting to server"
TLS_HANDSHAKE_TIMEOUT = 5.0
# OpenSSL's reasons for an answer that is no TLS record at all (a plain-text reply)
_NOT_TLS = {"WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG", "UNKNOWN_PROTOCOL",
            "HTTP_REQUEST"}


def safe_url(url: str | None) -> str:
    """A Redis URL with any password replaced by ***, for messages."""
    if not url or "@" not in url:
        return str(url)
    scheme, _, rest = url.partition("://")
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user + ':' if user else ''}***@{host}"


def tls_problem(url: str | None, timeout: float = TLS_HANDSHAKE_TIMEOUT) -> str | None:
    """For a rediss:// URL whose server does not answer TLS (a Redis without TLS), why, with
    what to check; None for any other URL or server. Only whether the server speaks TLS is
    looked at: an unreachable server and its certificate are redis-py's to report."""
    parts = urlsplit(url or "")
    if parts.scheme.lower() != "rediss":
        return None
    try:
        host, port = parts.hostname or "localhost", parts.port or 6379
        sock = socket.create_connection((host, port), timeout=timeout)
    except (OSError, ValueError):
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False  # whether it speaks TLS at all, not whom it says it is
    context.verify_mode = ssl.CERT_NONE
    try:
        context.wrap_socket(sock, server_hostname=host).close()
    except TimeoutError:
        return _not_tls(f"it did not answer the TLS handshake within {timeout:g} s")
    except ssl.SSLError as exc:
        return _not_tls(f"it answered the TLS handshake with no TLS ({exc.reason})") if exc.reason in _NOT_TLS else None
    except OSError:
        return None
    finally:
        sock.close()
    return None


def _not_tls(what: str) -> str:
    return (f"{what}: rediss:// asks for TLS, and a Redis without TLS never answers it; give "
            "redis:// for a server without TLS, or the port of its tls-port")
