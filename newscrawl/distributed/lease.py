"""Keeps a worker's lease alive from a thread of its own.

The reactor thread also extracts articles; on a busy machine it can be away for longer than
the lease, and a live worker would lose its requests to the others (fetched twice). A thread
renews the lease instead, as long as the reactor shows it is alive: when the reactor has not
ticked for `stall_limit` seconds the worker counts as hung and its lease is left to expire.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)


class LeaseKeeper(threading.Thread):
    """Calls `renew` every `interval` seconds while `tick()` was called within `stall_limit`;
    a failed renewal goes to `on_failure` (from this thread), or is logged as a warning."""

    def __init__(self, renew: Callable[[], None], interval: float, stall_limit: float,
                 on_failure: Callable[[Exception], Any] | None = None) -> None:
        super().__init__(name="newscrawl-lease", daemon=True)
        self.renew = renew
        self.on_failure = on_failure
        self.interval = interval
        self.stall_limit = stall_limit
        self.last_tick = time.monotonic()
        self.stopped = threading.Event()

    def tick(self) -> None:
        """The reactor is alive (called from a reactor loop)."""
        self.last_tick = time.monotonic()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            if time.monotonic() - self.last_tick > self.stall_limit:
                continue  # hung: let the lease expire, so others take the requests over
            try:
                self.renew()
            except Exception as exc:  # a Redis blip; the next round retries
                if self.on_failure is not None:
                    self.on_failure(exc)
                else:
                    logger.warning("could not renew the worker lease: %s", exc)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)
