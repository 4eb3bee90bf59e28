"""Never fetch from a protected network (private, loopback, link-local such as the cloud
metadata endpoint 169.254.169.254) that a redirect or a link leads to.

A request whose host resolves into one of NEWSCRAWL_PROTECTED_NETWORKS is refused, unless a
start URL's own address is in that same network (crawling an intranet site keeps working, and
its redirects and links may stay inside it). A distributed worker's start URLs grow when a site
is seeded after it started (the spider's add_site): those are read before each request. An empty list turns the check off. The address is
checked before the request (through Scrapy's own caching resolver, so the download uses the
same answer) and again on the address the response really came from (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

from newscrawl.crawl.middlewares import drop

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_CACHED_HOSTS = 10_000


def parse_networks(values: list[str]) -> list[Network]:
    """Networks from setting values; a clear ValueError names a bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError:
            raise ValueError(f"NEWSCRAWL_PROTECTED_NETWORKS: {value!r} is not a network "
                             "(write it like 10.0.0.0/8 or fe80::/10)") from None
    return networks


def as_address(value: Any) -> Address | None:
    """An IP address (IPv4-mapped IPv6 unwrapped), or None when `value` is not one."""
    try:
        address = ipaddress.ip_address(str(value).strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


class ProtectedNetworkMiddleware:
    """Refuses requests into protected networks other than the start URLs' own."""

    def __init__(self, crawler: Crawler, networks: list[Network]) -> None:
        self.crawler = crawler
        self.networks = networks
        self.trusted: set[Network] = set()
        self.start_hosts: set[str] = set()
        self.start_urls_read = 0  # how many of the spider's start URLs gave their host already
        self.addresses: dict[str, Address | None] = {}
        self.verdicts: dict[Address, Network | None] = {}
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProtectedNetworkMiddleware:
        networks = parse_networks(crawler.settings.getlist("NEWSCRAWL_PROTECTED_NETWORKS"))
        if not networks:
            raise NotConfigured
        return cls(crawler, networks)

    def spider_opened(self, spider: Spider) -> None:
        self.start_urls_read = 0  # all of them
        self._read_start_urls(spider)

    def _read_start_urls(self, spider: Spider | None) -> None:
        """Queue for trust the hosts of the spider's start URLs not read yet (the list only grows)."""
        urls = [getattr(spider, "start_url", None), *(getattr(spider, "start_urls", None) or [])]
        if len(urls) == self.start_urls_read:  # asked before every request: mostly this
            return
        for url in urls[self.start_urls_read:]:
            if isinstance(url, str):
                host = urlparse_cached(Request(url)).hostname if "://" in url else None
                if host:
                    self.start_hosts.add(host.lower())
        self.start_urls_read = len(urls)

    def protected_by(self, address: Address) -> Network | None:
        """The protected network holding this address, unless a start URL is in it too."""
        # asked twice per page, mostly for the same few addresses: the answer is kept until trust changes
        if address in self.verdicts:
            return self.verdicts[address]
        verdict = next((network for network in self.networks if address.version == network.version
                        and address in network and network not in self.trusted), None)
        if len(self.verdicts) >= MAX_CACHED_HOSTS:
            self.verdicts.clear()
        self.verdicts[address] = verdict
        return verdict

    def trust(self, address: Address) -> None:
        for network in self.networks:
            if address.version == network.version and address in network:
                self.trusted.add(network)
        self.verdicts.clear()

    async def resolve(self, host: str) -> Address | None:
        """The host's address: literal, or from the reactor's resolver (Scrapy's DNS cache)."""
        address = as_address(host)
        if address is not None:
            return address
        if host in self.addresses:
            return self.addresses[host]
        from twisted.internet import reactor

        try:
            address = as_address(await maybe_deferred_to_future(reactor.resolve(host)))
        except Exception:  # unresolvable: the download fails on its own and says so
            address = None
        if len(self.addresses) >= MAX_CACHED_HOSTS:
            self.addresses.clear()
        self.addresses[host] = address
        return address

    async def _trust_start_hosts(self) -> None:
        while self.start_hosts:
            address = await self.resolve(self.start_hosts.pop())
            if address is not None:
                self.trust(address)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        parts = urlparse_cached(request)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return
        self._read_start_urls(self.crawler.spider)
        await self._trust_start_hosts()
        address = await self.resolve(parts.hostname.lower())
        if address is None:
            return
        if request.meta.get("is_start_request") and not request.meta.get("redirect_urls"):
            self.trust(address)  # the user asked for this address
            return
        network = self.protected_by(address)
        if network is not None:
            raise drop(self.crawler, request, "protected_network",
                       f"{parts.hostname} is {address}, in protected network {network}")

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        # through a proxy the peer is the proxy the user configured, not the site
        proxied = bool(request.meta.get("proxy"))
        address = as_address(response.ip_address) if response.ip_address and not proxied else None
        if address is not None:
            network = self.protected_by(address)
            if network is not None:
                raise drop(self.crawler, request, "protected_network",
                           f"the response came from {address}, in protected network {network}")
        return response
