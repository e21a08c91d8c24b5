"""The planner against exhaustive enumeration on 220 seeded random small instances.

Each instance has ≤ 16 courses (AAMA-approved, outside credit, CPR cards, college credit, too-short
courses), up to 3 offers (subscription, membership, bundle), held memberships, earned outside credit,
taken courses and limits. The enumeration below is written independently of the planner: every subset of
the usable courses × every set of bought offers, each course paid its cheapest way, feasibility by the
CMA counting rule in numpy. Only the credit a course gives comes from the rules engine.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from catalog.records import Course, Offer, parse_record
from recommender.planner.api import plan
from recommender.planner.checker import check_plan
from recommender.planner.model import PlanResult, PlanStatus
from recommender.rules.engine import contribution, cpr_cards_left
from recommender.rules.profile import Profile, parse_profile

TODAY = date(2026, 1, 15)
CYCLE_END = date(2027, 6, 30)
AREAS = ("administrative", "clinical", "general")
PROVIDERS = ("alpha", "beta")
SEEDS = range(220)
BIG = 10**12


def _offers(rnd: random.Random) -> list[Offer]:
    offers = []
    for provider in PROVIDERS:
        for kind in ("subscription", "membership", "bundle"):
            if rnd.random() < 0.3 and len(offers) < 3:
                raw = {"type": "offer", "provider": provider, "offer_id": f"{provider}-{kind}",
                       "name": kind, "kind": kind, "price": rnd.choice([15, 25, 40, 60, 90]),
                       "source": "import"}  # fmt: skip
                offers.append(parse_record(raw))
    return offers  # type: ignore[return-value]


def _course(rnd: random.Random, index: int, offers: list[Offer]) -> Course:
    provider = rnd.choice(PROVIDERS)
    hours = rnd.choice([Decimal("0.5"), Decimal(1), Decimal("1.5"), Decimal(2), Decimal(3), Decimal(4)])
    areas = rnd.sample(AREAS, rnd.choice([1, 1, 2]))
    split = {areas[0]: hours} if len(areas) == 1 else {areas[0]: hours / 2, areas[1]: hours / 2}
    raw: dict[str, object] = {
        "provider": provider, "course_id": f"c{index:02d}", "title": f"Course {index}",
        "url": f"https://{provider}.example/c{index}", "format": rnd.choice(["online", "online", "live"]),
        "hours": hours, "source": "import", "content_areas": split,
    }  # fmt: skip
    kind = rnd.random()
    if kind < 0.1:
        raw["kind"] = "cpr_card"
    elif kind < 0.14:
        raw["kind"] = "college_credit"
        raw["extras"] = {"college_credits": rnd.choice([1, 2])}
    elif kind < 0.7:
        raw["approvals"] = [{"body": "AAMA", "credits": hours, "categories": split}]
    own = [o for o in offers if o.provider == provider and o.kind != "membership"]
    included = rnd.random() < 0.35 and own
    if included:
        raw["included_in"] = [rnd.choice(own).offer_id]
    if not included or rnd.random() < 0.6:
        raw["price"] = rnd.choice([0, 5, 10, 12.5, 20, 25, 35, 49, 60])
        if rnd.random() < 0.3:
            raw["member_price"] = Decimal(str(raw["price"])) * Decimal("0.6")
    if rnd.random() < 0.04:
        raw["currency"] = "EUR"
    if rnd.random() < 0.04:
        raw["available_from"] = "2027-09-01"
    elif rnd.random() < 0.04:
        raw["available_until"] = "2025-12-31"
    return parse_record(raw)  # type: ignore[return-value]


def _profile(rnd: random.Random, courses: list[Course], offers: list[Offer]) -> Profile:
    cards = rnd.choice([0, 0, 1, 3])
    earned = {}
    for area in AREAS:
        approved = rnd.randint(8, 19) + (4 * cards if area == "clinical" else 0)
        earned[area] = {"approved": approved, "other": rnd.choice([0, 0, 2, 5])}
    limits: dict[str, object] = {}
    if rnd.random() < 0.4:
        limits["budget"] = rnd.choice([20, 50, 80, 120, 200])
    if rnd.random() < 0.3:
        limits["max_hours"] = rnd.choice([6, 10, 15, 25])
    if rnd.random() < 0.2:
        limits["formats"] = ["online"]
    if rnd.random() < 0.1:
        limits["avoid_providers"] = ["beta"]
    memberships = [o.offer_id for o in offers if rnd.random() < 0.25]
    taken = [c.course_id for c in courses if rnd.random() < 0.08]
    raw = {"credentials": [{"id": "cma_aama", "cycle_end": CYCLE_END.isoformat(), "earned": earned,
                            "cpr_cards": cards}],
           "memberships": memberships, "taken": taken, "limits": limits}  # fmt: skip
    return parse_profile(raw)


@dataclass
class Instance:
    courses: list[Course]
    offers: list[Offer]
    profile: Profile


def make_instance(seed: int) -> Instance:
    rnd = random.Random(seed)
    offers = _offers(rnd)
    courses = [_course(rnd, i, offers) for i in range(rnd.randint(4, 16))]
    return Instance(courses, offers, _profile(rnd, courses, offers))


# --- the enumeration ---------------------------------------------------------------------------------------


def _usable(course: Course, profile: Profile) -> bool:
    limits = profile.limits
    return not (
        course.course_id in profile.taken
        or (limits.formats and course.format not in limits.formats)
        or course.provider in limits.avoid_providers
        or course.currency != "USD"
        or (course.available_until is not None and course.available_until < TODAY)
        or (course.available_from is not None and course.available_from > CYCLE_END)
    )


def _price(course: Course, owned: set[str], member_of: set[str]) -> float:
    options = []
    if course.price is not None:
        options.append(float(course.price))
    if course.member_price is not None and course.provider in member_of:
        options.append(float(course.member_price))
    if any(offer_id in owned for offer_id in course.included_in):
        options.append(0.0)
    return min(options) if options else float("inf")


@dataclass
class Enumerated:
    feasible: np.ndarray  # per course subset: meets every requirement within the limits
    meets: np.ndarray  # per subset: meets every requirement, limits aside
    cost: np.ndarray  # per subset: cheapest cost in cents over bought offers (inf if unbuyable)
    cost_no_budget: np.ndarray
    hours: np.ndarray
    quantities: dict[str, np.ndarray]  # requirement → the counted quantity per subset
    has_required: np.ndarray  # per subset: holds every required course


def enumerate_plans(inst: Instance, required: frozenset[tuple[str, str]] = frozenset()) -> Enumerated:
    """Every plan; ``required``: courses every plan must hold (those she added and that can be had)."""
    profile = inst.profile
    held = profile.credentials[0]
    rule = held.rules.counting
    usable = [c for c in inst.courses if _usable(c, profile)]
    n = len(usable)
    masks = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(np.float64)
    approved = np.zeros((n, 3))
    other = np.zeros((n, 3))
    card = np.zeros(n)
    for j, course in enumerate(usable):
        given = contribution(course, rule)
        if not given.counts:
            continue
        card[j] = given.cpr_card
        for k, area in enumerate(AREAS):
            approved[j, k] = float(given.approved.get(area, 0))
            other[j, k] = float(given.other.get(area, 0))
    cards = masks @ card
    approved_sum = masks @ approved + np.array([float(held.standing.approved.get(a, 0)) for a in AREAS])
    left = cpr_cards_left(rule, held.standing) or 0
    approved_sum[:, 1] -= np.maximum(0.0, cards - left) * float(
        rule.cpr_points
    )  # cards over the limit give nothing
    other_sum = masks @ other + np.array([float(held.standing.other.get(a, 0)) for a in AREAS])
    cap = float(rule.other_cap)
    minimum = np.array([float(rule.area_minimums[a]) for a in AREAS])
    lower = np.maximum(0.0, minimum - approved_sum)
    eps = 1e-9
    feasible = (
        np.all(lower <= other_sum + eps, axis=1)
        & (lower.sum(axis=1) <= cap + eps)
        & (approved_sum.sum(axis=1) >= float(rule.approved_minimum) - eps)
        & (
            approved_sum.sum(axis=1) + np.minimum(cap, other_sum.sum(axis=1))
            >= float(rule.total_required) - eps
        )
    )
    hours = masks @ np.array([float(c.hours) for c in usable])
    held_ids = {m for m in profile.memberships}
    budget = float(profile.limits.budget) * 100 if profile.limits.budget is not None else np.inf
    max_hours = float(profile.limits.max_hours) if profile.limits.max_hours is not None else np.inf
    cost = np.full(2**n, np.inf)
    cost_no_budget = np.full(2**n, np.inf)
    buyable = [o for o in inst.offers if o.offer_id not in held_ids and o.currency == "USD"]
    for bought in itertools.chain.from_iterable(
        itertools.combinations(buyable, r) for r in range(len(buyable) + 1)
    ):
        owned = held_ids | {o.offer_id for o in bought}
        member_of = {o.provider for o in inst.offers if o.kind == "membership" and o.offer_id in owned}
        prices = np.array([_price(c, owned, member_of) for c in usable]) * 100
        with np.errstate(invalid="ignore"):
            subset_cost = np.where(masks > 0, prices, 0.0).sum(axis=1) + sum(
                float(o.price) * 100 for o in bought
            )
        cost_no_budget = np.minimum(cost_no_budget, subset_cost)
        cost = np.minimum(cost, np.where(subset_cost <= budget + eps, subset_cost, np.inf))
    has = np.all(masks[:, [j for j, c in enumerate(usable) if c.key in required]] > 0, axis=1)
    feasible &= has
    cost[~has] = np.inf
    cost_no_budget[~has] = np.inf
    within = (cost < np.inf) & (hours <= max_hours + eps)
    quantities = {
        **{
            f"area_minimum[{a}]": approved_sum[:, k] + np.minimum(other_sum[:, k], cap)
            for k, a in enumerate(AREAS)
        },
        "approved_minimum": approved_sum.sum(axis=1),
        "total_required": approved_sum.sum(axis=1) + np.minimum(cap, other_sum.sum(axis=1)),
    }
    return Enumerated(feasible & within, feasible, cost, cost_no_budget, hours, quantities, has)


def _plan(inst: Instance):  # type: ignore[no-untyped-def]
    return plan(inst.courses, inst.offers, inst.profile, today=TODAY)


def _check_reason(inst: Instance, found: Enumerated, reason, both: bool) -> None:  # type: ignore[no-untyped-def]
    """A reason's numbers are what the enumeration finds for that requirement (``both``: the budget and
    the hours were each named, for the cheapest plan with neither limit)."""
    limits = inst.profile.limits
    hours_ok = found.hours <= (float(limits.max_hours) if limits.max_hours is not None else np.inf) + 1e-9
    if both:
        cheapest = found.cost_no_budget[found.meets].min()
        if reason.requirement == "budget":
            assert float(reason.needed) * 100 == pytest.approx(cheapest)
            return
        if reason.requirement == "max_hours":
            plans = found.meets & np.isclose(found.cost_no_budget, cheapest)
            assert np.isclose(found.hours[plans], float(reason.needed)).any()
            return
    if reason.requirement == "budget":
        assert float(reason.needed) * 100 == pytest.approx(found.cost_no_budget[found.meets & hours_ok].min())
        return
    if reason.requirement == "max_hours":
        assert float(reason.needed) == pytest.approx(found.hours[found.meets & np.isfinite(found.cost)].min())
        return
    if reason.requirement == "all_requirements":
        assert not found.feasible.any()
        return
    requirement = reason.requirement.split(":", 1)[1]
    if requirement == "outside_cap":
        assert reason.needed > reason.best
        return
    pool = (np.isfinite(found.cost) & hours_ok) if reason.within_limits else found.has_required
    assert float(reason.best) == pytest.approx(found.quantities[requirement][pool].max(), abs=1e-6)
    assert reason.best < reason.needed


@pytest.mark.parametrize("seed", SEEDS)
def test_plan_cost_equals_enumerated_optimum(seed: int) -> None:
    inst = make_instance(seed)
    _plan_equals_enumerated_optimum(inst, enumerate_plans(inst))


def _can_be_had(inst: Instance, course: Course) -> bool:
    """Is ``course`` one the planner must put in a plan when she adds it: usable, sold (a price, or
    an offer in the list that includes it) and giving credit?"""
    sold = course.price is not None or any(
        offer.offer_id in course.included_in and offer.provider == course.provider for offer in inst.offers
    )
    rule = inst.profile.credentials[0].rules.counting
    return _usable(course, inst.profile) and sold and contribution(course, rule).counts


@pytest.mark.parametrize("seed", range(1000, 1000 + len(SEEDS)))
def test_plan_with_added_courses_equals_enumerated_optimum(seed: int) -> None:
    """She added one to three courses to her plan (some of them ones no plan can hold): the plan is the
    cheapest of the plans holding every one that can be had, and names the others in its notes."""
    inst = make_instance(seed)
    rnd = random.Random(seed)
    added = rnd.sample(inst.courses, min(len(inst.courses), rnd.choice([1, 1, 2, 3])))
    inst = Instance(inst.courses, inst.offers, replace(inst.profile, planned=tuple(c.key for c in added)))
    required = frozenset(c.key for c in added if _can_be_had(inst, c))
    result = _plan_equals_enumerated_optimum(inst, enumerate_plans(inst, required))
    if result.status is PlanStatus.OPTIMAL:
        assert required <= {(c.provider, c.course_id) for c in result.courses}
        assert all(c.added == ((c.provider, c.course_id) in required) for c in result.courses)
    for course in added:
        if course.key not in required:
            assert any(f"“{course.title}”, which you added" in n for n in result.notes)


def _plan_equals_enumerated_optimum(inst: Instance, found: Enumerated) -> PlanResult:
    result = _plan(inst)
    if found.feasible.any():
        assert result.status is PlanStatus.OPTIMAL, result.reasons
        assert float(result.total_cost) * 100 == pytest.approx(found.cost[found.feasible].min())
        # the first tie-break: fewest hours among the cheapest plans
        cheapest = found.feasible & np.isclose(found.cost, found.cost[found.feasible].min())
        assert float(result.total_hours) == pytest.approx(found.hours[cheapest].min())
        assert check_plan(result, inst.profile, inst.courses, inst.offers, today=TODAY) == []
    else:
        assert result.status is PlanStatus.INFEASIBLE
        assert result.reasons and all(r.message for r in result.reasons)
        named = {r.requirement for r in result.reasons}
        if found.meets.any():  # a plan exists without the limits: the reasons say how far to raise them
            assert named & {"budget", "max_hours"}, result.reasons
        both = {"budget", "max_hours"} <= named
        for reason in result.reasons:  # every reason, those saying how far to raise a limit too
            _check_reason(inst, found, reason, both)
    return result


def test_the_checker_flags_a_plan_that_leaves_out_an_added_course() -> None:
    """The independent checker: a plan without a course she added (one that can be had) is wrong, even
    when it meets every requirement; with the course it is right."""
    for seed in range(1000, 1000 + len(SEEDS)):
        inst = make_instance(seed)
        rnd = random.Random(seed)
        added = [c for c in inst.courses if _can_be_had(inst, c)]
        if not added:
            continue
        wanted = rnd.choice(added)
        inst = Instance(inst.courses, inst.offers, replace(inst.profile, planned=(wanted.key,)))
        result = _plan(inst)
        if result.status is not PlanStatus.OPTIMAL:
            continue
        assert check_plan(result, inst.profile, inst.courses, inst.offers, today=TODAY) == []
        unpinned = replace(inst.profile, planned=())
        without = plan(inst.courses, inst.offers, unpinned, today=TODAY)
        if without.status is not PlanStatus.OPTIMAL or wanted.key in {
            (c.provider, c.course_id) for c in without.courses
        }:
            continue
        problems = check_plan(without, inst.profile, inst.courses, inst.offers, today=TODAY)
        assert problems == [
            f"{wanted.provider}/{wanted.course_id}: added to the plan by the user but not in it"
        ]
        return
    pytest.fail("no instance where the cheapest plan leaves the added course out")
