"""PenciDesign's Soledad WordPress theme."""

from newscrawl.extract.profiles.base import Profile
from newscrawl.extract.profiles.common import (
    COMMENT_FORMS,
    MEDIA_FIGURES,
    PAGE_CHROME,
    RELATED,
    SHARE_BARS,
    WIDGET_NOISE,
)

SOLEDAD = Profile(
    name="soledad",
    version=3,
    detect=(".inner-post-entry", ".penci-single-block", ".penci-top-bar"),
    headline=("h1.post-title.single-post-title", "h1.single-post-title", "h1.post-title"),
    dateline=(".post-box-meta-single time", ".post-box-meta-single .entry-date",
              ".penci-single-meta time"),
    authors=(".post-box-meta-single .author-url", ".post-box-meta-single .author a",
             ".penci-single-meta .author a"),
    body=(".inner-post-entry",),
    noise=(".penci-headline", ".penci-topbar-today", ".penci-top-bar .penci-weather", *WIDGET_NOISE),
    boilerplate=(*PAGE_CHROME, *COMMENT_FORMS, *SHARE_BARS, *RELATED, ".tags-share-box",
                 ".post-share", ".list-posts-share", ".penci-post-box-meta", ".post-author",
                 ".post-related", ".post-pagination", "#sidebar", ".penci-sidebar-content",
                 "#header", ".penci-header-wrap", "#footer-section", ".footer-instagram",
                 ".penci-single-link-pages", ".penci-top-bar", ".sd-block", ".sd-like",
                 ".jp-relatedposts", ".post-tags"),
    body_boilerplate=("figcaption", ".wp-caption-text", MEDIA_FIGURES, ".sharedaddy",
                      ".jp-relatedposts", ".penci-post-countview"),
    notes="Soledad single post (inner-post-entry); Jetpack blocks sit inside the body.",
)
