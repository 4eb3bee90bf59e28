"""The interface every state backend implements."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# runs remembered per site (the coverage check compares a run with the median of the last 5)
RUNS_KEPT = 20


class StateError(RuntimeError):
    """The state store cannot be used; the message says how to recover."""


@dataclass(frozen=True)
class SeenEntry:
    """What newscrawl remembers of one emitted article.

    `etag` and `last_modified` are the validators of the response the article came from, sent
    back as If-None-Match / If-Modified-Since when the article is revisited (NEWSCRAWL_REVISIT).
    `links_pending`: the run that wrote it had not finished following the links on its page (it
    was stopped, or killed, first); the next run fetches it once more for them.
    `undated`: the article had no publication date (in any revision recorded: a date that came
    may go again), so nothing (no horizon) keeps a crawl from writing it again once its entry is
    forgotten: `prune` keeps it.
    """

    url: str
    fingerprint: str | None
    modified: str | None
    revision: int
    emitted_at: float
    etag: str | None = None
    last_modified: str | None = None
    links_pending: bool = False
    undated: bool = False


class StateStore(ABC):
    """Remembers emitted articles (by canonical URL) and their content fingerprints."""

    @abstractmethod
    def get(self, url: str) -> SeenEntry | None:
        """The entry for a canonical URL, or None if it was never emitted."""

    @abstractmethod
    def has_fingerprint(self, fingerprint: str) -> bool:
        """Whether an article with this content fingerprint was emitted."""

    @abstractmethod
    def record(self, url: str, fingerprint: str | None, modified: str | None, revision: int,
               *, etag: str | None = None, last_modified: str | None = None,
               links_pending: bool = False, undated: bool = False) -> None:
        """Remember an article as emitted (call only after its line was written).

        Replaces any entry of the same URL and sets its `emitted_at` to now; `revision` is the
        item's revision (1 first, 2 and up for updates); `etag`/`last_modified` are the
        response's validators, None when it had none; `links_pending` until the links on its
        page are followed (`mark_links_followed`); `undated` when it had no publication date (an
        entry once undated stays so).
        """

    @abstractmethod
    def forget(self, urls: Iterable[str]) -> None:
        """Remove these entries (and their fingerprints): the lines of the articles they record
        were lost with an output deleted during the run, so the next run writes them again.
        URLs without an entry are ignored."""

    @abstractmethod
    def mark_links_followed(self, urls: Iterable[str]) -> None:
        """The links on these articles' pages were followed (by a run that finished): their
        entries are no longer `links_pending`. URLs without an entry are ignored."""

    @abstractmethod
    def prune(self, older_than_seconds: float) -> int:
        """Forget entries emitted longer ago than this, except those of undated articles (a
        crawl skips an article published before the horizon, which it cannot do for one without
        a date: forgotten, it would be written again); 0 forgets every entry. Returns how many
        were removed.

        Run at the start of a crawl when NEWSCRAWL_STATE_MAX_AGE is set, and by `scrapy state prune`.
        """

    @abstractmethod
    def count(self) -> int:
        """How many articles are remembered."""

    @abstractmethod
    def export(self) -> list[SeenEntry]:
        """Every entry, for inspection and backups."""

    @abstractmethod
    def get_meta(self, key: str) -> str | None:
        """A small named value kept beside the entries (output offsets, run history)."""

    @abstractmethod
    def set_meta(self, key: str, value: str) -> None:
        """Store a small named value."""

    def add_run(self, site: str, run: dict[str, Any]) -> None:
        """Remember one run's figures for a site (the newest RUNS_KEPT are kept)."""
        runs = [*self.runs(site), run][-RUNS_KEPT:]
        self.set_meta(f"runs:{site}", json.dumps(runs, sort_keys=True))

    def runs(self, site: str) -> list[dict[str, Any]]:
        """The figures of the site's earlier runs, oldest first ([] for a state without any)."""
        try:
            runs = json.loads(self.get_meta(f"runs:{site}") or "[]")
        except ValueError:
            return []
        return [run for run in runs if isinstance(run, dict)] if isinstance(runs, list) else []

    def close(self) -> None:  # noqa: B027 - optional for backends without resources
        """Release connections and files."""

    def size_bytes(self) -> int | None:
        """Storage used, in bytes, when the backend can tell (for `scrapy state info`)."""
        return None

    def describe(self) -> str:
        """Where the state lives, for messages (a path or a URL without password)."""
        return type(self).__name__

    def is_seen(self, url: str) -> bool:
        """Whether a canonical URL was emitted before."""
        return self.get(url) is not None
