"""Presolve and reduced-cost fixing lose nothing: on medium synthetic catalogs (where they do cut the
model down) the full pipeline reaches the same lexicographic optimum — cost, hours, interest, course-id
rank — as one plain lexicographic solve of the whole, unpruned model."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest

from catalog.records import Course, Offer, parse_record
from harness.synthetic import synthetic_records
from recommender.planner import optimize
from recommender.planner.adapter import build_input
from recommender.planner.aggregate import aggregate
from recommender.planner.api import solve_input, with_ranks
from recommender.planner.build import MilpModel, Row, build_model
from recommender.planner.evaluate import selection_cost, selection_meets
from recommender.planner.fixing import restrict
from recommender.planner.model import PlanInput, PlanStatus, Selection
from recommender.planner.optimize import DEFAULT_OBJECTIVES
from recommender.planner.solve import Solver
from recommender.rules.profile import parse_profile

TODAY = date(2026, 1, 15)


def plain_lexicographic(inp: PlanInput, model: MilpModel) -> list[float]:
    """Each objective in turn on the whole model, the earlier ones held at their optimum: the values."""
    solver = Solver(model)
    values: list[float] = []
    for number, name in enumerate(DEFAULT_OBJECTIVES):
        objective = model.objective(name)
        solver.set_objective(objective)
        outcome = solver.solve(120)
        assert outcome.status is PlanStatus.OPTIMAL and outcome.objective is not None
        values.append(round(outcome.objective))
        coefs = {int(j): float(objective[j]) for j in objective.nonzero()[0]}
        solver.add_row(Row(f"held[{number}]", coefs, upper=round(outcome.objective) + 0.5))
    return values


def _value(model: MilpModel, inp: PlanInput, found: Selection, name: str) -> float:
    columns = [0.0] * len(model.col_names)
    for i, course in enumerate(inp.courses):
        if course.key in found.courses:
            columns[model.take[i]] = 1.0
    return float(sum(model.objective(name)[j] * v for j, v in enumerate(columns) if v))


def _records(size: int, seed: int) -> tuple[list[Course], list[Offer]]:
    parsed = [parse_record(raw) for raw in synthetic_records(size, seed=seed)]
    return [r for r in parsed if isinstance(r, Course)], [r for r in parsed if isinstance(r, Offer)]


@pytest.mark.parametrize("seed", range(6))
def test_pipeline_optimum_equals_plain_solve(seed: int) -> None:
    _pipeline_equals_plain_solve(seed)


@pytest.mark.parametrize("seed", range(6, 10))
def test_pipeline_with_counted_lp_bounds_everywhere(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """LP bounds and reduced-cost fixing on the counted model (aggregate.py) in every stage that can
    merge courses, however little it merges: the same lexicographic optimum."""
    monkeypatch.setattr(optimize, "MERGED_LP_SHRINK", 1)
    _pipeline_equals_plain_solve(seed)


@pytest.mark.parametrize("seed", range(20, 24))
def test_pipeline_with_added_courses_equals_plain_solve(seed: int) -> None:
    """Courses she added to her plan — dear ones no optimum would take, and ones from large groups of
    interchangeable courses — are in the plan, and the pipeline (presolve, merging, fixing, every
    stage) reaches the same lexicographic optimum as the plain solve of the whole model with them."""
    _pipeline_equals_plain_solve(seed, added=True)


def _pipeline_equals_plain_solve(seed: int, *, added: bool = False) -> None:
    rnd = random.Random(seed)
    courses, offers = _records(rnd.choice([600, 900, 1200]), seed)
    earned = {area: {"approved": rnd.randint(0, 9), "other": rnd.choice([0, 2])}
              for area in ("administrative", "clinical", "general")}  # fmt: skip
    memberships = [o.offer_id for o in offers if rnd.random() < 0.1]
    profile = parse_profile({"credentials": [{"id": "cma_aama", "cycle_end": "2028-06-30", "earned": earned}],
                             "memberships": memberships})  # fmt: skip
    interests = {c.key: rnd.random() for c in courses if rnd.random() < 0.2}
    inp = with_ranks(build_input(courses, offers, profile, interest_scores=interests, today=TODAY))
    if added:
        by_price = sorted(inp.courses, key=lambda c: -(c.price_cents or 0))
        pins = {c.key for c in rnd.sample(by_price[:20], 2) + rnd.sample(inp.courses, 2)}
        inp = replace(inp, limits=replace(inp.limits, include=frozenset(pins)))
    result = solve_input(inp)
    assert result.status is PlanStatus.OPTIMAL and not result.notes
    assert inp.limits.include <= {(c.provider, c.course_id) for c in result.courses}

    model = build_model(inp)
    found = Selection(
        frozenset((c.provider, c.course_id) for c in result.courses),
        frozenset((o.provider, o.offer_id) for o in result.offers),
    )
    values = [
        round(float(result.total_cost) * 100),
        round(_value(model, inp, found, "hours")),
        round(_value(model, inp, found, "match")),
        round(_value(model, inp, found, "rank")),
    ]
    assert values == plain_lexicographic(inp, model)


@pytest.mark.parametrize("seed", range(3))
def test_merged_interchangeable_courses_keep_every_optimum(seed: int) -> None:
    """The counted model of aggregate.py (one column per group of interchangeable courses, paid per
    price class; the course-id rank through its member columns) has the same cost, hours and rank
    optima as the binary model, and its plan — each count turned back into courses — has those values."""
    rnd = random.Random(seed)
    courses, offers = _records(300, seed + 10)
    memberships = [o.offer_id for o in offers if o.kind == "membership" and rnd.random() < 0.5]
    profile = parse_profile({"credentials": [{"id": "cma_aama", "cycle_end": "2028-06-30"}],
                             "memberships": memberships})  # fmt: skip
    inp = with_ranks(build_input(courses, offers, profile, today=TODAY))
    merged = aggregate(inp)
    assert merged is not None and len(merged.inp.courses) < len(inp.courses) / 2
    assert any(len(group) > 1 for group in merged.classes)  # price classes within a group
    counted = build_model(merged.inp, merged.classes, merged.member_ranks)
    binary = build_model(inp)
    wanted, solver = Solver(binary), Solver(counted)
    for number, name in enumerate(("cost", "hours", "rank")):  # each with the earlier ones held
        wanted.set_objective(binary.objective(name))
        solver.set_objective(counted.objective(name))
        outcome, expected = solver.solve(60), wanted.solve(60)
        assert outcome.values is not None and outcome.objective is not None and expected.objective is not None
        assert round(outcome.objective) == round(expected.objective)
        found = merged.selection(counted, outcome.values)
        assert selection_meets(inp, [c for c in inp.courses if c.key in found.courses])
        if name == "cost":
            assert selection_cost(inp, found) == round(expected.objective)
        else:
            assert round(_value(binary, inp, found, name)) == round(expected.objective)
        for on, model in ((wanted, binary), (solver, counted)):
            held = model.objective(name)
            coefs = {int(j): float(held[j]) for j in held.nonzero()[0]}
            on.add_row(Row(f"held[{number}]", coefs, upper=round(expected.objective) + 0.5))


def _acme(course_id: str, price: int, member_price: int) -> Course:
    record = parse_record({
        "provider": "acme", "course_id": course_id, "title": course_id, "format": "online", "hours": 4,
        "url": f"https://acme.example/{course_id}", "content_areas": {"general": 4}, "source": "import",
        "price": price, "member_price": member_price,
        "approvals": [{"body": "AAMA", "credits": 4, "categories": {"general": 4}}],
    })  # fmt: skip
    assert isinstance(record, Course)
    return record


def test_a_merged_price_class_pays_each_course_once() -> None:
    """Two interchangeable courses with different prices, both needed: the counted model pays the $10
    course at its $1 member price and the $50 one at its $40 member price ($41), never the cheap course
    twice (once at list price, once as a member)."""
    club = parse_record({"type": "offer", "provider": "acme", "offer_id": "club", "name": "Club",
                         "kind": "membership", "price": 30, "source": "import"})  # fmt: skip
    assert isinstance(club, Offer)
    earned = {"administrative": {"approved": 12}, "clinical": {"approved": 10}, "general": {"approved": 30}}
    profile = parse_profile({"credentials": [{"id": "cma_aama", "cycle_end": "2028-06-30", "earned": earned}],
                             "memberships": ["club"]})  # fmt: skip
    inp = with_ranks(build_input([_acme("a", 10, 1), _acme("b", 50, 40)], [club], profile, today=TODAY))
    merged = aggregate(inp)
    assert merged is not None and len(merged.inp.courses) == 1
    model = build_model(merged.inp, merged.classes)
    solver = Solver(model)
    solver.set_objective(model.objective("cost"))
    outcome = solver.solve(10)
    assert outcome.values is not None and outcome.objective is not None
    assert round(outcome.objective) == 4100
    assert merged.selection(model, outcome.values).courses == {("acme", "a"), ("acme", "b")}


def test_fixing_keeps_added_courses_under_a_limit_below_every_plan() -> None:
    """Reduced-cost fixing under a guessed limit below the optimum drops every course some plan can't
    take within it — never one she added, else the narrowed model would plan without it."""
    courses, offers = _records(200, 3)
    profile = parse_profile({"credentials": [{"id": "cma_aama", "cycle_end": "2028-06-30"}]})
    inp = with_ranks(build_input(courses, offers, profile, today=TODAY))
    pins = frozenset(course.key for course in inp.courses[:3])
    inp = replace(inp, limits=replace(inp.limits, include=pins))
    model = build_model(inp)
    solver = Solver(model, relax=True)
    bound = solver.lp_bound(60)
    assert bound is not None
    narrowed = restrict(inp, model, [bound], bound.lower - 1)
    assert {course.key for course in narrowed.courses} == pins
