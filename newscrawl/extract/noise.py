"""Find widget noise (weather, today's date, tickers) and strip boilerplate by markup."""

from __future__ import annotations

from lxml.html import HtmlElement

from newscrawl.extract.boilerplate import drop
from newscrawl.extract.lines import text_lines
from newscrawl.extract.profiles.base import Profile
from newscrawl.extract.rules import enabled

MAX_NOISE_CHARS = 5000


def _guarded(node: HtmlElement, protected: set[HtmlElement]) -> bool:
    """Whether removing `node` would take the article (body container, headline) with it."""
    if node.tag in ("html", "body"):
        return True
    if node in protected or any(a in protected for a in node.iterancestors()):
        return True
    return any(d in protected for d in node.iterdescendants())


def _has_prose(node: HtmlElement) -> bool:
    """Widgets hold short strings; several long paragraphs mean article text."""
    long_paragraphs = 0
    for p in node.iter("p"):
        if len(p.text_content()) > 150:
            long_paragraphs += 1
            if long_paragraphs >= 3:
                return True
    return False


def collect_noise(tree: HtmlElement, profile: Profile,
                  protected: list[HtmlElement] | None = None) -> list[str]:
    """Strings inside the profile's widget nodes, each once, then remove those nodes.

    `protected` are the article's own nodes (body container, headline): a widget selector that
    matches them, an ancestor or a descendant is ignored, so noise never takes article text.
    """
    keep = set(protected or [])
    strings: list[str] = []
    seen: set[str] = set()
    nodes = [n for n in profile.select("noise", tree) if not _guarded(n, keep)]
    if nodes and not enabled("widget-noise"):
        return []
    taken: list[HtmlElement] = []
    for node in nodes:
        if any(a in taken for a in node.iterancestors()):
            continue
        lines = text_lines(node)
        if sum(len(line) for line in lines) > MAX_NOISE_CHARS or _has_prose(node):
            continue  # a whole column or an article, not a widget
        taken.append(node)
        for text in lines:
            if text not in seen:
                seen.add(text)
                strings.append(text)
    _remove_all(taken)
    return strings


def _remove_all(nodes: list[HtmlElement]) -> int:
    removed = 0
    for node in nodes:
        # nested matches were already removed with their ancestor
        if node.getparent() is not None and node.getroottree().getroot() is not None:
            drop(node)
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
