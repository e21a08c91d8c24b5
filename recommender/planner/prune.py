"""Presolve: drop courses that a cheaper (or shorter) course with exactly the same credit, offers and
payment options makes pointless, keeping enough of each kind to fill any gap.

Why it is exact: courses in one group differ only in price, hours, interest and id. A plan that nothing
can be removed from never needs more than ``copies_needed`` courses of one group (that many already fill
every requirement they touch on their own), so keeping the best ``copies_needed`` by each ordering the
planner optimises (cost, member cost, hours) keeps every optimum.
"""

from __future__ import annotations

import math
from collections import defaultdict
from decimal import Decimal

from recommender.planner.model import CourseOption, CredentialNeed, PlanInput

ZERO = Decimal(0)
NO_PRICE = math.inf


def _group_key(course: CourseOption) -> tuple[object, ...]:
    return (
        tuple(credit.signature() for credit in course.credits),
        course.included_in,
        course.member_offers,
        course.price_cents is None,
        course.member_price_cents is None,
    )


def _largest_need(need: CredentialNeed) -> Decimal:
    values = [need.total_required, need.approved_minimum, sum(need.area_minimums.values(), ZERO)]
    if need.other_cap is not None:
        values.append(need.other_cap)
    return max(values)


def copies_needed(course: CourseOption, needs: tuple[CredentialNeed, ...]) -> int:
    """How many courses like ``course`` a minimal plan can use at most (1 if it gives nothing)."""
    by_id = {need.credential_id: need for need in needs}
    copies = 1
    for credit in course.credits:
        need = by_id.get(credit.credential_id)
        if need is None:
            continue
        amounts = [v for v in (*credit.approved.values(), *credit.other.values()) if v > 0]
        if not amounts:
            continue
        bound = math.ceil(_largest_need(need) / min(amounts)) + 1
        if credit.cpr_card and need.cpr_cards_left is not None:
            bound = min(bound, need.cpr_cards_left)
        copies = max(copies, bound)
    return copies


def gives_credit(course: CourseOption) -> bool:
    return any(
        any(v > 0 for v in credit.approved.values()) or any(v > 0 for v in credit.other.values())
        for credit in course.credits
    )


def prune(inp: PlanInput) -> PlanInput:
    """``inp`` without useless and dominated courses (same order as before for the ones kept)."""
    groups: dict[tuple[object, ...], list[CourseOption]] = defaultdict(list)
    for course in inp.courses:
        if gives_credit(course):
            groups[_group_key(course)].append(course)
    keep: set[tuple[str, str]] = set()
    for members in groups.values():
        limit = copies_needed(members[0], inp.needs)
        if len(members) <= limit:
            keep.update(course.key for course in members)
            continue
        orderings = (
            lambda c: (NO_PRICE if c.price_cents is None else c.price_cents, c.hours, -c.interest, c.key),
            lambda c: (
                NO_PRICE if c.member_price_cents is None else c.member_price_cents,
                c.hours,
                -c.interest,
                c.key,
            ),
            lambda c: (c.hours, NO_PRICE if c.price_cents is None else c.price_cents, -c.interest, c.key),
            lambda c: (-c.interest, NO_PRICE if c.price_cents is None else c.price_cents, c.key),
        )
        for ordering in orderings:
            keep.update(course.key for course in sorted(members, key=ordering)[:limit])
    courses = tuple(course for course in inp.courses if course.key in keep)
    return PlanInput(inp.needs, courses, inp.offers, inp.limits, inp.excluded)
