"""Exact variable elimination by LP reduced-cost fixing.

From the LP relaxation we have a proven lower bound ``lower`` on the objective and reduced costs ``d``:
any plan that takes a column j (0 → 1) has an objective of at least ``lower + max(d_j, 0)`` (a column
the LP had fixed at 1 costs nothing extra; one fixed at 0 cannot be 1 in that LP's part). So when we
only look for plans whose objective is at most ``limit``, every column with ``lower + d_j > limit`` can be
fixed to 0. A course goes when it can no longer be taken or no longer be paid for (its list and member
price columns and every offer that includes it are fixed to 0). ``>`` (with a small float margin) keeps
every plan of objective ≤ ``limit`` — all ties included — so tie-breaks solved afterwards stay exact.
Courses she added to her plan (``Limits.include``) are always kept: a guessed ``limit`` below the
optimum must leave a model whose plans still hold them (else it is infeasible and the limit widens).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from recommender.planner.aggregate import Aggregated
from recommender.planner.build import MilpModel
from recommender.planner.evaluate import active_offers, course_payment, selection_meets
from recommender.planner.model import CourseKey, CourseOption, PlanInput, Selection
from recommender.planner.solve import LpBound, Solver

TOLERANCE = 1e-6  # objectives are whole units; float error in the bound is far below this
ROUND_UP = 1e-7  # an LP value above this counts as taking the course when rounding up


def _alive_courses(inp: PlanInput, model: MilpModel, bound: LpBound, limit: float) -> set[int]:
    """Indices of the courses some plan of objective ≤ ``limit`` may take, by one bound."""
    if bound.lower > limit + TOLERANCE:
        return set()
    open_ = bound.at_one() <= limit + TOLERANCE

    def alive(column: int | None) -> bool:
        return column is not None and bool(open_[column])

    kept = set()
    for i in np.flatnonzero(open_[model.take_columns()]).tolist():
        course = inp.courses[i]
        if (
            course.price_cents == 0
            or alive(model.pay_list.get(i))
            or (
                alive(model.pay_member.get(i))
                and any(alive(model.buy.get(offer)) for offer in course.member_offers)
            )
            or any(alive(model.buy.get(offer)) for offer in course.included_in)
        ):
            kept.add(i)
    return kept


def restrict(inp: PlanInput, model: MilpModel, bounds: list[LpBound], limit: float) -> PlanInput:
    """``inp`` without the courses no plan of objective ≤ ``limit`` can take (same order).

    ``bounds`` come from LPs over parts of the plans that together cover them all (e.g. "no offer
    bought", "offer o bought" for each o): a course is kept if any part's bound keeps it.
    """
    kept: set[int] = set()
    for bound in bounds:
        kept |= _alive_courses(inp, model, bound, limit)
    pinned = inp.limits.include  # in every plan: kept even when ``limit`` is below the optimum
    courses = tuple(course for i, course in enumerate(inp.courses) if i in kept or course.key in pinned)
    return PlanInput(inp.needs, courses, inp.offers, inp.limits, inp.excluded)


Expand = Callable[[npt.NDArray[np.float64]], list[CourseOption]]  # the courses an LP solution touches


def rounded_plan(
    inp: PlanInput, model: MilpModel, values: npt.NDArray[np.float64], expand: Expand | None = None
) -> tuple[int, Selection] | None:
    """The plan that takes every course (and buys every offer) the LP solution touches and its cost in
    cents, if it meets every requirement within the limits — an upper bound on the optimum. ``expand``:
    those courses, when ``model`` has counted columns."""
    if expand is None:
        courses = [inp.courses[i] for i in np.flatnonzero(values[model.take_columns()] > ROUND_UP).tolist()]
    else:
        courses = expand(values)
    bought = [o for o in inp.offers if not o.held and values[model.buy[o.key]] > ROUND_UP]
    active = active_offers(inp, (o.key for o in bought))
    payments = [course_payment(course, active) for course in courses]
    if any(payment is None for payment in payments) or not selection_meets(inp, courses):
        return None
    cost = sum(o.price_cents for o in bought) + sum(p.cents for p in payments if p is not None)
    limits = inp.limits
    if limits.budget_cents is not None and cost > limits.budget_cents:
        return None
    if limits.max_hours is not None and sum(c.hours for c in courses) > limits.max_hours:
        return None
    return cost, Selection(frozenset(c.key for c in courses), frozenset(o.key for o in bought))


def _alive_members(merged: Aggregated, model: MilpModel, bound: LpBound, limit: float) -> set[CourseKey]:
    """The courses some plan of objective ≤ ``limit`` may take, by one bound of the counted model of
    ``merged`` (a plan's counts are a solution of it with the same value): those of a group whose
    count can be ≥ 1 and, per price class, that can be paid in it, be free, or come with an offer."""
    if bound.lower > limit + TOLERANCE:
        return set()
    open_ = bound.at_one() <= limit + TOLERANCE

    def alive(column: int | None) -> bool:
        return column is not None and bool(open_[column])

    kept: set[CourseKey] = set()
    for j, course in enumerate(merged.inp.courses):
        if not alive(model.take[j]):
            continue
        included = any(alive(model.buy.get(offer)) for offer in course.included_in)
        membership = any(alive(model.buy.get(offer)) for offer in course.member_offers)
        paid = model.pay_classes.get(j)
        for number, keys in enumerate(merged.members[j]):
            by_list, by_member = (None, None) if paid is None else paid[number]
            if (
                paid is None  # every class is free
                or merged.classes[j][number][0] == 0
                or included
                or alive(by_list)
                or (alive(by_member) and membership)
            ):
                kept.update(keys)
    return kept


def restrict_merged(
    inp: PlanInput, merged: Aggregated, model: MilpModel, bounds: list[LpBound], limit: float
) -> PlanInput:
    """``restrict`` with bounds of the counted model of ``merged`` (built from ``inp``)."""
    kept: set[CourseKey] = set(inp.limits.include)
    for bound in bounds:
        kept |= _alive_members(merged, model, bound, limit)
    courses = tuple(course for course in inp.courses if course.key in kept)
    return PlanInput(inp.needs, courses, inp.offers, inp.limits, inp.excluded)


Part = tuple[str, str] | None  # the offer bought in a part of the plans; None: no offer bought


@dataclass
class Parts:
    """The LP bounds of the parts of the plans, the least cost each part can have (when cost was the
    objective) and the best upper bound on cost met on the way — with its plan when it is below the
    limit given (a rounded LP solution)."""

    bounds: list[LpBound]
    cost_limit: float
    least_cost: dict[Part, float]
    plan: Selection | None = None


def scenario_bounds(
    solver: Solver,
    model: MilpModel,
    inp: PlanInput,
    time_limit: float,
    *,
    cost_limit: float,
    least_cost: dict[Part, float] | None = None,
    expand: Expand | None = None,
) -> Parts:
    """LP bounds of a relaxed ``solver`` for each part of the plans: no offer bought, then each offer
    bought. Fixing an offer's ``buy`` removes the LP's favourite trick — buying a sliver of a
    subscription to get a sliver of every course in it — so each part's bound is far tighter than the
    whole LP's. Parts whose LP is infeasible hold no plan and give no bound. A part whose offer — or
    whose known least cost (``least_cost``, from an earlier cost bound) — is dearer than ``cost_limit``
    (lowered by the plans that round the LP solutions, when cost is the objective) holds no plan we
    look for, so it is skipped."""
    deadline = time.monotonic() + time_limit
    offers = {model.buy[offer.key]: offer for offer in inp.offers}
    free = sorted(
        (col for col in model.buy.values() if solver.lower[col] < 0.5 < solver.upper[col]),
        key=lambda col: (offers[col].price_cents, col),
    )
    known = least_cost or {}
    parts = Parts([], cost_limit, {})
    rounding = bool(np.array_equal(solver.objective, model.cost))
    solver.set_bounds(free, 0.0, 0.0)
    for col in (-1, *free):  # -1: the part where no offer is bought
        part = None if col < 0 else offers[col].key
        if col >= 0 and offers[col].price_cents > parts.cost_limit + TOLERANCE:
            break
        if known.get(part, -math.inf) > parts.cost_limit + TOLERANCE:
            continue
        if col >= 0:
            solver.set_bounds([col], 1.0, 1.0)
        found = solver.lp_bound(deadline - time.monotonic())
        if col >= 0:
            solver.set_bounds([col], 0.0, 0.0)
        if found is None:
            parts.least_cost[part] = math.inf
            continue
        parts.bounds.append(found)
        if rounding:
            parts.least_cost[part] = found.lower
            rounded = None if found.values is None else rounded_plan(inp, model, found.values, expand)
            if rounded is not None and rounded[0] < parts.cost_limit:
                parts.cost_limit, parts.plan = rounded
    solver.set_bounds(free, 0.0, 1.0)
    return parts
