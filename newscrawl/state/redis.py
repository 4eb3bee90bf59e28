"""The state store for many machines: the same seen/fingerprint store, kept in Redis.

Keys (under NEWSCRAWL_REDIS_PREFIX, "newscrawl" by default):
- `{prefix}:seen`          hash: canonical URL -> JSON of the entry
- `{prefix}:emitted`       sorted set: canonical URL by emitted_at (prune, export order)
- `{prefix}:fingerprints`  hash: content fingerprint -> how many entries carry it
- `{prefix}:meta`          hash: small named values
Each change is one Lua script, so workers writing at the same time never leave the three
structures disagreeing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from newscrawl.state.base import SeenEntry, StateError, StateStore

# KEYS: seen, emitted, fingerprints; ARGV: url, entry JSON, fingerprint ('' for none), emitted_at.
# An entry once undated stays so (see StateStore.record)
_RECORD = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
local old_fp = ''
local entry = ARGV[2]
if old then
  local decoded = cjson.decode(old)
  local f = decoded['fingerprint']
  if type(f) == 'string' then old_fp = f end
  if decoded['undated'] then
    local new = cjson.decode(entry)
    new['undated'] = true
    entry = cjson.encode(new)
  end
end
if old_fp ~= ARGV[3] then
  if old_fp ~= '' and redis.call('HINCRBY', KEYS[3], old_fp, -1) <= 0 then redis.call('HDEL', KEYS[3], old_fp) end
  if ARGV[3] ~= '' then redis.call('HINCRBY', KEYS[3], ARGV[3], 1) end
end
redis.call('HSET', KEYS[1], ARGV[1], entry)
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return 1
"""

# KEYS: seen, emitted, fingerprints; ARGV: cutoff (exclusive), batch size, how many old entries
# to pass over (the undated ones kept by earlier batches), '1' to keep undated entries.
# Returns {removed, looked at}
_PRUNE = """
local urls = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1], 'LIMIT', tonumber(ARGV[3]), tonumber(ARGV[2]))
local removed = 0
for _, url in ipairs(urls) do
  local old = redis.call('HGET', KEYS[1], url)
  local entry = old and cjson.decode(old)
  if not (entry and entry['undated'] and ARGV[4] == '1') then
    if entry then
      local f = entry['fingerprint']
      if type(f) == 'string' and redis.call('HINCRBY', KEYS[3], f, -1) <= 0 then redis.call('HDEL', KEYS[3], f) end
    end
    redis.call('HDEL', KEYS[1], url)
    redis.call('ZREM', KEYS[2], url)
    removed = removed + 1
  end
end
return {removed, #urls}
"""

# KEYS: seen, emitted, fingerprints; ARGV: URLs whose entries go, with their fingerprints' counts
_FORGET = """
for _, url in ipairs(ARGV) do
  local old = redis.call('HGET', KEYS[1], url)
  if old then
    local f = cjson.decode(old)['fingerprint']
    if type(f) == 'string' and redis.call('HINCRBY', KEYS[3], f, -1) <= 0 then redis.call('HDEL', KEYS[3], f) end
    redis.call('HDEL', KEYS[1], url)
    redis.call('ZREM', KEYS[2], url)
  end
end
return 1
"""

_FIELDS = ("fingerprint", "modified", "revision", "emitted_at", "etag", "last_modified")
# flags kept in an entry's JSON only when true
_FLAGS = ("links_pending", "undated")

# KEYS: seen; ARGV: URLs. Rewritten inside Redis, so a worker recording one of them meanwhile
# is never overwritten with an older entry
_FOLLOWED = """
for _, url in ipairs(ARGV) do
  local raw = redis.call('HGET', KEYS[1], url)
  if raw then
    local entry = cjson.decode(raw)
    if entry['links_pending'] then
      entry['links_pending'] = nil
      redis.call('HSET', KEYS[1], url, cjson.encode(entry))
    end
  end
end
return 1
"""


