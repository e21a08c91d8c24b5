"""Presolve and reduced-cost fixing lose nothing: on medium synthetic catalogs (where they do cut the
model down) the full pipeline reaches the same lexicographic optimum — cost, hours/interest, course-id
rank — as one plain lexicographic solve of the whole, unpruned model."""

from __future__ import annotations

import random
from datetime import date

import pytest

from bench.bench_planner import synthetic_records
from catalog.records import Course, Offer, parse_record
from recommender.planner.adapter import build_input
from recommender.planner.api import solve_input, with_ranks
from recommender.planner.build import MilpModel, Row, build_model
from recommender.planner.model import PlanInput, Selection
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
        assert outcome.status == "optimal" and outcome.objective is not None
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
    rnd = random.Random(seed)
    courses, offers = _records(rnd.choice([600, 900, 1200]), seed)
    earned = {area: {"approved": rnd.randint(0, 9), "other": rnd.choice([0, 2])}
              for area in ("administrative", "clinical", "general")}  # fmt: skip
    memberships = [o.offer_id for o in offers if rnd.random() < 0.1]
    profile = parse_profile({"credentials": [{"id": "cma_aama", "cycle_end": "2028-06-30", "earned": earned}],
                             "memberships": memberships})  # fmt: skip
    interests = {c.key: rnd.random() for c in courses if rnd.random() < 0.2}
    inp = with_ranks(build_input(courses, offers, profile, interest_scores=interests, today=TODAY))
    result = solve_input(inp)
    assert result.status == "optimal" and not result.notes

    model = build_model(inp)
    found = Selection(
        frozenset((c.provider, c.course_id) for c in result.courses),
        frozenset((o.provider, o.offer_id) for o in result.offers),
    )
    values = [
        round(float(result.total_cost) * 100),
        round(_value(model, inp, found, "hours_interest")),
        round(_value(model, inp, found, "rank")),
    ]
    assert values == plain_lexicographic(inp, model)
