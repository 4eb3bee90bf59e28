"""The CSV exporter: Scrapy's, with list and dict fields written as JSON.

Scrapy's CsvItemExporter joins a list with commas and prints a dict as Python's repr: `noise`
("12.8 C", "Washington", "Friday, April 26, 2024") came out as one string whose items could not
be told apart, and `warc` as `{'file': ...}`, which no CSV reader gives back. A JSON array or
object in the cell reads back as the record held it.
"""

from __future__ import annotations

import json
from typing import Any

from scrapy.exporters import CsvItemExporter


class CsvArticleExporter(CsvItemExporter):
    """CSV rows whose list and dict cells are JSON (`["Jane Doe", "Ali Ben"]`); other cells as
    Scrapy writes them."""

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        if isinstance(value, list | tuple | dict) and "serializer" not in field:
            return json.dumps(value, ensure_ascii=False)
        return super().serialize_field(field, name, value)
