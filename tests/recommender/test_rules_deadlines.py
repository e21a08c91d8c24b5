"""Dated rules against hand-worked dates: the apply-by date per route, AAMA's late window (the earlier of
"90 days" and "three months"), a first recertification's early credit, exam attempts, renamed credentials
and relabelled fees."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from recommender.planner.model import PlanResult, PlanStatus
from recommender.planner.whatif import ce_vs_exam
from recommender.rules.deadlines import apply_by, late_window, plan_apply_by
from recommender.rules.engine import canonical_id, list_credentials, load_rule
from recommender.rules.profile import Profile, ProfileError, parse_profile
from recommender.rules.progress import credential_progress, progress_json
from recommender.rules.transcript import TranscriptRow, judge_rows
from tests.recommender.rules_factory import course, held, standing

AAMA_END = date(2028, 6, 30)  # certified 2023-06-15


@pytest.mark.parametrize(
    ("cycle_end", "ninety_days", "three_months", "until"),
    [
        (
            date(2021, 1, 31),
            date(2021, 5, 1),
            date(2021, 4, 30),
            date(2021, 4, 30),
        ),  # January: differ by a day
        (date(2023, 1, 31), date(2023, 5, 1), date(2023, 4, 30), date(2023, 4, 30)),
        (date(2020, 1, 31), date(2020, 4, 30), date(2020, 4, 30), date(2020, 4, 30)),  # leap February: equal
        (date(2020, 2, 29), date(2020, 5, 29), date(2020, 5, 31), date(2020, 5, 29)),  # leap day expiry
        (date(2021, 2, 28), date(2021, 5, 29), date(2021, 5, 31), date(2021, 5, 29)),
        (date(2019, 11, 30), date(2020, 2, 28), date(2020, 2, 29), date(2020, 2, 28)),  # into a leap February
        (date(2018, 11, 30), date(2019, 2, 28), date(2019, 2, 28), date(2019, 2, 28)),
        (date(2023, 12, 31), date(2024, 3, 30), date(2024, 3, 31), date(2024, 3, 30)),
        (date(2022, 10, 31), date(2023, 1, 29), date(2023, 1, 31), date(2023, 1, 29)),
    ],
)
def test_aama_late_window_is_the_earlier_of_ninety_days_and_three_months(
    cycle_end: date, ninety_days: date, three_months: date, until: date
) -> None:
    late = load_rule("cma_aama").late
    assert late.readings(cycle_end) == (("90 days", ninety_days), ("3 months", three_months))
    assert late.window_end(cycle_end) == until


def test_late_window_shows_both_wordings_and_is_flagged() -> None:
    window = late_window(held("cma_aama", date(2016, 1, 4)))  # cycle ends 2021-01-31
    assert window is not None and window.conflicting and window.until == date(2021, 4, 30)
    words = window.words()
    assert "“90 days” → 2021-05-01" in words and "“3 months” → 2021-04-30" in words and "unconfirmed" in words
    assert "late_window_months" in load_rule("cma_aama").unconfirmed
    single = late_window(held("cmac_amca", date(2017, 2, 10)))
    assert single is not None and not single.conflicting and single.words() == "until 2019-03-12"


@pytest.mark.parametrize(
    ("route", "outside", "day", "processing"),
    [
        (None, False, AAMA_END, 0),  # default online, AAMA credit only: at once
        ("phone", False, AAMA_END, 0),
        (None, True, date(2028, 6, 9), 21),  # online with outside credit: 2–3 weeks → 21 days
        ("mail", True, date(2028, 5, 31), 30),
        ("expedited", True, date(2028, 6, 23), 7),
        ("mail", False, date(2028, 5, 31), 30),  # mail is never instant
        ("phone", True, date(2028, 6, 9), 21),  # phone takes AAMA credit only: online's time applies
    ],
)
def test_apply_by_per_route(route: str | None, outside: bool, day: date, processing: int) -> None:
    credential = held("cma_aama", date(2023, 6, 15))
    found = apply_by(replace(credential, apply_route=route), outside_credit=outside)
    assert (found.day, found.processing_days) == (day, processing)
    assert found.route == ("online" if route == "phone" and outside else route or "online")


def test_apply_by_across_a_leap_month_end() -> None:
    credential = held("cma_aama", date(2019, 3, 2))  # cycle ends 2024-03-31
    assert apply_by(credential, outside_credit=True).day == date(2024, 3, 10)


def test_apply_by_without_published_processing_times_is_the_cycle_end() -> None:
    amt = held("rma_amt", date(2024, 5, 1))
    found = apply_by(amt, outside_credit=True)
    assert found.day == date(2027, 5, 1) and found.route is None


def test_plan_with_outside_credit_moves_the_apply_by_date_earlier_and_says_so() -> None:
    credential = held("cma_aama", date(2023, 6, 15), standing(approved={"clinical": 10}))
    moved, words = plan_apply_by(credential, outside_after=True)
    assert moved.day == date(2028, 6, 9)
    assert "moves the date 21 days earlier than 2028-06-30" in words
    kept, words = plan_apply_by(credential, outside_after=False)
    assert kept.day == AAMA_END and "moves" not in words


def test_progress_json_has_apply_by_route_and_late_until() -> None:
    credential = held(
        "cma_aama", date(2023, 6, 15), standing(approved={"clinical": 10}, other={"general": 2})
    )
    item = progress_json([credential_progress(credential, date(2026, 1, 1))], date(2026, 1, 1))
    document = item["credentials"][0]
    assert document["apply_by"] == "2028-06-09" and document["apply_route"] == "online"
    assert document["late_until"] == "2028-09-28" and document["late_until_unconfirmed"] is True
    assert document["late_until_readings"] == {"90 days": "2028-09-28", "3 months": "2028-09-30"}


def _profile(**credential: object) -> Profile:
    return parse_profile({"credentials": [{"id": "cma_aama", "certified_on": "2024-03-15", **credential}]})


def test_profile_names_a_route_and_it_is_checked() -> None:
    assert _profile(apply_route="mail").credentials[0].route == "mail"
    assert _profile().credentials[0].route == "online"
    with pytest.raises(ProfileError, match=r"credentials\[0\]\.apply_route: must be one of online, mail"):
        _profile(apply_route="fax")
    with pytest.raises(ProfileError, match=r"credentials\[0\]\.apply_route: .* publishes no application"):
        parse_profile(
            {"credentials": [{"id": "rma_amt", "certified_on": "2024-03-15", "apply_route": "mail"}]}
        )


def test_first_recertification_needs_the_rule_and_a_certification_date() -> None:
    with pytest.raises(ProfileError, match=r"first_recertification: .* has no rule"):
        parse_profile(
            {"credentials": [{"id": "nha_ccma", "certified_on": "2024-03-15", "first_recertification": True}]}
        )
    with pytest.raises(ProfileError, match=r"first_recertification: needs certified_on"):
        parse_profile(
            {"credentials": [{"id": "cma_aama", "cycle_end": "2029-03-31", "first_recertification": True}]}
        )


def _rows(*dated: tuple[date, int]) -> list[TranscriptRow]:
    return [
        TranscriptRow(
            line,
            day,
            course(
                points,
                approvals={"AAMA": {"credits": points, "categories": {"clinical": points}}},
                course_id=f"r{line}",
            ),
            None,
        )
        for line, (day, points) in enumerate(dated, start=2)
    ]


def test_first_recertification_counts_the_three_months_before_up_to_twenty_points() -> None:
    first = _profile(first_recertification=True).credentials[0]  # certified 2024-03-15
    assert first.early_window == (date(2023, 12, 15), date(2024, 3, 14))
    rows = _rows(
        (date(2023, 12, 14), 5),  # a day before the window: does not count
        (date(2023, 12, 15), 8),  # first day of the window
        (date(2024, 2, 1), 8),
        (date(2024, 3, 14), 8),  # last day: only 4 of 8 fit under the 20-point cap
        (date(2024, 3, 14), 3),  # the cap is used up
        (date(2024, 3, 15), 6),  # inside the cycle: no cap
    )
    report = judge_rows(rows, [first])
    gains = [j.verdicts["cma_aama"].gain for j in report.judgements]
    assert gains == [0, 8, 8, 4, 0, 6]
    assert report.standings["cma_aama"].early == 20
    assert "unconfirmed" in " ".join(report.judgements[1].verdicts["cma_aama"].reasons)
    plain = judge_rows(rows, [_profile().credentials[0]])
    assert [j.verdicts["cma_aama"].gain for j in plain.judgements] == [0, 0, 0, 0, 0, 6]


def test_first_recertification_window_and_cap_are_configurable() -> None:
    wider = parse_profile(
        {
            "credentials": [{"id": "cma_aama", "certified_on": "2024-03-15", "first_recertification": True}],
            "overrides": {"cma_aama": {"first_recert_months_before": 6, "first_recert_max_units": 10}},
        }
    ).credentials[0]
    assert wider.early_window == (date(2023, 9, 15), date(2024, 3, 14))
    report = judge_rows(_rows((date(2023, 10, 1), 8), (date(2023, 11, 1), 8)), [wider])
    assert [j.verdicts["cma_aama"].gain for j in report.judgements] == [8, 2]


def test_exam_route_says_three_attempts() -> None:
    result = PlanResult(PlanStatus.OPTIMAL, Decimal(40), Decimal(10), (), (), ())
    profile = Profile(credentials=(held("cma_aama", date(2023, 6, 15)),))
    words = ce_vs_exam(result, profile)["cma_aama: CE vs exam"]
    assert "at most 3 attempts" in words and "neither the exam nor recertification is open" in words


def test_amca_credential_has_its_own_name_and_the_old_id_still_works() -> None:
    rules = load_rule("cma_amca")
    assert rules.id == "cmac_amca" and rules.name == "Clinical Medical Assistant Certification (CMAC)"
    assert canonical_id("cma_amca") == "cmac_amca" and "cma_amca" not in list_credentials()
    profile = parse_profile(
        {
            "credentials": [{"id": "cma_amca", "certified_on": "2025-01-10"}],
            "overrides": {"cma_amca": {"renewal_fee_usd": 60}},
        }
    )
    assert profile.credentials[0].id == "cmac_amca" and profile.credentials[0].rules.fees.renewal_usd == 60


def test_aama_exam_fees_are_not_labelled_official() -> None:
    params = load_rule("cma_aama").params
    for name in ("exam_fee_member_usd", "exam_fee_nonmember_usd"):
        assert params[name].confidence == "low" and params[name].unconfirmed and params[name].value is None
