"""Pipeline 1: apply provider-wide facts (the spider's class attributes) to every item."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Self

from scrapy.crawler import Crawler

from spiders.items import Item


class ProviderAttributesPipeline:
    """Sets provider, currency, source, scraped_at, (courses) format and the spider's ``item_attributes``
    on items that lack them; values the parse method set win."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.source = crawler.settings.get("RECERT_SOURCE", "live")
        self.started = datetime.now(UTC).replace(microsecond=0).isoformat()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Item) -> Item:
        spider: Any = self.crawler.spider
        defaults: dict[str, Any] = {
            "provider": getattr(spider, "provider", None) or spider.name,
            "currency": getattr(spider, "default_currency", "USD"),
            "source": self.source,
            "scraped_at": self.started,
        }
        if item.get("type", "course") == "course":
            defaults["format"] = getattr(spider, "default_format", "online")
        defaults.update(getattr(spider, "item_attributes", {}) or {})
        for field, value in defaults.items():
            if item.get(field) in (None, ""):
                item[field] = value
        return item
