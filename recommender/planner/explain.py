"""Explanations in words, courses by title: why each course is in the plan (the gap it fills, its cost per
unit), what each subscription or membership saves against buying à la carte (and its break-even), what
the runner-up costs.

Money in dollars, credit in each credential's unit.
"""

from __future__ import annotations

from decimal import Decimal

from recommender.planner.evaluate import (
    active_offers,
    course_payment,
    courses_by_key,
    progress,
    selection_cost,
)
from recommender.planner.model import Alternative, CourseOption, OfferOption, PlanInput, Selection
from recommender.planner.result import dollars
from recommender.rules.model import ANY_AREA

ZERO = Decimal(0)


def _fmt(amount: Decimal) -> str:
    text = f"{amount.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text or "0"


def _area_words(area: str) -> str:
    """An area for people: the rules' "any" (credentials without areas) is "any area"."""
    return "any area" if area == ANY_AREA else area


def _gaps(inp: PlanInput) -> dict[str, dict[str, Decimal]]:
    """Credential → requirement → shortfall before the plan."""
    return {need.credential_id: dict(progress(need, []).missing) for need in inp.needs}


def _why_course(
    inp: PlanInput, course: CourseOption, paid_cents: int, gaps: dict[str, dict[str, Decimal]]
) -> str:
    parts: list[str] = []
    total_credit = ZERO
    for credit in course.credits:
        need = next(n for n in inp.needs if n.credential_id == credit.credential_id)
        missing = gaps[need.credential_id]
        filled: list[str] = []
        for area in sorted(set(credit.approved) | set(credit.other)):
            amount = credit.approved.get(area, ZERO) + credit.other.get(area, ZERO)
            kind = f"{need.body}-approved" if area in credit.approved else "outside"
            short = missing.get(f"area_minimum[{area}]")
            where = f"the {area} minimum ({_fmt(short)} short)" if short else _area_words(area)
            filled.append(f"{_fmt(amount)} {kind} {need.unit}s toward {where}")
            total_credit += amount
        if credit.approved and "approved_minimum" in missing:
            filled.append(f"the {need.body}-approved minimum ({_fmt(missing['approved_minimum'])} short)")
        if "total_required" in missing:
            filled.append(f"the total ({_fmt(missing['total_required'])} short)")
        parts.append(f"{need.name}: " + ", ".join(filled))
    per = f", ${dollars(paid_cents) / total_credit:.2f} per unit" if total_credit > 0 and paid_cents else ""
    price = f"${dollars(paid_cents)}" if paid_cents else "no extra cost"
    added = "you added it to your plan; " if course.key in inp.limits.include else ""
    return f"{course.title} ({added}{price}{per}) — " + "; ".join(parts)


def _offer_savings(inp: PlanInput, selection: Selection, offer: OfferOption) -> str:
    """What the plan would cost without ``offer`` for its courses, against its price (break-even)."""
    active = active_offers(inp, selection.offers)
    without = active - {offer.key}
    saved = 0
    only_through = []
    for course in courses_by_key(inp, selection.courses):
        with_it = course_payment(course, active)
        alone = course_payment(course, without)
        if with_it is None:
            continue
        if alone is None:
            only_through.append(course.title)
            continue
        saved += alone.cents - with_it.cents
    price = 0 if offer.held else offer.price_cents
    verb = "you already hold" if offer.held else f"buying it for ${dollars(offer.price_cents)}"
    words = (
        f"{offer.name} ({offer.kind}): {verb} saves ${dollars(saved)} against à la carte prices on this plan"
    )
    if not offer.held:
        net = saved - price
        words += f" (net {'+' if net >= 0 else '−'}${dollars(abs(net))}; it pays for itself once it saves "
        words += f"${dollars(price)})"
    if only_through:
        words += "; only through it: " + ", ".join(only_through)
    return words


def explain(inp: PlanInput, selection: Selection, alternatives: tuple[Alternative, ...]) -> tuple[str, ...]:
    """Lines of explanation for the plan ``selection``."""
    gaps = _gaps(inp)
    lines: list[str] = []
    active = active_offers(inp, selection.offers)
    for course in sorted(courses_by_key(inp, selection.courses), key=lambda c: c.key):
        payment = course_payment(course, active)
        lines.append(_why_course(inp, course, payment.cents if payment else 0, gaps))
    for offer in inp.offers:
        if offer.key in selection.offers or (offer.held and any(
            offer.key in (c.included_in + c.member_offers) for c in courses_by_key(inp, selection.courses)
        )):  # fmt: skip
            lines.append(_offer_savings(inp, selection, offer))
    runner = next((a for a in alternatives if a.name == "runner_up_1"), None)
    cost = dollars(selection_cost(inp, selection) or 0)
    if runner is not None:
        lines.append(f"runner-up plan: ${runner.total_cost} (+${runner.total_cost - cost}): {runner.changes}")
    return tuple(lines)
