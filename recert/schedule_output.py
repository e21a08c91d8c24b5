"""A pacing schedule as data for people and files, shared by `recert schedule` and the app's Schedule page:
its JSON form and its iCalendar (.ics) form. Money in USD, hours in contact hours, credit in each
credential's unit, dates ISO.

Calendar UIDs are derived from the profile's name and the course or deadline identity (never the time), so
regenerating the file and importing it again updates the same events instead of adding copies; a course
marked done is no longer planned, so its event is simply absent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from icalendar import Alarm, Calendar, Event

from recert.plan_output import plain
from recert.words import provider_name
from recommender.planner.schedule import Placed, Schedule
from recommender.rules.engine import format_units

REMINDER_DAYS: tuple[int, ...] = (30, 7)
PRODID = "-//Recert//CE schedule//EN"
UID_DOMAIN = "recert.invalid"


def credit_words(placed: Placed, names: Mapping[str, str]) -> str:
    """What the course brings, per credential: "CMA (AAMA): 2 clinical, 1 general"."""
    parts = []
    for credit in placed.course.option.credits:
        areas = {**credit.other, **credit.approved}
        amounts = {
            area: credit.approved.get(area, Decimal(0)) + credit.other.get(area, Decimal(0)) for area in areas
        }
        each = ", ".join(f"{format_units(units)} {area}" for area, units in sorted(amounts.items()))
        parts.append(f"{names.get(credit.credential_id, credit.credential_id)}: {each}")
    return "; ".join(parts)


def schedule_json(schedule: Schedule) -> dict[str, Any]:
    """The schedule as JSON (see docs/schedules.md for the fields)."""
    names = {need.credential_id: need.name for need in schedule.needs}
    required = {need.credential_id: need.total_required for need in schedule.needs}
    return plain(
        {
            "feasible": schedule.feasible,
            "start": schedule.pace.start.isoformat(),
            "hours_per_month": schedule.hours_per_month,
            "budget_per_month": schedule.pace.budget_per_month,
            "plan_cost": schedule.plan_cost,
            "cost": schedule.cost,
            "extra_costs": [{"why": why, "amount": amount} for why, amount in schedule.extra_costs],
            "deadlines": [
                {
                    "id": d.credential_id,
                    "name": d.name,
                    "apply_by": d.apply_by.isoformat(),
                    "cycle_end": d.cycle_end.isoformat() if d.cycle_end else None,
                    "late_until": d.late_until.isoformat() if d.late_until else None,
                }
                for d in schedule.deadlines
            ],
            "courses": [
                {
                    "provider": p.course.option.provider,
                    "course_id": p.course.option.course_id,
                    "title": p.course.option.title,
                    "url": p.course.option.url,
                    "start": p.start.isoformat(),
                    "finish": p.finish.isoformat(),
                    "hours": p.course.option.hours,
                    "hours_by_month": {month.isoformat()[:7]: hours for month, hours in p.hours_by_month},
                    "price": p.course.price,
                    "via_offer": "/".join(p.course.via_offer) if p.course.via_offer else None,
                    "subscription_period": p.period or None,
                    "needed_by": p.deadline.isoformat(),
                    "credit": credit_words(p, names),
                }
                for p in schedule.placed
            ],
            "months": [
                {
                    "month": m.month.isoformat()[:7],
                    "hours": m.hours,
                    "spend": m.spend,
                    "credentials": {
                        cid: {
                            "counted": m.counted[cid],
                            "required": required[cid],
                            "complete": m.complete[cid],
                        }
                        for cid in m.counted
                    },
                }
                for m in schedule.months
            ],
            "notes": list(schedule.notes),
            "problems": list(schedule.problems),
            "changes": list(schedule.changes),
        }
    )


def _uid(profile_name: str, *identity: str) -> str:
    """A UID that depends only on the profile and the thing it names (stable across regenerations)."""
    digest = hashlib.sha256("\x1f".join((profile_name, *identity)).encode("utf-8")).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def _all_day(summary: str, start: date, last: date, uid: str, description: str, stamp: date) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", last + timedelta(days=1))  # DTEND of an all-day event is exclusive
    event.add("dtstamp", datetime.combine(stamp, time(0), tzinfo=UTC))  # a DATE-TIME in UTC (RFC 5545)
    event.add("description", description)
    for days in REMINDER_DAYS:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{summary} in {days} days")
        alarm.add("trigger", timedelta(days=-days))
        event.add_component(alarm)
    return event


def schedule_ics(schedule: Schedule, profile_name: str, stamp: date) -> bytes:
    """The schedule as an iCalendar file: one all-day event per scheduled course (start to finish), the
    apply-by date, the cycle end and the end of the late window of each credential, each with reminders
    30 and 7 days before. ``stamp`` (the day the schedule was made) is the events' DTSTAMP."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Recert — CE schedule")
    names = {need.credential_id: need.name for need in schedule.needs}
    for placed in schedule.placed:
        option = placed.course.option
        lines = [
            f"Provider: {provider_name(option.provider)}",
            f"Hours: {format_units(option.hours)}",
            f"Credit: {credit_words(placed, names)}",
            f"Needed by: {placed.deadline}",
        ]
        if option.url:
            lines.append(f"Link: {option.url}")
        event = _all_day(
            f"CE: {option.title}",
            placed.start,
            placed.finish,
            _uid(profile_name, "course", option.provider, option.course_id),
            "\n".join(lines),
            stamp,
        )
        if option.url.startswith(("http://", "https://")):
            event.add("url", option.url)
        calendar.add_component(event)
    for deadline in schedule.deadlines:
        dated = [
            ("apply-by", f"Last day to apply to recertify {deadline.name}", deadline.apply_by),
            ("cycle-end", f"{deadline.name} cycle ends", deadline.cycle_end),
            ("late-until", f"{deadline.name}: last day of the late window", deadline.late_until),
        ]
        for kind, summary, day in dated:
            if day is None:
                continue
            uid = _uid(profile_name, "deadline", deadline.credential_id, kind)
            calendar.add_component(_all_day(summary, day, day, uid, summary, stamp))
    return calendar.to_ical()
