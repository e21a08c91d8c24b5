"""Other plans: at most N, each differing from the plan and from each other in something a person
weighs — cost, hours, providers or formats — and never one that only costs more; plans as cheap as the
plan that swap a course for one of equal price and credit are only counted ("3 other plans cost the
same").

Candidates, in this order: the named variants ``fewest_hours`` (hours, then cost, interest, id),
``best_interest`` (interest match, then cost, hours, id), ``all_<body>`` (only courses approved by the
credential's own body — processed at once by e.g. the AAMA — with the main plan's order), then the
next-best distinct plans, cheapest first (no-good cuts: ``sum(take[c] for c in plan) <= len(plan) - 1``
removes a plan and every plan containing it, so each is a different set of courses, not the same set with
an extra free course); at most ``EXTRA_LOOKS`` more than asked for are looked at.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from itertools import islice

from recommender.planner.build import MilpModel, Row
from recommender.planner.evaluate import active_offers, course_payment, selection_cost, selection_hours
from recommender.planner.model import Alternative, CourseOption, PlanInput, Selection
from recommender.planner.optimize import DEFAULT_OBJECTIVES, optimize
from recommender.planner.result import dollars
from recommender.planner.solve import Solver

# Every order ends with hours and interest before the course id, so presolve dominance (prune.py) holds.
FEWEST_HOURS = ("hours", "cost", "interest", "rank")
BEST_INTEREST = ("interest", "cost", "hours", "rank")
# How many more expensive plans are looked at, beyond the number asked for, to find ones that differ.
EXTRA_LOOKS = 3


Traits = tuple[int, Decimal, frozenset[str], frozenset[str]]


def traits(inp: PlanInput, plan: Selection) -> Traits:
    """What a person weighs in a plan: its cost (cents), hours, providers and course formats."""
    courses = {c.key: c for c in inp.courses}
    providers = frozenset({key[0] for key in plan.courses} | {key[0] for key in plan.offers})
    formats = frozenset(courses[key].format for key in plan.courses)
    return (selection_cost(inp, plan) or 0, selection_hours(inp, plan), providers, formats)


def no_good(model: MilpModel, inp: PlanInput, plan: Selection, number: int) -> Row | None:
    """The cut excluding ``plan`` and its supersets; None when ``inp`` lacks one of its courses (then no
    plan over ``inp`` can contain it, and the cut would wrongly forbid its subsets)."""
    columns = {model.take[i]: 1.0 for i, c in enumerate(inp.courses) if c.key in plan.courses}
    if len(columns) < len(plan.courses):
        return None
    return Row(f"no_good[{number}]", columns, upper=len(columns) - 1)


def describe_change(inp: PlanInput, best: Selection, other: Selection) -> str:
    """What ``other`` changes against ``best``, in words (cost and hours deltas, courses by title,
    offers)."""
    names = {c.key: c.title for c in inp.courses}
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


def next_plans(
    inp: PlanInput,
    model: MilpModel,
    best: Selection,
    *,
    time_limit: float,
    full: bool = True,
) -> Iterator[Selection]:
    """The next-best distinct plans after ``best``, cheapest first (``full``: with the hour/id
    tie-breaks), for as long as the caller asks and time allows."""
    found: list[Selection] = []
    deadline = time.monotonic() + time_limit
    while (remaining := deadline - time.monotonic()) > 0:
        excluded = [best, *found]

        def add_cuts(
            solver: Solver, model: MilpModel, inp: PlanInput, excluded: list[Selection] = excluded
        ) -> None:
            for number, plan in enumerate(excluded):
                cut = no_good(model, inp, plan, number)
                if cut is not None:
                    solver.add_row(cut)

        objectives = DEFAULT_OBJECTIVES if full else ("cost",)
        solved = optimize(inp, model, time_limit=remaining, objectives=objectives, prepare=add_cuts)
        if solved.selection is None:
            return
        found.append(solved.selection)
        yield solved.selection


def runner_ups(
    inp: PlanInput, model: MilpModel, best: Selection, count: int, *, time_limit: float, full: bool = True
) -> list[Selection]:
    """Up to ``count`` next-best distinct plans, cheapest first (``full``: with the hour/id tie-breaks)."""
    plans = next_plans(inp, model, best, time_limit=time_limit, full=full)
    return list(islice(plans, count))


def _variant(
    inp: PlanInput, model: MilpModel | None, objectives: tuple[str, ...], time_limit: float
) -> Selection | None:
    return optimize(inp, model, time_limit=time_limit, objectives=objectives).selection


def _only_approved(inp: PlanInput, credential_id: str) -> PlanInput:
    """``inp`` without the courses that give ``credential_id`` outside (not body-approved) credit only
    (the same plans as fixing their columns to 0, but interchangeable courses can still be merged)."""
    courses = tuple(course for course in inp.courses if not _outside_only(course, credential_id))
    return PlanInput(inp.needs, courses, inp.offers, inp.limits, inp.excluded)


def _outside_only(course: CourseOption, credential_id: str) -> bool:
    """Does ``course`` give ``credential_id`` outside (not body-approved) credit only?"""
    credit = course.credit_for(credential_id)
    return credit is not None and not any(v > 0 for v in credit.approved.values())


def runner_up_count(count: int) -> int:
    """How many next-best plans are looked at, at most, to find ``count`` alternatives (the presolve
    keeps courses for that many)."""
    return count + EXTRA_LOOKS


def one_course_swaps(inp: PlanInput, best: Selection) -> int:
    """How many other plans differ from ``best`` by one course swapped for another of the same provider
    and format that costs the same in the plan and gives exactly the same credit — never one she added
    to her plan (``inp``: every course, not a presolved part, which keeps only as many interchangeable
    courses as a plan can use)."""
    active = active_offers(inp, best.offers)

    def kind(course: CourseOption) -> tuple[object, ...]:
        payment = course_payment(course, active)
        credit = tuple(c.signature() for c in course.credits)
        return (course.provider, course.format, credit, None if payment is None else payment.cents)

    others = Counter(kind(c) for c in inp.courses if c.key not in best.courses)
    swappable = best.courses - inp.limits.include  # a course she added to her plan stays
    return sum(others[kind(c)] for c in inp.courses if c.key in swappable)


def alternatives(
    inp: PlanInput, model: MilpModel, best: Selection, count: int, *, time_limit: float
) -> tuple[Alternative, ...]:
    """At most ``count`` other plans that differ from ``best`` and each other in what a person weighs:
    fewer hours, or another mix of providers or formats — never one that only costs as much or more
    with as many hours (one-course swaps as cheap as ``best`` are counted by ``one_course_swaps``)."""
    if count <= 0:
        return ()
    deadline = time.monotonic() + time_limit
    best_traits = traits(inp, best)
    seen = {best_traits}
    kept: list[Alternative] = []

    def keep(name: str, plan: Selection, note: str = "") -> None:
        found = traits(inp, plan)
        if found not in seen and len(kept) < count:
            seen.add(found)
            kept.append(describe(inp, best, name, plan, note))

    # Each plan pulled from a generator below is a solve: stop pulling once ``count`` are kept.
    for name, plan, note in _variants(inp, model, time_limit):
        if _better_at(name, inp, plan, best):
            keep(name, plan, note)
        if len(kept) >= count:
            return tuple(kept)
    remaining = max(0.0, deadline - time.monotonic())
    plans = next_plans(inp, model, best, time_limit=remaining, full=False)
    for plan in islice(plans, runner_up_count(count)):
        _, hours, *mix = traits(inp, plan)
        if hours < best_traits[1] or mix != list(best_traits[2:]):  # else it only costs as much or more
            keep(f"runner_up_{sum(a.name.startswith('runner_up') for a in kept) + 1}", plan)
        if len(kept) >= count:
            break
    return tuple(kept)


def _better_at(name: str, inp: PlanInput, plan: Selection, best: Selection) -> bool:
    """Is a named variant better than the plan at what it is named for (fewer hours, a better interest
    match)? Otherwise it would be shown under a name that is not true of it."""
    if name == "fewest_hours":
        return selection_hours(inp, plan) < selection_hours(inp, best)
    if name == "best_interest":
        interest = {c.key: c.interest for c in inp.courses}
        return sum(interest[k] for k in plan.courses) > sum(interest[k] for k in best.courses)
    return True


def _variants(inp: PlanInput, model: MilpModel, time_limit: float) -> Iterator[tuple[str, Selection, str]]:
    """The named variants that exist: (name, plan, a note saying what makes it special)."""
    fewest = _variant(inp, model, FEWEST_HOURS, time_limit)
    if fewest is not None:
        yield "fewest_hours", fewest, ""
    if any(course.interest > 0 for course in inp.courses):
        interest = _variant(inp, model, BEST_INTEREST, time_limit)
        if interest is not None:
            yield "best_interest", interest, ""
    pinned = [course for course in inp.courses if course.key in inp.limits.include]
    for need in inp.needs:
        if need.approved_minimum <= 0 and need.other_cap is None:
            continue
        if any(_outside_only(course, need.credential_id) for course in pinned):
            continue  # a course she added gives outside credit: no plan of approved courses only
        plan = _variant(_only_approved(inp, need.credential_id), None, DEFAULT_OBJECTIVES, time_limit)
        if plan is not None:
            note = f"only {need.body}-approved courses (processed at once at recertification): "
            yield f"all_{need.body.lower()}", plan, note
