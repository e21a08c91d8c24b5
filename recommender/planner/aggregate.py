"""Interchangeable courses as one counted column.

Courses that give exactly the same credit to every held credential, take the same hours, are included
in and unlocked by the same offers and have the same quantised interest (round(1000 × score)) differ only
in their prices and course id. For every objective but the course-id rank, a plan's value depends only
on how many of such a group it takes and how many of each price class (list price, member price) it
pays for, so the model may hold one integer column per group (0 … group size) and per price class
count columns for paying (build.py) instead of binary columns per course — exact (any plan maps to
counts of the same value and back), and it removes the symmetry that makes HiGHS enumerate
interchangeable choices (~3,800 subscription courses at 100k, free once the subscription is bought).
Counts are turned back into the smallest-ranked courses of each price class, then of the group.
A course she added to her plan (``Limits.include``) is never merged: its column must be at least 1.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from recommender.planner.build import MilpModel, PriceClass
from recommender.planner.model import CourseKey, CourseOption, PlanInput, Selection
from recommender.planner.prune import PINNED


def interchangeable(course: CourseOption, credits: dict[int, Hashable] | None = None) -> Hashable:
    """Everything the model reads from a course except its prices, id, title, format, url and rank.
    ``credits``: a memo of credit signatures by credit tuple (the adapter shares one per credit)."""
    signature = None if credits is None else credits.get(id(course.credits))
    if signature is None:
        signature = tuple(sorted(credit.signature() for credit in course.credits))
        if credits is not None:
            credits[id(course.credits)] = signature
    return (
        signature,
        course.hours,
        tuple(sorted(course.included_in)),
        tuple(sorted(course.member_offers)),
        round(1000 * course.interest),
    )


def _price(course: CourseOption) -> tuple[int | None, int | None]:
    return (course.price_cents, course.member_price_cents)


@dataclass(frozen=True)
class Aggregated:
    """``inp``: one representative per group; ``members[j][n]``: the course keys of price class n of
    group j, best rank first; ``classes[j]``: its price classes (list price, member price, how many)."""

    inp: PlanInput
    members: tuple[tuple[tuple[CourseKey, ...], ...], ...]
    classes: tuple[tuple[PriceClass, ...], ...]
    rank: Mapping[CourseKey, int]  # place of every course in course-id order
    member_ranks: tuple[tuple[tuple[float, ...], ...], ...]  # per group and class, as in build_model

    def selection(self, model: MilpModel, values: npt.NDArray[np.float64]) -> Selection:
        """The plan of a solution of ``model`` (built with ``classes``): in each group, the courses
        paid in each price class (smallest-ranked first), then the rest of its count from the
        smallest-ranked courses left (they are free or included in a bought offer)."""
        courses: list[CourseKey] = []
        for j, group in enumerate(self.members):
            count = round(float(values[model.take[j]]))
            chosen: list[CourseKey] = []
            for keys, paid in zip(group, model.pay_classes.get(j, [()] * len(group)), strict=True):
                number = sum(round(float(values[col])) for col in paid if col is not None)
                chosen += keys[: max(0, min(number, count - len(chosen)))]
            taken = set(chosen)
            rest = sorted(
                (key for keys in group for key in keys if key not in taken), key=self.rank.__getitem__
            )
            courses += chosen + rest[: max(0, count - len(chosen))]
        held = {offer.key for offer in self.inp.offers if offer.held}
        offers = frozenset(key for key, col in model.buy.items() if values[col] > 0.5 and key not in held)
        return Selection(frozenset(courses), offers)


def aggregate(inp: PlanInput) -> Aggregated | None:
    """``inp`` with interchangeable courses merged, or None when no two courses are interchangeable."""
    ranked = sorted(inp.courses, key=_rank_key)
    groups: dict[Hashable, list[CourseOption]] = {}  # each group's courses best rank first
    credits: dict[int, Hashable] = {}  # the courses keep their credit tuples alive: ids stay unique
    pinned = inp.limits.include
    for course in ranked:  # a course she added to her plan stays a column of its own (row include[c])
        key = (PINNED, course.key) if course.key in pinned else interchangeable(course, credits)
        groups.setdefault(key, []).append(course)
    if len(groups) == len(inp.courses):
        return None
    rank = {course.key: place for place, course in enumerate(ranked)}
    position: dict[CourseKey, int] = {}  # the binary model's rank of a course without one: its place
    if any(course.rank is None for course in ranked):
        position = {course.key: place for place, course in enumerate(sorted(ranked, key=lambda c: c.key))}
    representatives: list[CourseOption] = []
    members: list[tuple[tuple[CourseKey, ...], ...]] = []
    classes: list[tuple[PriceClass, ...]] = []
    member_ranks: list[tuple[tuple[float, ...], ...]] = []
    for group in groups.values():
        by_price: dict[tuple[int | None, int | None], list[CourseOption]] = {}
        for course in group:
            by_price.setdefault(_price(course), []).append(course)
        representatives.append(group[0])
        ordered = sorted(by_price.items(), key=lambda item: str(item[0]))
        members.append(tuple(tuple(c.key for c in courses) for _, courses in ordered))
        classes.append(tuple((*price, len(courses)) for price, courses in ordered))
        member_ranks.append(  # the binary model's rank objective
            tuple(
                tuple(float(position[c.key] if c.rank is None else c.rank) for c in courses)
                for _, courses in ordered
            )
        )
    small = PlanInput(inp.needs, tuple(representatives), inp.offers, inp.limits, inp.excluded)
    return Aggregated(small, tuple(members), tuple(classes), rank, tuple(member_ranks))


def _rank_key(course: CourseOption) -> tuple[int, CourseKey]:
    return (course.rank if course.rank is not None else -1, course.key)