class RedisStateStore(StateStore):
    """State shared by every worker of a distributed crawl (REDIS_URL)."""

    def __init__(self, server: Any, prefix: str = "newscrawl", url: str | None = None) -> None:
        self.server = server
        self.prefix = prefix
        self.url = url
        self.seen_key = f"{prefix}:seen"
        self.emitted_key = f"{prefix}:emitted"
        self.fingerprints_key = f"{prefix}:fingerprints"
        self.meta_key = f"{prefix}:meta"
        self._keys = [self.seen_key, self.emitted_key, self.fingerprints_key]
        self._record = server.register_script(_RECORD)
        self._prune = server.register_script(_PRUNE)
        self._followed = server.register_script(_FOLLOWED)
        self._forget = server.register_script(_FORGET)

    @classmethod
    def from_url(cls, url: str, prefix: str = "newscrawl") -> RedisStateStore:
        """Connect and check the connection; StateError with the URL (no password) if it fails."""
        try:
            import redis
        except ImportError:
            raise StateError("REDIS_URL is set but the redis package is missing: pip install "
                             "'newscrawl[redis]' (in a checkout: pip install '.[redis]')") from None
        from newscrawl.config.redis_url import safe_url, tls_problem

        if problem := tls_problem(url):  # else 20 s before redis-py says "Timeout connecting"
            raise StateError(f"the state store at {safe_url(url)} cannot be used: {problem}")
        try:
            server = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10,
                                          retry_on_timeout=True)
            server.ping()
        except (redis.RedisError, ValueError) as exc:
            raise StateError(f"the state store at {safe_url(url)} cannot be used ({exc}): start Redis "
                             "there or fix REDIS_URL") from None
        return cls(server, prefix=prefix, url=url)

    def get(self, url: str) -> SeenEntry | None:
        raw = self.server.hget(self.seen_key, url)
        return _entry(url, raw) if raw is not None else None

    def has_fingerprint(self, fingerprint: str) -> bool:
        return bool(self.server.hexists(self.fingerprints_key, fingerprint))

    def record(self, url: str, fingerprint: str | None, modified: str | None, revision: int,
               *, etag: str | None = None, last_modified: str | None = None,
               links_pending: bool = False, undated: bool = False) -> None:
        emitted_at = time.time()
        entry = {"fingerprint": fingerprint, "modified": modified, "revision": revision,
                 "emitted_at": emitted_at, "etag": etag, "last_modified": last_modified}
        if links_pending:
            entry["links_pending"] = True
        if undated:
            entry["undated"] = True
        self._record(keys=self._keys, args=[url, json.dumps(entry), fingerprint or "", emitted_at])

    def forget(self, urls: Iterable[str]) -> None:
        urls = list(urls)
        for start in range(0, len(urls), 1000):  # in batches, so one script never blocks Redis for long
            self._forget(keys=self._keys, args=urls[start:start + 1000])

    def mark_links_followed(self, urls: Iterable[str]) -> None:
        urls = list(urls)
        for start in range(0, len(urls), 1000):  # in batches, so one script never blocks Redis for long
            self._followed(keys=[self.seen_key], args=urls[start:start + 1000])

    def prune(self, older_than_seconds: float) -> int:
        # 0 forgets every entry, as SQLite's does: those a worker whose clock runs ahead recorded too
        cutoff: float | str = time.time() - older_than_seconds if older_than_seconds > 0 else "+inf"
        keep_undated = "1" if older_than_seconds > 0 else "0"
        removed = kept = 0
        while True:  # in batches, so one script never blocks Redis for long
            batch, looked_at = (int(n) for n in self._prune(keys=self._keys, args=[cutoff, 1000, kept, keep_undated]))
            removed += batch
            kept += looked_at - batch  # undated entries stay first among the old: passed over next time
            if looked_at < 1000:
                return removed

    def count(self) -> int:
        return int(self.server.hlen(self.seen_key))

    def exists(self) -> bool:
        """Whether any of this state's keys is there (a crawl made it: its entries, or its meta)."""
        return bool(self.server.exists(*self._keys, self.meta_key))

    def export(self) -> list[SeenEntry]:
        urls = self.server.zrange(self.emitted_key, 0, -1)
        entries: list[SeenEntry] = []
        for start in range(0, len(urls), 1000):
            batch = urls[start:start + 1000]
            for url, raw in zip(batch, self.server.hmget(self.seen_key, batch), strict=True):
                if raw is not None:
                    entries.append(_entry(url.decode() if isinstance(url, bytes) else url, raw))
        return entries

    def get_meta(self, key: str) -> str | None:
        """A small named value kept beside the entries."""
        raw = self.server.hget(self.meta_key, key)
        return raw.decode() if isinstance(raw, bytes) else raw

    def set_meta(self, key: str, value: str) -> None:
        """Store a small named value."""
        self.server.hset(self.meta_key, key, value)

    def size_bytes(self) -> int | None:
        try:
            return sum(self.server.memory_usage(key) or 0 for key in (*self._keys, self.meta_key))
        except Exception:  # MEMORY USAGE may be disabled on managed Redis
            return None

    def describe(self) -> str:
        from newscrawl.config.redis_url import safe_url

        return f"{safe_url(self.url)} (keys {self.prefix}:*)" if self.url else f"redis (keys {self.prefix}:*)"

    def close(self) -> None:
        self.server.close()


def _entry(url: str, raw: bytes | str) -> SeenEntry:
    data = json.loads(raw)
    return SeenEntry(url=url, **{name: data.get(name) for name in _FIELDS},
                     **{flag: bool(data.get(flag)) for flag in _FLAGS})
