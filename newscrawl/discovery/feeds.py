"""RSS and Atom feeds: found through `<link rel="alternate">` or the usual paths, read with lxml."""

from __future__ import annotations

import lxml.etree
from parsel import Selector

from newscrawl.discovery.ampersands import escape_bare_ampersands
from newscrawl.discovery.entries import Discovered, absolute_url
from newscrawl.discovery.since import parse_when

# tried when the home page links no feed
USUAL_FEED_PATHS = ("/feed/", "/rss.xml", "/feed.xml", "/atom.xml", "/rss/")
# a feed's media types, and the root elements that make a document one (RSS 1.0 is RDF)
FEED_TYPES = {"application/rss+xml": "an RSS feed", "application/atom+xml": "an Atom feed",
              "application/rdf+xml": "an RSS feed"}
FEED_ROOTS = {"rss": "an RSS feed", "feed": "an Atom feed", "RDF": "an RSS feed"}
_PARSER = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True,
                               remove_comments=True, remove_pis=True, huge_tree=False)


def _local(tag: object) -> str:
    return (tag.partition("}")[2] or tag) if isinstance(tag, str) else ""


def feed_links(html: Selector, base_url: str) -> list[str]:
    """The site's article feeds that a page announces (comment feeds left out)."""
    found = []
    for link in html.xpath("//link[@href and @rel]"):
        rel = (link.attrib.get("rel") or "").lower().split()
        kind = (link.attrib.get("type") or "").lower().split(";")[0].strip()
        title = (link.attrib.get("title") or "").lower()
        href = link.attrib["href"].strip()
        if "alternate" not in rel or kind not in FEED_TYPES or not href:
            continue
        if "comment" in title or "/comments/" in href:
            continue
        if (url := absolute_url(base_url, href)) is not None:
            found.append(url)
    return list(dict.fromkeys(found))


def read_feed(body: bytes, base_url: str) -> list[Discovered] | None:
    """The entries of an RSS 2.0, RSS 1.0 (RDF) or Atom feed; None when the body is no feed."""
    if not body.strip():
        return None
    try:
        root = lxml.etree.fromstring(escape_bare_ampersands(body), parser=_PARSER)
    except (lxml.etree.LxmlError, ValueError):
        return None
    if root is None or _local(root.tag) not in FEED_ROOTS:
        return None
    atom = _local(root.tag) == "feed"
    entries = []
    for node in root.iter():
        name = _local(node.tag)
        if name == "entry" and atom:
            entry = _atom_entry(node, base_url)
        elif name == "item" and not atom:
            entry = _rss_item(node, base_url)
        else:
            continue
        if entry is not None:
            entries.append(entry)
    return entries


def _children(node: lxml.etree._Element) -> dict[str, lxml.etree._Element]:
    found: dict[str, lxml.etree._Element] = {}
    for child in node:
        found.setdefault(_local(child.tag), child)
    return found


def _text(node: lxml.etree._Element | None) -> str | None:
    if node is None:
        return None
    text = "".join(node.itertext()).strip()
    return text or None


def _rss_item(node: lxml.etree._Element, base_url: str) -> Discovered | None:
    fields = _children(node)
    url = _text(fields.get("link"))
    guid = fields.get("guid")
    if not url and guid is not None and guid.get("isPermaLink", "true").lower() != "false":
        url = _text(guid)
    if not url:
        return None
    url = absolute_url(base_url, url)
    if url is None:
        return None
    published = parse_when(_text(fields.get("pubDate")) or _text(fields.get("date")))
    return Discovered(url=url, published=published,
                      modified=parse_when(_text(fields.get("updated"))),
                      title=_text(fields.get("title")), source="rss")


def _atom_entry(node: lxml.etree._Element, base_url: str) -> Discovered | None:
    url = None
    for child in node:
        if _local(child.tag) == "link" and child.get("href"):
            rel = child.get("rel", "alternate")
            if rel == "alternate":
                url = child.get("href").strip()
                break
    if not url:
        return None
    base = absolute_url(base_url, node.get("{http://www.w3.org/XML/1998/namespace}base") or "") or base_url
    url = absolute_url(base, url)
    if url is None:
        return None
    fields = _children(node)
    return Discovered(url=url,
                      published=parse_when(_text(fields.get("published")) or _text(fields.get("issued"))),
                      modified=parse_when(_text(fields.get("updated"))),
                      title=_text(fields.get("title")), source="atom")
