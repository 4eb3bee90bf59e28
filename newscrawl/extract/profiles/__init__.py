"""Site and theme profiles, chosen from the page's markup (never from its domain)."""

from __future__ import annotations

from lxml.html import HtmlElement

from newscrawl.extract.lines import UNPRINTED_TAGS
from newscrawl.extract.profiles.base import Profile
from newscrawl.extract.profiles.common import WIDGET_NOISE
from newscrawl.extract.profiles.jannah import JANNAH
from newscrawl.extract.profiles.jnews import JNEWS
from newscrawl.extract.profiles.soledad import SOLEDAD
from newscrawl.extract.profiles.tagdiv import CLASSIC as TAGDIV_CLASSIC
from newscrawl.extract.profiles.tagdiv import TDB as TAGDIV_TDB
from newscrawl.extract.profiles.wordpress import WORDPRESS

# most specific first: generic WordPress markup also appears inside the themes above
PROFILES: tuple[Profile, ...] = (TAGDIV_TDB, TAGDIV_CLASSIC, JANNAH, JNEWS, SOLEDAD, WORDPRESS)
# the generic path: no theme markup recognised; trafilatura over the whole page. Never detected;
# `-a profile=generic` (or NEWSCRAWL_PROFILE) forces it, so no theme profile is tried
GENERIC = Profile(
    name="generic",
    version=2,
    detect=(),
    noise=WIDGET_NOISE,
    boilerplate=(*UNPRINTED_TAGS, "#respond", ".comment-respond",
                 "#comments", ".comments-area", "#disqus_thread", ".sharedaddy", ".jp-relatedposts"),
)
# every profile a user can name: the detected ones and the generic path
BY_NAME: dict[str, Profile] = {p.name: p for p in (*PROFILES, GENERIC)}


def detect_profile(tree: HtmlElement) -> Profile | None:
    """The first profile whose markers the page carries, or None for the generic path."""
    for profile in PROFILES:
        if profile.matches(tree):
            return profile
    return None


def get_profile(name: str) -> Profile:
    """A profile by name; a clear error lists the known names."""
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(sorted(BY_NAME))
        raise ValueError(f"unknown profile {name!r}; known profiles: {known}") from None


__all__ = ["BY_NAME", "GENERIC", "PROFILES", "Profile", "detect_profile", "get_profile"]
