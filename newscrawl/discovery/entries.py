"""What discovery finds: a URL with the dates and title its feed or sitemap gave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Discovered:
    """A page URL found in a feed or sitemap, with what the feed or sitemap said about it."""

    url: str
    published: datetime | None = None
    modified: datetime | None = None
    title: str | None = None
    source: str = "link"

    @property
    def newest(self) -> datetime | None:
        """The latest date known: the page changed no later than this."""
        dates = [d for d in (self.published, self.modified) if d is not None]
        return max(dates) if dates else None

    def hints(self) -> dict[str, str]:
        """Plain values for request meta (kept picklable for scrapy-redis queues)."""
        values = {"source": self.source}
        if self.published:
            values["published"] = self.published.isoformat()
        if self.modified:
            values["modified"] = self.modified.isoformat()
        if self.title:
            values["title"] = self.title
        return values

