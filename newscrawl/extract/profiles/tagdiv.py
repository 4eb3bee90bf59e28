"""tagDiv's WordPress themes "Newspaper" and "Newsmag": classic and tdb (cloud) templates."""

from newscrawl.extract.profiles.base import Profile
from newscrawl.extract.profiles.common import (
    COMMENT_FORMS,
    MEDIA_FIGURES,
    PAGE_CHROME,
    RELATED,
    SHARE_BARS,
    WIDGET_NOISE,
)

_NOISE = (
    ".td-weather-top-widget", ".td_data_time", ".tdb_header_weather", ".tdb_header_date",
    ".td-trending-now-wrapper", ".tdb_header_news_ticker", ".td_module_trending_now",
    ".td-header-top-menu .td-header-sp-top-widget", *WIDGET_NOISE,
    # sidebar post lists (trending, popular) and the login/register panels
    ".td-pb-span4 .td_block_wrap", "#login-form", "#login-form-mobile", ".td-login-wrap",
    ".td-register-section",
)
_BOILERPLATE = (
    *PAGE_CHROME, *COMMENT_FORMS, *SHARE_BARS, *RELATED,
    ".td-post-sharing", ".td-post-sharing-top", ".td-post-sharing-bottom", ".tdb_single_post_share",
    ".td_block_related_posts", ".td-related-title", ".tdb_single_related", ".td-post-next-prev",
    ".tdb_single_next_prev", ".td-author-name", ".author-box-wrap", ".tdb_single_author_box",
    ".td-post-source-tags", ".tdb_single_tags", ".tdb_single_comments", ".td-menu-background",
    ".td-search-background", ".td-header-wrap", ".tdc-header-wrap", ".td-footer-wrapper",
    ".tdc-footer-wrap", ".td-sub-footer-container", ".td-footer-template-wrap", ".td-sidebar",
    ".td-pb-span4", ".td_block_mega_menu", ".td-crumb-container", ".entry-crumbs",
    ".tdb_breadcrumbs", ".td-a-rec", ".td-g-rec", ".tdb_single_subtitle_ignore",
    ".td-post-featured-image figcaption", ".wp-caption-text", ".td-login-wrap", "#login_pass",
    ".td-warning-comment", ".td-warning-author", ".td-warning-email", ".td-warning-captcha",
)

CLASSIC = Profile(
    name="tagdiv-classic",
    version=3,
    detect=(".td-post-content",),
    headline=(".td-post-title h1.entry-title", "h1.entry-title", ".td-post-header h1"),
    dateline=(".td-post-title .td-post-date time", ".td-post-title .td-post-date",
              ".td-post-header .td-post-date time", ".td-post-date time", ".td-post-date"),
    authors=(".td-post-title .td-post-author-name a", ".td-post-header .td-post-author-name a",
             ".td-post-author-name a"),
    body=(".td-post-content",),
    noise=_NOISE,
    boilerplate=_BOILERPLATE,
    body_boilerplate=("figcaption", ".wp-caption-text", ".td-a-rec", ".code-block", MEDIA_FIGURES),
    notes="Newspaper/Newsmag classic single template (td-post-content).",
)

TDB = Profile(
    name="tagdiv-tdb",
    version=3,
    detect=(".tdb_single_content",),
    headline=("h1.tdb-title-text", ".tdb_title h1", "h1.entry-title"),
    dateline=(".tdb_single_date time", ".tdb_single_date"),
    authors=(".tdb_single_author .tdb-author-name", ".tdb-author-name"),
    body=(".tdb_single_content .tdb-block-inner", ".tdb_single_content"),
    noise=_NOISE,
    boilerplate=_BOILERPLATE,
    body_boilerplate=("figcaption", ".wp-caption-text", ".td-a-rec", ".code-block", MEDIA_FIGURES),
    notes="Newspaper 10+ cloud templates built from tdb_ blocks.",
)
