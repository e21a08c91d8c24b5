"""`recert progress` counts the done-list; `--profile` takes a stored name or nothing (real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECERT = Path(sys.executable).with_name("recert")
EXAMPLES = ROOT / "data" / "examples"
CMA = {"id": "cma_aama", "certified_on": "2023-06-15"}


def run(*args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RECERT), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A private $RECERT_HOME and a catalog of data/examples/courses.jsonl."""
    folder = tmp_path_factory.mktemp("done")
    environment = {
        **os.environ,
        "RECERT_HOME": str(folder / "home"),
        "RECERT_CATALOG": str(folder / "c.duckdb"),
    }
    loaded = run("load", EXAMPLES / "courses.jsonl", env=environment)
    assert loaded.returncode == 0, loaded.stderr
    return environment


def progress(env: dict[str, str], *args: str | Path) -> Any:
    result = run("progress", "--format", "json", "--today", "2025-01-01", *args, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_progress_counts_a_completed_course(env: dict[str, str], tmp_path: Path) -> None:
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"credentials": [CMA]}))
    done = tmp_path / "done.json"
    done.write_text(
        json.dumps({"credentials": [CMA], "completed": [{"course": "my-ce-club/bp-101", "on": "3/1/2024"}]})
    )
    before = progress(env, "--profile", plain)["credentials"][0]["counted"]
    after = progress(env, "--profile", done)
    assert before["total"] == 0 and after["credentials"][0]["counted"]["total"] == 1
    (entry,) = after["completed"]
    assert (
        entry["title"] == "Accurate Blood Pressure Measurement" and entry["credentials"]["cma_aama"]["counts"]
    )


def test_profile_may_be_a_stored_name_or_left_out_when_one_is_stored(
    env: dict[str, str], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    local = {**env, "RECERT_HOME": str(home)}
    missing = run("progress", env=local)
    assert missing.returncode == 2 and "no profile is stored" in missing.stderr
    profiles = home / "profiles"
    profiles.mkdir(parents=True)
    (profiles / "anna.json").write_text(json.dumps({"credentials": [CMA]}))
    assert progress(local)["credentials"][0]["id"] == "cma_aama"
    assert progress(local, "--profile", "anna")["credentials"][0]["id"] == "cma_aama"
    wrong = run("progress", "--profile", "ben", env=local)
    assert wrong.returncode == 2 and "no stored profile named 'ben' (stored: anna)" in wrong.stderr


def test_a_completed_course_is_never_planned_again(env: dict[str, str], tmp_path: Path) -> None:
    done = tmp_path / "done.json"
    done.write_text(
        json.dumps({"credentials": [CMA], "completed": [{"course": "my-ce-club/bp-101", "on": "2024-03-01"}]})
    )
    result = run("plan", "--profile", done, "--format", "json", env=env)
    plan = json.loads(result.stdout)
    assert all(c["course_id"] != "bp-101" for c in plan["courses"])
    assert "1 left out: already taken (e.g. my-ce-club/bp-101)" in plan["notes"]
