"""`recert` commands that read or write the catalog: load, catalog, stats."""

from __future__ import annotations

import csv
import json
import sys
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from catalog.records import SOURCES
from catalog.registry import DEFAULT_BODY
from recert.console import (
    EXIT_BAD_INPUT,
    CatalogOption,
    catalog_path,
    console,
    err_console,
    fail,
    fail_with_problems,
    sample_notice,
)
from recert.safe_text import csv_safe

if TYPE_CHECKING:
    import pandas as pd

    from catalog.load import LoadResult
    from catalog.queries import CourseQuery

# The catalog modules (duckdb, pyarrow, pandas) are imported inside the commands so that `recert --help`
# and unrelated commands stay quick.
BIG_LOAD_BYTES = 2_000_000  # show a progress bar from about 5,000 records up
# Bounds of the numeric options (a bigger --offset overflowed DuckDB's BIGINT): the record bounds of
# catalog.records (prices below 10⁹ USD, credits below 100,000) and a billion rows.
MAX_OPTION_PRICE = 1e9
MAX_OPTION_CREDITS = 1e5
MAX_ROWS = 1_000_000_000


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `recert` app."""
    app.command("load")(load)
    app.command("catalog")(catalog_command)
    app.command("stats")(stats_command)
    app.command("upgrade")(upgrade_command)


def upgrade_command(catalog: CatalogOption = None) -> None:
    """Upgrade a catalog written by an older Recert to this version's schema (reading never changes
    a catalog; loads, crawls and sample builds upgrade it too)."""
    from catalog.db import CatalogMissing, check_catalog_file, writing

    path = catalog_path(catalog)
    if not check_catalog_file(path):
        raise CatalogMissing(f"no catalog at {path} (build one with `recert sample` or `recert load`)")
    with writing(path):
        pass
    console.print(f"Catalog {path} is up to date.", soft_wrap=True)


def load(
    files: Annotated[
        list[Path],
        typer.Argument(help="JSON Lines (.jsonl) or CSV (.csv) files of course and offer records."),
    ],
    catalog: CatalogOption = None,
    source: Annotated[
        str, typer.Option(help="Source for records that name none: import, live or sample.")
    ] = "import",
) -> None:
    """Load course and offer records into the catalog, all or nothing.

    A file with any bad record is rejected whole: every problem is printed as `file:line: field: problem`,
    the exit code is 2 and the catalog is left as it was. Loading the same file twice changes nothing.
    """
    from catalog.db import CatalogBusy
    from catalog.load import LoadError, load_files

    path = catalog_path(catalog)
    if source not in SOURCES:
        fail(f"--source must be one of {', '.join(SOURCES)}, got {source!r}", EXIT_BAD_INPUT)
    total = sum(f.stat().st_size for f in files if f.is_file())
    try:
        if total >= BIG_LOAD_BYTES and err_console.is_terminal:
            result = _load_with_progress(path, files, source)
        else:
            result = load_files(path, files, default_source=source)
    except LoadError as exc:
        fail_with_problems(exc.errors, f"{len(exc.errors)} problem(s) found; nothing was loaded")
    except CatalogBusy as exc:
        fail(str(exc))
    print_load_result(path, result)


def _load_with_progress(path: Path, files: list[Path], source: str) -> LoadResult:
    from catalog.load import load_files

    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task("reading", total=None)

        def report(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total or None)

        return load_files(path, files, default_source=source, progress=report)


def print_load_result(path: Path, result: LoadResult) -> None:
    """One line saying what a load did."""
    console.print(
        f"Loaded into {path} (run {result.run_id}): "
        f"courses {result.courses.inserted} new, {result.courses.updated} updated, "
        f"{result.courses.unchanged} unchanged; "
        f"offers {result.offers.inserted} new, {result.offers.updated} updated, "
        f"{result.offers.unchanged} unchanged; {result.price_changes} price change(s).",
        soft_wrap=True,
    )


# --- recert catalog / recert stats ------------------------------------------------------------------


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class StatsFormat(StrEnum):
    table = "table"
    json = "json"


class SortKey(StrEnum):
    cost_per_credit = "cost_per_credit"
    price = "price"
    credits = "credits"
    alphabetical = "title"


def catalog_command(
    catalog: CatalogOption = None,
    provider: Annotated[
        list[str] | None, typer.Option("--provider", help="Only this provider (repeatable).")
    ] = None,
    area: Annotated[
        list[str] | None,
        typer.Option("--area", help="Content area: administrative, clinical or general (repeatable)."),
    ] = None,
    body: Annotated[
        list[str] | None, typer.Option("--body", help="Approved by this body, e.g. AAMA (repeatable).")
    ] = None,
    course_format: Annotated[
        list[str] | None,
        typer.Option("--course-format", help="online, live, in_person, print or conference (repeatable)."),
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="course, cpr_card or college_credit (repeatable).")
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="live, sample or import (repeatable).")
    ] = None,
    min_price: Annotated[
        float | None, typer.Option(min=0, max=MAX_OPTION_PRICE, help="Lowest list price in USD.")
    ] = None,
    max_price: Annotated[
        float | None, typer.Option(min=0, max=MAX_OPTION_PRICE, help="Highest list price in USD.")
    ] = None,
    free: Annotated[bool, typer.Option("--free", help="Only courses with a list price of 0.")] = False,
    min_credits: Annotated[
        float | None,
        typer.Option(min=0, max=MAX_OPTION_CREDITS, help="At least this many credits from --credit-body."),
    ] = None,
    credit_body: Annotated[
        str,
        typer.Option(
            help="Body whose credits count for --min-credits, the credits sort and cost per credit."
        ),
    ] = DEFAULT_BODY,
    text: Annotated[
        str | None, typer.Option("--text", "-t", help="Words that must all appear in title or description.")
    ] = None,
    sort: Annotated[SortKey, typer.Option(help="Sort order.")] = SortKey.cost_per_credit,
    descending: Annotated[bool, typer.Option("--desc", help="Sort from high to low.")] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            min=0, max=MAX_ROWS, help="Show at most this many (default: 50 for a table, all for json/csv)."
        ),
    ] = None,
    offset: Annotated[int, typer.Option(min=0, max=MAX_ROWS, help="Skip this many first.")] = 0,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, json or csv.")
    ] = OutputFormat.table,
) -> None:
    """List the courses in the catalog that match the filters, cheapest per credit first by default.

    json prints an array of course records, each with a "computed" object (credits and cost per credit
    for --credit-body, first/last seen); csv prints one row per course.
    """
    from catalog import queries
    from catalog.db import CatalogMissing

    if limit is None and output is OutputFormat.table:
        limit = 50
    try:
        query = queries.CourseQuery(
            providers=tuple(provider or ()),
            areas=tuple(a.lower() for a in area or ()),
            bodies=tuple(b.upper() for b in body or ()),
            formats=tuple(course_format or ()),
            kinds=tuple(kind or ()),
            sources=tuple(source or ()),
            min_price=_decimal(min_price, "--min-price"),
            max_price=_decimal(max_price, "--max-price"),
            min_credits=_decimal(min_credits, "--min-credits"),
            credits_body=credit_body.upper(),
            free_only=free,
            text=text,
            sort=sort.value,
            body=credit_body.upper(),
            descending=descending,
            limit=limit,
            offset=offset,
        )
    except ValueError as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    path = catalog_path(catalog)
    try:
        courses = queries.search(path, query, records=output is OutputFormat.json)
        total = queries.count(path, query)
    except CatalogMissing as exc:
        fail(str(exc))
    if (courses["source"] == "sample").any():
        sample_notice()
    if output is OutputFormat.json:
        sys.stdout.write(
            json.dumps([_course_json(row) for row in courses.to_dict("records")], indent=2) + "\n"
        )
    elif output is OutputFormat.csv:
        _write_csv(courses)
    else:
        _print_courses(courses, total, query)


def _decimal(value: float | None, option: str) -> Decimal | None:
    """The option's value as a Decimal; a one-line error (exit 2) for nan, which no range check catches."""
    if value is None:
        return None
    if value != value:
        fail(f"{option} must be a number, got nan", EXIT_BAD_INPUT)
    return Decimal(repr(value))


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or _is_nan(value):
        return None
    return value


