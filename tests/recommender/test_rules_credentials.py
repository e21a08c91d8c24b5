"""Every credential's rule file: cycles (month ends, leap years), totals, units, windows, late rules, fees."""

from __future__ import annotations

from datetime import date

import pytest

from recommender.rules.engine import (
    RulesError,
    add_months,
    contribution,
    count,
    list_credentials,
    load_rule,
    missing,
)
from recommender.rules.model import ANY_AREA
from recommender.rules.progress import credential_progress, fee_due, status_of
from recommender.rules.verdict import judge
from tests.recommender.rules_factory import D, course, held, standing

ALL = ("cma_aama", "cmac_amca", "ncma_ncct", "nha_ccma", "nha_cmaa", "nha_cpt", "rma_amt")


def test_one_rule_file_per_credential() -> None:
    assert list_credentials() == ALL


@pytest.mark.parametrize("credential_id", ALL)
def test_every_value_has_a_source_and_as_of_date(credential_id: str) -> None:
    rules = load_rule(credential_id)
    assert rules.params
    for param in rules.params.values():
        assert param.source.startswith(("http://", "https://")), param.name
        assert param.as_of, param.name
        if param.value is None:
            assert param.unverified, param.name
        if param.confidence == "low":
            assert param.unverified, param.name


@pytest.mark.parametrize(
    ("credential_id", "start", "end"),
    [
        ("cma_aama", date(2010, 2, 10), date(2015, 2, 28)),  # AAMA's own example
        ("cma_aama", date(2023, 6, 15), date(2028, 6, 30)),
        ("cma_aama", date(2020, 2, 29), date(2025, 2, 28)),  # certified on a leap day
        ("cma_aama", date(2019, 2, 1), date(2024, 2, 29)),  # due at a leap month end
        ("cma_aama", date(2023, 12, 31), date(2028, 12, 31)),
        ("rma_amt", date(2006, 5, 1), date(2009, 5, 1)),  # AMT's example: cert date + 36 months
        ("rma_amt", date(2020, 2, 29), date(2023, 2, 28)),
        ("nha_ccma", date(2020, 2, 29), date(2022, 2, 28)),
        ("nha_cpt", date(2022, 8, 31), date(2024, 8, 31)),
        ("nha_cmaa", date(2022, 2, 28), date(2024, 2, 28)),
        ("ncma_ncct", date(2023, 3, 15), date(2024, 3, 15)),
        ("ncma_ncct", date(2024, 2, 29), date(2025, 2, 28)),
        ("cmac_amca", date(2017, 2, 10), date(2019, 2, 10)),  # AMCA's example: tested Feb 2017 → Feb 2019
    ],
)
def test_cycle_end(credential_id: str, start: date, end: date) -> None:
    assert load_rule(credential_id).cycle.end_from_start(start) == end


@pytest.mark.parametrize(
    ("credential_id", "end", "start"),
    [
        ("cma_aama", date(2028, 6, 30), date(2023, 6, 1)),  # only the month is known: its first day
        ("cma_aama", date(2024, 2, 29), date(2019, 2, 1)),
        ("rma_amt", date(2023, 2, 28), date(2020, 2, 28)),
        ("nha_ccma", date(2024, 3, 31), date(2022, 3, 31)),
    ],
)
def test_cycle_start_from_a_given_end(credential_id: str, end: date, start: date) -> None:
    assert load_rule(credential_id).cycle.start_from_end(end) == start


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2024, 12, 15), 1) == date(2025, 1, 15)


@pytest.mark.parametrize(
    ("credential_id", "total", "unit"),
    [
        ("rma_amt", 30, "point"),
        ("nha_ccma", 10, "credit"),
        ("nha_cmaa", 10, "credit"),
        ("nha_cpt", 10, "credit"),
        ("ncma_ncct", 14, "clock_hour"),
        ("cmac_amca", 10, "credit"),
    ],
)
def test_credentials_without_areas(credential_id: str, total: int, unit: str) -> None:
    rule = load_rule(credential_id).counting
    assert rule.total_required == total and rule.unit == unit
    assert rule.areas == (ANY_AREA,) and rule.area_minimums == {}
    assert rule.approved_minimum == 0 and rule.other_cap is None
    exact = standing(other={ANY_AREA: total})
    assert missing(rule, exact).complete
    short = standing(approved={ANY_AREA: total - 1}, other={ANY_AREA: "0.5"})
    assert missing(rule, short).total == D("0.5")


