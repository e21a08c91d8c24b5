"""``plan()``: the cheapest plan for a profile over a list of courses and offers, explained.

Money in dollars (``Decimal``), hours in contact hours, credit in each credential's unit.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from catalog.records import Course, Offer
from recommender.planner.adapter import build_input
from recommender.planner.alternatives import alternatives as find_alternatives
from recommender.planner.alternatives import describe, one_course_swaps, runner_up_count, runner_ups
from recommender.planner.build import build_model
from recommender.planner.evaluate import selection_cost
from recommender.planner.explain import explain
from recommender.planner.infeasible import explain_infeasible
from recommender.planner.model import Alternative, Exclusion, PlanInput, PlanResult, PlanStatus, Selection
from recommender.planner.optimize import DEFAULT_TIME_LIMIT, optimize
from recommender.planner.prune import Presolve
from recommender.planner.result import assemble, empty_result
from recommender.rules.engine import CredentialRules
from recommender.rules.profile import Profile


def exclusion_notes(excluded: tuple[Exclusion, ...]) -> tuple[str, ...]:
    """One line per kind of reason: how many courses or offers were left out, with an example by its
    title ("12 left out: already taken (e.g. “Professional Ethics”)"; ids stay in the JSON)."""
    kinds = Counter(reason.reason.split(" (")[0] for reason in excluded)
    notes = []
    for kind, number in sorted(kinds.items(), key=lambda item: (-item[1], item[0])):
        example = next(e for e in excluded if e.reason.split(" (")[0] == kind)
        notes.append(f"{number} left out: {example.reason} (e.g. “{example.title}”)")
    return tuple(notes)


def added_notes(inp: PlanInput) -> tuple[str, ...]:
    """One line per course she added to her plan that the plan cannot hold, and why (by its title; by
    ``provider/course_id`` when the catalog doesn't have it)."""
    if not inp.limits.include:
        return ()
    left_out = {exclusion.key: exclusion for exclusion in inp.excluded}
    eligible = {course.key for course in inp.courses}  # the presolve keeps every eligible added course
    notes = []
    for key in sorted(inp.limits.include):
        if key in left_out:
            why = left_out[key]
            notes.append(f"“{why.title}”, which you added to your plan, is left out: {why.reason}")
        elif key not in eligible:
            notes.append(f"{key[0]}/{key[1]}, which you added to your plan, is not in the catalog")
    return tuple(notes)


TIE_BREAK_WORDS = {"hours": "fewer hours", "match": "better interest match", "rank": "course id"}


def with_ranks(inp: PlanInput) -> PlanInput:
    """``inp`` with every course's ``rank`` (its place by provider and course id) set, if any is not."""
    if all(course.rank is not None for course in inp.courses):
        return inp
    order = sorted(range(len(inp.courses)), key=lambda i: inp.courses[i].key)
    ranks = {i: rank for rank, i in enumerate(order)}
    courses = tuple(replace(course, rank=ranks[i]) for i, course in enumerate(inp.courses))
    return replace(inp, courses=courses)


def upper_bound(small: PlanInput, time_limit: float) -> tuple[float, Selection | None]:
    """The cheapest plan over ``small`` (a core of the input) and its cost (cents) — a bound on the
    optimum — or (infinity, None) when it holds no plan."""
    solved = optimize(small, time_limit=time_limit, objectives=("cost",))
    cost = None if solved.selection is None else selection_cost(small, solved.selection)
    return (math.inf, None) if cost is None else (float(cost), solved.selection)


def solve_input(
    inp: PlanInput,
    *,
    alternatives: int = 0,
    time_limit: float = DEFAULT_TIME_LIMIT,
    with_explanations: bool = True,
    runner_up: bool = False,
    phases: dict[str, float] | None = None,
) -> PlanResult:
    """Solve a prepared input: optimal plan, or the reasons none exists, plus alternatives.

    ``runner_up``: name the next-best plan's cost in the explanations (one more solve) even without
    ``alternatives`` (with them, the first runner-up is named anyway). ``phases``, if given, receives
    the seconds spent in presolve (with the core plan's bound), solve and the rest (explain)."""
    if inp.whole is not None and (alternatives > 0 or runner_up):  # they need every course
        return solve_input(
            inp.whole(),
            alternatives=alternatives,
            time_limit=time_limit,
            with_explanations=with_explanations,
            runner_up=runner_up,
            phases=phases,
        )
    clock = _Clock(phases)
    deadline = time.monotonic() + time_limit
    ranked = with_ranks(inp)
    presolve = Presolve(ranked)
    kept = presolve.prune()
    upper, core_plan = upper_bound(presolve.subset(presolve.core(kept)), time_limit)
    main = presolve.subset(presolve.by_cost(kept, upper) if math.isfinite(upper) else kept)
    if core_plan is not None and not core_plan.courses <= {course.key for course in main.courses}:
        core_plan = None  # the core's plan is cheapest but not necessarily first in the tie-breaks
    clock.lap("presolve")
    solved = optimize(
        main,
        time_limit=deadline - time.monotonic(),
        incumbent=core_plan,
        cost_upper=upper,
    )
    clock.lap("solve")
    notes = (*added_notes(inp), *exclusion_notes(inp.excluded))
    if solved.selection is None:
        if (
            solved.status is PlanStatus.INFEASIBLE
        ):  # the reasons look at every course (the pruned ones: same optima)
            everything = with_ranks(inp.whole()) if inp.whole is not None else ranked
            reasons = explain_infeasible(everything, presolve.subset(kept))
            return replace(empty_result(inp, PlanStatus.INFEASIBLE), reasons=reasons, notes=notes)
        words = f"no plan was found within the time limit of {time_limit:g} s"
        return replace(empty_result(inp, solved.status), notes=(*notes, words))
    result = assemble(main, solved.selection, solved.status)
    extra: tuple[Alternative, ...] = ()
    runner: tuple[Alternative, ...] = ()
    swaps = 0
    if alternatives > 0 or (with_explanations and runner_up):
        enough = runner_up_count(alternatives) + 1 if alternatives > 0 else 2
        wide = presolve.subset(presolve.prune(plans=enough, variants=alternatives > 0))
        model = build_model(wide)
        remaining = max(1.0, deadline - time.monotonic())
        extra = find_alternatives(wide, model, solved.selection, alternatives, time_limit=remaining)
        swaps = one_course_swaps(ranked, solved.selection) if alternatives > 0 else 0
        runner = extra
        if not runner:
            plans = runner_ups(wide, model, solved.selection, 1, time_limit=remaining, full=False)
            runner = tuple(describe(wide, solved.selection, "runner_up_1", p) for p in plans)
    explanations = explain(main, solved.selection, runner) if with_explanations else ()
    if solved.status is not PlanStatus.OPTIMAL:
        notes = (*notes, f"the time limit of {time_limit:g} s was reached: this plan may not be the cheapest")
    elif solved.unproven:
        words = ", ".join(TIE_BREAK_WORDS.get(name, name) for name in solved.unproven)
        notes = (
            *notes,
            f"the cost is optimal, but the tie-break ({words}) was not proven within {time_limit:g} s",
        )
    clock.lap("explain")
    return replace(
        result,
        alternatives=extra,
        same_cost_plans=swaps,
        explanations=explanations,
        notes=notes,
    )


class _Clock:
    """Records seconds per phase into ``phases`` (if given)."""

    def __init__(self, phases: dict[str, float] | None):
        self.phases = phases
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.phases is not None:
            self.phases[name] = now - self.last
        self.last = now


def plan(
    courses: Iterable[Course],
    offers: Iterable[Offer],
    profile: Profile,
    *,
    rules: Mapping[str, CredentialRules] | None = None,
    interest_scores: Mapping[tuple[str, str], float] | None = None,
    inferred_areas: Mapping[tuple[str, str], str] | None = None,
    alternatives: int = 0,
    today: date | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> PlanResult:
    """The least-cost plan meeting every held credential's requirements (see docs/planner.md)."""
    inp = build_input(
        courses,
        offers,
        profile,
        rules=rules,
        interest_scores=interest_scores,
        inferred_areas=inferred_areas,
        today=today,
    )
    return solve_input(inp, alternatives=alternatives, time_limit=time_limit)
