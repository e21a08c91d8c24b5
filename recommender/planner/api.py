"""``plan()``: the cheapest plan for a profile over a list of courses and offers, explained.

Money in dollars (``Decimal``), hours in contact hours, credit in each credential's unit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from catalog.records import Course, Offer
from recommender.planner.adapter import build_input
from recommender.planner.alternatives import alternatives as find_alternatives
from recommender.planner.alternatives import describe, runner_ups
from recommender.planner.build import build_model
from recommender.planner.explain import explain
from recommender.planner.infeasible import explain_infeasible
from recommender.planner.model import Exclusion, PlanInput, PlanResult
from recommender.planner.optimize import DEFAULT_TIME_LIMIT, optimize
from recommender.planner.prune import prune
from recommender.planner.result import assemble, empty_result
from recommender.planner.solve import INFEASIBLE
from recommender.rules.engine import CredentialRules
from recommender.rules.profile import Profile


def exclusion_notes(excluded: tuple[Exclusion, ...]) -> tuple[str, ...]:
    """One line per kind of reason: how many courses or offers were left out, with an example."""
    kinds = Counter(reason.reason.split(" (")[0] for reason in excluded)
    notes = []
    for kind, number in sorted(kinds.items(), key=lambda item: (-item[1], item[0])):
        example = next(e for e in excluded if e.reason.split(" (")[0] == kind)
        notes.append(f"{number} left out: {example.reason} (e.g. {example.key[0]}/{example.key[1]})")
    return tuple(notes)


def solve_input(
    inp: PlanInput,
    *,
    alternatives: int = 0,
    time_limit: float = DEFAULT_TIME_LIMIT,
    with_explanations: bool = True,
) -> PlanResult:
    """Solve a prepared input: optimal plan, or the reasons none exists, plus alternatives."""
    pruned = prune(inp)
    model = build_model(pruned)
    solved = optimize(pruned, model, time_limit=time_limit)
    notes = exclusion_notes(inp.excluded)
    if solved.selection is None:
        if solved.status == INFEASIBLE:
            reasons = explain_infeasible(inp, pruned)
            return replace(empty_result(inp, INFEASIBLE), reasons=reasons, notes=notes)
        words = f"no plan was found within the time limit of {time_limit:g} s"
        return replace(empty_result(inp, solved.status), notes=(*notes, words))
    result = assemble(pruned, solved.selection, solved.status)
    extra = find_alternatives(pruned, model, solved.selection, alternatives, time_limit=time_limit)
    explanations: tuple[str, ...] = ()
    if with_explanations:
        runner = extra
        if not extra:
            plans = runner_ups(pruned, model, solved.selection, 1, time_limit=time_limit, full=False)
            runner = tuple(describe(pruned, solved.selection, "runner_up_1", p) for p in plans)
        explanations = explain(pruned, solved.selection, runner)
    if solved.status != "optimal":
        notes = (*notes, f"the time limit of {time_limit:g} s was reached: this plan may not be the cheapest")
    return replace(result, alternatives=extra, explanations=explanations, notes=notes)


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
