"""robots.txt for every request waiting on it, however many wait at once.

Scrapy 2.19's RobotsTxtMiddleware hands its parser to the requests that wait for a host's
robots.txt through one shared Deferred: the first waiter's callback returns nothing, so the
Deferred passes None ("allowed") on to every later waiter, and from the third request on a
host whose robots.txt is still on its way, forbidden pages are fetched. Here each waiter gets
a Deferred of its own, fed from the shared one, which keeps its result for the next.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class EveryWaiterRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with the parser given to every request that waited."""

    async def robot_parser(self, request: Request) -> Any:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(pending, Deferred):
            waiter: Deferred = Deferred()

            def relay(result: Any) -> Any:
                waiter.callback(result)
                return result  # for the next waiter

            pending.addBoth(relay)
            return await maybe_deferred_to_future(waiter)
        return await super().robot_parser(request)
