"""Selectors shared by WordPress themes: comment forms, share bars, related posts."""

from newscrawl.extract.lines import UNPRINTED_TAGS

COMMENT_FORMS = (
    "#respond", "#comments", ".comment-respond", ".comments-area", ".comment-list",
    "#disqus_thread", ".comments",
)
SHARE_BARS = (
    ".sharedaddy", ".sd-sharing", ".share-buttons", ".social-share", ".addtoany_share_save_container",
    ".a2a_kit", ".shared-counts-wrap", ".jp-relatedposts", ".wp-block-jetpack-sharing-buttons",
)
RELATED = (".jp-relatedposts", ".yarpp-related", ".crp_related", ".related-posts", ".wp-block-related-posts")
PAGE_CHROME = (*UNPRINTED_TAGS, "form", "iframe", "svg", "button", "select")
# widgets whose strings belong to no field: weather, "today" dates, tickers, breaking news
WIDGET_NOISE = (
    "[class*=weather]", "[id*=weather]", "[class*=ticker]", "[class*=Ticker]",
    "[class*=breaking-news]", "[class*=breaking_news]", "[class*=breakingNews]", "[class*=breakingnews]",
    "[class*=today-date]", "[class*=todays-date]", "[class*=current-date]", "[class*=top-date]",
    "[class*=date-today]",
    # a date in the site's top bar is today's: no article's date is printed there
    "[class*=topbar] [class*=date]", "[class*=top-bar] [class*=date]", "[class*=TopBar] [class*=date]",
)
# pictures, embeds and pull quotes in a post's body; a figure that holds a table is the article's
# data (WordPress prints every table block as <figure class="wp-block-table">), not a picture
MEDIA_FIGURES = "figure:not(:has(table))"
