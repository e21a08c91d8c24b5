"""Why no plan exists, in words: the best achievable for each requirement against what it needs.

First without the profile's limits (is there enough credit in the catalog at all?), then within them
(maximise each requirement alone under the budget and hours), then the limits themselves (the cheapest
plan costs more than the budget; the shortest takes longer than the hours allowed; or, when each limit
rules out every plan the other allows, the cheapest plan with neither against both) — the last are the
reasons that say how far to raise a limit, which the app turns into advice.
Credit is in the credential's unit, money in dollars, hours in contact hours.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import numpy as np

from catalog.registry import DIAGNOSTIC_TIME_LIMIT
from recommender.planner.build import MilpModel, build_model
from recommender.planner.evaluate import selection_cost
from recommender.planner.model import (
    CourseOption,
    CredentialNeed,
    InfeasibleReason,
    Limits,
    PlanInput,
    Selection,
)
from recommender.planner.optimize import optimize
from recommender.planner.result import dollars
from recommender.planner.solve import Solver

ZERO = Decimal(0)
TOLERANCE = Decimal("0.000001")


def fmt(amount: Decimal) -> str:
    """A credit or hour amount for words: up to two decimals, no trailing zeros."""
    text = f"{amount.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text or "0"


def _units(need: CredentialNeed, amount: Decimal) -> str:
    return f"{need.unit}{'' if amount == 1 else 's'}"


def _catalog_best(need: CredentialNeed, courses: tuple[CourseOption, ...]) -> Iterator[InfeasibleReason]:
    """Requirements that even every eligible course together cannot meet."""
    approved = {a: need.earned_approved.get(a, ZERO) for a in need.areas}
    other = {a: need.earned_other.get(a, ZERO) for a in need.areas}
    cards_left = need.cpr_cards_left
    for course in sorted(courses, key=lambda c: c.key):
        credit = course.credit_for(need.credential_id)
        if credit is None:
            continue
        if credit.cpr_card and cards_left is not None:
            if cards_left <= 0:
                continue
            cards_left -= 1
        for area, amount in credit.approved.items():
            approved[area] += amount
        for area, amount in credit.other.items():
            other[area] += amount
    cap = need.other_cap
    cid, body = need.credential_id, need.body
    for area in need.areas:
        minimum = need.area_minimums.get(area, ZERO)
        outside = other[area] if cap is None else min(other[area], cap)
        best = approved[area] + outside
        if best + TOLERANCE < minimum:
            if outside > 0:
                words = (
                    f"only {fmt(best)} {area} {_units(need, best)} can count for {need.name} "
                    f"({fmt(approved[area])} {body}-approved, {fmt(outside)} outside); "
                    f"{fmt(minimum)} are needed"
                )
            else:
                words = (
                    f"only {fmt(best)} {body}-approved {area} {_units(need, best)} are available for "
                    f"{need.name}"
                    f" (earned and in the catalog); {fmt(minimum)} are needed"
                )
            yield InfeasibleReason(f"{cid}:area_minimum[{area}]", cid, area, minimum, best, words)
    total_approved = sum(approved.values(), ZERO)
    if total_approved + TOLERANCE < need.approved_minimum:
        words = (
            f"only {fmt(total_approved)} {body}-approved {_units(need, total_approved)} are available for "
            f"{need.name} (earned and in the catalog); {fmt(need.approved_minimum)} are needed"
        )
        yield InfeasibleReason(
            f"{cid}:approved_minimum", cid, None, need.approved_minimum, total_approved, words
        )
    total_other = sum(other.values(), ZERO)
    best_total = total_approved + (total_other if cap is None else min(total_other, cap))
    if best_total + TOLERANCE < need.total_required:
        capped = f", outside credit capped at {fmt(cap)}" if cap is not None and total_other > cap else ""
        words = (
            f"only {fmt(best_total)} {_units(need, best_total)} can count in total for {need.name}"
            f"{capped}; {fmt(need.total_required)} are needed"
        )
        yield InfeasibleReason(f"{cid}:total_required", cid, None, need.total_required, best_total, words)
    if cap is not None:
        outside_needed = sum(
            (max(ZERO, need.area_minimums.get(a, ZERO) - approved[a]) for a in need.areas), ZERO
        )
        if outside_needed > cap + TOLERANCE:
            words = (
                f"{need.name}'s area minimums need {fmt(outside_needed)} outside "
                f"{_units(need, outside_needed)}, "
                f"but at most {fmt(cap)} outside {_units(need, cap)} count"
            )
            yield InfeasibleReason(f"{cid}:outside_cap", cid, None, outside_needed, cap, words)


REQUIREMENT_ROWS = ("area_minimum", "approved_minimum", "total_required")


def _requirement_rows(model: MilpModel) -> list[str]:
    return [row.name for row in model.rows if row.name.split(":")[-1].split("[")[0] in REQUIREMENT_ROWS]


def _limits_words(inp: PlanInput) -> str:
    parts = []
    if inp.limits.budget_cents is not None:
        parts.append(f"your budget of ${dollars(inp.limits.budget_cents)}")
    if inp.limits.max_hours is not None:
        parts.append(f"{fmt(inp.limits.max_hours)} contact hours")
    return " and ".join(parts)


def _within_limits(inp: PlanInput) -> Iterator[InfeasibleReason]:
    """Requirements that no selection within the budget and hours can meet, each maximised alone."""
    model = build_model(inp)
    names = _requirement_rows(model)
    needs = {need.credential_id: need for need in inp.needs}
    for name in names:
        row = next(r for r in model.rows if r.name == name)
        solver = Solver(model, absolute_gap=1e-6, skip_rows=frozenset(names))
        objective = np.zeros(len(model.col_names))
        for col, coef in row.coefs.items():
            objective[col] = -coef
        solver.set_objective(objective)
        outcome = solver.solve(DIAGNOSTIC_TIME_LIMIT)
        if outcome.objective is None:
            continue
        cid, _, requirement = name.partition(":")
        need = needs[cid]
        gained = Decimal(str(round(-outcome.objective, 6)))
        earned = _earned_for(need, requirement)
        needed = Decimal(str(row.lower)) + earned
        best = gained + earned
        if best + TOLERANCE < needed:
            area = requirement[requirement.find("[") + 1 : -1] if "[" in requirement else None
            what = f"{area} {_units(need, best)}" if area else _units(need, best)
            if requirement.startswith("approved_minimum"):
                what = f"{need.body}-approved {_units(need, best)}"
            words = (
                f"within {_limits_words(inp)}, at most {fmt(best)} {what} can count for {need.name}; "
                f"{fmt(needed)} are needed"
            )
            yield InfeasibleReason(name, cid, area, needed, best, words, within_limits=True)


def _earned_for(need: CredentialNeed, requirement: str) -> Decimal:
    if requirement.startswith("area_minimum"):
        return need.earned_approved.get(requirement[requirement.find("[") + 1 : -1], ZERO)
    return sum((need.earned_approved.get(a, ZERO) for a in need.areas), ZERO)


def _limit_reasons(inp: PlanInput) -> Iterator[InfeasibleReason]:
    """How far the budget or the hours limit must go for a plan: the cheapest plan within the hours
    limit (else the shortest within the budget; else the cheapest with neither limit) against them."""
    budget, max_hours = inp.limits.budget_cents, inp.limits.max_hours
    if budget is not None:
        relaxed, selection = _best_within(inp, replace(inp.limits, budget_cents=None), "cost")
        if selection is not None:
            yield _budget_reason(relaxed, selection, budget)
            return
    if max_hours is not None:
        relaxed, selection = _best_within(inp, replace(inp.limits, max_hours=None), "hours")
        if selection is not None:
            yield _hours_reason(relaxed, selection, max_hours)
            return
    if budget is not None and max_hours is not None:  # each limit rules out every plan the other allows
        relaxed, selection = _best_within(inp, replace(inp.limits, budget_cents=None, max_hours=None), "cost")
        if selection is not None:
            yield _budget_reason(relaxed, selection, budget)
            yield _hours_reason(relaxed, selection, max_hours)


def _best_within(inp: PlanInput, limits: Limits, objective: str) -> tuple[PlanInput, Selection | None]:
    """``inp`` under other ``limits`` and its best plan by ``objective`` ("cost" or "hours"), if any."""
    relaxed = replace(inp, limits=limits)
    solved = optimize(
        relaxed, build_model(relaxed), time_limit=DIAGNOSTIC_TIME_LIMIT, objectives=(objective,)
    )
    return relaxed, solved.selection


def _with_added(inp: PlanInput) -> str:
    """Words for plans that must hold the courses she added to her plan, when there are any."""
    return " with the courses you added" if inp.limits.include & {c.key for c in inp.courses} else ""


def _budget_reason(relaxed: PlanInput, selection: Selection, budget_cents: int) -> InfeasibleReason:
    cost = selection_cost(relaxed, selection) or 0
    words = (
        f"the cheapest plan that meets every requirement{_with_added(relaxed)} costs ${dollars(cost)}, "
        f"${dollars(cost - budget_cents)} more than your budget of ${dollars(budget_cents)}"
    )
    return InfeasibleReason(
        "budget", None, None, dollars(cost), dollars(budget_cents), words, within_limits=True
    )


def _hours_reason(relaxed: PlanInput, selection: Selection, max_hours: Decimal) -> InfeasibleReason:
    hours = sum((c.hours for c in relaxed.courses if c.key in selection.courses), ZERO)
    words = (
        f"meeting every requirement{_with_added(relaxed)} takes at least {fmt(hours)} contact hours; "
        f"your limit is {fmt(max_hours)}"
    )
    return InfeasibleReason("max_hours", None, None, hours, max_hours, words, within_limits=True)


def explain_infeasible(inp: PlanInput, pruned: PlanInput | None = None) -> tuple[InfeasibleReason, ...]:
    """Reasons, most basic first; never empty. ``pruned`` (same optima, fewer courses) speeds the solves."""
    reasons = [r for need in inp.needs for r in _catalog_best(need, inp.courses)]
    small = pruned or inp
    if not reasons and (inp.limits.budget_cents is not None or inp.limits.max_hours is not None):
        # what cannot be met within the limits, then how far the limits must go (the app's advice)
        reasons = [*_within_limits(small), *_limit_reasons(small)]
    if not reasons:
        words = (
            "no selection of the eligible courses meets every requirement together"
            + (f" within {_limits_words(inp)}" if _limits_words(inp) else "")
            + "; each requirement alone can be met, but not all at once"
        )
        reasons = [InfeasibleReason("all_requirements", None, None, ZERO, ZERO, words, within_limits=True)]
    return tuple(reasons)
