"""REDIS_URL as messages show it: without its password."""

from __future__ import annotations


def safe_url(url: str | None) -> str:
    """A Redis URL with any password replaced by ***, for messages."""
    if not url or "@" not in url:
        return str(url)
    scheme, _, rest = url.partition("://")
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user + ':' if user else ''}***@{host}"
