"""Lexicographic optimisation: least cost (cents), then fewer hours, then better interest match, then
course id — each later stage solved with the earlier objectives held at their optimum, so a tie-break
can never trade against a cent. The stages run on a model cut down by exact reduced-cost fixing.
Zero-cost courses the plan does not need are dropped greedily after every solve (instead of a
per-course penalty, which makes the cover problem much harder).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from catalog.registry import SOLVER_TIME_LIMIT
from recommender.planner.aggregate import Aggregated, aggregate
from recommender.planner.build import MilpModel, Row, build_model
from recommender.planner.evaluate import selection_cost, selection_meets
from recommender.planner.fixing import ROUND_UP, Part, Parts, restrict, restrict_merged, scenario_bounds
from recommender.planner.model import CourseKey, CourseOption, PlanInput, PlanStatus, Selection
from recommender.planner.prune import hundredths, interest_points
from recommender.planner.solve import LpBound, Outcome, Solver

DEFAULT_TIME_LIMIT = SOLVER_TIME_LIMIT  # seconds for the whole optimisation (catalog.registry)
DEFAULT_OBJECTIVES = ("cost", "hours", "match", "rank")
MARGIN = 0.01  # first reduced-cost fixing keeps plans up to 1 % above the LP bound …
MIN_MARGIN = 100.0  # … and at least this many units ($1.00 for cost) above it
MARGIN_NEAR = 0.002  # with an incumbent, LP bounds are close: guess 0.2 % above the bound first
TOLERANCE = 1e-6
SUPPORT_FROM = 1000  # courses in a stage from which its MILP is worth a try on the LP's support first
MERGED_LP_SHRINK = 3  # LP bounds on the counted model when it has ≥ 3× fewer courses (measured)

Prepare = Callable[[Solver, MilpModel, PlanInput], None]  # adds cuts or fixes columns on a solver


@dataclass(frozen=True)
class Solved:
    status: PlanStatus  # of the first objective
    selection: Selection | None
    unproven: tuple[str, ...] = ()  # later objectives (tie-breaks) not proven optimal in time


def selection_from(model: MilpModel, inp: PlanInput, values: npt.NDArray[np.float64]) -> Selection:
    courses = frozenset(c.key for i, c in enumerate(inp.courses) if values[model.take[i]] > 0.5)
    held = {offer.key for offer in inp.offers if offer.held}
    offers = frozenset(key for key, col in model.buy.items() if values[col] > 0.5 and key not in held)
    return Selection(courses, offers)


def clean(inp: PlanInput, selection: Selection) -> Selection:
    """Drop courses the requirements don't need (dearest, then longest first; never one she added to
    her plan), then offers that no longer save money; repeat until nothing changes. Never raises cost,
    never breaks a requirement."""
    by_key = {course.key: course for course in inp.courses}
    pinned = inp.limits.include  # courses she added to her plan are never dropped
    current = selection
    changed = True
    while changed:
        changed = False
        chosen = [by_key[key] for key in current.courses]
        for course in sorted(chosen, key=lambda c: (-(c.price_cents or 0), -c.hours, c.key), reverse=False):
            if course.key in pinned:
                continue
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


@dataclass
class _Stage:
    """Where the lexicographic search stands: the courses still in play, the earlier objectives with
    their optimal values, the best plan so far."""

    inp: PlanInput
    built: MilpModel | None  # the binary model of ``inp``, built when first needed
    held: list[tuple[str, float]]
    best: Selection | None = None
    status: PlanStatus = PlanStatus.OPTIMAL
    cost_upper: float = math.inf
    least_cost: dict[Part, float] = field(default_factory=dict)  # per part of the plans (fixing.py)

    @property
    def model(self) -> MilpModel:
        if self.built is None:
            self.built = build_model(self.inp)
        return self.built


def optimize(
    inp: PlanInput,
    model: MilpModel | None = None,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    objectives: tuple[str, ...] = DEFAULT_OBJECTIVES,
    prepare: Prepare | None = None,
    incumbent: Selection | None = None,
    cost_upper: float = math.inf,
) -> Solved:
    """Solve ``objectives`` lexicographically (default: cost, hours, interest, course rank).

    Each stage first bounds its objective by LP relaxations (with the earlier objectives held at their
    optimum; when cost is involved, one LP per part of the plans — no offer bought, each offer bought),
    keeps by reduced-cost fixing (fixing.py) only the courses a plan within a limit can use, and solves
    the MILP on that small model, with interchangeable courses merged into counted columns (aggregate.py)
    for every objective but the course-id rank (and when no ``prepare`` adds per-course cuts). The limit
    is a margin above the bound (1 %, or 0.2 % once there is an incumbent), never above the incumbent's
    value, checked afterwards: an optimum within the limit is the optimum of the whole model (every plan
    that good was kept, ties included); if the small model has none, the margin widens; if its optimum is
    above the limit, that plan is an upper bound and one more round with it as the limit is exact.
    When a stage's LP bound already reaches the incumbent's value, the incumbent is optimal for it and
    the stage only narrows the courses. ``incumbent``: a plan over ``inp`` known to meet the
    requirements, if any (e.g. the cheapest plan of a core); ``cost_upper``: the cost (cents) of one.
    """
    deadline = time.monotonic() + time_limit
    state = _Stage(inp, model, [], best=incumbent, cost_upper=cost_upper)
    if incumbent is not None:
        state.cost_upper = min(cost_upper, float(selection_cost(inp, incumbent) or math.inf))
    unproven: tuple[str, ...] = ()
    for stage, name in enumerate(objectives):
        outcome = _solve_stage(state, name, prepare, deadline)
        if outcome is PlanStatus.INFEASIBLE and state.best is None:
            return Solved(PlanStatus.INFEASIBLE, None)
        if outcome is not PlanStatus.OPTIMAL:
            if stage == 0:
                state.status = PlanStatus.TIME_LIMIT
            else:
                unproven = objectives[stage:]
            break
        if stage < len(objectives) - 1 and state.best is not None:
            state.held.append((name, _stage_value(state.inp, state.best, name)))
    if state.best is None:
        return Solved(PlanStatus.TIME_LIMIT, None)
    return Solved(state.status, state.best, unproven)


@dataclass(frozen=True)
class _Relaxed:
    """A stage's LP bounds by parts, on the counted model of ``merged`` when courses could be merged
    (far fewer columns; its relaxation bounds every plan, each plan's counts being a solution of it)."""

    parts: Parts
    model: MilpModel
    merged: Aggregated | None

    def restrict(self, state: _Stage, limit: float) -> PlanInput:
        """``state.inp`` without the courses no plan of objective ≤ ``limit`` can take."""
        if self.merged is None:
            return restrict(state.inp, state.model, self.parts.bounds, limit)
        return restrict_merged(state.inp, self.merged, self.model, self.parts.bounds, limit)

    def touched(self, state: _Stage, bound: LpBound) -> set[CourseKey]:
        """Courses of ``state.inp`` the LP solution of ``bound`` takes."""
        assert bound.values is not None
        if self.merged is None:
            take = state.model.take
            return {c.key for i, c in enumerate(state.inp.courses) if bound.values[take[i]] > ROUND_UP}
        return {c.key for c in _plan_courses(state, self.merged, self.model, bound.values)}


def _plan_courses(
    state: _Stage, merged: Aggregated, model: MilpModel, values: npt.NDArray[np.float64]
) -> list[CourseOption]:
    """The courses an LP solution of the counted model touches: per group and price class, as many of
    its smallest-ranked courses as the group's count rounded up."""
    keys: set[CourseKey] = set()
    for j, group in enumerate(merged.members):
        count = math.ceil(float(values[model.take[j]]) - ROUND_UP)
        for members in group:
            keys.update(members[: max(0, count)])
    return [course for course in state.inp.courses if course.key in keys]


def _relaxed_bounds(state: _Stage, name: str, prepare: Prepare | None, deadline: float) -> _Relaxed:
    """LP bounds on ``name``; by parts of the plans (fixing.scenario_bounds) when cost is involved."""
    # The course-id stage keeps binary columns here: fixing needs each course's own reduced cost.
    merged = aggregate(state.inp) if prepare is None and name != "rank" else None
    if merged is not None and len(merged.inp.courses) * MERGED_LP_SHRINK > len(state.inp.courses):
        merged = None  # groups of a few courses each: per price class columns make the LP no smaller
    lp = state
    if merged is not None:
        lp = _Stage(merged.inp, build_model(merged.inp, merged.classes), state.held)
    relaxed = _solver(lp, prepare, relax=True)
    if state.held:  # measured: HiGHS's presolve takes ~100× the solve on these LPs with an objective row
        relaxed.highs.setOptionValue("presolve", "off")
    relaxed.set_objective(lp.model.objective(name))
    held_cost = [value for held, value in state.held if held == "cost"]
    if name == "cost" or held_cost:
        cost_limit = held_cost[0] if held_cost else state.cost_upper
        remaining = deadline - time.monotonic()
        expand = None if merged is None else lambda values: _plan_courses(state, merged, lp.model, values)
        parts = scenario_bounds(
            relaxed,
            lp.model,
            lp.inp,
            remaining,
            cost_limit=cost_limit,
            least_cost=state.least_cost,
            expand=expand,
        )
        if name == "cost":
            state.least_cost = parts.least_cost
        return _Relaxed(parts, lp.model, merged)
    whole = relaxed.lp_bound(deadline - time.monotonic())
    return _Relaxed(Parts([] if whole is None else [whole], math.inf, {}), lp.model, merged)


def _solver(state: _Stage, prepare: Prepare | None, *, relax: bool = False) -> Solver:
    """A solver for the current model with the cuts of ``prepare`` and the earlier optima as rows."""
    solver = Solver(state.model, relax=relax)
    if prepare is not None:
        prepare(solver, state.model, state.inp)
    for number, (held, value) in enumerate(state.held):
        solver.add_row(_objective_row(f"lexicographic[{number}]", state.model.objective(held), value))
    return solver


def _solve_stage(state: _Stage, name: str, prepare: Prepare | None, deadline: float) -> PlanStatus:
    """Optimise ``name`` over the current state (updated in place); returns the outcome's status."""
    relaxed = _relaxed_bounds(state, name, prepare, deadline)
    parts = relaxed.parts
    bounds = parts.bounds
    if not bounds:
        return PlanStatus.INFEASIBLE
    # A rounded LP solution cheaper than the incumbent — not with ``prepare``'s cuts (runner-ups,
    # variants), which rounding up does not respect.
    if name == "cost" and parts.plan is not None and prepare is None:
        state.best = clean(state.inp, parts.plan)
    lowest = min(bound.lower for bound in bounds)
    margin = MARGIN if state.best is None else MARGIN_NEAR
    limit = math.inf
    if math.isfinite(lowest):
        limit = math.floor(lowest + max(MIN_MARGIN, margin * abs(lowest)))
    if name == "cost" and math.isfinite(parts.cost_limit):
        limit = min(limit, math.floor(parts.cost_limit + 0.5))
    incumbent = math.inf
    if state.best is not None:  # the incumbent's value is always a valid limit
        incumbent = _stage_value(state.inp, state.best, name)
        # The incumbent may not be optimal: try the LP's support (not for the course id, whose LP bound
        # is far below the optimum, so the support's plan could not end the stage; measured slower)
        if lowest <= incumbent - 1 + TOLERANCE and name != "rank" and len(state.inp.courses) > SUPPORT_FROM:
            incumbent = _improve_from_support(state, name, relaxed, incumbent, prepare, deadline)
        limit = min(limit, math.floor(incumbent + 0.5))
        if lowest > incumbent - 1 + TOLERANCE:  # whole units: no plan is better than the incumbent
            small = relaxed.restrict(state, limit)
            if state.best.courses <= {course.key for course in small.courses}:
                state.inp, state.built = small, None
                return PlanStatus.OPTIMAL
    while True:
        small = relaxed.restrict(state, limit) if math.isfinite(limit) else state.inp
        narrowed = _Stage(small, state.built if small is state.inp else None, state.held)
        outcome, candidate = _milp(narrowed, name, prepare, deadline)
        if candidate is None:
            if outcome.status is PlanStatus.INFEASIBLE and len(small.courses) < len(state.inp.courses):
                wider = lowest + 4 * (limit - lowest) + MIN_MARGIN  # nothing within the limit: widen it
                limit = math.floor(wider) if math.isfinite(wider) else math.inf
                continue
            return outcome.status
        value = _stage_value(small, candidate, name)
        if value > limit + 0.5 and outcome.status is PlanStatus.OPTIMAL:
            limit = math.floor(value + 0.5)  # a plan this good exists: keeping all up to it is exact
            continue
        # An optimal candidate is at least as good as the incumbent (whose value was a limit); after a
        # time limit keep whichever is better, and the courses it lives in.
        if outcome.status is PlanStatus.OPTIMAL or state.best is None or value < incumbent:
            state.inp, state.built, state.best = small, narrowed.built, candidate
        return outcome.status


def _milp(
    narrowed: _Stage, name: str, prepare: Prepare | None, deadline: float
) -> tuple[Outcome, Selection | None]:
    """Solve the stage's MILP over ``narrowed`` (interchangeable courses merged, but for the course id
    and per-course cuts); the plan found, cleaned, if any."""
    merged = aggregate(narrowed.inp) if prepare is None else None
    ranks = None if merged is None or name != "rank" else merged.member_ranks
    solved = (
        narrowed
        if merged is None
        else _Stage(merged.inp, build_model(merged.inp, merged.classes, ranks), narrowed.held)
    )
    solver = _solver(solved, prepare)
    solver.set_objective(solved.model.objective(name))
    outcome: Outcome = solver.solve(deadline - time.monotonic())
    if outcome.values is None:
        return outcome, None
    found = (
        selection_from(narrowed.model, narrowed.inp, outcome.values)
        if merged is None
        else merged.selection(solved.model, outcome.values)
    )
    return outcome, clean(narrowed.inp, found)


def _improve_from_support(
    state: _Stage,
    name: str,
    relaxed: _Relaxed,
    incumbent: float,
    prepare: Prepare | None,
    deadline: float,
) -> float:
    """A plan over only the courses the LP solutions of the parts that could beat the incumbent touch,
    plus the incumbent's own (a small MILP): if it is better, it becomes the incumbent. Returns the
    incumbent's value. Exact either way — a plan over a subset is a plan; only its value is used, and it
    ends the stage only when it meets the LP bound of every part."""
    assert state.best is not None
    touched = set(state.best.courses) | state.inp.limits.include
    for bound in relaxed.parts.bounds:
        if bound.values is not None and bound.lower <= incumbent - 1 + TOLERANCE:
            touched |= relaxed.touched(state, bound)
    if len(touched) * 2 > len(state.inp.courses):
        return incumbent  # not much smaller than the stage's own MILP
    courses = tuple(course for course in state.inp.courses if course.key in touched)
    small = PlanInput(state.inp.needs, courses, state.inp.offers, state.inp.limits, state.inp.excluded)
    _, candidate = _milp(_Stage(small, None, state.held), name, prepare, deadline)
    if candidate is None:
        return incumbent
    value = _stage_value(small, candidate, name)
    if value < incumbent:
        state.best = candidate
        return value
    return incumbent


def _stage_value(inp: PlanInput, selection: Selection, name: str) -> float:
    """The value of objective ``name`` for ``selection`` — as ``MilpModel.objective`` counts it (whole
    units: cents, hundredths of an hour, interest points, ranks)."""
    if name == "cost":
        cost = selection_cost(inp, selection)
        return float(cost if cost is not None else 0)
    chosen = [course for course in inp.courses if course.key in selection.courses]
    if name == "hours":
        return float(sum(hundredths(course.hours) for course in chosen))
    if name == "match":
        return float(sum(interest_points(course.interest) - 1000 for course in chosen))
    if name == "interest":
        return float(sum(interest_points(course.interest) for course in chosen))
    if name == "rank" and all(course.rank is not None for course in chosen):
        return float(sum(course.rank for course in chosen if course.rank is not None))
    model = build_model(inp)
    values = np.zeros(len(model.col_names))
    for i, course in enumerate(inp.courses):
        if course.key in selection.courses:
            values[model.take[i]] = 1.0
    return float(model.objective(name) @ values)
