"""Pipeline 2: normalise item values (clean text and URLs, area names, identifiers)."""

from __future__ import annotations

import re
from typing import Self

from scrapy.crawler import Crawler

from spiders.items import Item
from spiders.parsers import clean_text
from spiders.parsers.areas import area_of
from spiders.parsers.urls import clean_url

TEXT_FIELDS = ("title", "name", "location", "description")
_ID_BAD_RE = re.compile(r"[^\w.\-:/]+")


class NormalisePipeline:
    """Collapses whitespace and decodes entities in text, strips session/tracking parts from URLs,
    maps area names to administrative/clinical/general, and makes ids safe for the catalog."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.public_urls = crawler.settings.getbool("RECERT_PUBLIC_URLS")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Item) -> Item:
        for field in TEXT_FIELDS:
            if isinstance(item.get(field), str):
                item[field] = clean_text(item[field]) or None
        if isinstance(item.get("url"), str):
            item["url"] = self._public(clean_url(item["url"]))
        for field in ("course_id", "offer_id"):
            if isinstance(item.get(field), str):
                item[field] = _ID_BAD_RE.sub("-", item[field].strip()).strip("-") or None
        if isinstance(item.get("content_areas"), dict):
            item["content_areas"] = {area_of(str(k)) or str(k): v for k, v in item["content_areas"].items()}
        for field in [k for k, v in item.items() if v is None]:
            del item[field]
        return item

    def _public(self, url: str) -> str:
        """With RECERT_PUBLIC_URLS, re-root a URL on the crawled base (a mirror) onto the public site."""
        spider = self.crawler.spider
        base = getattr(spider, "base_url", None)
        public = getattr(spider, "public_base_url", None)
        if not self.public_urls or not base or not public or base == public:
            return url
        if url == base or url.startswith(base + "/"):
            return public + url[len(base) :]
        return url
