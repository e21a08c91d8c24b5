"""`recert plan --add/--drop`: courses she adds to her plan are saved in the profile and every plan holds
them; marking one done takes it off the plan; bad names change nothing (real processes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.recert.test_done_cli import catalog_env, run

CMA = {"id": "cma_aama", "certified_on": "2023-06-15"}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A private $RECERT_HOME and a catalog of data/examples/courses.jsonl."""
    folder = tmp_path_factory.mktemp("plan-add")
    extra = folder / "extra.jsonl"  # two clinical courses the plan could take instead of bp-101
    extra.write_text(
        "".join(
            json.dumps(
                {
                    "type": "course",
                    "provider": "acme",
                    "course_id": course_id,
                    "title": title,
                    "url": f"https://acme.example/{course_id}",
                    "format": "online",
                    "hours": 1,
                    "price": price,
                    "content_areas": {"clinical": 1},
                    "approvals": [{"body": "AAMA", "credits": 1, "categories": {"clinical": 1}}],
                }
            )
            + "\n"
            for course_id, title, price in (("cheap", "Cheap Clinical", 5), ("dear", "Dear Clinical", 40))
        )
    )
    return catalog_env(folder, extra)


EARNED = {"administrative": {"approved": 20}, "general": {"approved": 20}, "clinical": {"approved": 19}}
ONE_SHORT = {"credentials": [{**CMA, "earned": EARNED}]}  # one clinical point to go


def _plan(env: dict[str, str], profile: Path, *args: str) -> dict[str, Any]:
    result = run("plan", "--profile", profile, "--format", "json", *args, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _keys(plan: dict[str, Any]) -> set[str]:
    return {f"{c['provider']}/{c['course_id']}" for c in plan["courses"]}


def test_an_added_course_is_saved_and_every_plan_holds_it(env: dict[str, str], tmp_path: Path) -> None:
    profile = tmp_path / "me.json"
    profile.write_text(json.dumps(ONE_SHORT))
    assert _keys(_plan(env, profile)) == {"acme/cheap"}
    after = _plan(env, profile, "--add", "Dear Clinical")
    assert _keys(after) == {"acme/dear"} and after["total_cost"] == 40  # it fills the gap alone
    assert [c["added"] for c in after["courses"]] == [True]
    assert json.loads(profile.read_text())["planned"] == ["acme/dear"]
    more = _plan(env, profile, "--add", "my-ce-club/bp-101")  # saved: the next plan holds both
    assert _keys(more) == {"acme/dear", "my-ce-club/bp-101"} and more["total_cost"] == 52.5
    table = run("plan", "--profile", profile, env={**env, "COLUMNS": "200"})
    assert "Dear Clinical (added by you)" in table.stdout
    done = run("done", "acme/dear", "--profile", profile, "--on", "2024-02-01", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(profile.read_text())["planned"] == ["my-ce-club/bp-101"]  # done: off the plan
    assert _keys(_plan(env, profile)) == {"my-ce-club/bp-101"}


def test_drop_takes_it_off_and_bad_names_change_nothing(env: dict[str, str], tmp_path: Path) -> None:
    profile = tmp_path / "me.json"
    profile.write_text(json.dumps({**ONE_SHORT, "planned": ["my-ce-club/bp-101"]}))
    kept = profile.read_text()
    for args, words in (
        (("--add", "no-such-course"), "no course 'no-such-course'"),
        (("--add", "my-ce-club/bp-101"), "is already in your plan"),
        (("--drop", "no-such-course"), "no course 'no-such-course'"),
    ):
        result = run("plan", "--profile", profile, *args, env=env)
        assert (
            result.returncode == 2
            and words in result.stderr
            and "the profile was not changed" in result.stderr
        )
        assert profile.read_text() == kept
    dropped = run("plan", "--profile", profile, "--drop", "my-ce-club/bp-101", "--format", "json", env=env)
    assert dropped.returncode == 0 and "Taken off your plan" in dropped.stderr
    assert "planned" not in json.loads(profile.read_text())
    again = run("plan", "--profile", profile, "--drop", "my-ce-club/bp-101", env=env)
    assert again.returncode == 2 and "not among the courses you added" in again.stderr
    profile.write_text(json.dumps({**ONE_SHORT, "planned": ["nowhere/gone"]}))  # the catalog lost it
    assert "nowhere/gone, which you added to your plan, is not in the catalog" in " ".join(
        _plan(env, profile)["notes"]
    )
    gone = run("plan", "--profile", profile, "--drop", "nowhere/gone", env=env)
    assert gone.returncode == 0 and "planned" not in json.loads(profile.read_text())


def test_an_added_course_that_cannot_be_planned_is_named_in_the_notes(
    env: dict[str, str], tmp_path: Path
) -> None:
    profile = tmp_path / "me.json"
    profile.write_text(
        json.dumps({**ONE_SHORT, "taken": ["my-ce-club/bp-101"], "planned": ["my-ce-club/bp-101"]})
    )
    plan = _plan(env, profile)
    assert "my-ce-club/bp-101" not in _keys(plan)
    assert any("which you added to your plan, is left out: already taken" in note for note in plan["notes"])


def test_profile_show_names_held_offers_and_added_courses_in_words(
    env: dict[str, str], tmp_path: Path
) -> None:
    local = {**env, "RECERT_HOME": str(tmp_path / "home"), "COLUMNS": "200"}
    source = tmp_path / "anna.json"
    source.write_text(json.dumps({**ONE_SHORT, "memberships": ["club-annual"], "planned": ["acme/dear"]}))
    assert run("profile", "import", source, env=local).returncode == 0
    shown = run("profile", "show", "anna", env=local)
    assert shown.returncode == 0, shown.stderr
    assert "held: CE Club annual pass" in shown.stdout and "added to your plan: Dear Clinical" in shown.stdout
    (listed,) = json.loads(run("profile", "list", "--format", "json", env=local).stdout)["profiles"]
    assert listed["planned"] == 1
