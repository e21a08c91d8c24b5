"""Turning a chosen selection into a reported plan: what each course costs and gives, per-credential totals.

Dollars are ``Decimal`` (cents / 100), hours contact hours, credit in each credential's unit.
"""

from __future__ import annotations

from decimal import Decimal

from recommender.planner.evaluate import (
    active_offers,
    course_payment,
    courses_by_key,
    progress,
    selection_cost,
    selection_hours,
)
from recommender.planner.model import (
    ChosenCourse,
    ChosenOffer,
    CourseOption,
    CredentialTotals,
    PlanInput,
    PlanResult,
    PlanStatus,
    Selection,
)

ZERO = Decimal(0)
CENTS = Decimal(100)


def dollars(cents: int) -> Decimal:
    return (Decimal(cents) / CENTS).quantize(Decimal("0.01"))


def _course(course: CourseOption, active: frozenset[tuple[str, str]], added: bool) -> ChosenCourse:
    payment = course_payment(course, active)
    assert payment is not None, "a selected course must be payable"
    credits = {
        credit.credential_id: {
            area: credit.approved.get(area, ZERO) + credit.other.get(area, ZERO)
            for area in sorted(set(credit.approved) | set(credit.other))
        }
        for credit in course.credits
    }
    return ChosenCourse(
        provider=course.provider,
        course_id=course.course_id,
        title=course.title,
        hours=course.hours,
        price_paid=dollars(payment.cents),
        paid_as=payment.mode,
        via_offer=payment.via_offer,
        credits=credits,
        url=course.url,
        added=added,
    )


def credential_totals(
    inp: PlanInput, chosen: list[CourseOption], cost_cents: int
) -> tuple[CredentialTotals, ...]:
    totals: list[CredentialTotals] = []
    for need in inp.needs:
        before = progress(need, [])
        after = progress(need, chosen)
        gained = after.total - before.total
        per_credit = (dollars(cost_cents) / gained).quantize(Decimal("0.01")) if gained > 0 else None
        totals.append(
            CredentialTotals(
                credential_id=need.credential_id,
                name=need.name,
                unit=need.unit,
                counted_areas=dict(after.areas),
                counted_approved=after.approved,
                counted_other=after.other,
                counted_total=after.total,
                required_total=need.total_required,
                plan_credit=gained,
                cost_per_credit=per_credit,
            )
        )
    return tuple(totals)


def assemble(inp: PlanInput, selection: Selection, status: PlanStatus) -> PlanResult:
    """The reported plan for ``selection`` (courses sorted by provider and id)."""
    active = active_offers(inp, selection.offers)
    chosen = sorted(courses_by_key(inp, selection.courses), key=lambda c: c.key)
    cost = selection_cost(inp, selection)
    assert cost is not None
    offers = tuple(
        ChosenOffer(o.provider, o.offer_id, o.name, o.kind, dollars(o.price_cents))
        for o in inp.offers
        if o.key in selection.offers
    )
    return PlanResult(
        status=status,
        total_cost=dollars(cost),
        total_hours=selection_hours(inp, selection),
        courses=tuple(_course(course, active, course.key in inp.limits.include) for course in chosen),
        offers=offers,
        credentials=credential_totals(inp, chosen, cost),
        excluded=inp.excluded,
    )


def empty_result(inp: PlanInput, status: PlanStatus) -> PlanResult:
    """A result without a plan (infeasible, or out of time before any plan was found)."""
    return PlanResult(
        status=status,
        total_cost=ZERO,
        total_hours=ZERO,
        courses=(),
        offers=(),
        credentials=credential_totals(inp, [], 0),
        excluded=inp.excluded,
    )
