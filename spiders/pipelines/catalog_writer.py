"""Pipeline 5: publish the crawl to the DuckDB catalog in one atomic step, or mark it suspect.

Items are collected during the crawl and written when the spider closes (``spider_closed``, when the
close reason is known): ``catalog.load.load_records`` validates and publishes them all at once (a crawl
killed midway publishes nothing; the previous catalog stays). A crawl is **suspect** when it yields no
items or fewer than ``RECERT_SUSPECT_RATIO`` (½) of the provider's last good run: nothing is published,
the run is recorded with its reason, and the previous listings stay. The outcome goes to the crawler
stats under ``recert/status`` ("ok", "dry_run", "suspect", "failed"), ``recert/reason`` and
``recert/loaded/*``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from catalog.records import Record, parse_record
from catalog.text import plural
from spiders.items import Item

logger = logging.getLogger(__name__)

OK, DRY_RUN, SUSPECT, FAILED = "ok", "dry_run", "suspect", "failed"


class CatalogWriterPipeline:
    """Collects valid items; publishes or records a suspect/failed run when the spider closes."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        settings = crawler.settings
        catalog = settings.get("RECERT_CATALOG")
        self.catalog: Path | None = Path(catalog) if catalog else None
        self.dry_run = settings.getbool("RECERT_DRY_RUN")
        self.ratio = settings.getfloat("RECERT_SUSPECT_RATIO", 0.5)
        self.records: list[Record] = []
        self.started = datetime.now(UTC)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Item) -> Item:
        self.records.append(parse_record(item))
        return item

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        provider = getattr(spider, "provider", None) or spider.name
        status, why = self.publish(provider, reason)
        stats.set_value("recert/status", status)
        stats.set_value("recert/reason", why)
        log = logger.info if status in (OK, DRY_RUN) else logger.error
        log("%s crawl %s: %s", provider, status, why)
        stats.set_value("recert/provider", provider)

    def publish(self, provider: str, reason: str) -> tuple[str, str]:
        """(status, reason in words) after writing — or deliberately not writing — the catalog."""
        stats = self.crawler.stats
        assert stats is not None
        count = len(self.records)
        problems = sum(v for k, v in stats.get_stats().items() if str(k).startswith("recert/problems/"))
        if reason != "finished":
            return self._record(
                provider, FAILED, f"the crawl stopped early ({reason}); nothing published", problems
            )
        suspect = self._suspect(provider, count)
        if suspect:
            return self._record(provider, SUSPECT, suspect, problems)
        if self.dry_run or self.catalog is None:
            return DRY_RUN, f"{count} records checked; nothing published (dry run)"
        from catalog.load import LoadError, load_records

        try:
            result = load_records(
                self.catalog, self.records, run_kind="crawl", provider=provider, started=self.started,
                note=plural(problems, "field problem"),
            )  # fmt: skip
        except LoadError as exc:
            return self._record(
                provider, FAILED, f"the catalog refused the crawl: {exc.errors[:3]}", problems
            )
        for name in ("inserted", "updated", "unchanged", "price_changes"):
            stats.set_value(f"recert/loaded/{name}", getattr(result, name))
        stats.set_value("recert/run_id", result.run_id)
        return OK, f"{count} records published"

    def _suspect(self, provider: str, count: int) -> str | None:
        if count == 0:
            return "the crawl yielded no items; previous listings kept"
        if self.catalog is None or not self.catalog.exists():
            return None
        from catalog.queries import last_good_run

        last = last_good_run(self.catalog, provider)
        previous = last.items if last is not None else None
        if previous and count < self.ratio * previous:
            return (
                f"the crawl yielded {count} items, under {self.ratio:.0%} of the last good run's {previous}; "
                "previous listings kept"
            )
        return None

    def _record(self, provider: str, status: str, why: str, problems: int) -> tuple[str, str]:
        if self.catalog is not None and not self.dry_run:
            from catalog.load import record_run

            try:
                record_run(self.catalog, kind="crawl", provider=provider, started=self.started,
                           finished=datetime.now(UTC), items=len(self.records), errors=problems,
                           status=status, note=why)  # fmt: skip
            except Exception as exc:  # recording is best effort; the summary still says why
                logger.error("could not record the %s run of %s: %s", status, provider, exc)
        return status, why
