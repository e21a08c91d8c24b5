"""ACE spider: parse methods on saved mirror pages (file_response), one small test per field."""

from __future__ import annotations

from decimal import Decimal

import pytest
import scrapy

from spiders.items import PROBLEMS_KEY
from spiders.spiders.ace import AceSpider
from tests.spiders.conftest import file_response

REAL = "https://annalsofcontinuingeducation.com"


@pytest.fixture(scope="module")
def spider() -> AceSpider:
    return AceSpider()


def detail(spider: AceSpider, slug: str) -> dict:
    response = file_response("ace", f"courses/{slug}/index.html", f"{REAL}/courses/{slug}/")
    (item,) = spider.parse_course(response)
    return item


def test_catalog_page_follows_every_card_and_the_next_page(spider: AceSpider) -> None:
    response = file_response("ace", "courses/index.html", f"{REAL}/courses/")
    requests = list(spider.parse(response))
    assert all(isinstance(r, scrapy.Request) for r in requests)
    details = [r for r in requests if r.callback == spider.parse_course]
    pages = [r for r in requests if r.callback == spider.parse]
    assert len(details) == 10
    assert [r.url for r in pages] == [f"{REAL}/courses/page/2/"]


def test_last_catalog_page_has_no_next(spider: AceSpider) -> None:
    response = file_response("ace", "courses/page/7/index.html", f"{REAL}/courses/page/7/")
    assert [r for r in spider.parse(response) if r.callback == spider.parse] == []


def test_course_id_title_url(spider: AceSpider) -> None:
    item = detail(spider, "team-communication")
    assert item["course_id"] == "team-communication"
    assert item["title"] == "Team Communication"
    assert item["url"] == f"{REAL}/courses/team-communication/"


def test_ceus_are_aama_ceus_of_one_hour(spider: AceSpider) -> None:
    item = detail(spider, "team-communication")
    assert item["hours"] == Decimal("3")
    assert item["extras"]["credits_raw"] == "3 AAMA CEUs"


def test_content_area_split(spider: AceSpider) -> None:
    item = detail(spider, "venipuncture-technique-advanced-topics")
    assert item["content_areas"] == {"clinical": Decimal("1.5"), "general": Decimal("0.5")}


def test_approvals_in_each_bodys_unit(spider: AceSpider) -> None:
    item = detail(spider, "venipuncture-technique-advanced-topics")
    assert item["approvals"] == [
        {
            "body": "AAMA",
            "credits": Decimal(2),
            "categories": {"clinical": Decimal("1.5"), "general": Decimal("0.5")},
        },
        {"body": "AMT", "credits": Decimal(2)},
        {"body": "NHA", "credits": Decimal(1)},
        {"body": "ARMA", "credits": Decimal(2)},
    ]
    assert item["extras"]["unverified"] == ["approvals"]


def test_included_with_membership_has_no_price(spider: AceSpider) -> None:
    item = detail(spider, "team-communication")
    assert "price" not in item
    assert item["included_in"] == ["annual-membership"]


def test_price_and_membership(spider: AceSpider) -> None:
    item = detail(spider, "venipuncture-technique-advanced-topics")
    assert item["price"] == Decimal("9.95")
    assert item["included_in"] == ["annual-membership"]


def test_free_course(spider: AceSpider) -> None:
    item = detail(spider, "telephone-triage-etiquette-part-2")
    assert item["price"] == Decimal("0")
    assert "included_in" not in item


def test_entities_and_non_ascii_title(spider: AceSpider) -> None:
    item = detail(spider, "patient-education")
    assert item["title"] == "Coding & Billing — Café Clinics’ ICD-10 Guide"


def test_missing_price_is_a_recorded_problem(spider: AceSpider) -> None:
    item = detail(spider, "workplace-safety-part-2")
    assert "price" not in item and "included_in" not in item
    assert ("price", "no price given") in item[PROBLEMS_KEY]


def test_areas_that_do_not_add_up_are_a_problem_not_a_guess(spider: AceSpider) -> None:
    item = detail(spider, "professional-ethics")
    assert "content_areas" not in item
    assert [f for f, _ in item[PROBLEMS_KEY]] == ["content_areas"]
    assert all("categories" not in a for a in item["approvals"])


def test_junk_page_has_no_hours(spider: AceSpider) -> None:
    item = detail(spider, "lorem-ipsum-dolor")
    assert "hours" not in item
    assert "hours" in [f for f, _ in item[PROBLEMS_KEY]]


def test_membership_offer(spider: AceSpider) -> None:
    response = file_response("ace", "membership/index.html", f"{REAL}/membership/")
    (offer,) = spider.parse_membership(response)
    assert offer == {
        "type": "offer",
        "url": f"{REAL}/membership/",
        "offer_id": "annual-membership",
        "name": "ACE Annual Membership",
        "kind": "subscription",
        "period_months": 12,
        "price": Decimal("29.95"),
        "extras": {"unverified": ["price"]},
    }


def test_base_url_points_the_spider_at_a_mirror() -> None:
    spider = AceSpider(base_url="http://127.0.0.1:8000/")
    assert spider.url("/courses/") == "http://127.0.0.1:8000/courses/"
    assert spider.url(f"{REAL}/membership/") == "http://127.0.0.1:8000/membership/"


def test_base_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="http"):
        AceSpider(base_url="file:///etc/passwd")
