"""Presolve: drop courses that better courses with exactly the same credit, offers and payment options
make pointless, keeping enough of each kind to fill any gap.

Courses in one group differ only in price, member price, hours, interest and id. Two facts:

1. *Copies.* A plan nothing can be removed from (every optimum is one: removing a course never costs
   more and always saves hours) holds at most ``copies_needed`` courses of a group: with more, the others
   alone give at least the largest gap G in every area the course counts in (each gives at least the
   course's smallest credit amount a, and ⌈G / a⌉ of them give ≥ G), so one could be dropped.
2. *Swap.* If the optimum pays course B in mode m (list price, member price, or free/included) and a
   group member A, better than B in the order the objectives rank mode m, is not in the plan, then the
   plan with A instead of B meets every requirement (same credit), costs no more, and is strictly better
   in the lexicographic order — impossible. So every member better than B in mode m is in the plan too.

Hence keeping, per group and mode, the best ``copies_needed`` (× ``plans`` when up to ``plans − 1`` other
plans are excluded by no-good cuts, for runner-ups) keeps every optimum. With an upper bound on the
optimal cost, ``prune_by_cost`` also drops B when the members that must come with it already cost more.
Every objective order used ends with hours and interest before the course id, so one order per mode —
the one of the objective — is enough for each.

Courses she added to her plan (``Limits.include``) are in every plan: each is a group of its own,
kept by every step. Both facts above are about courses a plan can do without, so they still hold for
every other group (a pinned course only lowers what the others must give).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from recommender.planner.model import CourseCredit, CourseOption, CredentialNeed, OfferKey, PlanInput

ZERO = Decimal(0)
NO_PRICE = math.inf
PINNED = "pinned"  # the group key of a course she added to her plan (one group per such course)


def largest_gap(need: CredentialNeed) -> Decimal:
    """The largest amount any one requirement of ``need`` still misses (earned approved credit counted)."""
    earned = sum((need.earned_approved.get(area, ZERO) for area in need.areas), ZERO)
    gaps = [need.total_required - earned, need.approved_minimum - earned]
    gaps += [need.area_minimums.get(a, ZERO) - need.earned_approved.get(a, ZERO) for a in need.areas]
    return max(ZERO, *gaps)


def copies_needed(credits: tuple[CourseCredit, ...], needs: tuple[CredentialNeed, ...]) -> int:
    """How many courses giving ``credits`` a plan nothing can be removed from may hold (at least 1)."""
    by_id = {need.credential_id: need for need in needs}
    copies = 1
    for credit in credits:
        need = by_id.get(credit.credential_id)
        if need is None:
            continue
        amounts = [v for v in (*credit.approved.values(), *credit.other.values()) if v > 0]
        if not amounts:
            continue
        bound = math.ceil(largest_gap(need) / min(amounts))
        if credit.cpr_card and need.cpr_cards_left is not None:
            bound = min(bound, need.cpr_cards_left)
        copies = max(copies, bound)
    return copies


def gives_credit(credits: tuple[CourseCredit, ...]) -> bool:
    return any(
        any(v > 0 for v in credit.approved.values()) or any(v > 0 for v in credit.other.values())
        for credit in credits
    )


@dataclass(frozen=True)
class CreditFacts:
    """What the presolve needs of one credit tuple: a hashable signature, whether it gives anything,
    and ``copies_needed``."""

    signature: tuple[object, ...]
    useful: bool
    copies: int


class CreditMemo:
    """``CreditFacts`` computed once per credit tuple (the adapter shares one tuple per distinct credit)."""

    def __init__(self, needs: tuple[CredentialNeed, ...]):
        self.needs = needs
        self.known: dict[int, tuple[CreditFacts, tuple[CourseCredit, ...]]] = {}

    def facts(self, credits: tuple[CourseCredit, ...]) -> CreditFacts:
        known = self.known.get(id(credits))
        if known is None:
            signature = tuple(credit.signature() for credit in credits)
            facts = CreditFacts(signature, gives_credit(credits), copies_needed(credits, self.needs))
            known = self.known[id(credits)] = (facts, credits)  # the tuple is kept so its id stays unique
        return known[0]


def group_key(
    signature: tuple[object, ...],
    included_in: tuple[OfferKey, ...],
    member_offers: tuple[OfferKey, ...],
    price_cents: int | None,
    member_price_cents: int | None,
) -> tuple[object, ...]:
    """Courses with equal keys differ only in prices (of the same kind), hours, interest and id."""
    return (
        signature,
        included_in,
        member_offers,
        price_cents is None,
        price_cents == 0,
        member_price_cents is None,
    )


@dataclass(frozen=True)
class CourseArrays:
    """Courses as arrays: their group, its ``copies_needed``, the numbers the orders sort by."""

    group: npt.NDArray[np.int64]
    copies: npt.NDArray[np.int64]  # per course: copies_needed of its group
    price: npt.NDArray[np.float64]  # cents, inf when sold only through an offer
    member: npt.NDArray[np.float64]  # member price in cents, inf when none
    hours: npt.NDArray[np.float64]  # hundredths of an hour
    interest: npt.NDArray[np.float64]  # 0..1000, lower = better match
    rank: npt.NDArray[np.float64]


def hundredths(hours: Decimal) -> int:
    """Hundredths of an hour, as the presolve orders courses by."""
    return round(float(hours) * 100)


def interest_points(score: float) -> int:
    """1000 − round(1000 × score): lower is a better match."""
    return 1000 - round(1000 * score)


@dataclass(frozen=True)
class _Columns(CourseArrays):
    """The courses that give credit, with their arrays."""

    courses: list[CourseOption]


def _columns(inp: PlanInput) -> _Columns:
    memo = CreditMemo(inp.needs)
    courses: list[CourseOption] = []
    ids: dict[tuple[object, ...], int] = {}
    copies: list[int] = []
    group: list[int] = []
    pinned = inp.limits.include
    for course in inp.courses:
        facts = memo.facts(course.credits)
        if not facts.useful and course.key not in pinned:
            continue
        key = group_key(
            facts.signature,
            course.included_in,
            course.member_offers,
            course.price_cents,
            course.member_price_cents,
        )
        if course.key in pinned:  # a course she added: a group of its own, always kept (see PINNED)
            key = (PINNED, course.key)
        if key not in ids:
            ids[key] = len(ids)
            copies.append(1 if course.key in pinned else facts.copies)
        courses.append(course)
        group.append(ids[key])
    ranks = [course.rank for course in courses]
    if any(rank is None for rank in ranks):  # hand-built input: order by key
        order = sorted(range(len(courses)), key=lambda i: courses[i].key)
        ranks = [0] * len(courses)
        for position, i in enumerate(order):
            ranks[i] = position
    groups = np.array(group, dtype=np.int64)
    return _Columns(
        courses=courses,
        group=groups,
        copies=np.array(copies, dtype=np.int64)[groups] if courses else np.zeros(0, dtype=np.int64),
        price=np.array([NO_PRICE if c.price_cents is None else c.price_cents for c in courses], dtype=float),
        member=np.array(
            [NO_PRICE if c.member_price_cents is None else c.member_price_cents for c in courses], dtype=float
        ),
        hours=np.array([hundredths(c.hours) for c in courses], dtype=float),
        interest=np.array([interest_points(c.interest) for c in courses], dtype=float),
        rank=np.array(ranks, dtype=float),
    )


def _sorted_in_groups(
    cols: CourseArrays, within: npt.NDArray[np.bool_], *keys: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The indices of the courses ``within``, sorted by group then ``keys`` (first key first, rank
    last), and each one's place within its group (0 = best)."""
    index = np.flatnonzero(within)
    order = index[np.lexsort(tuple(key[index] for key in (cols.rank, *reversed(keys), cols.group)))]
    groups = cols.group[order]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    return order, np.arange(len(order)) - first


