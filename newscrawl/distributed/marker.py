"""The crawl's marker in Redis: a worker notices that the Redis it shares lost the crawl's data.

A Redis restarted without persistence, or flushed (FLUSHALL, FLUSHDB), answers as before but holds
nothing: no queue, no request fingerprints, no record of the articles emitted. Workers going on
would fetch and write again every article written before. So whoever first uses a Redis for a
crawl (`newscrawl seed`, or a worker) writes the key `{spider}:marker` (a random token, when, by
whom). A worker remembers the value it found when it opened, and the Lua scripts it runs anyway
(taking a request, queueing one, renewing its lease) compare it first: gone or replaced, they
fail with CrawlDataLost and the worker stops (outage.py, close reason `redis_data_lost`). A
restart with persistence (RDB or AOF) keeps the marker, and the crawl goes on; Redis's run_id
changes in both cases, so it cannot tell them apart.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import redis

LOST = "CRAWL_DATA_LOST"  # the error code the scripts answer with
# put before a script whose last key is the marker and whose last argument is the value found
CHECK = f"""
local marker = redis.call('GET', KEYS[#KEYS])
if marker ~= ARGV[#ARGV] then
  return redis.error_reply('{LOST} ' .. KEYS[#KEYS] .. (marker and ' was replaced' or ' is gone'))
end
"""


class CrawlDataLost(redis.ResponseError):
    """The marker a worker found when it opened is gone or replaced: Redis lost the crawl's data."""


def ensure_marker(server: Any, key: str, by: str) -> str:
    """The crawl's marker, written now if this Redis has none (a new crawl, or a lost one)."""
    value = json.dumps({"token": secrets.token_hex(8), "since": datetime.now(UTC).isoformat(timespec="seconds"),
                        "by": by})
    server.set(key, value, nx=True)
    found = server.get(key)
    if found is None:  # lost between the two calls: the next check says so
        return value
    return found.decode() if isinstance(found, bytes) else found


def read_marker(server: Any, key: str) -> dict[str, Any] | None:
    """The marker's fields, or None when this Redis has none."""
    raw = server.get(key)
    try:
        return json.loads(raw) if raw is not None else None
    except ValueError:
        return {"value": raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw}


def checked(script: Any, keys: Sequence[str], args: Sequence[Any], marker_key: str, marker: str) -> Any:
    """Run a script that starts with CHECK; CrawlDataLost when the marker is not `marker`."""
    try:
        return script(keys=[*keys, marker_key], args=[*args, marker])
    except redis.ResponseError as exc:
        if str(exc).startswith(LOST):
            raise CrawlDataLost(str(exc).removeprefix(LOST).strip()) from None
        raise
