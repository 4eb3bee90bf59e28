"""Why a path cannot be looked at, in words, instead of a traceback.

Path.is_dir(), exists() and the like answer False for some errors (no such file, not a folder,
a symbolic link loop) but raise others, such as a name too long (ENAMETOOLONG), and on Python
3.11 Path.resolve() raises RuntimeError for a symbolic link loop. Every check of a path the user
gives goes through here first, so that such a path is one line naming it and the cause."""

from __future__ import annotations

import errno
import os
from pathlib import Path

# what no file can be named, whatever exists or is created: bad input (exit 2)
NAME_ERRORS = (errno.ENAMETOOLONG, errno.ELOOP)


def os_reason(exc: BaseException) -> str:
    """The cause of an OSError (its strerror), or of Path.resolve()'s RuntimeError for a symbolic
    link loop (Python 3.11), in the OS's words."""
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if isinstance(exc, RuntimeError) and "Symlink loop" in str(exc):
        return os.strerror(errno.ELOOP)
    return str(exc)


def _name_max(path: Path) -> int:
    """NAME_MAX of the filesystem of the nearest folder above `path` that exists (255 if unknown)."""
    folder = path.parent
    for candidate in (folder, *folder.parents):
        try:
            return os.pathconf(candidate, "PC_NAME_MAX")
        except (OSError, ValueError):
            continue
    return 255


def name_problem(path: Path | str) -> str | None:
    """Why `path` names no file that can exist, whatever is created: a name too long for the
    filesystem, or a symbolic link loop on the way to it (in the OS's words), or None."""
    path = Path(path).expanduser()
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno in NAME_ERRORS:
            return os_reason(exc)
        if exc.errno != errno.ENOENT:
            return None
    except ValueError:  # an embedded NUL byte: said elsewhere
        return None
    else:
        return None
    # missing: a part of it not created yet can still be too long for any folder there
    longest = max((len(os.fsencode(part)) for part in path.parts), default=0)
    if longest > _name_max(path):
        return os.strerror(errno.ENAMETOOLONG)
    return None
