"""`recert plan`: the cheapest set of courses and offers that fills every gap of every held credential.

Thin glue: read the profile and the courses (catalog or a course-record JSONL file), call
recommender.planner, print a Rich table or JSON. Exit 0 with a plan, 3 when no plan can meet the
requirements (reasons in words), 2 for bad input. Money in USD, hours in contact hours.
"""

from __future__ import annotations

import json
import sys
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
    read_profile,
    read_records_file,
    require_credentials,
    sample_notice,
)
from recert.plan_output import apply_by_lines, result_json

if TYPE_CHECKING:  # the planner pulls in numpy and HiGHS: imported when a plan is made, not for --help
    from catalog.records import Course, Offer
    from recommender.planner.model import PlanInput, PlanResult
    from recommender.rules.profile import Profile


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    pdf = "pdf"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `recert` app."""
    app.command("plan")(plan_command)


def _print_table(result: PlanResult) -> None:
    """The plan for people: course titles and provider names (ids stay in --format json)."""
    from recert.plan_output import counts_for_all_header, plan_rows
    from recert.words import alternative_name
    from recommender.planner.model import PlanStatus

    status = "" if result.status is PlanStatus.OPTIMAL else f" ({result.status.value.replace('_', ' ')})"
    table = Table(title=f"Plan — ${result.total_cost:.2f} for {result.total_hours.normalize():f} h{status}")
    both = counts_for_all_header(len(result.credentials))
    for column in ("course or offer", "provider", "paid", "hours", "credit", both):
        if column:
            table.add_column(column, justify="right" if column == "hours" else "left")
    for row in plan_rows(result):
        cells = [row.what, row.provider, row.paid, row.hours, row.credit] + (
            [row.counts_for_all] if both else []
        )
        table.add_row(*(escape(cell) for cell in cells))
    console.print(table)
    for t in result.credentials:
        per = (
            f", ${t.cost_per_credit:.2f} per {t.unit.replace('_', ' ')}"
            if t.cost_per_credit is not None
            else ""
        )
        console.print(
            f"{escape(t.name)}: {t.counted_total.normalize():f} of {t.required_total.normalize():f} "
            f"{t.unit.replace('_', ' ')}s counted ({t.counted_approved.normalize():f} approved by the body, "
            f"{t.counted_other.normalize():f} outside credit){per}",
            soft_wrap=True,
        )
    for line in result.explanations:
        console.print(f"• {escape(line)}", soft_wrap=True)
    for alt in result.alternatives:
        console.print(
            f"↳ {escape(alternative_name(alt.name))}: ${alt.total_cost:.2f}, {alt.hours.normalize():f} h — "
            f"{escape(alt.changes)}",
            soft_wrap=True,
        )
    if result.same_cost_words:
        console.print(f"↳ {escape(result.same_cost_words)}", soft_wrap=True)
    for key, value in result.what_if.items():
        console.print(f"what if — {escape(key.replace('_', ' '))}: {escape(str(value))}", soft_wrap=True)
    for note in result.notes:
        err_console.print(f"note: {escape(note)}", soft_wrap=True)


def _catalog_input(
    catalog: Path | None, held: Profile, full_records: bool
) -> tuple[PlanInput, list[Course], list[Offer], bool]:
    """The planner input from the catalog (``recert.planning``, the app's route too), the full course and
    offer records when ``full_records`` (--what-if), and whether the data is the bundled sample."""
    from catalog.db import CatalogMissing
    from catalog.queries import is_sample
    from recert.planning import catalog_input, catalog_interest_scores, read_catalog

    path = catalog_path(catalog)
    try:
        read = read_catalog(path) if full_records else None
        courses, offers = (read.courses, read.offers) if read is not None else ([], [])
        scores = catalog_interest_scores(path, held.interests)
        return catalog_input(path, held, interest_scores=scores), courses, offers, is_sample(path)
    except CatalogMissing as exc:
        fail(str(exc), EXIT_BAD_INPUT)


def plan_command(
    profile: ProfileOption = None,
    catalog: CatalogOption = None,
    catalog_file: Annotated[
        Path | None, typer.Option("--catalog-file", help="Plan over this course-record JSONL file instead.")
    ] = None,
    alternatives: Annotated[
        int, typer.Option("--alternatives", min=0, max=20, help="Next-best plans to show.")
    ] = 0,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, json, or pdf (a plan to print; needs --output).")
    ] = OutputFormat.table,
    output_file: Annotated[
        Path | None, typer.Option("--output", help="Write the plan to this file (needed for --format pdf).")
    ] = None,
    what_if_flag: Annotated[
        bool, typer.Option("--what-if", help="Also compare CE vs exam and the cost of a second credential.")
    ] = False,
    time_limit: TimeLimitOption = SOLVER_TIME_LIMIT,
    add: Annotated[
        list[str] | None,
        typer.Option(
            "--add",
            help="Add this course to your plan (saved in the profile; every plan then holds it): "
            "provider/course_id, a course id or a title. May be given more than once.",
        ),
    ] = None,
    drop: Annotated[
        list[str] | None,
        typer.Option("--drop", help="Take a course you added off your plan (saved in the profile)."),
    ] = None,
) -> None:
    """The cheapest plan of courses, subscriptions and memberships that meets every held credential —
    holding every course you added to it (--add)."""
    from recert.planning import interest_scores
    from recommender.planner.adapter import build_input
    from recommender.planner.api import solve_input
    from recommender.planner.model import PlanStatus
    from recommender.planner.whatif import what_if

    if time_limit != time_limit:
        fail("--time-limit must be a number of seconds, got nan", EXIT_BAD_INPUT)
    if output is OutputFormat.pdf and output_file is None:
        fail("--format pdf needs --output FILE (e.g. --output plan.pdf)", EXIT_BAD_INPUT)
    courses: list[Course] = []
    offers: list[Offer] = []
    if catalog_file is not None:
        courses, offers = read_records_file(catalog_file, "nothing was planned")
    if add or drop:
        profile = _edit_plan(profile, add or [], drop or [], catalog, courses if catalog_file else None)
    held = read_profile(profile, catalog, courses=courses if catalog_file is not None else None)
    require_credentials(held)
    with console.status("Planning…") if output == OutputFormat.table else _Quiet():
        if catalog_file is None:
            inp, courses, offers, sample = _catalog_input(catalog, held, full_records=what_if_flag)
        else:
            scores = interest_scores(courses, held.interests)
            inp, sample = build_input(courses, offers, held, interest_scores=scores), False
        result = solve_input(inp, alternatives=alternatives, time_limit=time_limit)
        if what_if_flag and result.status is not PlanStatus.INFEASIBLE:
            result = what_if(result, held, courses, offers, time_limit=time_limit)
    if sample:
        sample_notice()
    deadlines = apply_by_lines(result, held) if result.status is not PlanStatus.INFEASIBLE else {}
    if output == OutputFormat.json:
        _write(json.dumps({**result_json(result), "apply_by": deadlines}, indent=2) + "\n", output_file)
    elif output == OutputFormat.pdf and output_file and result.status is not PlanStatus.INFEASIBLE:
        from recert.plan_pdf import plan_pdf

        _write(plan_pdf(result, held, sample=sample), output_file)
        console.print(f"Wrote the plan to {escape(str(output_file))}", soft_wrap=True)
    elif result.courses or result.status is not PlanStatus.INFEASIBLE:
        _print_table(result)
        for credential_id, line in deadlines.items():
            name = held.credential(credential_id)
            console.print(f"{escape(name.rules.name if name else credential_id)}: {escape(line['words'])}")
    if result.status is PlanStatus.INFEASIBLE:
        fail(
            "no plan can meet the requirements: " + "; ".join(r.message for r in result.reasons),
            EXIT_INFEASIBLE,
        )


def _edit_plan(
    profile: str | None, add: list[str], drop: list[str], catalog: Path | None, courses: list[Course] | None
) -> str:
    """Save the courses added to and dropped from her plan in the profile; the profile's path."""
    from catalog.db import CatalogMissing
    from recert.commands.profiles import edit_profile_file, save_profile_file
    from recert.done import (
        CourseNotFound,
        add_planned,
        find_in_catalog,
        pick_course,
        planned_forms,
        remove_planned,
    )

    path, data, version = edit_profile_file(profile)

    def find(text: str) -> Course:
        return find_in_catalog(catalog_path(catalog), text) if courses is None else pick_course(courses, text)

    said: list[str] = []
    try:
        for text in add:
            found = find(text)
            data = add_planned(data, found)
            said.append(f"Added to your plan: {found.title}")
        for text in drop:
            if text.strip() in planned_forms(data):  # as stored: also a course the catalog lost
                data, _ = remove_planned(data, text.strip())
                said.append(f"Taken off your plan: {text.strip()}")
                continue
            found = find(text)
            data, removed = remove_planned(data, f"{found.provider}/{found.course_id}")
            if not removed:
                raise ValueError(f"{found.title} is not among the courses you added to your plan")
            said.append(f"Taken off your plan: {found.title}")
    except (CatalogMissing, CourseNotFound, ValueError) as exc:
        fail(f"{exc}; the profile was not changed", EXIT_BAD_INPUT)
    save_profile_file(path, data, version)
    for line in said:
        err_console.print(escape(line), soft_wrap=True)
    return str(path)


def _write(content: str | bytes, path: Path | None) -> None:
    """``content`` to ``path`` (atomically), or to stdout when no path is given."""
    if path is None:
        sys.stdout.write(content if isinstance(content, str) else content.decode())
        return
    import os
    import tempfile

    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # an ordinary file, not mkstemp's private one
    os.replace(tmp, path)


class _Quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None
