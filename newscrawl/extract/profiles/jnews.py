"""JegTheme's JNews WordPress theme."""

from newscrawl.extract.profiles.base import Profile
from newscrawl.extract.profiles.common import (
    COMMENT_FORMS,
    MEDIA_FIGURES,
    PAGE_CHROME,
    RELATED,
    SHARE_BARS,
    WIDGET_NOISE,
)

JNEWS = Profile(
    name="jnews",
    version=3,
    detect=(".jeg_viewport", ".jeg_content", "h1.jeg_post_title"),
    headline=("h1.jeg_post_title",),
    dateline=(".jeg_meta_container .jeg_meta_date", ".entry-header .jeg_meta_date"),
    authors=(".jeg_meta_container .jeg_meta_author a", ".entry-header .jeg_meta_author a"),
    body=(".entry-content .content-inner", ".content-inner"),
    noise=(".jeg_news_ticker", ".jeg_top_date", ".jeg_top_weather", ".jeg_sidefeed",
           ".jeg_breakingnews", *WIDGET_NOISE),
    boilerplate=(*PAGE_CHROME, *COMMENT_FORMS, *SHARE_BARS, *RELATED, ".jeg_share_button",
                 ".jeg_share_top_container", ".jeg_share_bottom_container", ".jeg_share_float_container",
                 ".jnews_related_post_container", ".jnews_comment_container",
                 ".jnews_author_box_container", ".jeg_post_tags", ".jeg_ad", ".jnews_prev_next_container",
                 ".jeg_header", ".jeg_navbar_mobile_wrapper", ".jeg_footer", ".jeg_sidebar",
                 ".jeg_breadcrumbs", ".jnews_inline_related_post", ".jeg_postblock"),
    body_boilerplate=("figcaption", ".wp-caption-text", MEDIA_FIGURES, ".jeg_post_tags",
                      ".jnews_inline_related_post_wrapper", ".jnews_inline_related_post"),
    notes="JNews single post (content-inner inside entry-content).",
)
