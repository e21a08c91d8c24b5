"""The `recert` command: thin glue that parses arguments, calls the packages and formats output.

Each command group lives in recert/commands/<name>.py and exposes ``register(app)``.
"""

from __future__ import annotations

import sys
from importlib import import_module

import typer

from recert.console import CliError, err_console

HELP = """Recert — plan the cheapest accredited continuing education (CE) to keep a medical-assistant
credential current.

Exit codes: 0 success · 1 failure · 2 bad input (nothing stored) · 3 no plan can meet the requirements.
"""

COMMAND_MODULES = ("catalog", "sample", "crawl", "progress", "plan", "ml")

app = typer.Typer(
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        module = import_module(f"recert.commands.{name}")
        module.register(app)


_register_all()


def main() -> None:
    """Entry point: run the app, turning expected errors into one line on stderr."""
    try:
        app(standalone_mode=False)
    except CliError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
        sys.exit(exc.code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors and anything unexpected: one line, no traceback
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        err_console.print(f"[bold red]error:[/] {type(exc).__name__}: {exc}", soft_wrap=True)
        sys.exit(1)
