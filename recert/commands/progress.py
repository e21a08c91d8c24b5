"""`recert` commands: progress (where each credential stands) and check (will this course count?).

The rules engine (recommender/rules) does the counting; this module reads the profile and the course,
and formats the answer as a Rich table or JSON. Amounts are in each credential's unit, money in USD.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress_bar import ProgressBar
from rich.table import Table

from catalog.records import Course
from recert.console import (
    CatalogOption,
    CourseArgument,
    ProfileOption,
    catalog_path,
    console,
    fail,
    find_course,
    option_date,
    read_profile,
    read_records_file,
    sample_notice,
)
from recert.done import history_lines
from recert.words import credential_name, rule_value_name
from recommender.rules.engine import format_units
from recommender.rules.profile import Profile
from recommender.rules.progress import (
    CredentialProgress,
    Status,
    number,
    progress,
    progress_json,
    unconfirmed_in_use,
)
from recommender.rules.transcript import TranscriptReport
from recommender.rules.verdict import Verdict, judge

STATUS_STYLE = {
    Status.COMPLETE: "bold green",
    Status.ON_TRACK: "green",
    Status.AT_RISK: "bold yellow",
    Status.LAPSED: "bold red",
}


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


FormatOption = Annotated[OutputFormat, typer.Option("--format", help="table or json.")]
TodayOption = Annotated[
    str | None,
    typer.Option("--today", help="Pretend today is this date (YYYY-MM-DD or M/D/YYYY), to plan ahead."),
]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `recert` app."""
    app.command("progress")(progress_command)
    app.command("check")(check_command)


def progress_command(
    profile: ProfileOption = None,
    output: FormatOption = OutputFormat.table,
    today: TodayOption = None,
    catalog: CatalogOption = None,
) -> None:
    """Show, per credential: required / counted / missing per area and in total, cycle end, status, fee.

    Missing is what is still needed after the best use of outside credit under its cap. Values no official
    source confirms are labelled "unconfirmed".
    """
    day = option_date("--today", today)
    loaded = read_profile(profile, catalog, today=day)
    report = progress(loaded, day)
    if output is OutputFormat.json:
        document = progress_json(report, day)
        if loaded.transcript_report is not None:
            document["transcript"] = _transcript_json(loaded.transcript_report)
        if loaded.history:
            document["completed"] = completed_json(loaded)
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    if not report:
        console.print("Your profile lists no credentials; add one under credentials (see data/examples).")
    for item in report:
        _print_progress(item)
    if loaded.transcript_report is not None:
        _print_transcript(loaded.transcript_report, loaded)
    if loaded.history:
        print_history(loaded)


def _bar(done: Decimal, required: Decimal) -> ProgressBar:
    total = float(required) if required > 0 else 1.0
    return ProgressBar(total=total, completed=min(float(done), total), width=24)


