"""Relias Academy spider: URL cleaning, one test per field on saved mirror pages (both templates), a real
crawl of the mirror on 127.0.0.1, and invariants over every item."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.records import parse_record
from spiders.spiders.relias import ReliasSpider
from tests.spiders.mirror_expect import (
    MIRRORS,
    crawl_mirror,
    differences,
    expected_records,
    file_response,
    make_spider,
)

DETAIL = "/rls/store/browse/productDetailSingleSku.jsp"
LANDING = "/rls/store/medical-assistant-online-continuing-education"


@pytest.fixture(scope="module")
def spider() -> ReliasSpider:
    return make_spider(ReliasSpider)


def product(spider: ReliasSpider, product_id: str) -> list[dict]:
    return list(spider.parse_product(file_response("relias", f"{DETAIL}?productId={product_id}")))


def course(spider: ReliasSpider, product_id: str) -> dict:
    (item,) = product(spider, product_id)
    return item


@pytest.mark.parametrize(
    ("href", "clean"),
    [
        (
            f"{DETAIL};jsessionid=8F3A9C.prod_store01-1?navAction=jump&navCount=0&atg.multisite.remap=false"
            "&productId=c412977",
            f"{DETAIL}?productId=c412977",
        ),
        (f"{DETAIL}?productId=p98545&lp=true", f"{DETAIL}?productId=p98545"),
        (f"{DETAIL}?productId=c1&utm_source=google&utm_medium=cpc&gclid=Cj0KCQ", f"{DETAIL}?productId=c1"),
        ("/rls/store/browse/s.jsp?q=medical+assistant", None),
        ("/rls/store/cart/cart.jsp?add=c1", None),
    ],
)
def test_product_url_strips_session_navigation_and_tracking(href: str, clean: str | None) -> None:
    expected = None if clean is None else f"https://reliasacademy.com{clean}"
    assert ReliasSpider.product_url(f"https://reliasacademy.com{href}") == expected


def test_listing_requests_each_product_once_cleanly(spider: ReliasSpider) -> None:
    output = list(spider.parse(file_response("relias", LANDING)))
    urls = [r.url for r in output if r.callback == spider.parse_product]
    assert len(urls) == 19  # 15 cards (the s.jsp search card dropped) + All Access and 3 packages
    assert all(u.startswith(f"http://mirror.test{DETAIL}?productId=") and "&" not in u for u in urls)
    pages = [r.url for r in output if r.callback == spider.parse]
    assert f"http://mirror.test{LANDING}?page=2" in pages
    assert not any("utm_" in u for u in pages)


def test_title_with_entities_and_course_id(spider: ReliasSpider) -> None:
    item = course(spider, "c452685")
    assert item["title"] == "Caring for Patients with Alzheimer’s Disease & Related Dementias"
    assert item["course_id"] == "c452685"


def test_non_ascii_title(spider: ReliasSpider) -> None:
    assert course(spider, "c431231")["title"] == "Comunicación con pacientes hispanohablantes en la recepción"


def test_hours_from_the_contact_hours_field(spider: ReliasSpider) -> None:
    item = course(spider, "c424301")
    assert item["hours"] == 2
    assert item["extras"]["credits_raw"] == "2 contact hours"


def test_hours_from_description_prose(spider: ReliasSpider) -> None:
    item = course(spider, "c405144")  # no Contact Hours field: "This course offers up to 0.5 contact hours."
    assert item["hours"] == Decimal("0.5")
    assert "up to 0.5 contact hours" in item["extras"]["credits_raw"]


def test_sale_price_wins_over_the_struck_list_price(spider: ReliasSpider) -> None:
    page = file_response("relias", f"{DETAIL}?productId=c407594")
    struck = page.css("#productPrice .strike::text").get()
    item = course(spider, "c407594")
    assert struck and Decimal(struck.lstrip("$")) > item["price"]
    assert Decimal(15) <= item["price"] <= Decimal(60)


def test_missing_price_is_a_recorded_problem(spider: ReliasSpider) -> None:
    item = course(spider, "c434484")
    assert "price" not in item
    assert ("price", "'Contact us for group pricing' is not a price") in item["_problems"]


def test_live_webinar_format_and_date(spider: ReliasSpider) -> None:
    item = course(spider, "c434484")
    assert item["format"] == "live"
    assert item["available_from"] == item["available_until"]


def test_accreditation_statements_name_bodies_but_never_aama(spider: ReliasSpider) -> None:
    assert course(spider, "c424301")["approvals"] == [{"body": "ANCC", "credits": 2}]
    assert "CCMC" in {a["body"] for a in course(spider, "c434484")["approvals"]}
    assert "approvals" not in course(spider, "c461634")  # no accreditation statement at all
    page = file_response("relias", f"{DETAIL}?productId=c424301")
    assert "AAMA" in page.css(".ma-note::text").get()  # the note mentions AAMA …
    assert "AAMA" not in {a["body"] for a in course(spider, "c424301")["approvals"]}  # … and is no approval


def test_included_in_all_access_and_packages(spider: ReliasSpider) -> None:
    assert course(spider, "c461634")["included_in"] == ["p300100", "p210102"]


def test_all_access_template_is_a_subscription_offer(spider: ReliasSpider) -> None:
    (item,) = product(spider, "p300100")
    assert (item["type"], item["kind"], item["name"]) == (
        "offer",
        "subscription",
        "Relias Academy All Access",
    )
    assert (item["price"], item["period_months"]) == (Decimal("249.00"), 12)
    assert item["extras"]["unverified"] == ["price"]


def test_package_is_a_bundle_with_hours_up_to(spider: ReliasSpider) -> None:
    (item,) = product(spider, "p210101")
    assert (item["kind"], item["price"], item["period_months"]) == ("bundle", Decimal("89.00"), 12)
    assert item["extras"]["hours_up_to"] == 14
    assert "hours" not in item


def test_retired_and_lorem_ipsum_products_yield_nothing(spider: ReliasSpider) -> None:
    meant = {ident for _, ident in expected_records("relias")}
    pages = (MIRRORS / "relias" / DETAIL.strip("/")).parent.glob("productDetailSingleSku.jsp@productId=*")
    others = sorted(ident for ident in (p.name.rsplit("=", 1)[1] for p in pages) if ident not in meant)
    assert len(others) == 2
    assert [product(spider, ident) for ident in others] == [[], []]
    stats = spider.crawler.stats
    assert stats.get_value("recert/skipped/retired") == stats.get_value("recert/skipped/placeholder") == 1


# --- a real crawl of the mirror ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled() -> tuple[list[dict], dict]:
    return crawl_mirror("relias")


def test_crawl_matches_the_mirror_exactly(crawled: tuple[list[dict], dict]) -> None:
    items, stats = crawled
    assert differences("relias", items) == []
    assert len(items) == 102  # 98 courses, 3 packages, All Access
    assert stats["recert/skipped/retired"] == stats["recert/skipped/placeholder"] == 1
    assert stats["recert/problems/price"] == 1
    assert stats.get("recert/duplicates", 0) == 0  # repeats are never requested twice: clean URLs dedupe
    assert not any(k.startswith("recert/dropped/") for k in stats)


def is_course(item: dict) -> bool:
    return item["type"] == "course"


INVARIANTS = {
    "is_a_valid_record": lambda item: parse_record(item) is not None,
    "source_is_sample": lambda item: item["source"] == "sample",
    "url_is_one_clean_product_url": lambda item: (
        item["url"].split("?")[1] == f"productId={item.get('course_id') or item['offer_id']}"
    ),
    "never_aama_approved": lambda item: all(a["body"] != "AAMA" for a in item.get("approvals", [])),
    "course_price_15_to_60": lambda item: (
        not is_course(item) or "price" not in item or Decimal(15) <= item["price"] <= Decimal(60)
    ),
    "approval_credits_are_the_hours": lambda item: all(
        a["credits"] == item["hours"] for a in item.get("approvals", [])
    ),
    "included_in_known_offers": lambda item: set(item.get("included_in", ())) <= OFFER_IDS,
    "no_content_areas_claimed": lambda item: "content_areas" not in item,  # Relias does not use AAMA's
}
OFFER_IDS = {"p300100", "p210101", "p210102", "p210103"}


@pytest.mark.parametrize("name", sorted(INVARIANTS))
def test_invariant_over_all_items(crawled: tuple[list[dict], dict], name: str) -> None:
    items, _ = crawled
    failing = [i.get("course_id") or i.get("offer_id") for i in items if not INVARIANTS[name](i)]
    assert failing == []
