"""AAMA spider: one test per field on saved mirror pages, a real crawl of the mirror on 127.0.0.1, and
invariants over every item."""

from __future__ import annotations

from decimal import Decimal

import pytest
import scrapy

from catalog.records import parse_record
from spiders.spiders.aama import AamaSpider
from tests.spiders.mirror_expect import (
    crawl_mirror,
    differences,
    expected_path,
    expected_records,
    file_response,
    make_spider,
)


@pytest.fixture(scope="module")
def spider() -> AamaSpider:
    return make_spider(AamaSpider)


def product(spider: AamaSpider, path: str) -> dict:
    items = list(spider.parse_product(file_response("aama", path)))
    assert len(items) == 1
    return items[0]


def course(spider: AamaSpider, course_id: str) -> dict:
    return product(spider, expected_path("aama", course_id))


def test_course_id_title_and_url(spider: AamaSpider) -> None:
    item = course(spider, "ELC-1001")
    assert item["course_id"] == "ELC-1001"
    assert item["title"] == "Workers' Compensation and Third-Party Claims"
    assert item["url"] == "http://mirror.test/e-learning/courses/workers-compensation-and-third-party-claims"


def test_hours_are_aama_ceus(spider: AamaSpider) -> None:
    assert course(spider, "ELC-1001")["hours"] == Decimal("2.5")


def test_content_area_split(spider: AamaSpider) -> None:
    item = course(spider, "ELC-1006")
    assert item["content_areas"] == {"administrative": Decimal("0.5"), "general": Decimal("1.5")}


def test_aama_approval_with_categories(spider: AamaSpider) -> None:
    item = course(spider, "ELC-1006")
    assert item["approvals"] == [
        {
            "body": "AAMA",
            "credits": 2,
            "categories": {"administrative": Decimal("0.5"), "general": Decimal("1.5")},
        }
    ]


def test_member_and_nonmember_prices(spider: AamaSpider) -> None:
    item = course(spider, "ELC-1001")
    assert (item["price"], item["member_price"]) == (Decimal("50.00"), Decimal("25.00"))


def test_free_for_members(spider: AamaSpider) -> None:
    free = next(
        r for r in expected_records("aama").values() if r.get("member_price") == 0 and r["type"] == "course"
    )
    item = course(spider, free["course_id"])
    assert item["member_price"] == 0
    assert item["price"] > 0


def test_members_only_item_has_no_nonmember_price(spider: AamaSpider) -> None:
    item = course(spider, "ELC-1006")
    assert "price" not in item
    assert item["member_price"] == Decimal("30.00")


def test_html_entities_decoded_in_title(spider: AamaSpider) -> None:
    assert course(spider, "ELC-1010")["title"] == "Coding & Billing for Telehealth Visits: What’s Changed"


def test_non_ascii_title(spider: AamaSpider) -> None:
    assert (
        course(spider, "ELC-1015")["title"] == "Español básico para el consultorio médico: saludos y síntomas"
    )


def test_missing_price_is_a_recorded_problem(spider: AamaSpider) -> None:
    item = course(spider, "CMT-2008")
    assert "price" not in item and "member_price" not in item
    assert [field for field, _ in item["_problems"]] == ["price"]


def test_self_study_access_window_and_unverified_labels(spider: AamaSpider) -> None:
    item = course(spider, "SS-3004")
    assert item["access_months"] == 6
    assert item["extras"]["unverified"] == ["access_months", "member_price", "price"]
    assert item["format"] == "print"
    assert (item["price"], item["member_price"]) == (Decimal("90.00"), Decimal("45.00"))


def test_conference_dates_location_and_format(spider: AamaSpider) -> None:
    item = product(spider, "/events/annual-conference")
    assert item["format"] == "conference"
    assert str(item["available_from"]) == "2027-09-24" and str(item["available_until"]) == "2027-09-26"
    assert item["location"] == "Convention Center, Kansas City, MO"
    assert item["hours"] == 18
    assert sum(item["content_areas"].values()) == 18


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/e-learning/courses/transitioning-to-icd-10", "retired"),
        ("/e-learning/courses/lorem-ipsum-template", "placeholder"),
    ],
)
def test_unavailable_and_template_pages_yield_nothing(spider: AamaSpider, path: str, reason: str) -> None:
    before = spider.crawler.stats.get_value(f"recert/skipped/{reason}", 0)
    assert list(spider.parse_product(file_response("aama", path))) == []
    assert spider.crawler.stats.get_value(f"recert/skipped/{reason}") == before + 1


