"""Item loaders for simple selector-driven fields: text cleaned (tags, entities, whitespace), first value
kept. Fields that need parsing (price, credits, areas, bodies, dates) go through
``ProviderSpider.parse_field`` instead, so an unreadable string becomes a recorded problem."""

from __future__ import annotations

from itemloaders.processors import Identity, Join, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from spiders.parsers import clean_text
from spiders.parsers.urls import clean_url


def _non_empty(value: str) -> str | None:
    return value or None


class CourseLoader(ItemLoader):
    """Loads course fields into a course-record dict (``type`` = "course")."""

    default_item_class = dict
    default_input_processor = MapCompose(clean_text, _non_empty)
    default_output_processor = TakeFirst()
    url_in = MapCompose(str.strip, clean_url)
    description_out = Join("\n\n")
    extras_in = Identity()

    def load_item(self) -> dict:
        item = super().load_item()
        item.setdefault("type", "course")
        return item