def order_starts(place: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """For each position in a group-sorted order, the position where its group starts."""
    return np.arange(len(place)) - place


def _sum_before(values: npt.NDArray[np.float64], place: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """For each position of a group-sorted order, the sum of the values before it in its group (inf
    if any of them is inf)."""
    finite = np.isfinite(values)
    running = np.cumsum(np.where(finite, values, 0.0))
    before = running - np.where(finite, values, 0.0)
    infinite = np.cumsum(~finite) - ~finite
    starts = order_starts(place)
    before -= before[starts]
    return np.where(infinite - infinite[starts] > 0, np.inf, before)


def _orders(cols: CourseArrays, variants: bool) -> list[tuple[npt.NDArray[np.float64], ...]]:
    """Per payment mode (list, member, free or included), the keys of the objective order: cost →
    hours → interest → id; with ``variants`` also fewest hours (hours → cost → interest → id) and best
    interest (interest → cost → hours → id)."""
    orders = [
        (cols.price, cols.hours, cols.interest),
        (cols.member, cols.hours, cols.interest),
        (cols.hours, cols.interest),
    ]
    if variants:
        orders += [
            (cols.hours, cols.price, cols.interest),
            (cols.hours, cols.member, cols.interest),
            (cols.hours, cols.interest),
            (cols.interest, cols.price, cols.hours),
            (cols.interest, cols.member, cols.hours),
            (cols.interest, cols.hours),
        ]
    return orders


def best_in_groups(cols: CourseArrays, *, plans: int = 1, variants: bool = False) -> npt.NDArray[np.bool_]:
    """Per group and order (see ``_orders``), its best ``copies_needed × plans`` courses."""
    everything = np.ones(len(cols.group), dtype=bool)
    keep = np.zeros(len(cols.group), dtype=bool)
    for keys in _orders(cols, variants):
        order, place = _sorted_in_groups(cols, everything, *keys)
        keep[order[place < cols.copies[order] * plans]] = True
    return keep


class Presolve:
    """The courses of ``inp`` as arrays, computed once, and the presolve steps as masks over them."""

    def __init__(self, inp: PlanInput):
        self.inp = inp
        self.cols = _columns(inp)

    def subset(self, keep: npt.NDArray[np.bool_]) -> PlanInput:
        """``inp`` with only the courses in ``keep`` (same order)."""
        kept = {self.cols.courses[i].key for i in np.flatnonzero(keep)}
        courses = tuple(course for course in self.inp.courses if course.key in kept)
        return PlanInput(self.inp.needs, courses, self.inp.offers, self.inp.limits, self.inp.excluded)

    def pinned(self) -> npt.NDArray[np.bool_]:
        """The courses she added to her plan (``Limits.include``): every plan holds them."""
        include = self.inp.limits.include
        return np.array([course.key in include for course in self.cols.courses], dtype=bool)

    def prune(self, *, plans: int = 1, variants: bool = False) -> npt.NDArray[np.bool_]:
        """Without useless and dominated courses. ``plans``: keep enough for the optimum and
        ``plans − 1`` runner-ups; ``variants``: also what the fewest-hours and best-interest orders need."""
        return best_in_groups(self.cols, plans=plans, variants=variants)

    def core(self, within: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """A small part: the best course of each group in each mode — any plan over it gives an upper
        bound on the optimal cost."""
        keep = np.zeros(len(self.cols.courses), dtype=bool)
        for keys in _orders(self.cols, variants=False):
            order, place = _sorted_in_groups(self.cols, within, *keys)
            keep[order[place == 0]] = True
        return keep

    def by_cost(self, within: npt.NDArray[np.bool_], upper_cents: float) -> npt.NDArray[np.bool_]:
        """Without the courses no least-cost plan (of cost ≤ ``upper_cents``) can hold: in each payment
        mode of B, the members that must come with B (swap, above) plus B itself cost more than the
        bound, or are more than ``copies_needed``; a mode is also out when the offer it needs is."""
        cols = self.cols
        reachable = {o.key for o in self.inp.offers if o.held or o.price_cents <= upper_cents + 0.5}
        included = np.array([any(o in reachable for o in c.included_in) for c in cols.courses], dtype=bool)
        member_ok = np.array([any(o in reachable for o in c.member_offers) for c in cols.courses], dtype=bool)
        paid = np.minimum(cols.price, cols.member)  # the least a course costs when not free via an offer
        keep = self.pinned()
        by_list, by_member, by_time = _orders(cols, variants=False)
        order, place = _sorted_in_groups(cols, within, *by_time)
        free = (cols.price == 0) | included
        keep[order[free[order] & (place < cols.copies[order])]] = True
        for keys, price, allowed in ((by_list, cols.price, None), (by_member, cols.member, member_ok)):
            order, place = _sorted_in_groups(cols, within, *keys)
            before = _sum_before(paid[order], place)
            fits = (place < cols.copies[order]) & (before + price[order] <= upper_cents + 0.5)
            if allowed is not None:
                fits &= allowed[order]
            keep[order[fits]] = True
        return keep


def prune(inp: PlanInput, *, plans: int = 1, variants: bool = False) -> PlanInput:
    """``inp`` without useless and dominated courses (see ``Presolve.prune``)."""
    presolve = Presolve(inp)
    return presolve.subset(presolve.prune(plans=plans, variants=variants))
