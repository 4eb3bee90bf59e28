"""A site's key (its registered domain, from the bundled public suffix list: no download), and
whether a host belongs to a site's domains."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def host_on_domains(host: str, domains: Iterable[str]) -> bool:
    """Whether `host` (lower case) is one of `domains` or a subdomain of one."""
    return any(host == d or host.endswith("." + d) for d in domains)


@lru_cache(maxsize=4096)
def site_key(url: str) -> str | None:
    """"worldpress.example" for https://www.worldpress.example/a; the IP for an address."""
    host = urlsplit(url).hostname
    if not host:
        return None
    parts = _EXTRACT(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host.removeprefix("www.")
