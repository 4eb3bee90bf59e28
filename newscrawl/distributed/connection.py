"""One way to reach Redis for every distributed component, with readable errors."""

from __future__ import annotations

from typing import Any

from newscrawl.config.redis_url import safe_url


class RedisUnavailable(RuntimeError):
    """Redis cannot be reached; the message names the URL (without password)."""


def connect(settings: Any) -> Any:
    """A Redis client from REDIS_URL / REDIS_PARAMS (scrapy-redis's rules), checked with PING."""
    import redis
    from scrapy_redis import connection

    from newscrawl.config.redis_url import tls_problem

    if problem := tls_problem(settings.get("REDIS_URL")):  # else a minute before redis-py says "Timeout"
        raise RedisUnavailable(f"cannot reach Redis at {safe_url(settings.get('REDIS_URL'))}: {problem}")
    server = connection.from_settings(settings)
    try:
        server.ping()
    except redis.RedisError as exc:
        raise RedisUnavailable(f"cannot reach Redis at {safe_url(settings.get('REDIS_URL'))}: {exc}") from None
    return server
