"""`recert schedule` as a real subprocess over a small course-record file: table, JSON, exit 3 with what to
change, and the .ics calendar parsed back with icalendar (stable UIDs, reminders, done courses gone)."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from recert.words import provider_name

ROOT = Path(__file__).resolve().parents[2]
RECERT = ROOT / ".venv" / "bin" / "recert"
TODAY = "2027-01-10"


def _course(course_id: str, hours: int, area: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "course",
        "provider": "ceu-world",
        "course_id": course_id,
        "title": f"Course {course_id}",
        "url": f"https://ceu-world.example/{course_id}",
        "format": "online",
        "hours": hours,
        "content_areas": {area: hours},
        "approvals": [{"body": "AAMA", "credits": hours, "categories": {area: hours}}],
        **extra,
    }


RECORDS = [
    {"type": "offer", "provider": "ceu-world", "offer_id": "club", "name": "CE World annual pass",
     "kind": "subscription", "price": 39, "period_months": 12, "url": "https://ceu-world.example/club"},
    _course("adm-1", 2, "administrative", price=10),
    _course("gen-1", 4, "general", price=30, included_in=["club"]),
    _course("gen-2", 4, "general", price=30, included_in=["club"]),
    _course("gen-3", 4, "general", price=30, included_in=["club"]),
    _course("ws-1", 2, "clinical", price=5, format="in_person",
            available_from="2027-09-12", available_until="2027-09-12"),
]  # fmt: skip


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("schedule")
    (folder / "courses.jsonl").write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n")
    earned = {"administrative": {"approved": 8}, "clinical": {"approved": 8}, "general": {"approved": 30}}
    profile = {"credentials": [{"id": "cma_aama", "certified_on": "2023-06-15", "earned": earned}]}
    (folder / "jane.json").write_text(json.dumps(profile))
    return folder


def _run(files: Path, *args: str, profile: str = "jane.json") -> subprocess.CompletedProcess[bytes]:
    command = [str(RECERT), "schedule", "--profile", str(files / profile), "--catalog-file",
               str(files / "courses.jsonl"), "--today", TODAY, *args]  # fmt: skip
    wide = {**os.environ, "COLUMNS": "200"}  # table cells on one line each
    return subprocess.run(command, capture_output=True, timeout=120, check=False, env=wide)


def test_json_schedule_keeps_dates_and_the_plans_cost(files: Path) -> None:
    result = _run(files, "--hours-per-month", "2", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["feasible"] and document["cost"] == document["plan_cost"] and not document["extra_costs"]
    (deadline,) = document["deadlines"]
    assert deadline["apply_by"] == "2028-06-30" and deadline["late_until"] == "2028-09-28"  # AAMA-only credit
    courses = {c["course_id"]: c for c in document["courses"]}
    assert courses["ws-1"]["start"] == courses["ws-1"]["finish"] == "2027-09-12"  # the workshop's day
    assert courses["adm-1"]["start"] == TODAY  # the administrative minimum first
    assert all(c["finish"] <= deadline["apply_by"] for c in courses.values())
    last = document["months"][-1]["credentials"]["cma_aama"]
    assert last["complete"] and last["counted"] >= last["required"]


def test_table_names_the_apply_by_date_and_cost(files: Path) -> None:
    result = _run(files, "--hours-per-month", "2")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "apply by 2028-06-30" in out and "Course adm-1" in out and "the plan's cost" in out
    providers = {json.loads(line)["provider"] for line in (files / "courses.jsonl").read_text().splitlines()}
    assert not any(f"— {provider}" in out for provider in providers if provider_name(provider) != provider)


def test_a_pace_too_slow_exits_3_with_what_to_change(files: Path) -> None:
    result = _run(files, "--hours-per-month", "1", "--start", "2027-08-01")
    assert result.returncode == 3
    message = result.stderr.decode().strip().splitlines()[-1]
    assert message.startswith("error: the pace cannot fit the plan:") and "h a month instead of 1" in message
    assert "start on" in message


def test_bad_pace_is_exit_2(files: Path) -> None:
    result = _run(files, "--hours-per-month", "lots")
    assert result.returncode == 2 and b"--hours-per-month must be a number" in result.stderr


def _calendar(files: Path, profile: str = "jane.json") -> Calendar:
    result = _run(files, "--hours-per-month", "2", "--format", "ics", profile=profile)
    assert result.returncode == 0, result.stderr
    return Calendar.from_ical(result.stdout)


def _events(calendar: Calendar) -> dict[str, Any]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_ics_round_trips_with_stable_uids_and_reminders(files: Path) -> None:
    first, second = _events(_calendar(files)), _events(_calendar(files))
    assert first.keys() == second.keys()
    summaries = sorted(str(e["SUMMARY"]) for e in first.values())
    assert "Last day to apply to recertify CMA (AAMA)" in summaries
    assert "CMA (AAMA) cycle ends" in summaries and "CMA (AAMA): last day of the late window" in summaries
    courses = [e for e in first.values() if str(e["SUMMARY"]).startswith("CE: ")]
    assert len(courses) == len(first) - 3
    for event in first.values():
        triggers = sorted(alarm["TRIGGER"].dt for alarm in event.walk("VALARM"))
        assert triggers == [timedelta(days=-30), timedelta(days=-7)]
        assert event["DTEND"].dt > event["DTSTART"].dt
    workshop = next(e for e in courses if "ws-1" in str(e["SUMMARY"]))
    assert workshop["DTSTART"].dt == date(2027, 9, 12)
    assert "Provider: Ceu world" in str(workshop["DESCRIPTION"]) and str(workshop["URL"]).startswith(
        "https://"
    )


def test_a_course_marked_done_disappears_from_the_calendar(files: Path, tmp_path: Path) -> None:
    before = _events(_calendar(files))
    done = next(e for e in before.values() if "adm-1" in str(e["SUMMARY"]))
    profile = json.loads((files / "jane.json").read_text())
    profile["completed"] = [{"course": "ceu-world/adm-1", "on": "2027-01-05"}]  # marked done
    (tmp_path / "jane.json").write_text(json.dumps(profile))  # the same profile, regenerated
    (tmp_path / "courses.jsonl").write_text((files / "courses.jsonl").read_text())
    after = _events(_calendar(tmp_path))
    assert str(done["UID"]) not in after
    assert not any("adm-1" in str(e["SUMMARY"]) for e in after.values())  # not rescheduled
    kept = {uid for uid, e in before.items() if not str(e["SUMMARY"]).startswith("CE: ")}
    assert kept <= after.keys()  # the deadlines update in place


def test_plan_says_when_its_outside_credit_moves_the_apply_by_date(tmp_path: Path) -> None:
    outside = {
        key: value for key, value in _course("gen-out", 2, "general", price=5).items() if key != "approvals"
    }
    (tmp_path / "courses.jsonl").write_text(json.dumps(outside) + "\n")
    earned = {"administrative": {"approved": 10}, "clinical": {"approved": 10}, "general": {"approved": 38}}
    profile = tmp_path / "p.json"
    profile.write_text(
        json.dumps({"credentials": [{"id": "cma_aama", "certified_on": "2023-06-15", "earned": earned}]})
    )
    command = [
        str(RECERT),
        "plan",
        "--profile",
        str(profile),
        "--catalog-file",
        str(tmp_path / "courses.jsonl"),
    ]
    result = subprocess.run(
        [*command, "--format", "json"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout)["apply_by"]["cma_aama"]
    assert line["apply_by"] == "2028-06-09" and line["apply_route"] == "online"
    assert "moves the date 21 days earlier than 2028-06-30" in line["words"]
    table = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    words = " ".join(table.stdout.split())  # Rich wraps long lines
    assert "CMA (AAMA): apply by 2028-06-09 (online): this plan adds credit not approved by AAMA" in words


def test_no_plan_at_all_exits_3_with_the_reasons(files: Path, tmp_path: Path) -> None:
    profile = {"credentials": [{"id": "cma_aama", "certified_on": "2023-06-15"}]}  # 60 points: far too many
    (tmp_path / "jane.json").write_text(json.dumps(profile))
    (tmp_path / "courses.jsonl").write_text((files / "courses.jsonl").read_text())
    result = _run(tmp_path)
    assert result.returncode == 3
    assert (
        result.stderr.decode()
        .strip()
        .splitlines()[-1]
        .startswith("error: no plan can meet the requirements:")
    )
