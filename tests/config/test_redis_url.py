"""Whether a rediss:// URL's server speaks TLS, asked of real redis-servers on 127.0.0.1."""

from __future__ import annotations

import shutil
import time

import pytest

from newscrawl.config.redis_url import tls_problem
from tests.support.redis_fixtures import redis_process, tls_redis_process

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


def test_a_redis_without_tls_named_by_rediss_is_said_within_seconds(tmp_path):
    """A Redis without TLS never answers the handshake: redis-py waited about a minute."""
    with redis_process(tmp_path) as url:
        rediss = url.replace("redis://", "rediss://") + "/0"
        started = time.monotonic()
        problem = tls_problem(rediss, timeout=2)
        took = time.monotonic() - started
        assert tls_problem(url) is None  # redis:// asks for no TLS
    assert problem == ("it did not answer the TLS handshake within 2 s: rediss:// asks for TLS, and a Redis "
                       "without TLS never answers it; give redis:// for a server without TLS, or the port of "
                       "its tls-port")
    assert took < 5


def test_a_redis_with_tls_is_no_problem_even_when_it_wants_a_client_certificate(tmp_path):
    """Only whether the server speaks TLS is checked: its certificate, and the one it asks of
    the client (Redis's default), are redis-py's to handle."""
    with tls_redis_process(tmp_path) as url:
        assert tls_problem(f"{url}/0") is None


def test_an_unreachable_server_is_left_to_redis_py(tmp_path):
    with redis_process(tmp_path) as url:
        port = url.rsplit(":", 1)[1]
    assert tls_problem(f"rediss://127.0.0.1:{port}/0", timeout=2) is None
