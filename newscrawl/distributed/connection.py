"""One way to reach Redis for every distributed component, with readable errors."""

from __future__ import annotations

from typing import Any


class RedisUnavailable(RuntimeError):
    """Redis cannot be reached; the message names the URL (without password)."""


def safe_url(url: str | None) -> str:
    """A Redis URL with any password replaced by ***, for messages."""
    if not url or "@" not in url:
        return str(url)
    scheme, _, rest = url.partition("://")
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user + ':' if user else ''}***@{host}"


def connect(settings: Any) -> Any:
    """A Redis client from REDIS_URL / REDIS_PARAMS (scrapy-redis's rules), checked with PING."""
    import redis
    from scrapy_redis import connection

    server = connection.from_settings(settings)
    try:
        server.ping()
    except redis.RedisError as exc:
        raise RedisUnavailable(f"cannot reach Redis at {safe_url(settings.get('REDIS_URL'))}: {exc}") from None
    return server
