"""Find widget noise (weather, today's date, tickers) and strip boilerplate by markup."""

from __future__ import annotations

from lxml.html import HtmlElement

from newscrawl.extract.boilerplate import drop, signup_boxes
from newscrawl.extract.lines import BLOCK_TAGS, UNPRINTED_TAGS, has_alnum
from newscrawl.extract.profiles.base import Profile
from newscrawl.extract.rules import enabled

MAX_NOISE_CHARS = 5000
# an action (a link, a button) is a printed item of its own, even inline: "69 Followers" | "Follow"
_ITEM_TAGS = BLOCK_TAGS | {"a", "button", "select", "input"}
_SKIP = frozenset(UNPRINTED_TAGS)


class _TooLong(Exception):
    """The widget's items passed the length asked for."""


def printed_items(node: HtmlElement, limit: int | None = None) -> list[str] | None:
    """The widget's strings, one per printed item: a block or an action (link, button) is an
    item; inline elements whose texts meet with no space between them are separate words
    ("<span>69</span><span>Followers</span>" prints "69 Followers", not "69Followers").
    None once their lengths add up to more than `limit` (the rest is not read)."""
    items: list[str] = []
    buffer: list[str] = []
    total = 0

    def flush() -> None:
        nonlocal total
        text = " ".join("".join(buffer).split())
        buffer.clear()
        if text and has_alnum(text):
            items.append(text)
            total += len(text)
            if limit is not None and total > limit:
                raise _TooLong

    def walk(element: HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIP:
            return
        item = tag in _ITEM_TAGS
        if item:
            flush()
        elif tag:
            buffer.append(" ")  # an element boundary: the next text is another word
        if tag and element.text:
            buffer.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                buffer.append(child.tail)
        if item:
            flush()
        elif tag:
            buffer.append(" ")

    try:
        walk(node)
        flush()
    except _TooLong:
        return None
    return items


def _guarded(node: HtmlElement, protected: set[HtmlElement], holders: set[HtmlElement]) -> bool:
    """Whether removing `node` would take the article (body container, headline) with it:
    `holders` are the protected nodes' ancestors."""
    if node.tag in ("html", "body") or node in protected or node in holders:
        return True
    return any(a in protected for a in node.iterancestors())


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
    holders = {ancestor for node in keep for ancestor in node.iterancestors()}
    strings: list[str] = []
    seen: set[str] = set()
    nodes = [n for n in profile.select("noise", tree) if not _guarded(n, keep, holders)]
    if nodes and not enabled("widget-noise"):
        return []
    taken: dict[HtmlElement, None] = {}
    for node in nodes:
        if any(a in taken for a in node.iterancestors()):
            continue
        # (read only up to the bound: widgets nested in widgets would each read all that follows)
        lines = printed_items(node, MAX_NOISE_CHARS)
        if lines is None or _has_prose(node):
            continue  # a whole column or an article, not a widget
        taken[node] = None
        for text in lines:
            if text not in seen:
                seen.add(text)
                strings.append(text)
    _remove_all(list(taken))
    return strings


def _remove_all(nodes: list[HtmlElement]) -> int:
    """Remove the nodes from their page; returns how many went (one inside another that went
    before it went with it, and is not counted)."""
    removed: set[HtmlElement] = set()
    for node in nodes:
        # (a removed node keeps its document: only its ancestors tell it left the page)
        if node.getparent() is not None and not any(a in removed for a in node.iterancestors()):
            drop(node)
            removed.add(node)
    return len(removed)


def strip_boilerplate(tree: HtmlElement, profile: Profile, part: str = "boilerplate") -> int:
    """Remove the profile's boilerplate nodes; returns how many blocks were removed."""
    nodes = profile.select(part, tree)
    # keep anything that wraps the article body: a broad selector must never take the article
    body_nodes = profile.select("body", tree) if part == "boilerplate" else []
    keep = set()
    for body in body_nodes:
        keep.update(body.iterancestors())
        keep.add(body)
    # a sign-up box in the article's container is told by its form, which the profile's chrome
    # takes: the boxes are found first
    boxes = [box for body in body_nodes for box in signup_boxes(body) if box is not body]
    return _remove_all([n for n in nodes if n not in keep] + boxes)