def test_nha_two_hours_make_one_credit() -> None:
    rule = load_rule("nha_ccma").counting
    assert contribution(course(3), rule).other == {ANY_AREA: D("1.5")}
    approved = contribution(course(3, approvals={"NHA": {"credits": 1}}), rule)
    assert approved.approved == {ANY_AREA: 1} and approved.other == {}
    # NHA states no minimum length: a half-hour item gives a quarter credit.
    assert contribution(course("0.5"), rule).other == {ANY_AREA: D("0.25")}


def test_nha_certifications_share_one_rule_but_keep_their_names() -> None:
    names = {load_rule(cid).name for cid in ("nha_ccma", "nha_cmaa", "nha_cpt")}
    assert names == {"CCMA (NHA)", "CMAA (NHA)", "CPT (NHA)"}
    assert load_rule("nha_cpt").counting.hours_per_unit == 2


def test_ncct_counts_clock_hours_and_opens_the_window_a_calendar_year_early() -> None:
    rule = load_rule("ncma_ncct")
    assert contribution(course("2.5"), rule.counting).other == {ANY_AREA: D("2.5")}
    ncct = held("ncma_ncct", date(2024, 6, 1))
    assert ncct.cycle_end == date(2025, 6, 1)
    assert ncct.credit_from == date(2024, 1, 1)  # the calendar year before the recertification year
    assert judge(course(2), ncct, completed_on=date(2024, 1, 1)).counts
    assert not judge(course(2), ncct, completed_on=date(2023, 12, 31)).counts
    assert "total_required" in rule.unconfirmed  # 14 hours is third-party only


def test_amt_units_are_provisional_and_flagged() -> None:
    rules = load_rule("rma_amt")
    assert contribution(course(3), rules.counting).other == {ANY_AREA: 3}
    assert "hours_per_unit" in rules.unconfirmed
    college = contribution(course(45, kind="college_credit"), rules.counting)
    assert college.counts and college.other == {ANY_AREA: 45}
    assert "not confirmed" in college.reasons[0]


def test_amt_cycle_credit_window_has_no_carry_over() -> None:
    amt = held("rma_amt", date(2024, 5, 1))
    assert amt.cycle_end == date(2027, 5, 1)
    assert not judge(course(2), amt, completed_on=date(2024, 4, 30)).counts
    assert judge(course(2), amt, completed_on=date(2027, 5, 1)).counts


def test_cpr_card_without_a_cpr_rule_counts_by_its_hours() -> None:
    rule = load_rule("nha_ccma").counting
    given = contribution(course(4, kind="cpr_card"), rule)
    assert not given.cpr_card and given.other == {ANY_AREA: 2}


@pytest.mark.parametrize(
    ("credential_id", "end", "window_end"),
    [
        ("cma_aama", date(2028, 6, 30), date(2028, 9, 28)),  # 90 days
        ("cma_aama", date(2024, 2, 29), date(2024, 5, 29)),
        ("nha_ccma", date(2022, 2, 28), date(2023, 2, 28)),  # reinstate within 12 months
        ("cmac_amca", date(2019, 2, 10), date(2019, 3, 12)),  # 30-day grace
        ("rma_amt", date(2027, 5, 1), date(2027, 5, 1)),  # none: decertified
        ("ncma_ncct", date(2025, 6, 1), date(2030, 6, 1)),  # inactive up to five years
    ],
)
def test_late_window(credential_id: str, end: date, window_end: date) -> None:
    assert load_rule(credential_id).late.window_end(end) == window_end


