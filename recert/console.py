"""Shared CLI plumbing: the Rich consoles, one-line errors with exit codes, common options."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.segment import Segment

from recert.safe_text import visible, visible_line

if TYPE_CHECKING:
    from catalog.records import Course, Offer
    from recommender.rules.profile import Profile


class SafeConsole(Console):
    """A Rich console that shows every control character, bidi control and lone surrogate in the text
    it prints as a visible token (recert.safe_text), wherever the text came from: table cells, plain
    lines, errors. Rich's own styling and cursor control are not text and pass unchanged."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(visible(segment.text), segment.style)
            for segment in buffer
        )


console = SafeConsole(highlight=False)
err_console = SafeConsole(stderr=True, highlight=False)

DEFAULT_CATALOG = Path("data/catalog.duckdb")

# Exit codes, documented in `recert --help`.
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3


class CliError(Exception):
    """An error to report as one line on stderr, exiting with ``code``."""

    def __init__(self, message: str, code: int = EXIT_FAILURE):
        super().__init__(message)
        self.code = code


def fail(message: str, code: int = EXIT_FAILURE) -> NoReturn:
    raise CliError(message, code)


def fail_with_problems(problems: Iterable[str], summary: str) -> NoReturn:
    """Each problem (``file:line: field: problem``) on its own stderr line, then ``summary`` as the
    one-line error (exit 2)."""
    for problem in problems:
        sys.stderr.write(visible_line(problem) + "\n")
    fail(summary, EXIT_BAD_INPUT)


def option_date(option: str, value: str | None, default: date | None = None) -> date:
    """The date typed for ``option`` (ISO or US M/D/YYYY, by the shared bounded parser); ``default``
    (else today) when none was typed; a one-line error (exit 2) naming the option otherwise."""
    from recommender.rules.dates import parse_date

    if value is None:
        return default or date.today()
    try:
        return parse_date(value)
    except ValueError as exc:
        fail(f"{option} {exc}", EXIT_BAD_INPUT)


def read_records_file(path: Path, outcome: str = "") -> tuple[list[Course], list[Offer]]:
    """Courses and offers of a course-record JSONL file, every record validated; otherwise every problem
    and a summary line (``outcome`` says what did not happen, e.g. "nothing was planned"), exit 2."""
    from catalog.records import RecordFileError, read_jsonl_file

    try:
        return read_jsonl_file(path)
    except RecordFileError as exc:
        fail_with_problems(
            exc.errors, f"{len(exc.errors)} problem(s) in {path}" + (f"; {outcome}" if outcome else "")
        )


def print_error(message: str) -> None:
    """``error: message`` as one line on stderr; the message is never read as Rich markup and its
    control characters and line breaks are made visible."""
    err_console.print(f"[bold red]error:[/] {escape(visible_line(message))}", soft_wrap=True)


def catalog_path(value: Path | None) -> Path:
    """--catalog, else $RECERT_CATALOG, else data/catalog.duckdb."""
    if value is not None:
        return value
    env = os.environ.get("RECERT_CATALOG")
    return Path(env) if env else DEFAULT_CATALOG


CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help="Catalog file (default: $RECERT_CATALOG or data/catalog.duckdb).",
        show_default=False,
    ),
]

CourseArgument = Annotated[
    str,
    typer.Argument(
        metavar="COURSE", help="The course: provider/course_id (as the plan prints it), its id or its title."
    ),
]

TimeLimitOption = Annotated[
    float, typer.Option("--time-limit", min=1, max=86_400, help="Seconds the solver may use.")
]
ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        help="Your profile: a file (.json or .toml) or the name of a stored profile (recert profile list); "
        "may be left out when exactly one profile is stored.",
        show_default=False,
    ),
]


def profile_path(value: str | None) -> Path:
    """The profile file a ``--profile`` value means (a path or a stored name; None: the only stored
    profile); a one-line error (exit 2) otherwise."""
    from recert.store import ProfileStore, StoreError

    try:
        return ProfileStore().resolve(value)
    except StoreError as exc:
        fail(str(exc), EXIT_BAD_INPUT)


def read_profile(
    value: str | None,
    catalog: Path | None = None,
    *,
    today: date | None = None,
    courses: Iterable[Course] | None = None,
) -> Profile:
    """The validated profile a ``--profile`` value names, its transcript applied and its done-list
    counted from the catalog (or from ``courses``, a --catalog-file's); a one-line error (exit 2) naming the
    file and every problem otherwise, including a certification after ``today`` (default: the real today)."""
    from recert.done import with_completed
    from recommender.rules.profile import ProfileError, future_certifications, load_profile

    path = profile_path(value)
    try:
        profile = load_profile(path)
    except ProfileError as exc:
        fail(f"profile {path}: {exc}", EXIT_BAD_INPUT)
    future = future_certifications(profile, today or date.today())
    if future:
        fail(f"profile {path}: {'; '.join(str(problem) for problem in future)}", EXIT_BAD_INPUT)
    if courses is not None:  # --catalog-file: the done-list is looked up in the same courses
        from recommender.rules.history import apply_completed

        return apply_completed(profile, {course.key: course for course in courses})
    return with_completed(profile, catalog_path(catalog))


def require_credentials(profile: Profile) -> None:
    """A one-line error (exit 2) when the profile names no credential (nothing to plan or schedule)."""
    if not profile.credentials:
        fail(f"profile {profile.path}: credentials: name at least one credential you hold", EXIT_BAD_INPUT)


SAMPLE_NOTICE = (
    "Sample data: these courses come from Recert's bundled synthetic mirrors, not from the providers' live "
    "sites. Prices and courses are illustrative only."
)


def sample_notice(stderr: bool = True) -> None:
    """Print the visible sample-data notice (to stderr so JSON/CSV on stdout stays clean)."""
    (err_console if stderr else console).print(f"[bold yellow]⚠ {SAMPLE_NOTICE}[/]")


def find_course(courses: Iterable[Course], course: str, provider: str | None) -> Course:
    """The one course ``course`` names — ``provider/course_id`` as the tool prints it, a unique course id
    or title — (from ``provider``, when given); a one-line error (exit 2) otherwise."""
    from recert.done import CourseNotFound, pick_course

    try:
        return pick_course(courses, course, provider)
    except CourseNotFound as exc:
        fail(str(exc), EXIT_BAD_INPUT)
