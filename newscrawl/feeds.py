"""A file feed storage that never leaves a torn line: every line reaches the OS whole."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from scrapy.extensions.feedexport import FileFeedStorage


class LineSafeFileFeedStorage(FileFeedStorage):
    """Like Scrapy's file storage, but unbuffered, so each exported line is one write().

    Scrapy's own storage writes through an 8 KiB buffer: a killed crawl leaves half a line
    and loses the lines still in the buffer.
    """

    def open(self, spider: Any) -> IO[bytes]:
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open(self.write_mode, buffering=0)