def test_cma_late_rule_is_exam_and_fifty_dollars_after_ninety_days() -> None:
    late = load_rule("cma_aama").late
    assert late.window_days == 90 and late.after_window == "exam_required"
    assert late.after_fee_usd == 50


def test_cma_status_across_the_ninety_day_window() -> None:
    cma = held("cma_aama", date(2023, 6, 15))
    gap = missing(cma.rules.counting, cma.standing)
    assert status_of(cma, gap, date(2028, 9, 28)) == "at risk"
    assert status_of(cma, gap, date(2028, 9, 29)) == "lapsed"
    progress = credential_progress(cma, date(2028, 10, 1))
    assert progress.status == "lapsed" and "exam" in progress.late and "$50.00" in progress.late


def test_status_complete_on_track_and_at_risk() -> None:
    done = held("nha_ccma", date(2025, 1, 1), standing(other={ANY_AREA: 10}))
    assert credential_progress(done, date(2026, 6, 1)).status == "complete"
    fresh = held("nha_ccma", date(2025, 1, 1))
    assert credential_progress(fresh, date(2025, 2, 1)).status == "on track"
    # 90 days or fewer left with credit missing
    assert credential_progress(fresh, date(2026, 10, 3)).status == "at risk"
    # behind a steady pace by more than a quarter: 3/4 of the cycle gone, nothing earned
    assert credential_progress(fresh, date(2026, 7, 1)).status == "at risk"
    halfway = held("nha_ccma", date(2025, 1, 1), standing(other={ANY_AREA: 5}))
    assert credential_progress(halfway, date(2026, 1, 1)).status == "on track"


def test_amt_fee_is_annual_and_confirmed_by_amts_fee_table() -> None:
    amt = held("rma_amt", date(2024, 5, 1))
    fee = fee_due(amt, member=False, today=date(2025, 6, 1))
    assert fee.amount_usd == 50 and fee.due_on == date(2026, 5, 1) and not fee.unconfirmed
    assert amt.rules.params["renewal_fee_usd"].source.startswith("https://www.americanmedtech.org/")
    assert fee_due(amt, member=False, today=date(2024, 5, 2)).due_on == date(2025, 5, 1)


def test_unknown_fees_stay_unknown_until_overridden() -> None:
    nha = held("nha_ccma", date(2025, 1, 1))
    fee = fee_due(nha, member=False, today=date(2025, 6, 1))
    assert fee.amount_usd is None and fee.unconfirmed and "185" in (fee.note or "")
    nha = held("nha_ccma", date(2025, 1, 1), overrides={"renewal_fee_usd": 185})
    fee = fee_due(nha, member=False, today=date(2025, 6, 1))
    assert fee.amount_usd == 185 and fee.unconfirmed and fee.due_on == date(2027, 1, 1)


def test_cma_member_and_non_member_fees() -> None:
    cma = held(
        "cma_aama",
        date(2023, 6, 15),
        overrides={"renewal_fee_member_usd": 125, "renewal_fee_nonmember_usd": 250},
    )
    assert fee_due(cma, member=True, today=date(2024, 1, 1)).amount_usd == 125
    assert fee_due(cma, member=False, today=date(2024, 1, 1)).amount_usd == 250


def test_overrides_only_for_unconfirmed_values() -> None:
    assert load_rule("ncma_ncct", {"total_required": 12}).counting.total_required == 12
    with pytest.raises(RulesError, match="confirmed"):
        load_rule("cma_aama", {"total_required": 50})
    with pytest.raises(RulesError, match="not a rule"):
        load_rule("cma_aama", {"shoe_size": 9})
    with pytest.raises(RulesError, match="number"):
        load_rule("nha_ccma", {"renewal_fee_usd": "lots"})
    with pytest.raises(RulesError, match="not a known credential"):
        load_rule("cpht_nha")


def test_counted_areas_for_any_credentials() -> None:
    rule = load_rule("cmac_amca").counting
    counted = count(rule, standing(approved={ANY_AREA: 4}, other={ANY_AREA: 3}))
    assert counted.areas == {ANY_AREA: 7} and counted.approved == 4 and counted.other == 3