def _print_progress(item: CredentialProgress) -> None:
    held, rule, counted, gap = item.held, item.rules.counting, item.counted, item.missing
    style = STATUS_STYLE[item.status]
    cycle = f"cycle {held.cycle_start} → {held.cycle_end}" if held.cycle_end else "cycle dates unknown"
    days = ""
    if item.days_left is not None:
        days = (
            f" · {item.days_left} days left"
            if item.days_left >= 0
            else f" · ended {-item.days_left} days ago"
        )
    console.print(
        f"\n[bold]{escape(item.rules.name)}[/] — {cycle}{days} · [{style}]{item.status.label.upper()}[/]"
    )
    console.print(item.status.meaning, soft_wrap=True)
    table = Table(show_edge=False, pad_edge=False)
    for column in ("", "required", "counted", "missing"):
        table.add_column(column, justify="left" if not column else "right")
    table.add_column("progress")
    unit = f"{rule.unit}s"
    for area, minimum in rule.area_minimums.items():
        done = counted.areas.get(area, Decimal(0))
        table.add_row(
            area,
            format_units(minimum),
            format_units(done),
            format_units(gap.areas[area]),
            _bar(done, minimum),
        )
    if rule.approved_minimum > 0:
        table.add_row(
            f"{rule.body}-approved",
            format_units(rule.approved_minimum),
            format_units(counted.approved),
            format_units(gap.approved),
            _bar(counted.approved, rule.approved_minimum),
        )
    if counted.other_cap is not None:
        table.add_row(
            f"outside (cap {format_units(counted.other_cap)})",
            "",
            f"{format_units(counted.other)} of {format_units(counted.other_earned)}",
            "",
            _bar(counted.other, counted.other_cap),
        )
    table.add_row(
        f"[bold]total {unit}[/]",
        format_units(rule.total_required),
        format_units(counted.total),
        format_units(gap.total),
        _bar(counted.total, rule.total_required),
    )
    console.print(table)
    if rule.cpr_max_cards is not None:
        console.print(f"CPR cards counted: {counted.cpr_cards} of {rule.cpr_max_cards} allowed this cycle")
    fee = item.fee
    amount = f"${fee.amount_usd:.2f}" if fee.amount_usd is not None else "amount unknown"
    due = f", due {fee.due_on}" if fee.due_on else ""
    flag = " [yellow](unconfirmed)[/]" if fee.unconfirmed else ""
    note = f" — {escape(fee.note)}" if fee.note and fee.unconfirmed else ""
    console.print(f"Fee: {escape(fee.what)} {amount}{due}{flag}{note}", soft_wrap=True)
    apply = item.apply_by
    if apply.day is not None:
        route = f" ({apply.route})" if apply.route else ""
        console.print(f"[bold]Apply by: {apply.day}[/]{route} — {escape(apply.words)}", soft_wrap=True)
    console.print(f"Late rule: {escape(item.late)}", soft_wrap=True)
    unconfirmed = [
        rule_value_name(p.name) for p in unconfirmed_in_use(held) if "_fee" not in p.name
    ]  # fees: fee line
    if unconfirmed:
        console.print(f"[yellow]⚠ unconfirmed values used: {', '.join(unconfirmed)}[/]", soft_wrap=True)


def _verdict_words(verdict: Verdict, unit: str) -> str:
    if verdict.counts:
        head = f"[green]counts[/] +{format_units(verdict.gain)} {unit}s"
    else:
        head = f"[red]does not count[/] ({verdict.why_not.replace('_', ' ')})"
    return f"{head}: {escape('; '.join(verdict.reasons))}"


def _print_transcript(report: TranscriptReport, profile: Profile) -> None:
    table = Table(title=f"Transcript {report.path}", show_edge=False, pad_edge=False)
    table.add_column("line", justify="right")
    table.add_column("date")
    table.add_column("title")
    for held in profile.credentials:
        table.add_column(held.rules.name)
    for judgement in report.judgements:
        row = judgement.row
        cells = [
            _verdict_words(judgement.verdicts[held.id], held.rules.counting.unit)
            for held in profile.credentials
        ]
        table.add_row(str(row.line), str(row.completed_on), escape(row.course.title), *cells)
    console.print(table)


def _verdict_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "counts": verdict.counts,
        "gain": number(verdict.gain),
        "offered": number(verdict.offered),
        "why_not": verdict.why_not or None,
        "reasons": list(verdict.reasons),
        "uses_inferred_area": verdict.uses_inferred_area,
    }


def completed_json(profile: Profile) -> list[dict[str, Any]]:
    """The done-list as counted: each completed course with its verdict per credential id."""
    return [
        {
            "course": entry.done.course,
            "on": entry.done.on.isoformat(),
            "title": entry.title,
            "note": entry.done.note or None,
            "found": entry.found,
            "credentials": {cid: _verdict_json(v) for cid, v in entry.verdicts.items()},
        }
        for entry in profile.history
    ]


