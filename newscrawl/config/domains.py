"""A site's key, and whether a host belongs to a site's domains.

The key names a site in records (`site`), stats (`newscrawl/site/<key>/...`) and the state: the
sites file's name when there is one (sites.py), else `site_key` of the start URL. `-a url=`,
`scrapy seed URL`, a Redis seed and `extract_article(url, html)` all use `site_key`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit


def host_on_domains(host: str, domains: Iterable[str]) -> bool:
    """Whether `host` (lower case) is one of `domains` or a subdomain of one."""
    return any(host == d or host.endswith("." + d) for d in domains)


@lru_cache(maxsize=4096)
def site_key(url: str) -> str | None:
    """The URL's host in lower case, without a leading "www." and without the port.

    "worldpress.example" for https://www.worldpress.example:8443/a; "news.bbc.co.uk" for
    https://news.bbc.co.uk/ (a subdomain is a site of its own: by registered domain, every site
    under mo.gov or blogspot.com would share one key); "127.0.0.2" for http://127.0.0.2:8080/. The port
    is left out as it is when deciding which pages belong to a site (`host_on_domains`); sites
    that differ only by port need a sites file, which names them. None without a host.
    """
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:  # a malformed port or IPv6 literal
        return None
    host = (host or "").rstrip(".")
    if not host:
        return None
    return host[4:] if host.startswith("www.") and len(host) > 4 else host
