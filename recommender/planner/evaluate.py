"""Exact (Decimal) pricing and counting of a candidate plan, outside the solver.

The solver works in floats; every plan it returns is re-priced and re-counted here before it is
reported, and the zero-cost clean-up uses these functions to drop courses nothing needs.
Units: cents for money, the credential's unit for credit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from recommender.planner.model import CourseKey, CourseOption, CredentialNeed, OfferKey, PlanInput, Selection

ZERO = Decimal(0)


@dataclass(frozen=True)
class Payment:
    """How one course is paid for in a plan: mode "list" | "member" | "included" | "free"."""

    mode: str
    cents: int
    via_offer: OfferKey | None = None


@dataclass(frozen=True)
class Progress:
    """One credential after a plan: counted credit per area, approved/other split, what is still missing."""

    areas: Mapping[str, Decimal]
    approved: Decimal
    other: Decimal
    missing: Mapping[str, Decimal]  # requirement name → shortfall (only the unmet ones)

    @property
    def total(self) -> Decimal:
        return self.approved + self.other

    @property
    def complete(self) -> bool:
        return not self.missing


def course_payment(course: CourseOption, active_offers: frozenset[OfferKey]) -> Payment | None:
    """The cheapest way to pay for ``course`` given the offers held or bought; None if it can't be had."""
    if course.price_cents == 0:
        return Payment("free", 0)
    for offer in course.included_in:
        if offer in active_offers:
            return Payment("included", 0, offer)
    options: list[Payment] = []
    if course.price_cents is not None:
        options.append(Payment("list", course.price_cents))
    if course.member_price_cents is not None:
        members = [offer for offer in course.member_offers if offer in active_offers]
        if members:
            options.append(Payment("member", course.member_price_cents, members[0]))
    return min(options, key=lambda p: (p.cents, p.mode != "member")) if options else None


def active_offers(inp: PlanInput, bought: Iterable[OfferKey]) -> frozenset[OfferKey]:
    return frozenset(bought) | {offer.key for offer in inp.offers if offer.held}


def selection_cost(inp: PlanInput, selection: Selection) -> int | None:
    """Total cents of a selection (bought offers + cheapest payment of each course); None if unbuyable."""
    offers = {offer.key: offer for offer in inp.offers}
    active = active_offers(inp, selection.offers)
    courses = {course.key: course for course in inp.courses}
    total = sum(offers[key].price_cents for key in selection.offers if not offers[key].held)
    for key in selection.courses:
        payment = course_payment(courses[key], active)
        if payment is None:
            return None
        total += payment.cents
    return total


def selection_hours(inp: PlanInput, selection: Selection) -> Decimal:
    courses = {course.key: course for course in inp.courses}
    return sum((courses[key].hours for key in selection.courses), ZERO)


def progress(need: CredentialNeed, chosen: Iterable[CourseOption]) -> Progress:
    """Counted credit after taking ``chosen``: outside credit used where areas need it first, then up
    to the cap toward the total; CPR cards beyond the cards left do not count."""
    approved = {area: need.earned_approved.get(area, ZERO) for area in need.areas}
    other = {area: need.earned_other.get(area, ZERO) for area in need.areas}
    cards_left = need.cpr_cards_left
    credits = [c for c in (course.credit_for(need.credential_id) for course in chosen) if c is not None]
    for credit in sorted(credits, key=lambda c: -sum(c.approved.values())):
        if credit.cpr_card and cards_left is not None:
            if cards_left <= 0:
                continue
            cards_left -= 1
        for area, amount in credit.approved.items():
            approved[area] = approved.get(area, ZERO) + amount
        for area, amount in credit.other.items():
            other[area] = other.get(area, ZERO) + amount
    return _count(need, approved, other)


def _count(need: CredentialNeed, approved: dict[str, Decimal], other: dict[str, Decimal]) -> Progress:
    cap = need.other_cap
    used: dict[str, Decimal] = {}
    for area in need.areas:  # first the outside credit that area minimums need
        gap = max(ZERO, need.area_minimums.get(area, ZERO) - approved.get(area, ZERO))
        used[area] = min(gap, other.get(area, ZERO))
    room = None if cap is None else cap - sum(used.values())
    for area in need.areas:  # then the rest, up to the cap
        extra = other.get(area, ZERO) - used[area]
        if room is not None:
            extra = max(ZERO, min(extra, room))
            room -= extra
        used[area] += extra
    counted = {area: approved.get(area, ZERO) + used[area] for area in need.areas}
    approved_total = sum((approved.get(area, ZERO) for area in need.areas), ZERO)
    other_total = sum(used.values(), ZERO)
    missing: dict[str, Decimal] = {}
    for area in need.areas:
        short = need.area_minimums.get(area, ZERO) - counted[area]
        if short > 0:
            missing[f"area_minimum[{area}]"] = short
    if cap is not None and other_total > cap:
        missing["other_cap"] = other_total - cap
    if need.approved_minimum - approved_total > 0:
        missing["approved_minimum"] = need.approved_minimum - approved_total
    if need.total_required - approved_total - other_total > 0:
        missing["total_required"] = need.total_required - approved_total - other_total
    return Progress(counted, approved_total, other_total, missing)


def selection_meets(inp: PlanInput, courses: Iterable[CourseOption]) -> bool:
    chosen = list(courses)
    return all(progress(need, chosen).complete for need in inp.needs)


def within_limits(inp: PlanInput, selection: Selection) -> bool:
    cost = selection_cost(inp, selection)
    if cost is None:
        return False
    if inp.limits.budget_cents is not None and cost > inp.limits.budget_cents:
        return False
    return inp.limits.max_hours is None or selection_hours(inp, selection) <= inp.limits.max_hours


def courses_by_key(inp: PlanInput, keys: Iterable[CourseKey]) -> list[CourseOption]:
    wanted = set(keys)
    return [course for course in inp.courses if course.key in wanted]
