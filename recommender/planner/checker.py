"""An independent check of a reported plan against the course records, the profile and the rules engine.

It does not reuse the planner's pricing or counting: progress is recomputed with
``recommender.rules.engine`` (contribution → add → count/missing) and prices straight from the records.
Returns a list of problems in words; an empty list means the plan is valid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from catalog.records import Course, Offer
from recommender.planner.model import PlanResult
from recommender.rules.engine import CredentialRules, add, contribution, count, missing
from recommender.rules.profile import HeldCredential, Profile

ZERO = Decimal(0)


def _allowed_prices(course: Course, owned: set[str], member_providers: set[str]) -> list[Decimal]:
    prices: list[Decimal] = []
    if course.price is not None:
        prices.append(course.price)
    if course.member_price is not None and course.provider in member_providers:
        prices.append(course.member_price)
    if any(offer_id in owned for offer_id in course.included_in):
        prices.append(ZERO)
    return prices


def _owned(profile: Profile, result: PlanResult, offers: Iterable[Offer]) -> tuple[set[str], set[str]]:
    """Offer ids held or bought, and providers whose membership is held or bought."""
    owned = {o.offer_id for o in result.offers} | {m.split("/")[-1] for m in profile.memberships}
    members = {o.provider for o in offers if o.kind == "membership" and o.offer_id in owned}
    return owned, members


def check_plan(
    result: PlanResult,
    profile: Profile,
    courses: Iterable[Course],
    offers: Iterable[Offer],
    *,
    rules: Mapping[str, CredentialRules] | None = None,
    inferred_areas: Mapping[tuple[str, str], str] | None = None,
    today: date | None = None,
) -> list[str]:
    """Problems with ``result`` (empty when every requirement, price and limit checks out)."""
    records = {c.key: c for c in courses}
    offer_records = {o.key: o for o in offers}
    problems: list[str] = []
    owned, members = _owned(profile, result, offer_records.values())
    total = ZERO
    hours = ZERO
    chosen: list[Course] = []
    for item in result.courses:
        course = records.get((item.provider, item.course_id))
        if course is None:
            problems.append(f"{item.provider}/{item.course_id}: not in the course list")
            continue
        chosen.append(course)
        problems.extend(_course_problems(course, profile, today or date.today()))
        allowed = _allowed_prices(course, owned, members)
        if not allowed or item.price_paid != min(allowed):
            problems.append(f"{course.course_id}: paid {item.price_paid}, cheapest allowed is {allowed}")
        total += item.price_paid
        hours += course.hours
    for offer in result.offers:
        record = offer_records.get((offer.provider, offer.offer_id))
        if record is None or record.price != offer.price:
            problems.append(f"offer {offer.offer_id}: not in the list at {offer.price}")
        total += offer.price
    if total != result.total_cost:
        problems.append(f"total cost {result.total_cost} but the parts add up to {total}")
    limits = profile.limits
    if limits.budget is not None and total > limits.budget:
        problems.append(f"costs {total}, over the budget of {limits.budget}")
    if limits.max_hours is not None and hours > limits.max_hours:
        problems.append(f"takes {hours} h, over the limit of {limits.max_hours}")
    problems.extend(_credit_problems(result, profile, chosen, rules or {}, inferred_areas or {}))
    problems.extend(
        _added_problems(result, profile, records, offer_records, rules or {}, today or date.today())
    )
    return problems


def _added_problems(
    result: PlanResult,
    profile: Profile,
    records: Mapping[tuple[str, str], Course],
    offers: Mapping[tuple[str, str], Offer],
    rules: Mapping[str, CredentialRules],
    today: date,
) -> list[str]:
    """Courses she added to her plan that the plan leaves out although nothing rules them out: a
    course in the list, not filtered out, sold (a price or an offer in the list) and giving credit."""
    planned = {(item.provider, item.course_id) for item in result.courses}
    problems = []
    for key in profile.planned:
        course = records.get(key)
        if course is None or key in planned or _course_problems(course, profile, today):
            continue
        if course.price is None and not any((course.provider, o) in offers for o in course.included_in):
            continue
        credit = any(
            contribution(course, rules.get(held.id, held.rules).counting).counts
            and not _after_cycle(course, held)
            for held in profile.credentials
        )
        if credit:
            problems.append(f"{key[0]}/{key[1]}: added to the plan by the user but not in it")
    return problems


def _after_cycle(course: Course, held: HeldCredential) -> bool:
    """Does ``course`` start only after ``held``'s cycle ends (so it cannot count for it)?"""
    return bool(course.available_from and held.cycle_end and course.available_from > held.cycle_end)


def _course_problems(course: Course, profile: Profile, today: date) -> list[str]:
    limits = profile.limits
    name = course.course_id
    problems = []
    if name in profile.already_taken or f"{course.provider}/{name}" in profile.already_taken:
        problems.append(f"{name}: already taken")
    if limits.formats and course.format not in limits.formats:
        problems.append(f"{name}: format {course.format} not accepted")
    if course.provider in limits.avoid_providers:
        problems.append(f"{name}: provider {course.provider} avoided")
    if course.currency != "USD":
        problems.append(f"{name}: priced in {course.currency}")
    if course.available_until is not None and course.available_until < today:
        problems.append(f"{name}: no longer available")
    return problems


def _credit_problems(
    result: PlanResult,
    profile: Profile,
    chosen: list[Course],
    rules: Mapping[str, CredentialRules],
    inferred: Mapping[tuple[str, str], str],
) -> list[str]:
    problems = []
    totals = {t.credential_id: t for t in result.credentials}
    for held in profile.credentials:
        rule = rules.get(held.id, held.rules).counting
        standing = held.standing
        for course in chosen:
            if _after_cycle(course, held):
                continue
            given = contribution(
                course,
                rule,
                inferred_area=inferred.get(course.key),
                allow_inferred=profile.allow_inferred_areas,
            )
            standing = add(standing, given)
        still = missing(rule, standing)
        if not still.complete:
            problems.append(f"{held.id}: still missing {still}")
        counted = count(rule, standing)
        reported = totals.get(held.id)
        if reported is None or reported.counted_total != counted.total:
            got = None if reported is None else reported.counted_total
            problems.append(f"{held.id}: reports {got} counted, the rules engine counts {counted.total}")
    return problems
