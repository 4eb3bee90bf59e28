"""Find widget noise (weather, today's date, tickers) and strip boilerplate by markup."""

from __future__ import annotations

from lxml.html import HtmlElement

from newscrawl.profiles.base import Profile


def _drop(element: HtmlElement) -> None:
    """Remove an element but keep its tail text in the document."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def collect_noise(tree: HtmlElement, profile: Profile) -> list[str]:
    """Strings inside the profile's widget nodes, each once, then remove those nodes."""
    strings: list[str] = []
    seen: set[str] = set()
    nodes = profile.select("noise", tree)
    for node in nodes:
        for chunk in node.itertext():
            text = " ".join(chunk.split())
            if text and text not in seen and any(ch.isalnum() for ch in text):
                seen.add(text)
                strings.append(text)
    _remove_all(nodes)
    return strings


def _remove_all(nodes: list[HtmlElement]) -> int:
    removed = 0
    for node in nodes:
        # nested matches were already removed with their ancestor
        if node.getparent() is not None and node.getroottree().getroot() is not None:
            _drop(node)
            removed += 1
    return removed


def strip_boilerplate(tree: HtmlElement, profile: Profile, part: str = "boilerplate") -> int:
    """Remove the profile's boilerplate nodes; returns how many blocks were removed."""
    nodes = profile.select(part, tree)
    # keep anything that wraps the article body: a broad selector must never take the article
    body_nodes = profile.select("body", tree) if part == "boilerplate" else []
    keep = set()
    for body in body_nodes:
        keep.update(body.iterancestors())
        keep.add(body)
    return _remove_all([n for n in nodes if n not in keep])
