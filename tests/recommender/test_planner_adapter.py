"""The planner's adapter: the fast catalog reader gives exactly the records the catalog's own snapshot
does (real DuckDB catalog in tmp_path), and the memoised credit equals the rules engine's, course by
course."""

from __future__ import annotations

import json
import random
from pathlib import Path

from bench.bench_planner import synthetic_records
from catalog.load import load_files
from catalog.queries import snapshot
from recommender.planner.adapter import build_input, read_catalog
from recommender.rules.engine import contribution
from tests.recommender.test_planner_random import TODAY, make_instance

ODD_RECORDS: list[dict[str, object]] = [
    {"provider": "acme", "course_id": "odd-1", "title": "  Odd   spacing  ", "url": "https://acme.example/1",
     "format": "Online", "hours": "1.25", "price": "12.345", "member_price": 9, "currency": "usd",
     "description": "Line one.\nLine two.", "content_areas": {"Clinical": "1.25", "general": 0},
     "approvals": [{"body": "aama", "credits": 1.25, "categories": {"clinical": "1.25"}, "approval_id": "X-1",
                    "expires": "2027-01-31"}, {"body": "NHA", "credits": "1"}],
     "included_in": "acme-sub; acme-sub", "available_from": "2026-01-01", "available_until": "2027-12-31",
     "location": "Springfield", "access_months": 12, "scraped_at": "2026-01-02T03:04:05Z",
     "source": "live", "vendor_sku": "A-77"},
    {"provider": "acme", "course_id": "odd-2", "title": "College", "url": "https://acme.example/2",
     "format": "live", "hours": 45, "kind": "college_credit", "extras": {"college_credits": 3},
     "source": "import"},
    {"type": "offer", "provider": "acme", "offer_id": "acme-sub", "name": "Sub", "kind": "subscription",
     "price": "49.99", "source": "import"},
]  # fmt: skip


def test_read_catalog_equals_snapshot(tmp_path: Path) -> None:
    records = ODD_RECORDS + synthetic_records(300, seed=3)
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    catalog = tmp_path / "catalog.duckdb"
    load_files(catalog, [source])
    fast = read_catalog(catalog)
    slow = snapshot(catalog)
    assert len(fast.courses) == 302
    assert fast.courses == list(slow.courses)
    assert fast.offers == list(slow.offers)


def test_memoised_credit_equals_rules_engine() -> None:
    for seed in range(40):
        inst = make_instance(seed)
        inp = build_input(inst.courses, inst.offers, inst.profile, today=TODAY)
        records = {course.key: course for course in inst.courses}
        rule = inst.profile.credentials[0].rules.counting
        for option in inp.courses:
            given = contribution(records[option.key], rule)
            (credit,) = option.credits
            assert dict(credit.approved) == {a: v for a, v in given.approved.items() if v > 0}
            assert dict(credit.other) == {a: v for a, v in given.other.items() if v > 0}
            assert credit.cpr_card == given.cpr_card


def test_ranks_follow_course_ids() -> None:
    inst = make_instance(random.Random(5).randint(0, 219))
    inp = build_input(inst.courses, inst.offers, inst.profile, today=TODAY)
    assert [c.rank for c in inp.courses] == list(range(len(inp.courses)))
    assert [c.key for c in inp.courses] == sorted(c.key for c in inp.courses)
