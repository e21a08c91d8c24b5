"""MA CEU Hub (a synthetic provider publishing schema.org JSON-LD): crawled by the generic `structured`
spider through its sitemap, the way `recert sample` crawls it."""

from __future__ import annotations

import pytest

from catalog.records import AREAS, parse_record
from tests.spiders.mirror_expect import crawl_mirror, differences


@pytest.fixture(scope="module")
def crawled() -> tuple[list[dict], dict]:
    return crawl_mirror("ma_ceu_hub")


def test_crawl_matches_the_mirror_exactly(crawled: tuple[list[dict], dict]) -> None:
    items, stats = crawled
    assert differences("ma_ceu_hub", items) == []
    assert len(items) == 72  # the broken JSON-LD page and the about page yield nothing
    assert stats["recert/status"] == "dry_run"


def test_courses_are_filed_under_the_hub_not_the_spider(crawled: tuple[list[dict], dict]) -> None:
    items, _ = crawled
    assert {i["provider"] for i in items} == {"ma_ceu_hub"}


def test_approvals_mix_aama_nha_and_none(crawled: tuple[list[dict], dict]) -> None:
    items, _ = crawled
    bodies = [tuple(a["body"] for a in i.get("approvals", [])) for i in items]
    assert {("AAMA",), ("NHA",), ()} == set(bodies)


INVARIANTS = {
    "is_a_valid_record": lambda item: parse_record(item) is not None,
    "source_is_sample": lambda item: item["source"] == "sample",
    "one_area_for_all_hours": lambda item: (
        list(item["content_areas"].values()) == [item["hours"]] and set(item["content_areas"]) <= set(AREAS)
    ),
    "member_price_below_price": lambda item: item.get("member_price", 0) < item["price"],
    "aama_credits_are_hours": lambda item: all(
        a["credits"] == item["hours"] for a in item.get("approvals", []) if a["body"] == "AAMA"
    ),
    "nha_credit_is_two_hours": lambda item: all(
        a["credits"] * 2 == item["hours"] for a in item.get("approvals", []) if a["body"] == "NHA"
    ),
}


@pytest.mark.parametrize("name", sorted(INVARIANTS))
def test_invariant_over_all_items(crawled: tuple[list[dict], dict], name: str) -> None:
    items, _ = crawled
    assert [i["course_id"] for i in items if not INVARIANTS[name](i)] == []