def _course_json(row: dict[Any, Any]) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(row["record"])
    record["computed"] = {
        "body": row["body"],
        "credits": _plain(row["credits"]),
        "cost_per_credit": _plain(row["cost_per_credit"]),
        "first_seen": _plain(row["first_seen"]),
        "last_seen": _plain(row["last_seen"]),
        "last_changed": _plain(row["last_changed"]),
    }
    return record


CSV_COLUMNS = (
    "provider", "course_id", "title", "url", "format", "kind", "hours", "price", "member_price",
    "currency", "body", "credits", "cost_per_credit", "areas", "bodies", "included_in", "source",
    "first_seen", "last_seen",
)  # fmt: skip


def _csv_cell(value: Any) -> str:
    """One CSV cell; a cell a spreadsheet would run as a formula is neutralised (recert.safe_text)."""
    if isinstance(value, list | tuple) or hasattr(value, "tolist"):
        return csv_safe(";".join(str(v) for v in list(value)))
    plain = _plain(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return "" if plain is None else csv_safe(str(plain))


def _write_csv(courses: pd.DataFrame) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in courses.to_dict("records"):
        writer.writerow([_csv_cell(row[column]) for column in CSV_COLUMNS])


def money(amount: Decimal | None, currency: str) -> str:
    """$12.50 for USD, "12.50 EUR" otherwise; "—" when there is no price."""
    if amount is None or _is_nan(amount):
        return "—"
    text = f"{Decimal(amount).quantize(Decimal('0.01')):,}"
    return f"${text}" if currency == "USD" else f"{text} {currency}"


def _number(value: Any) -> str:
    if value is None or _is_nan(value):
        return "—"
    return f"{Decimal(value).normalize():f}"


def _add_plain_row(table: Table, *cells: str) -> None:
    """Cells as plain text: scraped titles must never be read as Rich markup."""
    table.add_row(*(Text(cell) for cell in cells))


def _print_courses(courses: pd.DataFrame, total: int, query: CourseQuery) -> None:
    shown = (
        f"{query.offset + 1}–{query.offset + len(courses)} of {total}" if len(courses) else f"0 of {total}"
    )
    table = Table(title=f"Courses {shown}, by {query.sort.replace('_', ' ')}")
    table.add_column("Provider")
    table.add_column("Title", ratio=1, min_width=24, overflow="fold")
    table.add_column("Format")
    for name in ("Hours", "Price", "Member", f"{query.body} cr", "$/cr"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("Areas")
    for row in courses.to_dict("records"):
        _add_plain_row(
            table,
            row["provider"],
            row["title"],
            row["format"],
            _number(row["hours"]),
            money(row["price"], row["currency"]),
            money(row["member_price"], row["currency"]),
            _number(row["credits"]),
            money(row["cost_per_credit"], row["currency"]),
            ",".join(area[:3] for area in row["areas"]),
        )
    console.print(table)


def stats_command(
    catalog: CatalogOption = None,
    output: Annotated[StatsFormat, typer.Option("--format", help="table or json.")] = StatsFormat.table,
) -> None:
    """Show how many courses and offers each provider has, where they came from (sample, live or
    import) and each provider's last run."""
    from catalog import queries
    from catalog.db import CatalogMissing

    path = catalog_path(catalog)
    try:
        summary = queries.stats(path)
    except CatalogMissing as exc:
        fail(str(exc))
    if summary["sources"]["sample"]:
        sample_notice()
    if output is StatsFormat.json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
        return
    table = Table(title=f"Catalog {path}: {summary['courses']} courses, {summary['offers']} offers")
    table.add_column("Provider", no_wrap=True)
    for name in ("Courses", "Offers", "Sample", "Live", "Import"):
        table.add_column(name, justify="right")
    table.add_column("Last run (UTC)", no_wrap=True)
    table.add_column("Kind")
    table.add_column("Status")
    for provider in summary["providers"]:
        run = provider["last_run"] or {}
        sources = provider["sources"]
        _add_plain_row(
            table,
            provider["provider"],
            str(provider["courses"]),
            str(provider["offers"]),
            str(sources["sample"]),
            str(sources["live"]),
            str(sources["import"]),
            (run.get("started") or "—")[:16].replace("T", " "),
            run.get("kind", "—"),
            run.get("status", "—"),
        )
    console.print(table)
    totals = summary["sources"]
    console.print(
        f"Records by source: {totals['sample']} sample, {totals['live']} live, {totals['import']} import."
    )
