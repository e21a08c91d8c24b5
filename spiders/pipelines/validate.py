"""Pipeline 3: validate items against the course record; count problems per field; drop only items
missing key fields."""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from catalog.records import RecordError, parse_record
from spiders.items import PROBLEMS_KEY, Item, key_fields

logger = logging.getLogger(__name__)
PROBLEM_STAT = "recert/problems/"
DROPPED_STAT = "recert/dropped/"
_FIELD_RE = re.compile(r"^[^.\[]+")


def problem_field(name: str) -> str:
    """``approvals[0].credits`` → ``approvals``: problems are counted per top-level field."""
    match = _FIELD_RE.match(name)
    return match.group(0) if match else name


class ValidatePipeline:
    """Counts parser problems (``_problems``) and record problems per field in the crawler stats
    (``recert/problems/<field>``). An item missing a key field (or with a bad one) is dropped
    (``recert/dropped/<field>``); a bad non-key field is removed and the item kept. Logs a per-field
    summary when the spider closes."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.examples: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _problem(self, field: str, reason: str, item: Item) -> None:
        field = problem_field(field)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(PROBLEM_STAT + field)
        self.examples.setdefault(field, f"{reason} ({item.get('url') or item.get('course_id') or '?'})")

    def _drop(self, field: str, item: Item, why: str) -> DropItem:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(DROPPED_STAT + field)
        return DropItem(f"{why}: {field} ({item.get('url', '?')})")

    def process_item(self, item: Item) -> Item:
        for field, reason in item.pop(PROBLEMS_KEY, []):
            self._problem(field, reason, item)
        keys = key_fields(item)
        for field in keys:
            if item.get(field) in (None, ""):
                raise self._drop(field, item, "missing key field")
        for _attempt in range(3):
            try:
                parse_record(item)
                return item
            except RecordError as exc:
                bad = Counter(problem_field(p.field) for p in exc.problems)
                for problem in exc.problems:
                    self._problem(problem.field, problem.reason, item)
                for field in bad:
                    if field in keys or field in ("type", "source"):
                        raise self._drop(field, item, "invalid key field") from None
                    item.pop(field, None)
        raise self._drop("record", item, "cannot be made valid")

    def close_spider(self) -> None:
        assert self.crawler.stats is not None
        counts = {
            k.removeprefix(PROBLEM_STAT): v
            for k, v in self.crawler.stats.get_stats().items()
            if k.startswith(PROBLEM_STAT)
        }
        if counts:
            lines = "; ".join(
                f"{field}: {n} (e.g. {self.examples.get(field, '')})" for field, n in sorted(counts.items())
            )
            logger.warning("field problems in %s: %s", getattr(self.crawler.spider, "name", "?"), lines)
