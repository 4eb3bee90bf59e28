"""Skip CSS selectors a page cannot match before running them: a speed-up with the same results.

A page is built with one theme, so most of a profile's selectors name classes or ids the page
does not have, and each of them still costs lxml a walk over the whole tree. `requirements`
reads from a selector the class names, ids and class/id substrings that every element it
matches must carry; `PageIndex` lists, once per document, the classes and ids the document
has; a selector whose requirements are missing cannot match and is left out (anything not
understood is kept). The rest run as one union XPath: same elements, same document order.

The index is built at the first select on a document and kept while the document lives.
Removing elements later is fine (the index then lists more than the page has: nothing is
skipped wrongly); code that adds elements with new classes or ids to a document it already
selected on must call `forget(document)`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import lru_cache

import cssselect
from lxml import etree
from lxml.html import HtmlElement
from parsel.csstranslator import HTMLTranslator

_TRANSLATOR = HTMLTranslator()
_CLASSES = etree.XPath("//@class", smart_strings=False)
_IDS = etree.XPath("//@id", smart_strings=False)
_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Requirements:
    """What every element a selector matches must carry (empty: nothing known)."""

    classes: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()
    class_parts: frozenset[str] = frozenset()  # substrings of a class attribute
    id_parts: frozenset[str] = frozenset()


def _walk(node, found: dict[str, set[str]]) -> None:
    kind = type(node).__name__
    if kind == "Class":
        found["classes"].add(node.class_name)
    elif kind == "Hash":
        found["ids"].add(node.id)
    elif kind == "Attrib" and node.namespace is None and node.operator != "exists":
        name = node.attrib.lower()
        value = getattr(node.value, "value", node.value)
        if name in ("class", "id") and isinstance(value, str) and value:
            if name == "class" and node.operator == "~=":
                found["classes"].add(value)
            elif name == "id" and node.operator == "=":
                found["ids"].add(value)
            else:  # =, *=, ^=, $=, |= all need the value inside the attribute
                found[f"{name}_parts"].add(value)
    if kind == "CombinedSelector":  # both sides must be on the page
        _walk(node.subselector, found)
    # only the selector a pseudo-class, :not() or :has() applies to, never their arguments
    inner = getattr(node, "selector", None)
    if inner is not None:
        _walk(inner, found)


@lru_cache(maxsize=4096)
def requirements(css: str) -> Requirements:
    """The classes, ids and substrings every match of one CSS selector must carry."""
    try:
        parsed = cssselect.parse(css)
    except cssselect.SelectorError:
        return Requirements()
    if len(parsed) != 1:  # a selector list matches if any of its parts does
        return Requirements()
    found: dict[str, set[str]] = {"classes": set(), "ids": set(), "class_parts": set(), "id_parts": set()}
    _walk(parsed[0].parsed_tree, found)
    return Requirements(**{key: frozenset(value) for key, value in found.items()})


class PageIndex:
    """The class tokens, ids and raw class/id attribute text of one document."""

    def __init__(self, root: HtmlElement) -> None:
        classes = _CLASSES(root)
        ids = _IDS(root)
        self.class_text = "\x00".join(classes)
        self.id_text = "\x00".join(ids)
        # str.split cuts at every Unicode space, normalize-space() at four: a token holding another
        # space comes apart, and no selector names such a token (three times faster than a regex)
        self.classes = set(" ".join(classes).split())
        self.ids = set(ids)

    def allows(self, needed: Requirements) -> bool:
        """Whether the document has everything a selector needs (else it cannot match)."""
        return (needed.classes <= self.classes and needed.ids <= self.ids
                and all(part in self.class_text for part in needed.class_parts)
                and all(part in self.id_text for part in needed.id_parts))


def page_index(tree: HtmlElement) -> PageIndex:
    """The index of the document `tree` belongs to, built on first use."""
    root = tree.getroottree().getroot()
    index = _INDEXES.get(root)
    if index is None:
        index = _INDEXES[root] = PageIndex(root)
    return index


def forget(tree: HtmlElement) -> None:
    """Drop a document's index (after adding elements with new classes or ids to it)."""
    _INDEXES.pop(tree.getroottree().getroot(), None)


@lru_cache(maxsize=1024)
def union_xpath(selectors: tuple[str, ...]) -> etree.XPath:
    """One compiled XPath for CSS selectors (document order, no duplicates)."""
    return etree.XPath(" | ".join(_TRANSLATOR.css_to_xpath(sel, prefix="descendant-or-self::")
                                  for sel in selectors))


def select(selectors: tuple[str, ...], tree: HtmlElement) -> list[HtmlElement]:
    """Elements under `tree` matching any of the selectors, skipping those the page cannot match."""
    if not selectors:
        return []
    index = page_index(tree)
    live = tuple(sel for sel in selectors if index.allows(requirements(sel)))
    return list(union_xpath(live)(tree)) if live else []
