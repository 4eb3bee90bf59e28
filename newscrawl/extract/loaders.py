"""ArticleLoader: per-field input and output processors that clean extracted values."""

from __future__ import annotations

from itemloaders import ItemLoader
from itemloaders.processors import Identity, MapCompose, TakeFirst

from newscrawl.extract.processors import canonical_url, clean_body, clean_text, to_iso8601, unique
from newscrawl.items import Article


def _unique_list(values: list) -> list:
    return unique([v for v in values if v])


class ArticleLoader(ItemLoader):
    """Fills an Article; every value passes through the clean-up for its field."""

    default_item_class = Article
    default_input_processor = MapCompose(clean_text)
    default_output_processor = TakeFirst()

    # addresses are kept as written: "&copy=1" in a query is a parameter, not an entity to decode
    url_in = MapCompose(str.strip)
    image_in = MapCompose(str.strip)
    canonical_url_in = MapCompose(canonical_url)
    published_in = MapCompose(to_iso8601)
    modified_in = MapCompose(to_iso8601)
    body_in = MapCompose(clean_body)
    authors_out = _unique_list
    noise_out = _unique_list
    tags_out = _unique_list
    revision_in = Identity()
    schema_version_in = Identity()
