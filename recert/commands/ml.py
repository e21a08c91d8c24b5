"""`recert` commands: ml train / ml evaluate (the content-area model), categorize, similar.

The ML packages load lazily inside each command: importing scikit-learn takes about a second.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from catalog.records import TooDeep, iter_jsonl, load_json
from recert.console import (
    EXIT_BAD_INPUT,
    CatalogOption,
    CourseArgument,
    catalog_path,
    console,
    err_console,
    fail,
    find_course,
    sample_notice,
)

if TYPE_CHECKING:
    from recommender.ml.evaluation import Evaluation


class Format(StrEnum):
    table = "table"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", help="table or json.")]

ml_app = typer.Typer(
    help="The content-area model: train it on the catalog's provider-stated areas, or evaluate it.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `recert` app."""
    app.add_typer(ml_app, name="ml")
    app.command("categorize")(categorize)
    app.command("similar")(similar)


@contextmanager
def _stages(title: str) -> Iterator[Callable[[str], None]]:
    """A transient Rich spinner on stderr; the yielded callback names the current stage."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task(title, total=None)
        yield lambda stage: progress.update(task, description=f"{title}: {stage}")


def _notice_if_sample(path: Path) -> None:
    from catalog.queries import is_sample

    if is_sample(path):
        sample_notice()


def _catalog_errors() -> tuple[type[Exception], ...]:
    from catalog.db import CatalogMissing
    from recommender.ml.classifier import TrainingError

    return (CatalogMissing, TrainingError)


@ml_app.command("train")
def train(catalog: CatalogOption = None) -> None:
    """Retrain the area model on the catalog's provider-stated areas and store inferred areas for the
    courses without one (kept apart from stated areas; never an AAMA approval)."""
    from recert.areas import ensure_model, infer_areas
    from recommender.ml.store import model_path

    path = catalog_path(catalog)
    try:
        with _stages("training the area model") as stage:
            model = ensure_model(path, force=True, progress=stage)
            summary = infer_areas(path, progress=stage)
    except _catalog_errors() as exc:
        fail(str(exc))
    _notice_if_sample(path)
    console.print(
        f"Trained area model [bold]{model.model_version}[/] on {model.n_examples} labelled courses."
    )
    console.print(
        f"Inferred areas: {summary.inferred} courses; {summary.unsure} left unlabelled (model unsure); "
        f"{summary.stated} have provider-stated areas."
    )
    console.print(f"Model stored in {model_path(path)}")


@ml_app.command("evaluate")
def evaluate(
    catalog: CatalogOption = None,
    labels: Annotated[
        Path | None,
        typer.Option(
            help="Evaluate on a labelled CSV (title, area, optional description) instead of the catalog.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    folds: Annotated[int, typer.Option(min=2, max=20, help="Cross-validation folds.")] = 5,
    output: FormatOption = Format.table,
) -> None:
    """Stratified cross-validated macro-F1 and confusion matrix of the area model.

    Near-identical titles are kept in the same fold, so a course listed twice cannot be learned in
    one fold and tested in another.
    """
    from recert.areas import catalog_courses
    from recommender.ml.evaluation import cross_validate
    from recommender.ml.labels import LabelFileError, labelled_from_courses, read_labelled_csv

    try:
        if labels is not None:
            examples = read_labelled_csv(labels)
            source = str(labels)
        else:
            path = catalog_path(catalog)
            examples = labelled_from_courses(catalog_courses(path))
            source = f"{path} (provider-stated areas)"
            _notice_if_sample(path)
        columns = (TextColumn("cross-validating"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err_console, transient=True) as progress:
            task = progress.add_task("folds", total=folds)
            result = cross_validate(
                examples, folds=folds, progress=lambda done, total: progress.update(task, completed=done)
            )
    except LabelFileError as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    except ValueError as exc:  # TrainingError, or too few groups for the folds asked
        fail(str(exc))
    except _catalog_errors() as exc:
        fail(str(exc))
    if output is Format.json:
        sys.stdout.write(json.dumps({"source": source, **result.to_dict()}, indent=2) + "\n")
        return
    _print_evaluation(source, result)


def _print_evaluation(source: str, result: Evaluation) -> None:
    console.print(f"Labelled data: {source}")
    console.print(
        f"{result.n_examples} courses in {result.n_groups} groups of near-identical titles, "
        f"{result.folds}-fold stratified group cross-validation"
    )
    console.print(
        f"Macro-F1: [bold]{result.macro_f1:.3f}[/] "
        f"(folds {', '.join(f'{score:.2f}' for score in result.fold_macro_f1)})"
    )
    console.print(
        f"At threshold {result.threshold:.2f}: answers {result.coverage:.0%} of courses, "
        f"macro-F1 {result.macro_f1_when_sure:.3f} on those"
    )
    table = Table(title="Confusion matrix (rows: stated area, columns: predicted)")
    table.add_column("stated \\ predicted")
    for area in result.areas:
        table.add_column(area, justify="right")
    table.add_column("F1", justify="right")
    for area, row in zip(result.areas, result.confusion, strict=True):
        table.add_row(area, *(str(n) for n in row), f"{result.per_area_f1[area]:.3f}")
    console.print(table)


def _read_inputs(text: str, name: str) -> list[tuple[str, str | None]]:
    """(title, description) per input: CSV with a title column, JSON Lines objects (or one JSON array
    of objects), or plain lines."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if first.lstrip().startswith("["):
        return _read_json_array(text, name)
    if name.endswith((".jsonl", ".json")) or first.lstrip().startswith("{"):
        return _read_jsonl(lines, name)
    if name.endswith(".csv") or "title" in [cell.strip().lower() for cell in next(csv.reader([first]), [])]:
        return _read_csv(text, name)
    return [(" ".join(line.split()), None) for line in lines if line.strip()]


def _read_jsonl(lines: list[str], name: str) -> list[tuple[str, str | None]]:
    inputs = []
    for number, obj, error in iter_jsonl(lines):
        if obj is None:
            fail(f"{name}:{number}: {error}", EXIT_BAD_INPUT)
        inputs.append(_title_and_description(obj, name, number))
    return inputs


def _read_json_array(text: str, name: str) -> list[tuple[str, str | None]]:
    try:
        items = load_json(text)
    except TooDeep as exc:
        fail(f"{name}:1: record: {exc}", EXIT_BAD_INPUT)
    except json.JSONDecodeError as exc:
        fail(f"{name}:{exc.lineno}: record: not valid JSON ({exc.msg})", EXIT_BAD_INPUT)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        fail(f"{name}:1: record: must be a JSON array of objects", EXIT_BAD_INPUT)
    return [_title_and_description(item, name, number) for number, item in enumerate(items, start=1)]


def _read_csv(text: str, name: str) -> list[tuple[str, str | None]]:
    reader = csv.DictReader(io.StringIO(text))
    if "title" not in [field.strip().lower() for field in reader.fieldnames or ()]:
        fail(f"{name}:1: header: needs a title column", EXIT_BAD_INPUT)
    rows = ({(k or "").strip().lower(): v for k, v in row.items()} for row in reader)
    return [_title_and_description(row, name, reader.line_num) for row in rows]


def _title_and_description(raw: dict[str, Any], name: str, number: int) -> tuple[str, str | None]:
    title, description = raw.get("title"), raw.get("description")
    if not isinstance(title, str) or not title.strip():
        fail(f"{name}:{number}: title: is required", EXIT_BAD_INPUT)
    if description is not None and not isinstance(description, str):
        fail(f"{name}:{number}: description: must be text", EXIT_BAD_INPUT)
    return " ".join(title.split()), (description or "").strip() or None


def categorize(
    file: Annotated[
        str,
        typer.Argument(
            help="Titles (one per line), CSV or JSON Lines with title [+ description]; - = stdin."
        ),
    ] = "-",
    catalog: CatalogOption = None,
    output: FormatOption = Format.table,
) -> None:
    """Place courses (e.g. an employer's in-house training) in an AAMA content area.

    The answer is the model's inference, not an AAMA decision; "unsure" (null in JSON) means the model
    does not know. JSON: an array with one {"title", "area", "probability"} object per input.
    """
    if file == "-":
        text, name = sys.stdin.read(), "<stdin>"
    else:
        source = Path(file)
        if not source.is_file():
            fail(f"{file}: no such file", EXIT_BAD_INPUT)
        text, name = source.read_text(encoding="utf-8"), file
    inputs = _read_inputs(text, name)
    if not inputs:
        fail(f"{name}: no titles to categorize", EXIT_BAD_INPUT)
    from catalog.db import CatalogMissing
    from recert.areas import bundled_model, ensure_model
    from recommender.ml.classifier import TrainingError

    path = catalog_path(catalog)
    try:
        with _stages("loading the area model") as stage:
            try:
                model = ensure_model(path, progress=stage)
            except (CatalogMissing, TrainingError) as exc:  # e.g. a fresh checkout: no catalog yet
                err_console.print(f"note: {exc}; using the model trained on Recert's own labelled titles")
                model = bundled_model(progress=stage)
    except _catalog_errors() as exc:
        fail(str(exc))
    answers = model.predict([title for title, _ in inputs], [description for _, description in inputs])
    if output is Format.json:
        objects = [
            {"title": title, "area": answer.area, "probability": round(answer.probability, 4)}
            for (title, _), answer in zip(inputs, answers, strict=True)
        ]
        sys.stdout.write(json.dumps(objects, indent=2) + "\n")
        return
    table = Table(
        title=f"Inferred content areas (model {model.model_version}, threshold {model.threshold:.2f})"
    )
    table.add_column("title", overflow="fold")
    table.add_column("inferred area")
    table.add_column("probability", justify="right")
    for (title, _), answer in zip(inputs, answers, strict=True):
        area = answer.area or f"unsure (maybe {answer.best_area})"
        table.add_row(escape(title), area, f"{answer.probability:.0%}", style=None if answer.area else "dim")
    console.print(table)
    console.print(
        "Inferred areas are the model's guess, not an AAMA approval; check them before relying on them."
    )


def similar(
    course_id: CourseArgument,
    provider: Annotated[str | None, typer.Option(help="The provider, when several list this id.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="How many courses to list.")] = 10,
    catalog: CatalogOption = None,
    output: FormatOption = Format.table,
) -> None:
    """Courses like a given one (same words and synonyms in title and description), best first.

    "same course" marks a listing the duplicate detector thinks is this very course on another site.
    """
    from catalog.db import CatalogMissing
    from catalog.queries import snapshot

    path = catalog_path(catalog)
    try:
        snap = snapshot(path)
    except CatalogMissing as exc:
        fail(str(exc))
    target = find_course(snap.courses, course_id, provider)
    from recommender.ml.duplicates import DUPLICATE_THRESHOLD, pair_score
    from recommender.ml.labels import stated_area
    from recommender.ml.ranking import InterestRanker

    by_key = {c.key: c for c in snap.courses}
    results: list[dict[str, Any]] = []
    for key, score in InterestRanker(snap.courses).similar(target.key, limit=limit):
        course = by_key[key]
        inferred = snap.inferred_areas.get(key)
        stated = stated_area(course)
        results.append(
            {
                "provider": course.provider,
                "course_id": course.course_id,
                "title": course.title,
                "similarity": round(score, 4),
                "same_course": pair_score(target.title, course.title, target.hours, course.hours)
                >= DUPLICATE_THRESHOLD,
                "area": stated or (inferred.area if inferred else None),
                "area_inferred": stated is None and inferred is not None,
                "price": str(course.price) if course.price is not None else None,
            }
        )
    _notice_if_sample(path)
    if output is Format.json:
        sys.stdout.write(json.dumps(results, indent=2) + "\n")
        return
    table = Table(title=escape(f"Courses like {target.title} ({target.provider}:{target.course_id})"))
    for column in ("provider", "course id", "title", "similarity", "area", "price"):
        table.add_column(
            column, justify="right" if column in ("similarity", "price") else "left", overflow="fold"
        )
    for row in results:
        area = row["area"] or "—"
        if row["area_inferred"]:
            area = f"{area} (inferred)"
        title = escape(row["title"]) + (" [bold](same course)[/]" if row["same_course"] else "")
        price = f"${Decimal(row['price']):,.2f}" if row["price"] is not None else "—"
        table.add_row(
            escape(row["provider"]), escape(row["course_id"]), title, f"{row['similarity']:.2f}", area, price
        )
    console.print(table)
