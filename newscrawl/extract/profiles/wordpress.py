"""Generic WordPress single posts (entry-content), for themes without a profile of their own."""

from newscrawl.extract.profiles.base import Profile
from newscrawl.extract.profiles.common import (
    COMMENT_FORMS,
    MEDIA_FIGURES,
    PAGE_CHROME,
    RELATED,
    SHARE_BARS,
    WIDGET_NOISE,
)

WORDPRESS = Profile(
    name="wordpress",
    version=3,
    detect=("article.post .entry-content", "article.type-post .entry-content",
            "body.single-post .entry-content"),
    headline=("article h1.entry-title", "h1.entry-title", "article header h1", ".entry-header h1"),
    dateline=("article .entry-meta time", "article header time", ".entry-meta .posted-on",
              "article time.entry-date"),
    authors=("article .entry-meta .author a", "article .byline .author a", "article .author.vcard a",
             ".entry-meta .author a"),
    body=("article .entry-content", ".entry-content"),
    noise=WIDGET_NOISE,
    boilerplate=(*PAGE_CHROME, *COMMENT_FORMS, *SHARE_BARS, *RELATED, ".post-navigation",
                 ".nav-links", ".author-bio", ".author-info", "#secondary", ".widget-area",
                 ".site-header", ".site-footer", "#masthead", "#colophon", ".entry-footer"),
    body_boilerplate=("figcaption", ".wp-caption-text", ".sharedaddy", ".jp-relatedposts",
                      ".wp-block-embed", MEDIA_FIGURES),
    notes="Any WordPress theme that follows the default entry-content markup.",
)
