"""TieLabs' Jannah WordPress theme."""

from newscrawl.extract.profiles.base import Profile
from newscrawl.extract.profiles.common import (
    COMMENT_FORMS,
    MEDIA_FIGURES,
    PAGE_CHROME,
    RELATED,
    SHARE_BARS,
    WIDGET_NOISE,
)

JANNAH = Profile(
    name="jannah",
    version=3,
    detect=("#tie-wrapper", "#tie-container", "body.tie-no-js"),
    headline=("h1.post-title.entry-title", "h1.entry-title", ".entry-header h1"),
    dateline=(".entry-header .post-meta .date", ".entry-header .date"),
    authors=(".entry-header .meta-author a.author-name", ".entry-header .meta-author a"),
    body=("article .entry-content", ".entry-content"),
    noise=(".topbar-today-date", "#top-nav .breaking", ".breaking-news", ".tie-weather-widget",
           ".weather-wrap", ".theme-header .components .weather-menu-item", *WIDGET_NOISE),
    boilerplate=(*PAGE_CHROME, *COMMENT_FORMS, *SHARE_BARS, *RELATED, ".share-links",
                 ".post-components", "#related-posts", ".related-posts-list", ".about-author",
                 ".post-bottom-meta", ".prev-next-post-nav", "#check-also-box", ".sidebar",
                 ".theme-header", "#footer", ".site-footer", ".stream-item", ".tie-popup",
                 ".entry-header", ".featured-area", "#breadcrumb", ".post-footer"),
    body_boilerplate=("figcaption", ".wp-caption-text", ".stream-item", MEDIA_FIGURES, ".post-shortlink",
                      ".tagcloud", ".post-bottom-meta"),
    notes="Jannah single post; top bar has today's date, a breaking-news ticker and weather.",
)
