"""One line for an error that ends a command, seen whatever the log settings.

`--nolog`, `-L CRITICAL` and `--logfile FILE` all hide an ERROR record from the terminal, so a
crawl refused for bad input would end with nothing said. `report_fatal` writes the line to
stderr in any case, and into the log file when there is one (once each: never twice on the
terminal). It works before Scrapy has configured logging (while a command checks its options)
and after.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from scrapy.settings import BaseSettings, Settings

LOGGER = "newscrawl"


def report_fatal(message: str, settings: BaseSettings | None = None, level: int = logging.ERROR) -> None:
    """Report one fatal line: on stderr always, and in the log file when there is one."""
    settings = settings if settings is not None else Settings()
    line = " ".join(str(message).split())  # one line, whatever the message held
    record = logging.getLogger(LOGGER).makeRecord(LOGGER, level, __file__, 0, line, (), None)
    handlers = [h for h in logging.getLogger().handlers if not isinstance(h, logging.NullHandler)]
    if handlers:  # Scrapy's logging is set up: every handler gets the line, whatever its level
        for handler in handlers:
            handler.handle(record)
        if any(_to_stderr(handler) for handler in handlers):
            return
    text = _formatter(settings).format(record)
    print(text, file=sys.stderr, flush=True)
    if not handlers:
        _append_to_log_file(text, settings)


def _to_stderr(handler: logging.Handler) -> bool:
    """Whether the handler prints on the terminal's stderr (a FileHandler is a StreamHandler too)."""
    return (isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler)
            and getattr(handler, "stream", None) in (sys.stderr, sys.__stderr__))


def _formatter(settings: BaseSettings) -> logging.Formatter:
    """Scrapy's log line format (LOG_FORMAT, LOG_DATEFORMAT), so the line reads like the log."""
    return logging.Formatter(settings.get("LOG_FORMAT") or "%(asctime)s [%(name)s] %(levelname)s: %(message)s",
                             settings.get("LOG_DATEFORMAT") or "%Y-%m-%d %H:%M:%S")


def _append_to_log_file(text: str, settings: BaseSettings) -> None:
    """Before logging is set up: the line goes into LOG_FILE as Scrapy would have written it."""
    path: Any = settings.get("LOG_FILE")
    if not path:
        return
    mode = "a" if settings.getbool("LOG_FILE_APPEND", True) else "w"
    try:
        with open(path, mode, encoding=settings.get("LOG_ENCODING") or "utf-8") as log:
            log.write(text + "\n")
    except (OSError, ValueError):
        pass  # the log file itself may be what is wrong; stderr has the line
