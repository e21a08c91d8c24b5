"""Shared CLI plumbing: the Rich consoles, one-line errors with exit codes, common options."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from catalog.records import Course

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

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
        sys.stderr.write(problem + "\n")
    fail(summary, EXIT_BAD_INPUT)


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

SAMPLE_NOTICE = (
    "Sample data: these courses come from Recert's bundled synthetic mirrors, not from the providers' live "
    "sites. Prices and courses are illustrative only."
)


def sample_notice(stderr: bool = True) -> None:
    """Print the visible sample-data notice (to stderr so JSON/CSV on stdout stays clean)."""
    (err_console if stderr else console).print(f"[bold yellow]⚠ {SAMPLE_NOTICE}[/]")


def find_course(courses: Iterable[Course], course_id: str, provider: str | None) -> Course:
    """The one course with this id (and provider, when given); a one-line error (exit 2) otherwise."""
    matches = [
        c for c in courses if c.course_id == course_id and (provider is None or c.provider == provider)
    ]
    if not matches:
        where = f" from provider {provider}" if provider else ""
        fail(f"no course {course_id!r}{where} in the catalog", EXIT_BAD_INPUT)
    if len(matches) > 1:
        providers = ", ".join(sorted(c.provider for c in matches))
        fail(
            f"course {course_id!r} is offered by several providers ({providers}); add --provider",
            EXIT_BAD_INPUT,
        )
    return matches[0]
