"""Compare crawled items with a mirror's ``expected.jsonl`` (the records its synthetic pages mean)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from catalog.records import Course, Offer, parse_record, to_dict

MIRRORS = Path(__file__).resolve().parents[2] / "data" / "mirrors"
COMPARED = (
    "title", "name", "kind", "format", "hours", "price", "member_price", "period_months", "content_areas",
    "approvals", "included_in", "available_from", "available_until", "location", "access_months",
)  # fmt: skip


def expected_records(provider: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(type, id) → expected record (JSON numbers as Decimal)."""
    lines = (MIRRORS / provider / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line, parse_float=Decimal) for line in lines if line.strip()]
    return {(r["type"], r.get("course_id") or r["offer_id"]): r for r in records}


def plain(record: Course | Offer) -> dict[str, Any]:
    """A record as comparable JSON-like values (Decimals kept exact)."""
    return json.loads(json.dumps(to_dict(record)), parse_float=Decimal)


def differences(provider: str, items: list[dict[str, Any]]) -> list[str]:
    """Every way the crawled ``items`` differ from the mirror's expected records (empty = identical)."""
    expected = expected_records(provider)
    got: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        record = parse_record(item)
        ident = record.course_id if isinstance(record, Course) else record.offer_id
        got[(record.type, ident)] = plain(record)
    problems = [f"missing {key}" for key in expected.keys() - got.keys()]
    problems += [f"unexpected {key}" for key in got.keys() - expected.keys()]
    for key in expected.keys() & got.keys():
        want, have = expected[key], got[key]
        for field in COMPARED:
            if _norm(want.get(field)) != _norm(have.get(field)):
                problems.append(f"{key} {field}: expected {want.get(field)!r}, got {have.get(field)!r}")
        path = urlsplit(have.get("url", "")).path + (
            f"?{urlsplit(have['url']).query}" if "?" in have.get("url", "") else ""
        )
        if "path" in want and path != want["path"]:
            problems.append(f"{key} url: expected path {want['path']!r}, got {have.get('url')!r}")
        unverified = (have.get("extras") or {}).get("unverified")
        if (want.get("extras") or {}).get("unverified") != unverified:
            problems.append(f"{key} extras.unverified: expected {want.get('extras')}, got {unverified}")
    return sorted(problems)


def _norm(value: Any) -> Any:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value)).normalize()
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


FAST = {  # politeness off on loopback: no delay, no throttle, no backoff
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_BACKOFF_BASE": 0,
    "LOG_LEVEL": "WARNING",
}


def crawl_mirror(provider: str, *, source: str = "sample") -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Crawl ``data/mirrors/<provider>`` served on 127.0.0.1 with the real spider and pipelines (nothing
    published); returns the scraped items and the crawler stats. A mirror without a spider of its own
    (ma_ceu_hub) is crawled by the ``structured`` spider from its start page."""
    import asyncio
    import concurrent.futures

    from scrapy import signals
    from scrapy.crawler import AsyncCrawlerRunner
    from scrapy.spiderloader import SpiderLoader

    from spiders.mirror_server import MirrorServer
    from spiders.run import crawl_settings

    settings = crawl_settings({**FAST, "RECERT_SOURCE": source, "RECERT_DRY_RUN": True})
    loader = SpiderLoader.from_settings(settings)
    structured = provider not in loader.list()
    spidercls = loader.load("structured" if structured else provider)
    items: list[dict[str, Any]] = []
    stats: dict[str, Any] = {}

    def on_item(item: dict[str, Any], **_: Any) -> None:
        items.append(item)

    async def run(base_url: str) -> None:
        runner = AsyncCrawlerRunner(settings)
        crawler = runner.create_crawler(spidercls)
        crawler.signals.connect(on_item, signal=signals.item_scraped)
        kwargs = {"start_url": f"{base_url}/", "provider": provider} if structured else {"base_url": base_url}
        await runner.crawl(crawler, **kwargs)
        stats.update(crawler.stats.get_stats())

    with MirrorServer(MIRRORS / provider) as server, concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run(server.url)).result()
    return items, stats


def file_response(provider: str, path: str, *, host: str = "http://mirror.test"):
    """A Scrapy HtmlResponse for the mirror file that answers URL ``path`` (``/x?q`` → file ``x@q``)."""
    from scrapy.http import HtmlResponse, Request

    from spiders.mirror_server import file_for

    found = file_for(MIRRORS / provider, path)
    assert found is not None, f"no mirror file for {path}"
    url = host + path
    return HtmlResponse(url=url, body=found.read_bytes(), encoding="utf-8", request=Request(url))


def make_spider(spidercls: type, **kwargs: Any):
    """A spider bound to a test crawler (stats work), pointed at ``http://mirror.test``."""
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(spidercls, {"REMOTE_CONTROL_ENABLED": False, "TELNETCONSOLE_ENABLED": False})
    spider = spidercls.from_crawler(crawler, base_url="http://mirror.test", **kwargs)
    crawler.spider = spider
    crawler.stats.open_spider()
    return spider


def expected_path(provider: str, course_id: str) -> str:
    return expected_records(provider)[("course", course_id)]["path"]