def print_history(profile: Profile) -> None:
    """The completed courses, newest first, with what each gives every held credential and why."""
    lines = history_lines(profile)
    table = Table(title="Courses you have completed", show_edge=False, pad_edge=False)
    table.add_column("completed on")
    table.add_column("course")
    for held in profile.credentials:
        table.add_column(credential_name(held.id))
    for line in lines:
        course = f"{escape(line.title)}\n[dim]{escape(line.provider)}[/]"
        if line.note:
            course += f"\n[dim]note: {escape(line.note)}[/]"
        table.add_row(line.on.isoformat(), course, *(escape(v) for v in line.verdicts.values()))
    console.print(table)


def _transcript_json(report: TranscriptReport) -> list[dict[str, Any]]:
    return [
        {
            "line": judgement.row.line,
            "date": judgement.row.completed_on.isoformat(),
            "title": judgement.row.course.title,
            "credentials": {cid: _verdict_json(v) for cid, v in judgement.verdicts.items()},
        }
        for judgement in report.judgements
    ]


# --- check -----------------------------------------------------------------------------------------------


def _courses_from_file(path: Path) -> tuple[list[Course], dict[tuple[str, str], str]]:
    courses, _offers = read_records_file(path)
    return courses, {}


def _courses_from_catalog(path: Path) -> tuple[list[Course], dict[tuple[str, str], str]]:
    try:
        from catalog.db import CatalogMissing
        from catalog.queries import is_sample, snapshot
    except ImportError:
        fail("the catalog cannot be read yet; pass --catalog-file FILE.jsonl")
    try:
        shot = snapshot(path)
        sample = is_sample(path)
    except CatalogMissing as exc:
        fail(str(exc))
    if sample:
        sample_notice()
    inferred = {key: value.area for key, value in shot.inferred_areas.items() if value.area}
    return list(shot.courses), inferred


def check_command(
    course_id: CourseArgument,
    profile: ProfileOption = None,
    catalog: CatalogOption = None,
    catalog_file: Annotated[
        Path | None, typer.Option("--catalog-file", help="Read courses from this JSON Lines file instead.")
    ] = None,
    provider: Annotated[str | None, typer.Option(help="The provider, when several offer this id.")] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="When you would complete it (YYYY-MM-DD or M/D/YYYY; default today)."),
    ] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Will this course count? For each credential you hold, with the reasons — before you buy."""
    loaded = read_profile(profile, catalog)
    day = option_date("--on", on)
    if catalog_file is not None:
        courses, inferred = _courses_from_file(catalog_file)
    else:
        courses, inferred = _courses_from_catalog(catalog_path(catalog))
    course = find_course(courses, course_id, provider)
    verdicts = [
        judge(
            course,
            held,
            completed_on=day,
            inferred_area=inferred.get(course.key),
            allow_inferred=loaded.allow_inferred_areas,
        )
        for held in loaded.credentials
    ]
    if output is OutputFormat.json:
        document = {
            "course": {"provider": course.provider, "course_id": course.course_id, "title": course.title},
            "completed_on": day.isoformat(),
            "credentials": [
                {
                    "id": held.id,
                    **_verdict_json(verdict),
                    "missing_after": {
                        "total": number(verdict.missing.total),
                        "approved": number(verdict.missing.approved),
                        "areas": {k: number(v) for k, v in verdict.missing.areas.items()},
                    },
                    "unconfirmed": list(verdict.unconfirmed),
                }
                for held, verdict in zip(loaded.credentials, verdicts, strict=True)
            ],
        }
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    console.print(f"[bold]{escape(course.title)}[/] ({escape(course.provider)} {escape(course.course_id)})")
    if not verdicts:
        console.print("Your profile lists no credentials.")
    for held, verdict in zip(loaded.credentials, verdicts, strict=True):
        unit = held.rules.counting.unit
        console.print(f"{escape(held.rules.name)}: {_verdict_words(verdict, unit)}", soft_wrap=True)
        if verdict.counts:
            console.print(f"  still missing after it: {format_units(verdict.missing.total)} {unit}s in total")
        if verdict.uses_inferred_area:
            console.print("  [yellow]the area is inferred by Recert, not stated by the provider[/]")
