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

# Which module defines each top-level command. A run imports only the module its command needs, so
# `recert plan` does not pay for importing Scrapy or scikit-learn; help and unknown words import all.
COMMAND_MODULES: dict[str, str] = {
    "load": "catalog",
    "catalog": "catalog",
    "stats": "catalog",
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
    return _app


def __getattr__(name: str) -> typer.Typer:
    """``recert.cli.app`` is the app with every command, for in-process tests (CliRunner)."""
    if name == "app":
        return register(list(dict.fromkeys(COMMAND_MODULES.values())))
    raise AttributeError(name)


def main() -> None:
    """Entry point: run the app, turning expected errors into one line on stderr."""
    try:
        register(modules_for(sys.argv[1:]))(standalone_mode=False)
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
    except Exception as exc:  # usage errors and anything unexpected: one line, no traceback
        show = getattr(exc, "show", None)
        if callable(show) and isinstance(getattr(exc, "exit_code", None), int):
            show()  # a usage error from Typer's bundled Click: its own message, exit 2
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        err_console.print(f"[bold red]error:[/] {type(exc).__name__}: {exc}", soft_wrap=True)
        sys.exit(1)
