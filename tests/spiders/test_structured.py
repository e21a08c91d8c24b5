"""The schema.org spider: parsing saved pages, and crawls with a sitemap and without one."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request

from spiders.mirror_server import MirrorServer
from spiders.parsers.structured import all_offers, course_fields, course_nodes, extract_nodes, offer_terms
from spiders.run import crawl
from spiders.spiders.structured import StructuredSpider, provider_from_url
from tests.spiders.conftest import FAST, MIRRORS, file_response
from tests.spiders.mirror_expect import make_spider

SITE = "https://ce.example.org"


def page_items(path: str) -> list[dict]:
    spider = StructuredSpider(start_url=f"{SITE}/")
    return list(spider.parse_page(file_response("structured_demo", path, f"{SITE}/{path}")))


def test_json_ld_course_with_instance_offer_and_credential() -> None:
    (item,) = page_items("courses/bloodborne-pathogens.html")
    assert item["course_id"] == "BBP-101"
    assert item["title"] == "Bloodborne Pathogens for the Medical Office"
    assert item["url"] == f"{SITE}/courses/bloodborne-pathogens.html"
    assert item["hours"] == Decimal("1.5")  # courseWorkload PT1H30M
    assert (item["price"], item["currency"], item["format"]) == (Decimal("19.95"), "USD", "online")
    assert item["approvals"] == [
        {"body": "AAMA", "credits": Decimal("1.5"), "categories": {"clinical": Decimal("1.5")}}
    ]
    assert item["content_areas"] == {"clinical": Decimal("1.5")}


def test_microdata_course_is_free_and_keyed_by_its_url() -> None:
    (item,) = page_items("courses/hipaa-basics.html")
    assert (item["course_id"], item["hours"], item["price"]) == ("hipaa-basics", Decimal(1), Decimal(0))


def test_graph_with_credits_and_member_offers() -> None:
    (item,) = page_items("courses/coding-update.html")
    assert item["course_id"] == "COD-7"
    assert item["hours"] == Decimal(2)  # numberOfCredits {value: 2, unitText: contact hours}
    assert (item["price"], item["member_price"]) == (Decimal(20), Decimal(10))
    assert item["format"] == "live"
    assert item["content_areas"] == {"administrative": Decimal(2)}


def test_time_required_in_minutes() -> None:
    (item,) = page_items("courses/ethics.html")
    assert (item["course_id"], item["hours"], item["price"]) == ("ETH-50", Decimal("0.8333"), Decimal("5.00"))


@pytest.mark.parametrize("path", ["about.html", "courses/broken.html"])
def test_pages_without_usable_structured_data_yield_nothing(path: str) -> None:
    assert page_items(path) == []


def test_course_without_hours_records_a_problem() -> None:
    (item,) = page_items("courses/no-duration.html")
    assert "hours" not in item
    assert item["_problems"] == [("hours", "no courseWorkload, timeRequired, courseSchedule or credits")]


def test_extract_nodes_reads_both_syntaxes() -> None:
    html = (MIRRORS / "structured_demo" / "courses" / "coding-update.html").read_text()
    extracted = extract_nodes(html, f"{SITE}/courses/coding-update.html")
    assert [n["@type"] for n in extracted.nodes] == ["Organization", "Course"]
    assert extracted.problems == []
    (course,) = course_nodes(extracted.nodes)
    assert course_fields(course)["credits"] == "2 contact hours"
    assert [offer_terms(o).price for o in all_offers(course)] == ["10", "20"]


@pytest.mark.parametrize(
    ("url", "provider"),
    [("https://www.example.org/courses/", "example-org"), ("http://127.0.0.1:8000/", "127-0-0-1")],
)
def test_provider_from_url(url: str, provider: str) -> None:
    assert provider_from_url(url) == provider


@pytest.mark.parametrize(
    "kwargs", [{}, {"start_url": "ftp://x.org/"}, {"start_url": "https://x.org/", "provider": "Bad Name!"}]
)
def test_structured_spider_checks_its_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        StructuredSpider(**kwargs)


def crawl_structured(server: MirrorServer) -> tuple[Any, list[str]]:
    (summary,) = crawl(
        ["structured"], catalog_path=None, settings=FAST,
        spider_kwargs={"start_url": f"{server.url}/", "provider": "example"},
    )  # fmt: skip
    return summary, server.requests


def test_crawl_follows_the_sitemap(serve_mirror: Callable[[str | Path], MirrorServer]) -> None:
    summary, requests = crawl_structured(serve_mirror("structured_demo"))
    assert (summary.provider, summary.status, summary.items, summary.dropped) == ("example", "dry_run", 4, 1)
    assert "/sitemap.xml" in requests and "/" not in requests  # the start page is not needed


def test_crawl_without_sitemap_follows_same_host_links(
    serve_mirror: Callable[[str | Path], MirrorServer], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(MIRRORS / "structured_demo", site)
    (site / "sitemap.xml").unlink()
    summary, requests = crawl_structured(serve_mirror(site))
    assert (summary.status, summary.items, summary.dropped) == ("dry_run", 4, 1)
    assert "/" in requests and "/courses/ethics.html" in requests


def test_a_broken_block_is_counted_in_the_crawler_stats_and_the_good_block_kept() -> None:
    spider = make_spider(StructuredSpider, start_url="http://mirror.test/")
    html = (
        '<script type="application/ld+json">{"@type": "Course", "name": "Cut off", "offers": [</script>'
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Course",'
        ' "name": "Kept", "courseCode": "K-1", "timeRequired": "PT1H"}</script>'
    )
    url = "http://mirror.test/courses/kept.html"
    response = HtmlResponse(url=url, body=html.encode(), encoding="utf-8", request=Request(url))
    (item,) = spider.parse_page(response)
    assert (item["course_id"], item["hours"]) == ("K-1", Decimal(1))
    assert spider.crawler.stats.get_value("recert/problems/structured_data") == 1


def test_an_xhtml_page_with_an_xml_declaration_is_read() -> None:
    html = (
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        '<script type="application/ld+json">{"@type": "Course", "name": "Café Hygiene", "courseCode": "X-1",'
        ' "timeRequired": "PT2H"}</script></head><body></body></html>'
    )
    url = f"{SITE}/courses/x.html"
    response = HtmlResponse(url=url, body=html.encode(), encoding="utf-8", request=Request(url))
    (item,) = StructuredSpider(start_url=f"{SITE}/").parse_page(response)
    assert (item["course_id"], item["title"], item["hours"]) == ("X-1", "Café Hygiene", Decimal(2))
