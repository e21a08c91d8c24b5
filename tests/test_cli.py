"""The `recert` entry point: every command explains itself, and each run imports only what it needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from recert import cli

RECERT = Path(sys.executable).with_name("recert")


def test_every_registered_command_is_routed_to_its_module() -> None:
    app = cli.app
    names = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert names == set(cli.COMMAND_MODULES)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["plan", "--profile", "p.json"], ["plan"]),
        (["stats", "--catalog", "x"], ["catalog"]),
        (["ml", "train"], ["ml"]),
        (["--help"], list(dict.fromkeys(cli.COMMAND_MODULES.values()))),
        (["nonsense"], list(dict.fromkeys(cli.COMMAND_MODULES.values()))),
    ],
)
def test_modules_for_picks_the_command_module(argv: list[str], expected: list[str]) -> None:
    assert cli.modules_for(argv) == expected


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(RECERT), *args], capture_output=True, text=True, timeout=120)


def test_top_level_help_lists_every_command() -> None:
    result = run("--help")
    assert result.returncode == 0, result.stderr
    for name in cli.COMMAND_MODULES:
        assert name in result.stdout


@pytest.mark.parametrize("command", sorted(cli.COMMAND_MODULES))
def test_each_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout
    assert len(result.stdout.split()) > 12  # a description, not just a usage line


def test_unknown_command_is_a_usage_error_without_traceback() -> None:
    result = run("no-such-command")
    assert result.returncode == 2
    assert "No such command" in result.stderr
    assert "Traceback" not in result.stderr
