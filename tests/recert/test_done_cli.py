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


def catalog_env(folder: Path, *extra: Path) -> dict[str, str]:
    """An environment with a private $RECERT_HOME in ``folder`` and a catalog of
    data/examples/courses.jsonl and the ``extra`` record files."""
    environment = {
        **os.environ,
        "RECERT_HOME": str(folder / "home"),
        "RECERT_CATALOG": str(folder / "c.duckdb"),
    }
    loaded = run("load", EXAMPLES / "courses.jsonl", *extra, env=environment)
    assert loaded.returncode == 0, loaded.stderr
    return environment


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A private $RECERT_HOME and a catalog of data/examples/courses.jsonl."""
    return catalog_env(tmp_path_factory.mktemp("done"))


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
    assert any(note.startswith("1 left out: already taken (e.g. “") for note in plan["notes"])
    assert next(e for e in plan["left_out"] if e["reason"] == "already taken")["id"] == "bp-101"


def test_the_done_loop_from_the_command_line(env: dict[str, str], tmp_path: Path) -> None:
    local = {**env, "RECERT_HOME": str(tmp_path / "home")}
    source = tmp_path / "anna.json"
    source.write_text(json.dumps({"credentials": [CMA]}))
    assert run("profile", "import", source, env=local).returncode == 0
    listed = json.loads(run("profile", "list", "--format", "json", env=local).stdout)
    assert [(p["name"], p["credentials"], p["completed"]) for p in listed["profiles"]] == [
        ("anna", ["cma_aama"], 0)
    ]

    def total() -> Any:
        return progress(local)["credentials"][0]["counted"]["total"]

    # every form the tool prints or a person types: provider/course_id, a unique id, a title
    for course, on in (("my-ce-club/bp-101", "3/1/2024"), ("hipaa-2026", "2024-04-01")):
        marked = run("done", course, "--on", on, "--note", "cert 1", env=local)
        assert marked.returncode == 0, marked.stderr
    assert "Counts: +1.5 points" in marked.stdout
    assert total() == 2.5
    history = json.loads(run("history", "--format", "json", env=local).stdout)["completed"]
    assert [(h["course"], h["on"], h["note"]) for h in history] == [
        ("my-ce-club/bp-101", "2024-03-01", "cert 1"),
        ("my-ce-club/hipaa-2026", "2024-04-01", "cert 1"),
    ]
    again = run("done", "Accurate blood pressure measurement", "--on", "2024-03-01", env=local)
    assert again.returncode == 2 and "already marked done" in again.stderr
    undone = run("done", "--remove", "bp-101", env=local)
    assert undone.returncode == 0, undone.stderr
    assert total() == 1.5
    assert run("profile", "delete", "anna", "--yes", env=local).returncode == 0
    assert json.loads(run("profile", "list", "--format", "json", env=local).stdout)["profiles"] == []


def test_bad_input_exits_2_and_changes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    local = {**env, "RECERT_HOME": str(tmp_path / "home")}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"credentials": [{"id": "cma_aama", "certified_on": "2023-02-30"}]}))
    refused = run("profile", "import", bad, env=local)
    assert refused.returncode == 2 and "credentials[0].certified_on" in refused.stderr
    assert not (tmp_path / "home" / "profiles").exists() or not list(
        (tmp_path / "home" / "profiles").glob("*.json")
    )
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"credentials": [CMA]}))
    before = good.read_bytes()
    for args, words in [
        (("done", "no-such-course", "--profile", good), "no course 'no-such-course'"),
        (("done", "bp-101", "--on", "31/12/2024", "--profile", good), "--on must be a date as"),
        (("done", "--remove", "bp-101", "--profile", good), "not among your completed courses"),
        (("done", "bp-101", "--profile", EXAMPLES / "profile.toml"), "only .json profiles are written"),
    ]:
        result = run(*args, env=local)
        assert result.returncode == 2 and words in result.stderr, (args, result.stderr)
    assert good.read_bytes() == before


def test_every_course_form_the_plan_prints_is_accepted_by_check(env: dict[str, str], tmp_path: Path) -> None:
    """`recert check ace/professional-ethics` answered "no course" although plan notes printed that form
    (they now print titles; the JSON's ``left_out`` keeps ``provider/course_id``)."""
    import re

    done = tmp_path / "done.json"
    done.write_text(
        json.dumps({"credentials": [CMA], "completed": [{"course": "my-ce-club/bp-101", "on": "2024-03-01"}]})
    )
    plan = json.loads(run("plan", "--profile", done, "--format", "json", env=env).stdout)
    printed = {title for note in plan["notes"] for title in re.findall(r"e\.g\. “([^”]+)”", note)}
    printed |= {f"{e['provider']}/{e['id']}" for e in plan["left_out"]}
    printed |= {f"{c['provider']}/{c['course_id']}" for c in plan["courses"]} | {
        c["title"] for c in plan["courses"]
    }
    assert "my-ce-club/bp-101" in printed
    for form in printed:
        checked = run("check", form, "--profile", done, "--format", "json", env=env)
        assert checked.returncode == 0, (form, checked.stderr)


def test_categorize_works_on_a_fresh_checkout_without_a_catalog(tmp_path: Path) -> None:
    titles = tmp_path / "titles.txt"
    titles.write_text("12-lead EKG placement\nMedical billing and coding basics\n")
    fresh = {
        **os.environ,
        "RECERT_HOME": str(tmp_path / "home"),
        "RECERT_CATALOG": str(tmp_path / "none.duckdb"),
    }
    result = run("categorize", titles, "--format", "json", env=fresh)
    assert result.returncode == 0, result.stderr
    assert [a["area"] for a in json.loads(result.stdout)] == ["clinical", "administrative"]
    assert list((tmp_path / "home" / "models").glob("*.joblib"))  # kept for the next run
    assert not (tmp_path / "none.duckdb").exists()


def test_plan_as_pdf_from_the_command_line(env: dict[str, str], tmp_path: Path) -> None:
    import io

    from pypdf import PdfReader

    earned = {"administrative": {"approved": 10}, "clinical": {"approved": 9},
              "general": {"approved": 11, "other": 29}}  # fmt: skip
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"credentials": [{**CMA, "earned": earned}]}))  # 1 clinical point short
    missing = run("plan", "--profile", profile, "--format", "pdf", env=env)
    assert missing.returncode == 2 and "--format pdf needs --output FILE" in missing.stderr
    out = tmp_path / "plan.pdf"
    made = run("plan", "--profile", profile, "--format", "pdf", "--output", out, env=env)
    assert made.returncode == 0, made.stderr
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert (
        "Total: $" in text and "CMA (AAMA) - the cycle ends 2028-06-30" in text and "Sample data" not in text
    )


def test_a_catalog_file_counts_the_done_list_from_its_own_courses(tmp_path: Path) -> None:
    """--catalog-file (plan, schedule): the done-list is looked up in the file's courses, not in a catalog."""
    from catalog.records import read_jsonl_file
    from recert.console import read_profile

    courses, _offers = read_jsonl_file(ROOT / "data/examples/courses.jsonl")
    profile = tmp_path / "p.json"
    completed = [{"course": "my-ce-club/bp-101", "on": "2025-01-10"}]
    credential = {"id": "cma_aama", "certified_on": "2023-06-15"}
    profile.write_text(json.dumps({"credentials": [credential], "completed": completed}))
    without = read_profile(str(profile), tmp_path / "no-catalog.duckdb")
    with_file = read_profile(str(profile), tmp_path / "no-catalog.duckdb", courses=courses)
    (held_without,) = without.credentials
    (held_with,) = with_file.credentials
    assert sum(held_without.standing.approved.values()) == 0
    assert held_with.standing.approved == {"clinical": 1}
