"""Lexicographic optimisation: least cost (cents), then fewer hours and better interest match, then
course id — each later stage solved with the earlier objectives held at their optimum, so a tie-break
can never trade against a cent. Zero-cost courses the plan does not need are dropped greedily after
every solve (instead of a per-course penalty, which makes the cover problem much harder).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from recommender.planner.build import MilpModel, Row
from recommender.planner.evaluate import selection_cost, selection_meets
from recommender.planner.model import PlanInput, Selection
from recommender.planner.solve import INFEASIBLE, OPTIMAL, TIME_LIMIT, Outcome, Solver

DEFAULT_TIME_LIMIT = 30.0  # seconds for the whole optimisation
INTEREST_SCALE = 1001  # hundredths of an hour weigh more than any interest difference of one course


@dataclass(frozen=True)
class Solved:
    status: str  # optimal | infeasible | time_limit
    selection: Selection | None


def selection_from(model: MilpModel, inp: PlanInput, values: npt.NDArray[np.float64]) -> Selection:
    courses = frozenset(c.key for i, c in enumerate(inp.courses) if values[model.take[i]] > 0.5)
    held = {offer.key for offer in inp.offers if offer.held}
    offers = frozenset(key for key, col in model.buy.items() if values[col] > 0.5 and key not in held)
    return Selection(courses, offers)


def clean(inp: PlanInput, selection: Selection) -> Selection:
    """Drop courses the requirements don't need (dearest, then longest first), then offers that no
    longer save money; repeat until nothing changes. Never raises cost, never breaks a requirement."""
    by_key = {course.key: course for course in inp.courses}
    current = selection
    changed = True
    while changed:
        changed = False
        chosen = [by_key[key] for key in current.courses]
        for course in sorted(chosen, key=lambda c: (-(c.price_cents or 0), -c.hours, c.key), reverse=False):
            rest = [c for c in chosen if c.key != course.key]
            if selection_meets(inp, rest):
                chosen = rest
                changed = True
        current = Selection(frozenset(c.key for c in chosen), current.offers)
        cost = selection_cost(inp, current)
        for offer in sorted(current.offers):
            without = Selection(current.courses, current.offers - {offer})
            cost_without = selection_cost(inp, without)
            if cost_without is not None and cost is not None and cost_without <= cost:
                current, cost, changed = without, cost_without, True
    return current


def _objective_row(name: str, objective: npt.NDArray[np.float64], bound: float) -> Row:
    coefs = {int(j): float(objective[j]) for j in np.flatnonzero(objective)}
    return Row(name, coefs, upper=bound + 0.5)


def optimize(
    inp: PlanInput,
    model: MilpModel,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    objectives: tuple[npt.NDArray[np.float64], ...] | None = None,
    prepare: Callable[[Solver], None] | None = None,
) -> Solved:
    """Solve ``objectives`` lexicographically (default: cost, hours+interest, course rank)."""
    deadline = time.monotonic() + time_limit
    stages = objectives or (
        model.cost,
        model.hours * INTEREST_SCALE + model.interest,
        model.rank,
    )
    solver = Solver(model)
    if prepare is not None:
        prepare(solver)
    best: Selection | None = None
    status = OPTIMAL
    for stage, objective in enumerate(stages):
        solver.set_objective(objective)
        outcome: Outcome = solver.solve(deadline - time.monotonic())
        if outcome.status == INFEASIBLE and best is None:
            return Solved(INFEASIBLE, None)
        if outcome.values is None:
            if best is None:
                return Solved(TIME_LIMIT, None)
            break
        candidate = clean(inp, selection_from(model, inp, outcome.values))
        if stage == 0 and outcome.status == TIME_LIMIT:
            status = TIME_LIMIT
        if best is None or _stage_key(model, inp, candidate, stages) < _stage_key(model, inp, best, stages):
            best = candidate
        if outcome.status != OPTIMAL or stage == len(stages) - 1:
            break
        value = _stage_value(model, inp, best, objective)
        solver.add_row(_objective_row(f"lexicographic[{stage}]", objective, value))
    return Solved(status, best)


def _columns(model: MilpModel, inp: PlanInput, selection: Selection) -> npt.NDArray[np.float64]:
    """A column vector with ``take`` and ``buy`` set for the selection and the cheapest payment chosen."""
    values = np.zeros(len(model.col_names))
    for i, course in enumerate(inp.courses):
        if course.key in selection.courses:
            values[model.take[i]] = 1.0
    for key in selection.offers:
        values[model.buy[key]] = 1.0
    return values


def _stage_value(
    model: MilpModel, inp: PlanInput, selection: Selection, objective: npt.NDArray[np.float64]
) -> float:
    if objective is model.cost:
        cost = selection_cost(inp, selection)
        return float(cost if cost is not None else 0)
    return float(objective @ _columns(model, inp, selection))


def _stage_key(
    model: MilpModel, inp: PlanInput, selection: Selection, stages: tuple[npt.NDArray[np.float64], ...]
) -> tuple[float, ...]:
    return tuple(_stage_value(model, inp, selection, objective) for objective in stages)
