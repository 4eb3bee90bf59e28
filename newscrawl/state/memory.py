"""No state at all (NEWSCRAWL_STATE empty, "none", "false", "off", "no" or "0"): a run remembers
only its own articles.

Duplicates within the run are still dropped; nothing is kept for the next run, nothing is
written to disk, and every run emits every article it finds.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable

from newscrawl.state.base import SeenEntry, StateStore


class MemoryStateStore(StateStore):
    """The seen store of one run, in memory, forgotten when the run ends."""

    def __init__(self) -> None:
        self.entries: dict[str, SeenEntry] = {}
        self.fingerprints: set[str] = set()
        self.meta: dict[str, str] = {}

    def get(self, url: str) -> SeenEntry | None:
        return self.entries.get(url)

    def has_fingerprint(self, fingerprint: str) -> bool:
        return fingerprint in self.fingerprints

    def record(self, url: str, fingerprint: str | None, modified: str | None, revision: int,
               *, etag: str | None = None, last_modified: str | None = None,
               links_pending: bool = False, undated: bool = False) -> None:
        old = self.entries.get(url)
        self.entries[url] = SeenEntry(url, fingerprint, modified, revision, time.time(), etag,
                                      last_modified, links_pending, undated or bool(old and old.undated))
        if fingerprint:
            self.fingerprints.add(fingerprint)

    def forget(self, urls: Iterable[str]) -> None:
        for url in urls:
            self.entries.pop(url, None)
        self.fingerprints = {e.fingerprint for e in self.entries.values() if e.fingerprint}

    def mark_links_followed(self, urls: Iterable[str]) -> None:
        for url in urls:
            entry = self.entries.get(url)
            if entry is not None and entry.links_pending:
                self.entries[url] = dataclasses.replace(entry, links_pending=False)

    def prune(self, older_than_seconds: float) -> int:
        cutoff = time.time() - older_than_seconds
        old = [url for url, entry in self.entries.items()
               if entry.emitted_at < cutoff and not (entry.undated and older_than_seconds > 0)]
        for url in old:
            del self.entries[url]
        self.fingerprints = {e.fingerprint for e in self.entries.values() if e.fingerprint}
        return len(old)

    def count(self) -> int:
        return len(self.entries)

    def export(self) -> list[SeenEntry]:
        return sorted(self.entries.values(), key=lambda entry: entry.emitted_at)

    def get_meta(self, key: str) -> str | None:
        return self.meta.get(key)

    def set_meta(self, key: str, value: str) -> None:
        self.meta[key] = value

    def describe(self) -> str:
        return "no state (NEWSCRAWL_STATE is empty)"
