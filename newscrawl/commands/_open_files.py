"""Enough open files for a crawl, or one line that says so before anything runs.

A crawl holds a file descriptor for each connection under way, the state, every output, the
log and the extraction workers' pipes. Under a low `ulimit -n` it failed wherever the next file
was refused (the extraction pool's start, a connection, the state), with tracebacks and a wrong
diagnosis ("no page of the site could be read"). A soft limit under WANTED is raised toward the
hard limit first, as Go's runtime does for every program: a soft limit is a default, not a
decision; under `needed_open_files` even then, the command stops with one line.
"""

from __future__ import annotations

import resource

from scrapy.settings import BaseSettings

WANTED = 1024  # the common default soft limit: plenty for a crawl, and no surprise to anyone
# besides its connections, a crawl with its extraction workers held up to about 28 files
BASE_FILES = 32


def needed_open_files(settings: BaseSettings) -> int:
    """The files a crawl may hold at once: one per concurrent request, and the rest."""
    return BASE_FILES + max(0, settings.getint("CONCURRENT_REQUESTS", 16))


def open_files_problem(settings: BaseSettings) -> str | None:
    """Raise the soft open-file limit toward WANTED; what is wrong if it stays too low."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= WANTED:
        return None
    target = WANTED if hard == resource.RLIM_INFINITY else min(WANTED, hard)
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass  # a container may refuse it: the check below says what is left
    needed = needed_open_files(settings)
    if soft >= needed:
        return None
    return (f"only {soft} open files are allowed (ulimit -n {soft}), and a crawl with CONCURRENT_REQUESTS="
            f"{settings.getint('CONCURRENT_REQUESTS', 16)} needs {needed} (its connections, the state, "
            f"the outputs, the extraction workers): raise the limit (ulimit -n {WANTED}) or lower "
            "CONCURRENT_REQUESTS (nothing was fetched)")
