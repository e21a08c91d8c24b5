"""Pipeline 4: one item per (type, provider, course_id | offer_id)."""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from spiders.items import Item, item_key


class DedupePipeline:
    """Drops repeats of an item already seen in this crawl (a course listed on several catalog pages)
    and counts them in ``recert/duplicates``; the first item seen wins."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.seen: set[tuple[str, str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Item) -> Item:
        key = item_key(item)
        if key in self.seen:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("recert/duplicates")
            raise DropItem(f"duplicate {key[0]} {key[2]}")
        self.seen.add(key)
        return item