def test_a_truncated_page_yields_an_item_validation_will_drop(spider: AamaSpider) -> None:
    page = file_response("aama", expected_path("aama", "ELC-1001"))
    truncated = page.replace(body=page.body[: page.body.index(b'<main class="ce-product"') + 40])
    (item,) = spider.parse_product(truncated)
    assert "course_id" not in item and "hours" not in item
    assert ("hours", "no credits given") in item["_problems"]


def test_workshop_cards_are_dated_in_person_events(spider: AamaSpider) -> None:
    output = list(spider.parse_listing(file_response("aama", "/events/workshops")))
    items = [o for o in output if isinstance(o, dict)]
    assert len(items) == 8  # 10 cards: one past, one sold out
    ws = next(i for i in items if i["course_id"] == "WS-4002")
    assert (ws["format"], ws["location"], str(ws["available_from"])) == (
        "in_person",
        "Sioux Falls, SD",
        "2027-02-27",
    )
    assert (ws["price"], ws["member_price"]) == (Decimal("25.00"), Decimal("10.00"))
    assert ws["approvals"][0]["body"] == "AAMA"  # cards print no statement: AAMA by default
    free = [i for i in items if i.get("price") == 0]
    assert free, "some chapter workshops are free"
    assert [r.url for r in output if isinstance(r, scrapy.Request)] == [
        "http://mirror.test/events/workshops?page=2"
    ]


def test_listing_follows_courses_and_next_page(spider: AamaSpider) -> None:
    output = list(spider.parse_listing(file_response("aama", "/continuing-education/e-learning-center")))
    urls = [r.url for r in output]
    assert len(urls) == 14  # 12 cards + the featured card + next page
    assert urls[-1] == "http://mirror.test/continuing-education/e-learning-center?page=2"


def test_membership_offer(spider: AamaSpider) -> None:
    item = spider.parse_membership(file_response("aama", "/membership/join"))
    assert (item["offer_id"], item["name"], item["kind"]) == (
        "aama-membership",
        "AAMA Membership",
        "membership",
    )
    assert (item["price"], item["period_months"]) == (Decimal("95.00"), 12)
    assert item["extras"]["unverified"] == ["price"]


# --- a real crawl of the mirror ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled() -> tuple[list[dict], dict]:
    return crawl_mirror("aama")


def test_crawl_matches_the_mirror_exactly(crawled: tuple[list[dict], dict]) -> None:
    items, stats = crawled
    assert differences("aama", items) == []
    assert len(items) == 125
    assert stats["recert/skipped/retired"] == 1
    assert stats["recert/skipped/placeholder"] == 1
    assert stats["recert/skipped/sold_out"] == 1
    assert stats["recert/skipped/ended"] == 1
    assert stats["recert/problems/price"] == 1
    assert not any(k.startswith("recert/dropped/") for k in stats)


def test_every_area_has_at_least_ten_aama_points(crawled: tuple[list[dict], dict]) -> None:
    items, _ = crawled
    totals: dict[str, Decimal] = {}
    for item in items:
        for area, points in item.get("content_areas", {}).items():
            totals[area] = totals.get(area, Decimal(0)) + points
    assert all(totals[area] >= 30 for area in ("administrative", "clinical", "general")), totals


INVARIANTS = {
    "is_a_valid_record": lambda item: parse_record(item) is not None,
    "source_is_sample": lambda item: item["source"] == "sample",
    "url_is_clean_http": lambda item: (
        item["url"].startswith("http://127.0.0.1:") and "jsessionid" not in item["url"]
    ),
    "aama_approved_for_its_hours": lambda item: (
        item["type"] == "offer"
        or (item["approvals"][0]["body"] == "AAMA" and item["approvals"][0]["credits"] == item["hours"])
    ),
    "areas_add_up_to_hours": lambda item: (
        item["type"] == "offer" or sum(item["content_areas"].values()) == item["hours"]
    ),
    "member_price_not_above_price": lambda item: (
        item.get("member_price") is None or item.get("price") is None or item["member_price"] <= item["price"]
    ),
    "no_template_junk": lambda item: (
        "lorem" not in (item.get("title") or item.get("name")).lower()
        and "&amp;" not in (item.get("title") or item.get("name"))
    ),
    "dated_items_are_in_person": lambda item: (
        "available_from" not in item
        or (item["format"] in ("in_person", "conference") and bool(item.get("location")))
    ),
}


@pytest.mark.parametrize("name", sorted(INVARIANTS))
def test_invariant_over_all_items(crawled: tuple[list[dict], dict], name: str) -> None:
    items, _ = crawled
    failing = [i.get("course_id") or i.get("offer_id") for i in items if not INVARIANTS[name](i)]
    assert failing == []
