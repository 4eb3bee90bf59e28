"""How articles are found: robots.txt, sitemaps (indexes, gzipped, Google News), RSS/Atom feeds
and links, with `since` cut-offs, trap bounds and conditional requests."""

from newscrawl.discovery.entries import Discovered
from newscrawl.discovery.feeds import feed_links, read_feed
from newscrawl.discovery.since import parse_since
from newscrawl.discovery.sitemaps import read_sitemap, robots_sitemaps

__all__ = ["Discovered", "feed_links", "parse_since", "read_feed", "read_sitemap", "robots_sitemaps"]
