"""`recert schedule`: the optimal plan's courses spread over the months before each apply-by date.

Thin glue: read the profile and the courses (catalog or a course-record JSONL file), call
``recommender.planner.schedule_build.plan_schedule``, print a Rich table, JSON or an iCalendar file.
Exit 0 with a schedule, 3 when no plan can meet the requirements or the pace cannot fit it (with what to
change), 2 for bad input. Money in USD, hours in contact hours.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from catalog.registry import SOLVER_TIME_LIMIT
from recert.console import (
    EXIT_BAD_INPUT,
    EXIT_INFEASIBLE,
    CatalogOption,
    ProfileOption,
    TimeLimitOption,
    catalog_path,
    console,
    err_console,
    fail,
    option_date,
    profile_path,
    read_profile,
    read_records_file,
    require_credentials,
    sample_notice,
)
from recert.words import provider_name

if TYPE_CHECKING:  # the planner pulls in numpy and HiGHS: imported when a schedule is made, not for --help
    from recommender.planner.schedule import Schedule


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    ics = "ics"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `recert` app."""
    app.command("schedule")(schedule_command)


def _amount(option: str, value: str | None) -> Decimal | None:
    """A positive amount below the profile's bound for numbers (1e400 is no budget)."""
    from catalog.records import to_decimal
    from recommender.rules.profile import MAX_NUMBER

    if value is None:
        return None
    amount = to_decimal(value)
    if amount is None or not 0 < amount < MAX_NUMBER:
        fail(
            f"{option} must be a number above 0 and below {MAX_NUMBER:,}, got {value[:60]!r}", EXIT_BAD_INPUT
        )
    return amount


def _print_table(schedule: Schedule) -> None:
    from recert.schedule_output import credit_words
    from recommender.rules.engine import format_units

    names = {need.credential_id: need.name for need in schedule.needs}
    for deadline in schedule.deadlines:
        late = f" · late window until {deadline.late_until}" if deadline.late_until else ""
        console.print(
            f"[bold]{escape(deadline.name)}[/]: apply by [bold]{deadline.apply_by}[/]"
            f" · cycle ends {deadline.cycle_end}{late}"
        )
    table = Table(
        title=f"Schedule from {schedule.pace.start} at {format_units(schedule.hours_per_month)} h a month"
    )
    for column in ("start", "finish", "course", "hours", "paid", "credit"):
        table.add_column(column, justify="right" if column in ("hours", "paid") else "left")
    for placed in schedule.placed:
        option = placed.course.option
        period = f" (period {placed.period})" if placed.period > 1 else ""
        table.add_row(
            str(placed.start),
            str(placed.finish),
            escape(f"{option.title} — {provider_name(option.provider)}{period}"),
            format_units(option.hours),
            f"${placed.course.price:.2f}",
            escape(credit_words(placed, names)),
        )
    console.print(table)
    for need in schedule.needs:
        met = next((m.month for m in schedule.months if m.complete[need.credential_id]), None)
        when = f"every requirement met by the end of {met:%B %Y}" if met else "not met by this schedule"
        console.print(f"{escape(need.name)}: {when}")
    cost = f"Cost: ${schedule.cost:.2f}"
    if schedule.extra_costs:
        cost += f" (the plan's ${schedule.plan_cost:.2f} plus:)"
    else:
        cost += " (the plan's cost)"
    console.print(cost)
    for why, amount in schedule.extra_costs:
        console.print(f"  +${amount:.2f}: {escape(why)}")
    for note in schedule.notes:
        err_console.print(f"note: {escape(note)}")


def schedule_command(
    profile: ProfileOption = None,
    hours_per_month: Annotated[
        str | None,
        typer.Option("--hours-per-month", help="Contact hours you can study a month (default: even)."),
    ] = None,
    budget_per_month: Annotated[
        str | None,
        typer.Option("--budget-per-month", help="US dollars you can spend a month (default: no limit)."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First day of the schedule (YYYY-MM-DD; default today).")
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="Pretend today is this date (YYYY-MM-DD).")
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, json or ics.")
    ] = OutputFormat.table,
    catalog: CatalogOption = None,
    catalog_file: Annotated[
        Path | None,
        typer.Option("--catalog-file", help="Schedule over this course-record JSONL file instead."),
    ] = None,
    time_limit: TimeLimitOption = SOLVER_TIME_LIMIT,
) -> None:
    """Spread the cheapest plan's courses over the months before each apply-by date, with reminders."""
    from recert.schedule_output import schedule_ics, schedule_json
    from recommender.planner.schedule import Pace
    from recommender.planner.schedule_build import NoCycleEnd, plan_schedule

    day = option_date("--today", today)
    first = option_date("--start", start, day)
    if first < day:
        fail(f"--start {first} is before today ({day}); the schedule runs from today on", EXIT_BAD_INPUT)
    pace = Pace(
        first, _amount("--hours-per-month", hours_per_month), _amount("--budget-per-month", budget_per_month)
    )
    path = profile_path(profile)
    name = path.stem
    sample = False
    try:
        if catalog_file is not None:
            courses, offers = read_records_file(catalog_file, "nothing scheduled")
            held = read_profile(profile, courses=courses)
            require_credentials(held)
            made = plan_schedule(courses, offers, held, pace, today=day, time_limit=time_limit)
        else:
            from catalog.db import CatalogMissing
            from catalog.queries import is_sample
            from recert.planning import catalog_schedule

            held = read_profile(profile, catalog)
            require_credentials(held)
            where = catalog_path(catalog)
            try:
                made = catalog_schedule(where, held, pace, today=day, time_limit=time_limit)
                sample = is_sample(where)
            except CatalogMissing as exc:
                fail(str(exc), EXIT_BAD_INPUT)
    except NoCycleEnd as exc:
        fail(f"profile {name}: {exc}", EXIT_BAD_INPUT)
    if sample:
        sample_notice()
    if made.schedule is None:
        reasons = "; ".join(r.message for r in made.plan.reasons)
        fail(f"no plan can meet the requirements: {reasons}", EXIT_INFEASIBLE)
    found = made.schedule
    if output is OutputFormat.json:
        sys.stdout.write(json.dumps(schedule_json(found), indent=2, ensure_ascii=False) + "\n")
    elif output is OutputFormat.ics and found.feasible:
        sys.stdout.buffer.write(schedule_ics(found, name, day))
    elif found.feasible:
        _print_table(found)
    if not found.feasible:
        changes = "; or ".join(found.changes)
        fail(
            f"the pace cannot fit the plan: {'; '.join(found.problems)}. To fit it: {changes}",
            EXIT_INFEASIBLE,
        )
