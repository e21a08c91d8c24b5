"""The planner's adapter: the fast catalog reader gives exactly the records the catalog's own snapshot
does (real DuckDB catalog in tmp_path), and the memoised credit equals the rules engine's, course by
course."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from catalog import queries
from catalog.db import read_connection
from catalog.load import load_files
from catalog.queries import planner_columns, snapshot
from catalog.records import dumps, parse_record
from harness.synthetic import profile as bench_profile
from harness.synthetic import synthetic_records
from recert.planning import catalog_input, read_catalog
from recommender.planner.adapter import build_input
from recommender.planner.api import solve_input
from recommender.planner.columnar import columnar_input, course_filter
from recommender.planner.model import PlanInput, PlanResult, PlanStatus
from recommender.planner.prune import Presolve
from recommender.rules.engine import contribution
from recommender.rules.profile import Profile, parse_profile
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


def test_read_catalog_equals_fully_validated_records(tmp_path: Path) -> None:
    """The trusted rebuild (catalog.records.course_from_stored, behind snapshot and read_catalog) gives
    exactly what parse_record gives for every stored record."""
    records = ODD_RECORDS + synthetic_records(300, seed=3)
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    catalog = tmp_path / "catalog.duckdb"
    load_files(catalog, [source])
    fast = read_catalog(catalog)
    with read_connection(catalog) as con:
        stored = con.execute("SELECT record FROM course ORDER BY provider, course_id").fetchall()
    slow = [parse_record(json.loads(text, parse_float=Decimal)) for (text,) in stored]
    assert len(fast.courses) == 302
    assert fast.courses == slow
    assert fast.offers == list(snapshot(catalog).offers)


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


def _catalog(folder: Path, lines: list[str]) -> Path:
    """A DuckDB catalog in ``folder`` loaded from these JSONL lines."""
    folder.mkdir(exist_ok=True)
    source = folder / "in.jsonl"
    source.write_text("".join(line + "\n" for line in lines))
    catalog = folder / "catalog.duckdb"
    load_files(catalog, [source])
    return catalog


def _same_plans(one: PlanResult, other: PlanResult) -> None:
    assert (one.status, one.total_cost, one.total_hours) == (
        other.status,
        other.total_cost,
        other.total_hours,
    )
    assert [(c.provider, c.course_id, c.price_paid) for c in one.courses] == [
        (c.provider, c.course_id, c.price_paid) for c in other.courses
    ]
    assert [(r.requirement, r.best) for r in one.reasons] == [(r.requirement, r.best) for r in other.reasons]
    assert [(a.name, a.total_cost, a.courses) for a in one.alternatives] == [
        (a.name, a.total_cost, a.courses) for a in other.alternatives
    ]


def _columnar(catalog: Path, held: Profile) -> PlanInput:
    """The columnar input (not presolved) from the catalog's planner columns."""
    return columnar_input(planner_columns(catalog, course_filter(held, TODAY)), held, {}, {}, TODAY)


def _both_paths(catalog: Path, held: Profile, *, alternatives: int = 0) -> None:
    """The columnar input equals the record-by-record one; the presolved columnar input (what `recert
    plan` uses) is exactly what the presolve keeps of it, with the same ranks; all give the same plan."""
    read = read_catalog(catalog)
    slow = build_input(read.courses, read.offers, held, today=TODAY)
    fast = _columnar(catalog, held)
    assert fast == slow
    presolved = catalog_input(catalog, held, today=TODAY)
    presolve = Presolve(slow)
    assert presolved == presolve.subset(presolve.prune())
    assert presolved.whole is not None and presolved.whole() == slow
    one = solve_input(slow, alternatives=alternatives)
    _same_plans(one, solve_input(fast, alternatives=alternatives))
    _same_plans(one, solve_input(presolved, alternatives=alternatives))


def test_columnar_input_equals_record_path_on_odd_and_synthetic(tmp_path: Path) -> None:
    synthetic = synthetic_records(400, seed=11)
    starts = "2029-01-01"  # after the profile's cycle: same credit shape, no credit
    late = [{**r, "course_id": f"late{i}", "available_from": starts} for i, r in enumerate(synthetic[20:29])]
    catalog = _catalog(tmp_path, [json.dumps(r) for r in ODD_RECORDS + synthetic + late])
    _both_paths(catalog, bench_profile())


