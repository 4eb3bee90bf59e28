"""What a profile is: where a theme or site keeps headline, date, authors, body and noise."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree
from lxml.html import HtmlElement
from parsel.csstranslator import HTMLTranslator

from newscrawl.extract.profiles import prefilter

_TRANSLATOR = HTMLTranslator()


def compile_css(selectors: tuple[str, ...]) -> etree.XPath | None:
    """One compiled XPath for a list of CSS selectors (document order, no duplicates)."""
    if not selectors:
        return None
    xpath = " | ".join(_TRANSLATOR.css_to_xpath(sel, prefix="descendant-or-self::") for sel in selectors)
    return etree.XPath(xpath)


@dataclass(frozen=True)
class Profile:
    """Selectors for one theme or site. Bump `version` when a layout change alters them."""

    name: str
    version: int
    detect: tuple[str, ...]
    headline: tuple[str, ...] = ()
    dateline: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    noise: tuple[str, ...] = ()
    boilerplate: tuple[str, ...] = ()
    # selectors removed only inside the body container (captions, inline "read also" boxes)
    body_boilerplate: tuple[str, ...] = ()
    notes: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        """Name and version, as recorded in the item's `extractor` field."""
        return f"{self.name}/v{self.version}"

    @cached_property
    def _compiled(self) -> dict[str, etree.XPath | None]:
        names = ("detect", "headline", "dateline", "authors", "body", "noise", "boilerplate",
                 "body_boilerplate")
        return {name: compile_css(getattr(self, name)) for name in names}

    def select(self, part: str, tree: HtmlElement) -> list[HtmlElement]:
        """Elements matching this profile's selectors for `part`, in document order."""
        # selectors naming classes/ids the page lacks are skipped unrun (prefilter.py: speed only)
        return prefilter.select(getattr(self, part), tree)

    def matches(self, tree: HtmlElement) -> bool:
        """Whether the page's markup is this profile's."""
        return bool(self.select("detect", tree))
