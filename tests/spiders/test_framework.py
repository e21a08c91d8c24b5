"""The framework's parts on their own: pipelines, polite settings, backoff retries, the spider base."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from spiders.bases.provider import ProviderSpider
from spiders.items import PROBLEMS_KEY, add_problem, course_item, offer_item
from spiders.middlewares import DELAY_KEY, BackoffRetryMiddleware
from spiders.parsers.bodies import ACCEPTED, APPROVED, BodyClaim
from spiders.pipelines.dedupe import DedupePipeline
from spiders.pipelines.normalise import NormalisePipeline
from spiders.pipelines.provider_attributes import ProviderAttributesPipeline
from spiders.pipelines.validate import ValidatePipeline
from spiders.run import crawl_settings, spider_names

ROOT = Path(__file__).resolve().parents[2]


class ExampleSpider(ProviderSpider):
    name = "example"
    real_base_url = "https://example.org"
    default_currency = "CAD"
    ceu_unit = "aama_ceu"
    item_attributes = {"format": "live"}  # noqa: RUF012


@pytest.fixture
def crawler() -> Crawler:
    crawler = get_crawler(ExampleSpider, crawl_settings({"RECERT_SOURCE": "sample"}).copy_to_dict())
    crawler.spider = crawler._create_spider()
    return crawler


def good_course(**changes: object) -> dict:
    fields = {
        "course_id": "c1",
        "title": "Vital Signs",
        "url": "https://example.org/c1/",
        "hours": Decimal(1),
    }
    return course_item(**{**fields, **changes})


def through(crawler: Crawler, item: dict) -> dict:
    for pipeline in (ProviderAttributesPipeline, NormalisePipeline, ValidatePipeline):
        item = pipeline.from_crawler(crawler).process_item(item)
    return item


def test_provider_attributes_fill_but_never_overwrite(crawler: Crawler) -> None:
    item = ProviderAttributesPipeline.from_crawler(crawler).process_item(good_course(currency="USD"))
    assert (item["provider"], item["format"], item["source"], item["currency"]) == (
        "example",
        "live",
        "sample",
        "USD",
    )
    offer = ProviderAttributesPipeline.from_crawler(crawler).process_item(offer_item(offer_id="m", name="M"))
    assert offer["currency"] == "CAD" and offer["format"] == "live"


def test_normalise_cleans_text_urls_ids_and_areas(crawler: Crawler) -> None:
    item = NormalisePipeline.from_crawler(crawler).process_item(
        good_course(
            title="  Coding &amp; <b>Billing</b>\n", url="https://example.org/c1/?utm_source=x&id=2#top",
            course_id="c 1 (new)", content_areas={"Clinical": Decimal(1)}, description=None,
        )
    )  # fmt: skip
    assert item["title"] == "Coding & Billing"
    assert item["url"] == "https://example.org/c1/?id=2"
    assert item["course_id"] == "c-1-new"
    assert item["content_areas"] == {"clinical": Decimal(1)}
    assert "description" not in item


def test_validate_counts_parser_problems_per_field(crawler: Crawler) -> None:
    item = good_course()
    add_problem(item, "price", "no price given")
    add_problem(item, "approvals", "x")
    out = through(crawler, item)
    assert PROBLEMS_KEY not in out
    assert crawler.stats.get_value("recert/problems/price") == 1
    assert crawler.stats.get_value("recert/problems/approvals") == 1


@pytest.mark.parametrize("missing", ["course_id", "title", "url", "hours"])
def test_validate_drops_items_missing_a_key_field(crawler: Crawler, missing: str) -> None:
    item = good_course()
    del item[missing]
    with pytest.raises(DropItem):
        through(crawler, item)
    assert crawler.stats.get_value(f"recert/dropped/{missing}") == 1


def test_validate_removes_a_bad_optional_field_and_keeps_the_item(crawler: Crawler) -> None:
    out = through(crawler, good_course(content_areas={"clinical": Decimal(5)}, price=Decimal("9.95")))
    assert "content_areas" not in out and out["price"] == Decimal("9.95")
    assert crawler.stats.get_value("recert/problems/content_areas") == 1


def test_validate_reports_problems_per_field_at_close(
    crawler: Crawler, caplog: pytest.LogCaptureFixture
) -> None:
    item = good_course()
    add_problem(item, "price", "no price given")
    validate = ValidatePipeline.from_crawler(crawler)
    validate.process_item(ProviderAttributesPipeline.from_crawler(crawler).process_item(item))
    with caplog.at_level("WARNING"):
        validate.close_spider()
    assert (
        "field problems in example: price: 1 (e.g. no price given (https://example.org/c1/))" in caplog.text
    )


def test_validate_drops_a_bad_key_field(crawler: Crawler) -> None:
    with pytest.raises(DropItem):
        through(crawler, good_course(url="javascript:alert(1)"))
    assert crawler.stats.get_value("recert/dropped/url") == 1


def test_dedupe_keeps_the_first_of_each_key(crawler: Crawler) -> None:
    dedupe = DedupePipeline.from_crawler(crawler)
    first = dedupe.process_item(good_course(provider="example"))
    with pytest.raises(DropItem):
        dedupe.process_item(good_course(provider="example", title="Again"))
    assert first["title"] == "Vital Signs"
    assert dedupe.process_item(offer_item(provider="example", offer_id="c1"))  # offers are keyed apart
    assert crawler.stats.get_value("recert/duplicates") == 1


def test_approvals_convert_hours_to_each_bodys_unit() -> None:
    spider = ExampleSpider()
    item = good_course()
    claims = [BodyClaim("AAMA", APPROVED), BodyClaim("NHA", APPROVED), BodyClaim("AMT", ACCEPTED)]
    spider.approvals(item, claims, Decimal(3), {"clinical": Decimal(2), "general": Decimal(1)})
    assert item["approvals"] == [
        {
            "body": "AAMA",
            "credits": Decimal(3),
            "categories": {"clinical": Decimal(2), "general": Decimal(1)},
        },
        {"body": "NHA", "credits": Decimal("1.5")},
    ]
    assert item["extras"]["accepted_by"] == ["AMT"]


def test_a_body_without_a_declared_unit_is_a_problem_not_a_guess() -> None:
    item = good_course()
    ExampleSpider().approvals(item, [BodyClaim("ARMA", APPROVED)], Decimal(1))
    assert "approvals" not in item
    assert item[PROBLEMS_KEY] == [("approvals", "the unit of ARMA credit is not declared for example")]


def test_credits_of_unknown_length_are_a_problem() -> None:
    item = good_course()
    del item["hours"]
    ExampleSpider().credits(item, "3 CE credits")
    assert "hours" not in item
    assert item[PROBLEMS_KEY][0][0] == "hours"


def test_polite_defaults() -> None:
    settings = crawl_settings()
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert settings["USER_AGENT"] == "Recert/0.1 (+https://github.com/recert/recert)"
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is True
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert settings.getfloat("DOWNLOAD_DELAY") > 0
    assert settings.getint("RETRY_TIMES") >= 2
    assert settings.getbool("HTTPCACHE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert list(settings.getdict("ITEM_PIPELINES")) == [
        "spiders.pipelines.provider_attributes.ProviderAttributesPipeline",
        "spiders.pipelines.normalise.NormalisePipeline",
        "spiders.pipelines.validate.ValidatePipeline",
        "spiders.pipelines.dedupe.DedupePipeline",
        "spiders.pipelines.catalog_writer.CatalogWriterPipeline",
    ]


def test_http_cache_only_in_the_dev_profile() -> None:
    code = "import spiders.settings as s; print(s.HTTPCACHE_ENABLED)"
    for profile, shown in (("dev", "True"), ("", "False")):
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={"RECERT_PROFILE": profile},
        )
        assert out.stdout.strip() == shown, out.stderr


def test_retries_back_off_exponentially(crawler: Crawler) -> None:
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    request = Request("https://example.org/")
    response = Response("https://example.org/", status=503)
    delays = []
    for _ in range(3):
        request = middleware.process_response(request, response)
        assert isinstance(request, Request)
        delays.append(request.meta[DELAY_KEY])
    assert delays == [1.0, 2.0, 4.0]
    assert isinstance(middleware.process_response(request, response), Response)  # gave up after RETRY_TIMES
    request.meta[DELAY_KEY] = 0.01
    asyncio.run(middleware.process_request(request))  # waits, then sends the request on
    assert DELAY_KEY not in request.meta


def test_spider_names() -> None:
    assert {"ace", "structured"} <= set(spider_names())
