"""Other plans: the N next-best distinct plans (no-good cuts) and named variants.

A no-good cut ``sum(take[c] for c in plan) <= len(plan) - 1`` removes a plan and every plan containing
it, so each runner-up is a different set of courses, not the same set with an extra free course.
Variants: ``fewest_hours`` (hours, then cost, interest, id), ``best_interest`` (interest match, then
cost, hours, id), ``all_<body>`` (only courses approved by the credential's own body — processed at
once by e.g. the AAMA — with the main plan's order: cost, hours and interest, id).
"""

from __future__ import annotations

import time
from decimal import Decimal

from recommender.planner.build import MilpModel, Row
from recommender.planner.evaluate import selection_cost, selection_hours
from recommender.planner.model import Alternative, PlanInput, Selection
from recommender.planner.optimize import DEFAULT_OBJECTIVES, optimize
from recommender.planner.result import dollars
from recommender.planner.solve import Solver

ZERO = Decimal(0)
# Every order ends with hours and interest before the course id, so presolve dominance (prune.py) holds.
FEWEST_HOURS = ("hours", "cost", "interest", "rank")
BEST_INTEREST = ("interest", "cost", "hours", "rank")


def no_good(model: MilpModel, inp: PlanInput, plan: Selection, number: int) -> Row | None:
    """The cut excluding ``plan`` and its supersets; None when ``inp`` lacks one of its courses (then no
    plan over ``inp`` can contain it, and the cut would wrongly forbid its subsets)."""
    columns = {model.take[i]: 1.0 for i, c in enumerate(inp.courses) if c.key in plan.courses}
    if len(columns) < len(plan.courses):
        return None
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

        def add_cuts(
            solver: Solver, model: MilpModel, inp: PlanInput, excluded: list[Selection] = excluded
        ) -> None:
            for number, plan in enumerate(excluded):
                cut = no_good(model, inp, plan, number)
                if cut is not None:
                    solver.add_row(cut)

        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        objectives = DEFAULT_OBJECTIVES if full else ("cost",)
        solved = optimize(inp, model, time_limit=remaining, objectives=objectives, prepare=add_cuts)
        if solved.selection is None:
            break
        found.append(solved.selection)
    return found


def _variant(
    inp: PlanInput, model: MilpModel | None, objectives: tuple[str, ...], time_limit: float
) -> Selection | None:
    return optimize(inp, model, time_limit=time_limit, objectives=objectives).selection


def _only_approved(inp: PlanInput, credential_id: str) -> PlanInput:
    """``inp`` without the courses that give ``credential_id`` outside (not body-approved) credit only
    (the same plans as fixing their columns to 0, but interchangeable courses can still be merged)."""
    courses = tuple(
        course
        for course in inp.courses
        if (credit := course.credit_for(credential_id)) is None
        or any(v > 0 for v in credit.approved.values())
    )
    return PlanInput(inp.needs, courses, inp.offers, inp.limits, inp.excluded)


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
    fewest = _variant(inp, model, FEWEST_HOURS, time_limit)
    if fewest is not None:
        found.append(describe(inp, best, "fewest_hours", fewest))
    if any(course.interest > 0 for course in inp.courses):
        interest = _variant(inp, model, BEST_INTEREST, time_limit)
        if interest is not None:
            found.append(describe(inp, best, "best_interest", interest))
    for need in inp.needs:
        if need.approved_minimum <= 0 and need.other_cap is None:
            continue
        plan = _variant(_only_approved(inp, need.credential_id), None, DEFAULT_OBJECTIVES, time_limit)
        name = f"all_{need.body.lower()}"
        if plan is None:
            found.append(
                Alternative(name, ZERO, ZERO, (), (), f"no plan uses only {need.body}-approved courses")
            )
        else:
            note = f"only {need.body}-approved courses (processed at once at recertification): "
            found.append(describe(inp, best, name, plan, note))
    return tuple(found)