def test_columnar_input_equals_record_path_on_random_instances(tmp_path: Path) -> None:
    for seed in range(0, 220, 22):
        inst = make_instance(seed)
        catalog = _catalog(tmp_path / str(seed), [dumps(r) for r in [*inst.offers, *inst.courses]])
        _both_paths(catalog, inst.profile, alternatives=(seed // 22) % 2)


def test_presolved_input_on_random_catalogs_with_many_copies_and_filters(tmp_path: Path) -> None:
    """Random catalogs where groups hold more courses than a plan may need (many equal credit shapes,
    prices and offers), under every filter of the profile (taken, formats, avoided provider, non-USD,
    no longer available, starting after the cycle, unpriced and in no offer): the presolved input is
    exactly the presolve's choice from the whole input, ranks included, and gives the same plan."""
    for seed in range(4):
        rnd = random.Random(seed)
        records = synthetic_records(300, offers=6, seed=seed)
        for record in records:
            if "course_id" not in record:
                continue
            roll = rnd.random()
            if roll < 0.03:
                record["currency"] = "EUR"
            elif roll < 0.06:
                record["available_until"] = "2025-12-31"
            elif roll < 0.09:
                record["available_from"] = "2029-01-01"
            elif roll < 0.12:
                record.pop("price")
                record.pop("member_price", None)
            elif roll < 0.15:
                record["price"] = "0"
        earned = {"administrative": {"approved": 1, "other": 0}, "clinical": {"approved": 0, "other": 1}}
        held = parse_profile({
            "credentials": [{"id": "cma_aama", "cycle_end": "2028-06-30", "earned": earned}],
            "taken": ["c000003", "provider01/c000010"],
            "memberships": ["offer02"] if seed % 2 else [],
            "limits": {"formats": ["online"] if seed % 2 else [], "avoid_providers": ["provider03"]},
        })  # fmt: skip
        catalog = _catalog(tmp_path / str(seed), [json.dumps(r) for r in records])
        _both_paths(catalog, held)


def test_presolved_input_keeps_the_courses_she_added(tmp_path: Path) -> None:
    """Courses she added to her plan — from large groups of equal courses the presolve would cut down,
    filtered ones, one not in the catalog — on both paths: the presolved input keeps every eligible one
    as the presolve does, the plans are the same and hold them, the notes name the others."""
    for seed in range(3):
        rnd = random.Random(seed)
        records = synthetic_records(300, offers=6, seed=seed + 40)
        catalog = _catalog(tmp_path / str(seed), [json.dumps(r) for r in records])
        earned = {area: {"approved": 18} for area in ("administrative", "clinical", "general")}
        plain = {"credentials": [{"id": "cma_aama", "cycle_end": "2028-06-30", "earned": earned}]}
        read = read_catalog(catalog)
        presolve = Presolve(build_input(read.courses, read.offers, parse_profile(plain), today=TODAY))
        kept = {course.key for course in presolve.subset(presolve.prune()).courses}
        dropped = sorted({course.key for course in presolve.inp.courses} - kept)
        assert len(dropped) > 50  # the presolve would cut the courses she adds
        added = [*rnd.sample(dropped, 4), ("nowhere", "no-such-course")]
        held = parse_profile({
            **plain, "taken": [f"{added[0][0]}/{added[0][1]}"], "planned": [f"{p}/{c}" for p, c in added]
        })  # fmt: skip
        _both_paths(catalog, held, alternatives=seed % 2)
        result = solve_input(catalog_input(catalog, held, today=TODAY))
        planned = {(c.provider, c.course_id) for c in result.courses}
        assert set(added[1:4]) <= planned and added[0] not in planned
        assert [note.split(",")[0] for note in result.notes if "which you added" in note] == [
            "nowhere/no-such-course",
            next(f"“{c.title}”" for c in read.courses if c.key == added[0]),
        ]


def test_presolved_input_without_a_plan_gives_the_whole_catalogs_reasons(tmp_path: Path) -> None:
    records = synthetic_records(60, offers=3, seed=5)
    catalog = _catalog(tmp_path, [json.dumps(r) for r in records])
    held = parse_profile(
        {"credentials": [{"id": "cma_aama", "cycle_end": "2028-06-30"}], "limits": {"budget": 5}}
    )
    _both_paths(catalog, held)
    assert solve_input(catalog_input(catalog, held, today=TODAY)).status is PlanStatus.INFEASIBLE


def test_catalog_input_falls_back_to_the_record_path_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    catalog = _catalog(tmp_path, [json.dumps(r) for r in synthetic_records(30, seed=2)])
    held = bench_profile()
    expected = _columnar(catalog, held)
    # a catalog whose schema the columnar query does not know (a renamed column)
    sql = queries.PLANNER_COURSE_SQL.replace("provider,", "vendor,", 1)
    monkeypatch.setattr(queries, "PLANNER_COURSE_SQL", sql)
    with pytest.raises(duckdb.Error):
        _columnar(catalog, held)
    with caplog.at_level("WARNING", logger="recert.planning"):
        assert catalog_input(catalog, held, today=TODAY, presolve=False) == expected
    (warning,) = [r.getMessage() for r in caplog.records if r.name == "recert.planning"]
    assert "record by record" in warning and "vendor" in warning


def test_presolved_catalog_input_gives_runner_ups_from_every_course(tmp_path: Path) -> None:
    """One point is missing and three equal courses give it: the presolve keeps only the cheapest, so the
    runner-up ($6, in person: an alternative worth showing) exists only in the whole input, which the
    presolved one hands over (fails without)."""
    records = [
        {"provider": "acme", "course_id": f"c{n}", "title": f"Course {n}", "url": f"https://acme.example/{n}",
         "format": fmt, "hours": 1, "price": price, "source": "import", "content_areas": {"general": 1},
         "approvals": [{"body": "AAMA", "credits": 1, "categories": {"general": 1}}]}
        for n, price, fmt in ((1, 5, "online"), (2, 6, "in_person"), (3, 7, "online"))
    ]  # fmt: skip
    catalog = _catalog(tmp_path, [json.dumps(r) for r in records])
    earned = {"administrative": {"approved": 10}, "clinical": {"approved": 10}, "general": {"approved": 39}}
    held = parse_profile({"credentials": [{"id": "cma_aama", "cycle_end": "2028-06-30", "earned": earned}]})
    assert [c.course_id for c in catalog_input(catalog, held, today=TODAY).courses] == ["c1"]
    _both_paths(catalog, held, alternatives=1)
    result = solve_input(catalog_input(catalog, held, today=TODAY), alternatives=1)
    assert [c.course_id for c in result.courses] == ["c1"]
    assert [(a.total_cost, a.courses) for a in result.alternatives[:1]] == [(Decimal(6), (("acme", "c2"),))]


def _course(course_id: str, title: str, **fields: object) -> dict[str, object]:
    """A one-hour AAMA-approved general course of provider "ace" (``fields`` override)."""
    approvals = [{"body": "AAMA", "credits": 1, "categories": {"general": 1}}]
    return {"provider": "ace", "course_id": course_id, "title": title, "url": f"https://ace.example/{course_id}",
            "format": "online", "hours": 1, "price": 5, "source": "import", "content_areas": {"general": 1},
            "approvals": approvals, **fields}  # fmt: skip


def test_plan_words_name_titles_not_ids_on_both_paths(tmp_path: Path) -> None:
    """Every kind of left-out course or offer is noted with a title and in plain words (provider and
    format names, no ``provider/course_id``, no internal key), the same on the record path and the
    catalog's columnar path, for a plan and for no plan; a course she added but cannot have is named
    by title too; the JSON's ``left_out`` keeps the ids."""
    records = [
        _course("professional-ethics", "Professional Ethics", content_areas={}, approvals=[]),  # no credit
        _course("coding-101", "Coding in Person", format="in_person"),
        _course("bp-101", "Blood Pressure Basics", provider="my_school"),
        _course("ekg-1", "EKG Refresher"),  # taken
        _course("eu-1", "Care in Europe", currency="EUR"),
        _course("old-1", "Retired Course", available_until="2025-12-31"),
        _course("sub-only", "Pass Holders Only", price=None, included_in=["no-such-pass"]),
        _course("g1", "General Topics Online"),
        _course("g2", "General Topics Live", format="live", price=6),
        {"type": "offer", "provider": "ace", "offer_id": "eu-pass", "name": "ACE Europe Pass",
         "kind": "subscription", "price": 20, "currency": "EUR", "source": "import"},
    ]  # fmt: skip
    catalog = _catalog(tmp_path, [json.dumps({k: v for k, v in r.items() if v is not None}) for r in records])
    titles = {str(r["title"]) for r in records if "title" in r} | {"ACE Europe Pass"}
    ids = [f"{r['provider']}/{r.get('course_id', r.get('offer_id'))}" for r in records]
    earned = {"administrative": {"approved": 10}, "clinical": {"approved": 10}, "general": {"approved": 39}}
    for budget in (None, 1):  # a plan; no plan within $1 (reasons in words)
        held = parse_profile({
            "credentials": [{"id": "cma_aama", "cycle_end": "2028-06-30", "earned": earned}],
            "taken": ["ace/ekg-1"], "planned": ["ace/ekg-1"],
            "limits": {"formats": ["online", "live"], "avoid_providers": ["my_school"], "budget": budget},
        })  # fmt: skip
        _both_paths(catalog, held, alternatives=1)
        read = read_catalog(catalog)
        results = [
            solve_input(build_input(read.courses, read.offers, held, today=TODAY), alternatives=1),
            solve_input(catalog_input(catalog, held, today=TODAY), alternatives=1),
        ]
        assert results[0].notes == results[1].notes and len(results[0].notes) == 8
        assert results[0].status is (PlanStatus.OPTIMAL if budget is None else PlanStatus.INFEASIBLE)
        for result in results:
            words = [*result.notes, *result.explanations, *(a.changes for a in result.alternatives),
                     *(r.message for r in result.reasons), result.same_cost_words]  # fmt: skip
            assert not [w for w in words for key in (*ids, "in_person", "my_school") if key in w]
            examples = [
                note.split("(e.g. “")[1].removesuffix("”)") for note in result.notes if "(e.g. " in note
            ]
            assert len(examples) == 7 and set(examples) <= titles
        notes = "\n".join(results[0].notes)
        assert "“EKG Refresher”, which you added to your plan, is left out: already taken" in notes
        assert "1 left out: in person, not a format you accept (e.g. “Coding in Person”)" in notes
        assert "1 left out: from My school, a provider you avoid (e.g. “Blood Pressure Basics”)" in notes
        assert "2 left out: priced in EUR, not US dollars (e.g. “ACE Europe Pass”)" in notes  # offer, course
        left_out = {(e.key, e.title, e.reason) for e in results[1].excluded}
        assert (("ace", "ekg-1"), "EKG Refresher", "already taken") in left_out and len(left_out) == 8
