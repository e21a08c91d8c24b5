"""Other plans: the N next-best distinct plans (no-good cuts) and named variants.

A no-good cut ``sum(take[c] for c in plan) <= len(plan) - 1`` removes a plan and every plan containing
it, so each runner-up is a different set of courses, not the same set with an extra free course.
Variants: ``fewest_hours`` (hours first, then cost), ``best_interest`` (interest match first, then cost),
``all_<body>`` (only courses approved by the credential's own body: processed at once by e.g. the AAMA).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from recommender.planner.build import MilpModel, Row
from recommender.planner.evaluate import selection_cost, selection_hours
from recommender.planner.model import Alternative, PlanInput, Selection
from recommender.planner.optimize import optimize
from recommender.planner.result import dollars
from recommender.planner.solve import Solver

ZERO = Decimal(0)


def no_good(model: MilpModel, inp: PlanInput, plan: Selection, number: int) -> Row:
    columns = {model.take[i]: 1.0 for i, c in enumerate(inp.courses) if c.key in plan.courses}
    return Row(f"no_good[{number}]", columns, upper=len(columns) - 1)


def describe_change(inp: PlanInput, best: Selection, other: Selection) -> str:
    """What ``other`` changes against ``best``, in words (cost and hours deltas, courses, offers)."""
    names = {c.key: f"{c.provider}/{c.course_id}" for c in inp.courses}
    offer_names = {o.key: o.name for o in inp.offers}
    cost = (selection_cost(inp, other) or 0) - (selection_cost(inp, best) or 0)
    hours = selection_hours(inp, other) - selection_hours(inp, best)
    parts = [
        f"{'+' if cost >= 0 else '−'}${dollars(abs(cost))}",
        f"{'+' if hours >= 0 else '−'}{abs(hours)} h",
    ]
    dropped = sorted(best.courses - other.courses)
    added = sorted(other.courses - best.courses)
    if dropped:
        parts.append("drops " + ", ".join(names[k] for k in dropped))
    if added:
        parts.append("adds " + ", ".join(names[k] for k in added))
    for key in sorted(other.offers - best.offers):
        parts.append(f"buys {offer_names[key]}")
    for key in sorted(best.offers - other.offers):
        parts.append(f"does without {offer_names[key]}")
    return "; ".join(parts) if (dropped or added or other.offers != best.offers) else "same plan"


def describe(inp: PlanInput, best: Selection, name: str, plan: Selection, note: str = "") -> Alternative:
    change = describe_change(inp, best, plan)
    return Alternative(
        name=name,
        total_cost=dollars(selection_cost(inp, plan) or 0),
        hours=selection_hours(inp, plan),
        courses=tuple(sorted(plan.courses)),
        offers=tuple(sorted(plan.offers)),
        changes=f"{note}{change}" if note else change,
    )


def runner_ups(
    inp: PlanInput, model: MilpModel, best: Selection, count: int, *, time_limit: float, full: bool = True
) -> list[Selection]:
    """Up to ``count`` next-best distinct plans, cheapest first (``full``: with the hour/id tie-breaks)."""
    found: list[Selection] = []
    deadline = time.monotonic() + time_limit
    for _ in range(count):
        excluded = [best, *found]

        def add_cuts(solver: Solver, excluded: list[Selection] = excluded) -> None:
            for number, plan in enumerate(excluded):
                solver.add_row(no_good(model, inp, plan, number))

        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        objectives = None if full else (model.cost,)
        solved = optimize(inp, model, time_limit=remaining, objectives=objectives, prepare=add_cuts)
        if solved.selection is None:
            break
        found.append(solved.selection)
    return found


def _variant(
    inp: PlanInput,
    model: MilpModel,
    objectives: tuple[npt.NDArray[np.float64], ...],
    time_limit: float,
    prepare: Callable[[Solver], None] | None = None,
) -> Selection | None:
    return optimize(inp, model, time_limit=time_limit, objectives=objectives, prepare=prepare).selection


def _only_approved(inp: PlanInput, model: MilpModel, credential_id: str) -> Callable[[Solver], None]:
    """Forbid courses that give ``credential_id`` outside (not body-approved) credit only."""
    columns = []
    for i, course in enumerate(inp.courses):
        credit = course.credit_for(credential_id)
        if credit is not None and not any(v > 0 for v in credit.approved.values()):
            columns.append(model.take[i])

    def prepare(solver: Solver) -> None:
        solver.fix_columns(columns, 0.0)

    return prepare


def alternatives(
    inp: PlanInput, model: MilpModel, best: Selection, count: int, *, time_limit: float
) -> tuple[Alternative, ...]:
    """``count`` runner-ups plus the named variants (only when ``count`` > 0)."""
    if count <= 0:
        return ()
    found = [
        describe(inp, best, f"runner_up_{n}", plan)
        for n, plan in enumerate(runner_ups(inp, model, best, count, time_limit=time_limit), start=1)
    ]
    found.append(describe(inp, best, "cheapest", best, "the recommended plan: "))
    fewest = _variant(inp, model, (model.hours, model.cost, model.rank), time_limit)
    if fewest is not None:
        found.append(describe(inp, best, "fewest_hours", fewest))
    if any(course.interest > 0 for course in inp.courses):
        interest = _variant(inp, model, (model.interest, model.cost, model.rank), time_limit)
        if interest is not None:
            found.append(describe(inp, best, "best_interest", interest))
    for need in inp.needs:
        if need.approved_minimum <= 0 and need.other_cap is None:
            continue
        prepare = _only_approved(inp, model, need.credential_id)
        objectives = (model.cost, model.hours, model.rank)
        plan = _variant(inp, model, objectives, time_limit, prepare)
        name = f"all_{need.body.lower()}"
        if plan is None:
            found.append(
                Alternative(name, ZERO, ZERO, (), (), f"no plan uses only {need.body}-approved courses")
            )
        else:
            note = f"only {need.body}-approved courses (processed at once at recertification): "
            found.append(describe(inp, best, name, plan, note))
    return tuple(found)
