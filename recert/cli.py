"""The `recert` command: thin glue that parses arguments, calls the packages and formats output.

Each command group lives in recert/commands/<name>.py and exposes ``register(app)``.
"""

from __future__ import annotations

import functools
import signal
import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any

import typer

from recert.console import EXIT_BAD_INPUT, EXIT_FAILURE, CliError, err_console, print_error

HELP = """Recert — plan the cheapest accredited continuing education (CE) to keep a medical-assistant
credential current.

Exit codes: 0 success · 1 failure · 2 bad input (nothing stored) · 3 no plan can meet the requirements.
"""

# Which module defines each top-level command. A run imports only the module its command needs, so
# `recert plan` does not pay for importing Scrapy or scikit-learn; help and unknown words import all.
COMMAND_MODULES: dict[str, str] = {
    "load": "catalog",
    "catalog": "catalog",
    "stats": "catalog",
    "upgrade": "catalog",
    "sample": "sample",
    "crawl": "crawl",
    "progress": "progress",
    "check": "progress",
    "plan": "plan",
    "profile": "profiles",
    "done": "profiles",
    "history": "profiles",
    "schedule": "schedule",
    "ml": "ml",
    "categorize": "ml",
    "similar": "ml",
}

_app = typer.Typer(
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def modules_for(argv: list[str]) -> list[str]:
    """The command modules to import for these arguments (all of them unless one command is named)."""
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    if command in COMMAND_MODULES:
        return [COMMAND_MODULES[command]]
    return list(dict.fromkeys(COMMAND_MODULES.values()))


@_app.callback()
def _root() -> None:
    """Keeps `recert` a command group even when a run registers a single command."""


_registered: set[str] = set()


def register(modules: list[str]) -> typer.Typer:
    """Add the commands of these modules to the app (once each) and return it."""
    for name in modules:
        if name not in _registered:
            import_module(f"recert.commands.{name}").register(_app)
            _registered.add(name)
    _guard_commands(_app)
    return _app


def _guard_commands(app: typer.Typer) -> None:
    """Wrap every command (in groups too) once in ``guarded``."""
    for info in app.registered_commands:
        if info.callback is not None and not getattr(info.callback, "_recert_guarded", False):
            info.callback = guarded(info.callback)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            _guard_commands(group.typer_instance)


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """The command, with the errors of the layers below turned into one-line CLI errors at this boundary:
    an unusable catalog path (exit 2, the message names the user's path) and any DuckDB error (worded;
    no database message ever reaches the user). Runs in-process tests (CliRunner) the same way."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CliError:
            raise
        except Exception as exc:
            worded = _cli_error(exc)
            if worded is None:
                raise
            raise worded from exc

    run._recert_guarded = True  # type: ignore[attr-defined]
    return run


def _cli_error(exc: Exception) -> CliError | None:
    """The CliError for an exception from below; None when it is not one we word."""
    catalog_db = sys.modules.get("catalog.db")
    if catalog_db is not None and isinstance(exc, catalog_db.CatalogError):
        code = (
            EXIT_FAILURE
            if isinstance(exc, catalog_db.CatalogBusy | catalog_db.CatalogMissing)
            else EXIT_BAD_INPUT
        )
        return CliError(str(exc), code)
    duckdb = sys.modules.get("duckdb")
    if duckdb is not None and isinstance(exc, duckdb.Error):
        return CliError(
            "the catalog database could not complete this; nothing was changed "
            f"({type(exc).__name__.removesuffix('Exception').lower() or 'database'} error)",
            EXIT_FAILURE,
        )
    if isinstance(exc, RecursionError):
        return CliError("the input is nested too deeply to read; nothing was changed", EXIT_BAD_INPUT)
    return None


def __getattr__(name: str) -> typer.Typer:
    """``recert.cli.app`` is the app with every command, for in-process tests (CliRunner)."""
    if name == "app":
        return register(list(dict.fromkeys(COMMAND_MODULES.values())))
    raise AttributeError(name)


def main() -> None:
    """Entry point: run the app, turning expected errors into one line on stderr."""
    sys.exit(run(sys.argv[1:]))


def _interrupt(_signum: int, _frame: object) -> None:
    """Ctrl-C: note it for the catalog writer (which then publishes nothing), then interrupt."""
    from catalog.db import INTERRUPTED

    INTERRUPTED.set()
    raise KeyboardInterrupt


def run(argv: list[str]) -> int:
    """Run ``recert`` with these arguments and return the exit code; every error is one line on stderr
    (``error: …``), never a traceback. Tests call it in-process."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.default_int_handler:  # not when the parent ignores it
        signal.signal(signal.SIGINT, _interrupt)
    try:
        return _run(argv)
    finally:
        signal.signal(signal.SIGINT, previous)


EXIT_INTERRUPTED = 130


def _run(argv: list[str]) -> int:
    try:
        # Without standalone mode Typer returns the exit code of a typer.Exit, and turns Ctrl-C
        # (KeyboardInterrupt) into Exit(130); a command itself returns None.
        code = register(modules_for(argv))(args=argv, prog_name="recert", standalone_mode=False)
        if code == EXIT_INTERRUPTED:
            raise KeyboardInterrupt
        if isinstance(code, int) and not isinstance(code, bool):
            return code
    except CliError as exc:
        print_error(str(exc))
        return exc.code
    except typer.Exit as exc:
        return int(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        # Every write goes to a private copy that an exception discards (catalog.db.writing).
        err_console.print("interrupted — nothing changed")
        return EXIT_INTERRUPTED
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_FAILURE
    except Exception as exc:  # usage errors and anything unexpected: one line, no traceback
        message = getattr(exc, "format_message", None)
        code = getattr(exc, "exit_code", None)
        if callable(message) and isinstance(code, int):  # a usage error from Typer's bundled Click
            if not message():  # no arguments at all: Click's help is the answer
                exc.show()  # type: ignore[attr-defined]
                return code
            where = getattr(getattr(exc, "ctx", None), "command_path", "recert")
            print_error(f"{message()} (see `{where} --help`)")
            return code
        print_error(f"{type(exc).__name__}: {exc}")
        return EXIT_FAILURE
    return 0
