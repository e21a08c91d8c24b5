"""The done-list: parsed and validated with the profile, counted like a dated transcript row, never
planned again; one date parser for ISO and US dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from recommender.planner.adapter import build_input
from recommender.rules.dates import parse_date
from recommender.rules.history import NOT_IN_CATALOG, apply_completed
from recommender.rules.profile import ProfileError, parse_profile
from recommender.rules.transcript import TranscriptRow, judge_rows
from recommender.rules.verdict import DUPLICATE
from tests.recommender.rules_factory import course

CMA = {"id": "cma_aama", "certified_on": "2023-06-15"}
EKG = course(2, areas={"clinical": 2}, approvals={"AAMA": {"credits": 2}}, course_id="ekg")
CODING = course(3, areas={"administrative": 3}, course_id="coding")
CATALOG = {EKG.key: EKG, CODING.key: CODING}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-03-15", date(2022, 3, 15)),
        ("03/15/2022", date(2022, 3, 15)),
        ("3/5/2022", date(2022, 3, 5)),
        (" 12/31/2024 ", date(2024, 12, 31)),
        (date(2020, 1, 2), date(2020, 1, 2)),
    ],
)
def test_iso_and_us_dates_are_read(text: object, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["15/03/2022", "2022-3-15", "2/30/2022", "March 3", "", "2022-03-15T00:00"])
def test_other_date_text_is_refused_with_the_forms_it_takes(text: str) -> None:
    with pytest.raises(ValueError, match=r"YYYY-MM-DD or M/D/YYYY"):
        parse_date(text)


def test_a_us_certification_date_sets_the_cycle() -> None:
    profile = parse_profile({"credentials": [{**CMA, "certified_on": "06/15/2023"}]})
    assert profile.credentials[0].cycle_start == date(2023, 6, 15)


def _completed(*entries: dict[str, object]) -> dict[str, object]:
    return {"credentials": [CMA], "completed": list(entries)}


def test_completed_courses_are_parsed() -> None:
    profile = parse_profile(
        _completed({"course": "prov/ekg", "on": "3/1/2024", "note": "cert 12", "title": "EKG then"})
    )
    (done,) = profile.completed
    assert (done.key, done.on, done.note, done.title) == (
        ("prov", "ekg"),
        date(2024, 3, 1),
        "cert 12",
        "EKG then",
    )
    assert "prov/ekg" in profile.already_taken


@pytest.mark.parametrize(
    ("entries", "field", "problem"),
    [
        ("x", "completed", "must be a list"),
        ([5], "completed[0]", "must be an object"),
        ([{"course": "ekg", "on": "2024-01-01"}], "completed[0].course", "provider/course_id"),
        ([{"on": "2024-01-01"}], "completed[0].course", "provider/course_id"),
        ([{"course": "prov/ekg"}], "completed[0].on", "is required"),
        ([{"course": "prov/ekg", "on": "2024-31-01"}], "completed[0].on", "YYYY-MM-DD or M/D/YYYY"),
        ([{"course": "prov/ekg", "on": "2024-01-01", "note": 5}], "completed[0].note", "must be text"),
        ([{"course": "prov/ekg", "on": "2024-01-01", "when": 1}], "completed[0].when", "not a known field"),
        (
            [{"course": "prov/ekg", "on": "2024-01-01"}, {"course": "prov/ekg", "on": "1/1/2024"}],
            "completed[1]",
            "listed twice",
        ),
    ],
)
def test_a_wrong_done_list_names_the_entry_and_field(entries: object, field: str, problem: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile({"credentials": [CMA], "completed": entries})
    assert any(p.field == field and problem in p.reason for p in caught.value.problems), caught.value


def test_a_completed_course_counts_like_a_dated_transcript_row() -> None:
    profile = parse_profile(_completed({"course": "prov/ekg", "on": "2024-03-01"}))
    counted = apply_completed(profile, CATALOG)
    as_row = judge_rows([TranscriptRow(2, date(2024, 3, 1), EKG, None)], profile.credentials)
    assert counted.credentials[0].standing == as_row.standings["cma_aama"]
    assert counted.credentials[0].standing != profile.credentials[0].standing
    (entry,) = counted.history
    assert entry.found and entry.verdicts["cma_aama"].counts and entry.title == EKG.title


def test_one_outside_the_cycle_or_not_in_the_catalog_does_not_count_and_says_why() -> None:
    profile = parse_profile(
        _completed(
            {"course": "prov/ekg", "on": "2020-01-01"},
            {"course": "gone/c9", "on": "2024-01-01", "title": "Old"},
        )
    )
    counted = apply_completed(profile, CATALOG)
    early, gone = counted.history
    assert (
        not early.verdicts["cma_aama"].counts
        and "before the credit window" in early.verdicts["cma_aama"].reasons[0]
    )
    assert not gone.found and gone.title == "Old" and gone.verdicts["cma_aama"].why_not == NOT_IN_CATALOG
    assert counted.credentials[0].standing == profile.credentials[0].standing


def test_the_same_course_logged_twice_on_one_day_counts_once() -> None:
    profile = parse_profile(_completed({"course": "prov/ekg", "on": "2024-03-01"}))
    report = judge_rows([TranscriptRow(2, date(2024, 3, 1), EKG, None)], profile.credentials)
    with_transcript = replace(
        profile,
        credentials=tuple(replace(h, standing=report.standings[h.id]) for h in profile.credentials),
        transcript_report=report,
    )
    counted = apply_completed(with_transcript, CATALOG)
    assert counted.history[0].verdicts["cma_aama"].why_not == DUPLICATE
    assert counted.credentials[0].standing == apply_completed(profile, CATALOG).credentials[0].standing
    assert len(counted.transcript_report.judgements) == 1  # the transcript keeps its own rows only


def test_applying_twice_changes_nothing() -> None:
    profile = parse_profile(_completed({"course": "prov/ekg", "on": "2024-03-01"}))
    once = apply_completed(profile, CATALOG)
    assert apply_completed(once, CATALOG).credentials == once.credentials


def test_completed_courses_are_never_planned_again() -> None:
    profile = parse_profile(_completed({"course": "prov/coding", "on": "2024-03-01"}))
    priced = [replace(c, price=Decimal(10)) for c in (EKG, CODING)]
    inp = build_input(priced, [], profile, today=date(2025, 1, 1))
    assert [c.key for c in inp.courses] == [EKG.key]
    assert any(e.key == CODING.key and e.reason == "already taken" for e in inp.excluded)
