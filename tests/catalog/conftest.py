"""Helpers for the catalog tests: course/offer dicts, JSONL files, the real `recert` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

RECERT = Path(sys.executable).with_name("recert")


def course(course_id: str = "c1", **fields: Any) -> dict[str, Any]:
    """A valid course record dict; keyword arguments override or add fields (None removes one)."""
    record: dict[str, Any] = {
        "type": "course",
        "provider": "acme",
        "course_id": course_id,
        "title": f"Course {course_id}",
        "url": f"https://acme.example/courses/{course_id}",
        "format": "online",
        "hours": 1,
        "price": 10,
        "source": "import",
        "scraped_at": "2026-01-01T00:00:00Z",
    }
    record.update(fields)
    return {k: v for k, v in record.items() if v is not None}


def offer(offer_id: str = "all-access", **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "offer",
        "provider": "acme",
        "offer_id": offer_id,
        "name": "All access",
        "kind": "subscription",
        "price": 99,
        "period_months": 12,
        "url": "https://acme.example/all-access",
        "source": "import",
        "scraped_at": "2026-01-01T00:00:00Z",
    }
    record.update(fields)
    return {k: v for k, v in record.items() if v is not None}


def write_jsonl(path: Path, records: Iterable[dict[str, Any] | str]) -> Path:
    """Write records (dicts, or raw strings written as they are) one per line."""
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_recert(
    *args: str | os.PathLike[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `recert` command in a subprocess."""
    return subprocess.run(
        [str(RECERT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


@pytest.fixture
def catalog_path(tmp_path: Path) -> Path:
    return tmp_path / "catalog.duckdb"


def undo_unique_keys(con: Any) -> None:
    """Put a catalog back to the schema before migration 012 (the unique key indexes), which an older
    schema never has and which would keep the other undo helpers from altering course and offer."""
    con.execute("DROP INDEX course_key")
    con.execute("DROP INDEX offer_key")
    con.execute("DELETE FROM schema_version WHERE version = 12")


def undo_flat_body_columns(con: Any) -> None:
    """Put a catalog back to the schema before migration 007 (the flat per-body columns)."""
    from catalog.flat import flat_columns

    undo_unique_keys(con)
    for column in flat_columns():
        con.execute(f"ALTER TABLE course DROP COLUMN {column}")
    con.execute("DELETE FROM schema_version WHERE version = 7")
