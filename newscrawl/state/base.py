"""The interface every state backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


class StateError(RuntimeError):
    """The state store cannot be used; the message says how to recover."""


@dataclass(frozen=True)
class SeenEntry:
    """What newscrawl remembers of one emitted article."""

    url: str
    fingerprint: str | None
    modified: str | None
    revision: int
    emitted_at: float


class StateStore(ABC):
    """Remembers emitted articles (by canonical URL) and their content fingerprints."""

    @abstractmethod
    def get(self, url: str) -> SeenEntry | None:
        """The entry for a canonical URL, or None if it was never emitted."""

    @abstractmethod
    def has_fingerprint(self, fingerprint: str) -> bool:
        """Whether an article with this content fingerprint was emitted."""

    @abstractmethod
    def record(self, url: str, fingerprint: str | None, modified: str | None, revision: int) -> None:
        """Remember an article as emitted (call only after its line was written)."""

    @abstractmethod
    def prune(self, older_than_seconds: float) -> int:
        """Forget entries emitted longer ago than this; returns how many were removed."""

    @abstractmethod
    def count(self) -> int:
        """How many articles are remembered."""

    @abstractmethod
    def export(self) -> list[SeenEntry]:
        """Every entry, for inspection and backups."""

    def close(self) -> None:  # noqa: B027 - optional for backends without resources
        """Release connections and files."""

    def is_seen(self, url: str) -> bool:
        """Whether a canonical URL was emitted before."""
        return self.get(url) is not None
