"""Writing a small file whole (the stats file, a state export): a reader never sees half of it."""

from __future__ import annotations

import os
from pathlib import Path


def write_whole(path: Path, text: str) -> None:
    """Write `text` to `path`: a plain file atomically (beside it, then renamed over it); a
    symbolic link, a device or a named pipe as it is. Renaming over a link replaces the link,
    not what it points to: NEWSCRAWL_STATS_FILE=/dev/stdout, with standard output redirected to
    a file, turned the system's /dev/stdout link into a regular file (as root), and a link to a
    file kept elsewhere stopped pointing there. Renaming over /dev/null made it a regular file."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(text)
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
