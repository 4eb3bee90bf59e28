"""What discovery finds: a URL with the dates and title its feed or sitemap gave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit


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



def absolute_url(base_url: str, url: str) -> str | None:
    """`url` resolved against `base_url` (the feed, sitemap or robots.txt that lists it), or None
    when it names no http(s) page: empty, no URL at all (`http://[broken`, a port over 65535),
    or another scheme (`ftp:`, `mailto:`). One such entry is skipped; the others are still read
    (before, its ValueError ended the whole document's callback with a traceback)."""
    url = url.strip()
    if not url:
        return None
    try:
        resolved = urljoin(base_url, url)
        parts = urlsplit(resolved)
        parts.port  # noqa: B018 (read for its ValueError)
    except ValueError:
        return None
    return resolved if parts.scheme in ("http", "https") and parts.hostname else None
