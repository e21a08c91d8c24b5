"""The schedule's input from course records, offers and a profile: solve the optimal plan, then hand its
courses (with their dates, access windows and subscription periods) and each credential's apply-by date to
``recommender.planner.schedule``. Money in USD, hours in contact hours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from catalog.records import Course, Offer
from recommender.planner.adapter import build_input
from recommender.planner.api import solve_input
from recommender.planner.evaluate import courses_by_key
from recommender.planner.model import CourseKey, PlanInput, PlanResult, PlanStatus
from recommender.planner.optimize import DEFAULT_TIME_LIMIT
from recommender.planner.result import dollars
from recommender.planner.schedule import (
    Deadline,
    Pace,
    Schedule,
    ScheduleCourse,
    ScheduleInput,
    ScheduleOffer,
    schedule,
)
from recommender.rules.deadlines import late_window, plan_apply_by
from recommender.rules.profile import Profile


class NoCycleEnd(ValueError):
    """A held credential has no cycle end, so there is no date to schedule toward."""


@dataclass(frozen=True)
class PlannedSchedule:
    """The optimal plan and its schedule (``None`` when no plan can meet the requirements)."""

    plan: PlanResult
    schedule: Schedule | None


def deadlines_of(profile: Profile, plan: PlanResult) -> tuple[Deadline, ...]:
    """Each held credential's apply-by date for the plan's credit, its cycle end and late window's end;
    raises NoCycleEnd naming the credential when its cycle end is unknown."""
    found: list[Deadline] = []
    outside = {t.credential_id: t.counted_other > 0 for t in plan.credentials}
    for held in profile.credentials:
        after, _ = plan_apply_by(held, outside.get(held.id, False))
        if after.day is None:
            raise NoCycleEnd(
                f"credentials: {held.rules.name} has no cycle end; add certified_on or cycle_end to schedule"
            )
        window = late_window(held)
        found.append(
            Deadline(held.id, held.rules.name, after.day, held.cycle_end, window.until if window else None)
        )
    return tuple(found)


def schedule_input(
    inp: PlanInput,
    plan: PlanResult,
    records: Mapping[CourseKey, Course],
    offers: Sequence[Offer],
    deadlines: tuple[Deadline, ...],
) -> ScheduleInput:
    """The scheduler's input for ``plan`` (solved over ``inp``), with each course's dates from its record."""
    options = {
        option.key: option
        for option in courses_by_key(inp, [(c.provider, c.course_id) for c in plan.courses])
    }
    periods = {offer.key: offer.period_months for offer in offers}
    courses: list[ScheduleCourse] = []
    for chosen in plan.courses:
        key = (chosen.provider, chosen.course_id)
        record = records.get(key)
        courses.append(
            ScheduleCourse(
                option=options[key],
                price=chosen.price_paid,
                via_offer=chosen.via_offer if chosen.paid_as == "included" else None,
                available_from=record.available_from if record else None,
                available_until=record.available_until if record else None,
                access_months=record.access_months if record else None,
            )
        )
    bought = {(o.provider, o.offer_id) for o in plan.offers}
    used = bought | {c.via_offer for c in courses if c.via_offer is not None}
    schedule_offers = tuple(
        ScheduleOffer(
            key=option.key,
            name=option.name,
            price=dollars(option.price_cents),
            period_months=periods.get(option.key),
            held=option.held,
        )
        for option in inp.offers
        if option.key in used
    )
    return ScheduleInput(inp.needs, tuple(courses), schedule_offers, deadlines, plan.total_cost)


def plan_schedule(
    courses: Sequence[Course],
    offers: Sequence[Offer],
    profile: Profile,
    pace: Pace,
    *,
    today: date,
    inferred_areas: Mapping[CourseKey, str] | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> PlannedSchedule:
    """The optimal plan from ``pace.start`` on and its schedule (see recommender/planner/schedule.py)."""
    inp = build_input(courses, offers, profile, inferred_areas=inferred_areas, today=pace.start)
    plan = solve_input(inp, time_limit=time_limit, with_explanations=False)
    if plan.status is PlanStatus.INFEASIBLE:
        return PlannedSchedule(plan, None)
    deadlines = deadlines_of(profile, plan)
    records = {course.key: course for course in courses}
    return PlannedSchedule(plan, schedule(schedule_input(inp, plan, records, offers, deadlines), pace, today))
