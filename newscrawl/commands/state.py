"""`scrapy state info | export [FILE] | prune [AGE]`: look after the seen-before store.

- `info`: where the state is, how many URLs it remembers, its size, the oldest and newest
  entry, and the size of the feed/sitemap cache beside it;
- `export [FILE]`: every entry as JSON Lines (to FILE, or standard output);
- `prune [AGE]`: forget entries emitted longer ago than AGE (30d, 12h, or seconds; default the
  NEWSCRAWL_STATE_MAX_AGE setting) and cached feeds/sitemaps not revalidated for as long.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.discovery.httpcache import cache_dir, cache_size, prune_cache
from newscrawl.state import StateError, open_state

_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.IGNORECASE)
_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_age(value: str) -> float:
    """"30d", "12h", "90m", "3600" (seconds) -> seconds."""
    match = _AGE.match(value)
    if not match:
        raise UsageError(f"not an age: {value!r} (use e.g. 30d, 12h, 90m or seconds)", print_help=False)
    return float(match.group(1)) * _SECONDS[match.group(2).lower()]


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "info | export [FILE] | prune [AGE]"

    def short_desc(self) -> str:
        return "Show the size of the seen-before state, export it, or prune old entries"

    def run(self, args: list[str], opts) -> None:
        if not args or args[0] not in ("info", "export", "prune"):
            raise UsageError("give info, export [FILE] or prune [AGE]")
        try:
            store = open_state(self.settings)
        except StateError as exc:
            print(f"scrapy state: {exc}", file=sys.stderr)
            self.exitcode = 1
            return
        try:
            getattr(self, f"_{args[0]}")(store, args[1:])
        finally:
            store.close()

    def _info(self, store, args: list[str]) -> None:
        entries = store.export()
        size = store.size_bytes()
        cached, cached_bytes = cache_size(cache_dir(self.settings))
        info = {
            "state": store.describe(),
            "urls": len(entries),  # an article may be remembered under its canonical and fetched URL
            "bytes": size,
            "oldest": _iso(min(e.emitted_at for e in entries)) if entries else None,
            "newest": _iso(max(e.emitted_at for e in entries)) if entries else None,
            "revised": sum(1 for e in entries if e.revision > 1),
            "feed_cache": {"dir": str(cache_dir(self.settings)), "responses": cached, "bytes": cached_bytes},
        }
        print(json.dumps(info, indent=2))

    def _export(self, store, args: list[str]) -> None:
        lines = []
        for entry in store.export():
            row = dataclasses.asdict(entry)
            row["emitted_at"] = _iso(entry.emitted_at)
            lines.append(json.dumps(row, ensure_ascii=False) + "\n")
        if args and args[0] != "-":
            Path(args[0]).write_text("".join(lines), "utf-8")
        else:
            sys.stdout.writelines(lines)

    def _prune(self, store, args: list[str]) -> None:
        age = parse_age(args[0]) if args else self.settings.getfloat("NEWSCRAWL_STATE_MAX_AGE", 0)
        if age <= 0:
            raise UsageError("give an age (scrapy state prune 90d) or set NEWSCRAWL_STATE_MAX_AGE",
                             print_help=False)
        removed = store.prune(age)
        cached = prune_cache(cache_dir(self.settings), age)
        print(json.dumps({"removed": removed, "removed_cached_responses": cached,
                          "urls": store.count()}))
