"""A greedy baseline, kept only to measure what the optimiser saves (bench/bench_planner.py).

Repeatedly take the course with the lowest cost per unit of shortfall it removes, paying à la carte
(held offers honoured, none bought), until every requirement is met. Returns the cost in dollars, or
None when it gets stuck.
"""

from __future__ import annotations

from decimal import Decimal

from recommender.planner.evaluate import active_offers, course_payment, progress
from recommender.planner.model import CourseOption, PlanInput
from recommender.planner.prune import prune
from recommender.planner.result import dollars

ZERO = Decimal(0)


def _shortfall(inp: PlanInput, chosen: list[CourseOption]) -> Decimal:
    return sum((sum(progress(need, chosen).missing.values(), ZERO) for need in inp.needs), ZERO)


def greedy(inp: PlanInput) -> Decimal | None:
    """Cost (USD) of the greedy plan for ``inp``, or None if greedy cannot meet the requirements."""
    small = prune(inp)
    owned = active_offers(small, ())
    priced = [(c, p.cents) for c in small.courses if (p := course_payment(c, owned)) is not None]
    chosen: list[CourseOption] = []
    cost = 0
    short = _shortfall(small, chosen)
    while short > 0:
        best: tuple[Decimal, tuple[str, str], CourseOption, int, Decimal] | None = None
        for course, cents in priced:
            if course in chosen:
                continue
            after = _shortfall(small, [*chosen, course])
            gain = short - after
            if gain <= 0:
                continue
            ratio = Decimal(cents) / gain
            if best is None or (ratio, course.key) < (best[0], best[1]):
                best = (ratio, course.key, course, cents, after)
        if best is None:
            return None
        chosen.append(best[2])
        cost += best[3]
        short = best[4]
    return dollars(cost)
