"""Atomic publishing across real processes: kill -9 mid-load, and a load while a reader holds the file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from catalog.db import read_connection
from catalog.load import load_files
from tests.catalog.conftest import RECERT, course, write_jsonl

BIG = 50_000


def _big_file(path: Path) -> Path:
    template = course("x", approvals=[{"body": "AAMA", "credits": 1, "categories": {"clinical": 1}}])
    with path.open("w", encoding="utf-8") as out:
        for number in range(BIG):
            out.write(json.dumps({**template, "course_id": f"big-{number}", "price": number % 90}) + "\n")
    return path


def _course_ids(path: Path) -> list[str]:
    with read_connection(path) as con:
        return [
            course_id for (course_id,) in con.execute("SELECT course_id FROM course ORDER BY 1").fetchall()
        ]


@pytest.mark.slow
def test_kill_9_during_a_big_load_leaves_the_old_catalog_readable(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.duckdb"
    load_files(catalog, [write_jsonl(tmp_path / "old.jsonl", [course("old-1"), course("old-2")])])
    big = _big_file(tmp_path / "big.jsonl")
    loader = subprocess.Popen(
        [str(RECERT), "load", str(big), "--catalog", str(catalog)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Kill once the writer has its private copy open, i.e. in the middle of publishing.
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob("catalog.duckdb.writing-*")):
            assert loader.poll() is None, "the load finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(0.3)  # well into validating and staging 50,000 records
        assert loader.poll() is None, "the load finished before it could be killed"
        os.kill(loader.pid, signal.SIGKILL)
    finally:
        loader.wait(30)
    assert loader.returncode == -signal.SIGKILL
    assert _course_ids(catalog) == ["old-1", "old-2"]
    # The lock died with the process; the next load clears the orphaned copy and succeeds.
    result = load_files(catalog, [write_jsonl(tmp_path / "new.jsonl", [course("new-1")])])
    assert result.courses.inserted == 1
    assert _course_ids(catalog) == ["new-1", "old-1", "old-2"]
    assert not list(tmp_path.glob("catalog.duckdb.writing-*"))


READER = """
import sys, time
from catalog.db import read_connection
with read_connection(sys.argv[1]) as con:
    before = con.execute("SELECT count(*) FROM course").fetchall()[0][0]
    print("ready", before, flush=True)
    sys.stdin.readline()  # hold the connection until the test says so
    after = con.execute("SELECT count(*) FROM course").fetchall()[0][0]
    print("still", after, flush=True)
"""


def test_a_load_succeeds_while_another_process_reads_the_catalog(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.duckdb"
    load_files(catalog, [write_jsonl(tmp_path / "old.jsonl", [course("old-1")])])
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(catalog)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert reader.stdout is not None and reader.stdin is not None
        assert reader.stdout.readline().split() == ["ready", "1"]
        result = load_files(
            catalog, [write_jsonl(tmp_path / "new.jsonl", [course("new-1"), course("new-2")])]
        )
        assert result.courses.inserted == 2
        reader.stdin.write("go\n")
        reader.stdin.flush()
        # The reader keeps the consistent catalog it opened; new readers see the new one.
        assert reader.stdout.readline().split() == ["still", "1"]
    finally:
        reader.wait(30)
    assert reader.returncode == 0
    assert _course_ids(catalog) == ["new-1", "new-2", "old-1"]
