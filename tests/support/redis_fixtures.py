"""A real redis-server for the distributed tests (and benchmark): started on 127.0.0.1 with a
free port and a temporary directory, stopped by its PID at the end."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import free_port


def _stop(process: subprocess.Popen) -> None:
    """End a redis-server this module started: politely, then for sure."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def redis_server_process(folder: Path, password: str | None = None
                         ) -> Iterator[tuple[subprocess.Popen, str]]:
    """Run redis-server (no persistence, `requirepass` when a password is given) in `folder`;
    yields the process (a test may stop it by its PID) and redis://[:PASSWORD@]127.0.0.1:PORT."""
    import redis

    executable = shutil.which("redis-server")
    if executable is None:
        raise FileNotFoundError("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    log = folder / "redis.log"
    auth = ["--requirepass", password] if password else []
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder), *auth],
        stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"redis://{f':{password}@' if password else ''}127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start: {log.read_text()}") from None
                time.sleep(0.05)
        yield process, url
    finally:
        _stop(process)


@contextmanager
def tls_redis_process(folder: Path) -> Iterator[str]:
    """Run redis-server with TLS only (a self-signed certificate; clients must show one, Redis's
    default) in `folder`; yields rediss://127.0.0.1:PORT."""
    executable, openssl = shutil.which("redis-server"), shutil.which("openssl")
    if executable is None or openssl is None:
        raise FileNotFoundError("redis-server and openssl are needed (apt-get install redis-server openssl)")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=60)
    port = free_port()
    log = folder / "redis-tls.log"
    process = subprocess.Popen(
        [executable, "--port", "0", "--tls-port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder), "--tls-cert-file", str(cert), "--tls-key-file", str(key),
         "--tls-ca-cert-file", str(cert)],
        stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while "Ready to accept connections" not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server with TLS did not start: {log.read_text()}")
            time.sleep(0.05)
        yield f"rediss://127.0.0.1:{port}"  # a client shows cert.pem and key.pem, and trusts cert.pem
    finally:
        _stop(process)


@contextmanager
def redis_process(folder: Path) -> Iterator[str]:
    """Run redis-server (no persistence) in `folder`; yields redis://127.0.0.1:PORT."""
    with redis_server_process(folder) as (_, url):
        yield url


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[str]:
    """The base URL (redis://127.0.0.1:PORT) of a private redis-server for the session."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed: `make test` installs it (apt-get install redis-server)")
    with redis_process(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """A Redis database emptied for this test."""
    import redis

    url = f"{redis_server}/0"
    redis.Redis.from_url(url).flushdb()
    return url
