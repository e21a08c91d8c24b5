"""`recert crawl` end to end: real subprocesses of .venv/bin/recert against a mirror on 127.0.0.1."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import typer

from catalog.queries import snapshot
from recert.commands import crawl as crawl_commands
from recert.console import CliError
from spiders.mirror_server import MirrorServer
from tests.spiders.conftest import FAST_FLAGS, RECERT

ROOT = Path(__file__).resolve().parents[2]


def recert(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RECERT, *args], cwd=ROOT, capture_output=True, text=True, timeout=180)


@pytest.mark.slow
def test_crawl_publishes_and_summarises(ace_mirror: MirrorServer, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.duckdb"
    result = recert("crawl", "ace", "--base-url", ace_mirror.url, "--catalog", str(catalog), *FAST_FLAGS)
    assert result.returncode == 0, result.stderr
    assert "ace ok: 72 pages · 61 items · 2 dropped · 1 duplicate · 6 field problems" in result.stdout
    assert "61 records published" in result.stdout
    assert len(snapshot(catalog).courses) == 60


@pytest.mark.slow
def test_suspect_crawl_exits_non_zero(ace_mirror: MirrorServer, tmp_path: Path) -> None:
    ace_mirror.faults.robots_txt = "User-agent: *\nDisallow: /\n"
    result = recert(
        "crawl", "ace", "--base-url", ace_mirror.url, "--catalog", str(tmp_path / "c.duckdb"), *FAST_FLAGS
    )
    assert result.returncode == 1
    assert "suspect" in result.stdout and "the crawl yielded no items" in result.stdout
    assert "error: crawl failed or suspect for ace; previous listings kept" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "nope"], "unknown provider(s): nope"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    result = recert(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_crawl_structured_dry_run(serve_mirror, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = serve_mirror("structured_demo")
    catalog = tmp_path / "catalog.duckdb"
    result = recert(
        "crawl", "structured", "--start-url", f"{server.url}/", "--provider", "example-ce",
        "--catalog", str(catalog), "--dry-run", *FAST_FLAGS,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "example-ce dry_run: 9 pages · 4 items · 1 dropped" in result.stdout
    assert "nothing published (dry run)" in result.stdout
    assert not catalog.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "structured"], "crawl structured needs --start-url URL"),
        (["crawl", "structured", "ace", "--start-url", "https://x.org/"], "crawl structured runs alone"),
        (["crawl", "ace", "--start-url", "https://x.org/"], "--start-url and --provider go with"),
        (["crawl", "ace", "--base-url", "ftp://x.org"], "--base-url must be an http(s) URL"),
        (["crawl", "ace", "--set", "NOEQUALS"], "--set expects NAME=VALUE"),
    ],
)
def test_argument_checks_in_process(args: list[str], message: str) -> None:
    app = typer.Typer()
    app.callback()(lambda: None)  # a group, as in recert/cli.py
    crawl_commands.register(app)
    with pytest.raises(CliError, match=re.escape(message)) as raised:
        app(args, standalone_mode=False)
    assert raised.value.code == 2
