"""`recert load`, `recert catalog`, `recert stats` and `recert sample` as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from catalog.load import load_files
from recert.cli import app
from tests.catalog.conftest import course, run_recert, write_jsonl

SAMPLE_NOTICE = "Sample data:"
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"


def test_load_rejects_a_bad_file_with_exact_lines_and_exit_2(tmp_path: Path, catalog_path: Path) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [course("a")])
    load_files(catalog_path, [good])
    before = catalog_path.read_bytes()
    bad = write_jsonl(tmp_path / "bad.jsonl", [course("b"), course("c", price="lots", format="tv")])
    result = run_recert("load", good, bad, "--catalog", catalog_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[:2] == [
        f"{bad}:2: format: must be one of online, live, in_person, print, conference, got 'tv'",
        f"{bad}:2: price: must be a number, got 'lots'",
    ]
    assert "nothing was loaded" in lines[2]
    assert len(lines) == 3
    assert catalog_path.read_bytes() == before


def invoke(*args: str) -> Result:
    """Run a command in-process (the subprocess tests above cover exit codes and error lines)."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result


def test_load_sample_files_then_catalog_json_csv_and_stats(tmp_path: Path) -> None:
    where = ("--catalog", str(tmp_path / "sample.duckdb"))
    built = invoke("load", *map(str, sorted(SAMPLE_DIR.glob("*.jsonl"))), *where)
    assert "courses 30 new" in built.stdout

    listed = invoke("catalog", "--format", "json", "--area", "clinical", "--sort", "price", *where)
    records = json.loads(listed.stdout)
    assert records and all(r["source"] == "sample" for r in records)
    prices = [r["price"] for r in records if "price" in r]
    assert prices == sorted(prices)
    ekg = next(r for r in records if r["course_id"] == "ace-203")
    assert ekg["computed"]["cost_per_credit"] == round(12.95 / 1.5, 4)
    assert SAMPLE_NOTICE in listed.stderr

    as_csv = invoke("catalog", "--format", "csv", "--provider", "ace", "--limit", "3", *where)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(rows) == 3 and {r["provider"] for r in rows} == {"ace"}
    assert rows[0]["cost_per_credit"] == "7.475"

    summary = json.loads(invoke("stats", "--format", "json", *where).stdout)
    assert summary["courses"] == 30
    assert summary["sources"]["sample"] == 34
    assert {p["provider"] for p in summary["providers"]} == {"aama", "ace", "relias", "heartsafe"}

    table = invoke("catalog", "--text", "ekg", *where)
    assert "EKG Basics" in table.stdout and "Courses 1–1 of 1" in table.stdout
    assert "aama" in invoke("stats", *where).stdout


def test_the_catalog_path_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECERT_CATALOG", str(tmp_path / "env.duckdb"))
    invoke("load", str(write_jsonl(tmp_path / "in.jsonl", [course("a")])))
    assert (tmp_path / "env.duckdb").exists()
    assert json.loads(invoke("catalog", "--format", "json").stdout)[0]["course_id"] == "a"
    assert SAMPLE_NOTICE not in invoke("catalog").stderr


def test_catalog_commands_fail_in_one_line_without_a_catalog(tmp_path: Path) -> None:
    result = run_recert("stats", "--catalog", tmp_path / "none.duckdb")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: no catalog at")
    assert len(result.stderr.strip().splitlines()) == 1
