"""The Schedule page's data around ``recert.planning.catalog_schedule``: the schedule for the current
profile, the timeline chart's frames (credit counted at each month's end against what is required, and
the deadlines), the courses by month and the calendar file. Money in USD, hours in contact hours, credit in
each credential's unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from recert.ui.frame import catalog_file
from recert.ui.people import credit_summary
from recert.words import provider_name

if TYPE_CHECKING:
    from recommender.planner.schedule import Schedule
    from recommender.planner.schedule_build import PlannedSchedule

UNSAVED_NAME = "my-profile"  # a profile not stored yet has no name; the calendar's UIDs use this one


@dataclass(frozen=True)
class PaceChoice:
    """The page's inputs: contact hours a month and USD a month (``None``: even pace / no limit), start."""

    hours_per_month: Decimal | None
    budget_per_month: Decimal | None
    start: date


def signature(choice: PaceChoice) -> str:
    """What a schedule was made from (the profile, its transcript and the pace): a stale one is not shown."""
    import json

    from recert.ui.profile import profile_raw, transcript_text

    return json.dumps([profile_raw(), transcript_text(), repr(choice)], sort_keys=True, default=str)


def make_schedule(profile: Any, choice: PaceChoice, today: date) -> PlannedSchedule:
    """The cheapest plan from ``choice.start`` and its schedule over the app's catalog (raises the
    planner's ``NoCycleEnd`` when a credential has no cycle end)."""
    from recert.planning import catalog_schedule
    from recommender.planner.schedule import Pace

    pace = Pace(choice.start, choice.hours_per_month, choice.budget_per_month)
    return catalog_schedule(catalog_file(), profile, pace, today=today)


def credit_frame(schedule: Schedule) -> pd.DataFrame:
    """One row per credential and month: credit counted by the month's end and the total required."""
    names = {need.credential_id: need.name for need in schedule.needs}
    required = {need.credential_id: float(need.total_required) for need in schedule.needs}
    rows = [
        {
            "credential": names[credential_id],
            "month": pd.Timestamp(month.month),
            "counted": float(counted),
            "required": required[credential_id],
        }
        for month in schedule.months
        for credential_id, counted in month.counted.items()
    ]
    return pd.DataFrame(rows, columns=["credential", "month", "counted", "required"])


def deadline_frame(schedule: Schedule) -> pd.DataFrame:
    """The dates to mark: apply by, cycle end, end of the late window, per credential."""
    rows = []
    for deadline in schedule.deadlines:
        for what, day in (
            ("apply by", deadline.apply_by),
            ("cycle ends", deadline.cycle_end),
            ("late window ends", deadline.late_until),
        ):
            if day is not None:
                rows.append({"credential": deadline.name, "what": what, "day": pd.Timestamp(day)})
    return pd.DataFrame(rows, columns=["credential", "what", "day"])


def courses_frame(schedule: Schedule) -> pd.DataFrame:
    """The scheduled courses in order: start, finish, title, provider, hours, price and credit."""
    names = {need.credential_id: need.name for need in schedule.needs}
    rows = []
    for placed in schedule.placed:
        option = placed.course.option
        credits = {
            credit.credential_id: {
                area: credit.approved.get(area, Decimal(0)) + credit.other.get(area, Decimal(0))
                for area in sorted(set(credit.approved) | set(credit.other))
            }
            for credit in option.credits
        }
        rows.append(
            {
                "Start": placed.start.isoformat(),
                "Finish": placed.finish.isoformat(),
                "Course": option.title,
                "Provider": provider_name(option.provider),
                "Hours": float(option.hours),
                "You pay": float(placed.course.price),
                "Counts toward": credit_summary(credits, names),
            }
        )
    return pd.DataFrame(rows)


def calendar_file(schedule: Schedule, today: date) -> bytes:
    """The schedule as an .ics file (see recert/schedule_output.py), its UIDs derived from the stored
    profile's name — the same name `recert schedule --profile NAME` uses, so either file updates the same
    calendar events."""
    from recert.schedule_output import schedule_ics
    from recert.ui.profile import active

    return schedule_ics(schedule, active().name or UNSAVED_NAME, today)
