"""CMA (AAMA) counting, hand-computed: area minimums, approved minimum, the outside cap, CPR cards, units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from recommender.rules.engine import add, contribution, count, load_rule, missing
from recommender.rules.model import NO_AREA, TOO_SHORT
from recommender.rules.verdict import OUTSIDE_CYCLE, OVER_CAP, judge
from tests.recommender.rules_factory import D, course, held, standing

CMA = load_rule("cma_aama").counting
TEN_EACH = {"administrative": 10, "clinical": 10, "general": 10}


def test_rule_values_are_the_official_ones() -> None:
    assert CMA.total_required == 60
    assert CMA.area_minimums == {"administrative": 10, "clinical": 10, "general": 10}
    assert CMA.approved_minimum == 30
    assert CMA.other_cap == 30
    assert (CMA.cpr_points, CMA.cpr_area, CMA.cpr_max_cards) == (4, "clinical", 3)
    assert CMA.min_outside_hours == 1
    assert CMA.college_credit_units == 15
    assert CMA.unit == "point" and CMA.body == "AAMA"


def test_exactly_sixty_with_thirty_each_way_is_complete() -> None:
    state = standing(approved=TEN_EACH, other={"administrative": 10, "clinical": 10, "general": 10})
    counted = count(CMA, state)
    assert counted.total == 60 and counted.approved == 30 and counted.other == 30
    assert missing(CMA, state).complete


def test_one_hundredth_short_is_missing_exactly_that() -> None:
    state = standing(approved=TEN_EACH, other={"general": "29.99"})
    gap = missing(CMA, state)
    assert gap.total == D("0.01") and gap.approved == 0 and not gap.complete


def test_outside_cap_binds_at_thirty() -> None:
    state = standing(approved=TEN_EACH, other={"general": 40})
    counted = count(CMA, state)
    assert counted.other == 30 and counted.other_earned == 40
    assert counted.areas == {"administrative": 10, "clinical": 10, "general": 40}
    assert counted.total == 60
    assert missing(CMA, state).complete


def test_approved_minimum_is_separate_from_total() -> None:
    state = standing(approved={"administrative": 10, "clinical": 10, "general": 9}, other={"general": 31})
    gap = missing(CMA, state)
    assert gap.approved == 1
    assert gap.total == 1  # 29 approved + 30 of the 31 outside points
    assert gap.areas == {"administrative": 0, "clinical": 0, "general": 0}


def test_outside_credit_goes_first_where_an_area_is_short() -> None:
    # A naive fill (general first) would use the whole cap on general and leave administrative at 0.
    state = standing(approved={"clinical": 25, "general": 25}, other={"general": 30, "administrative": 10})
    counted = count(CMA, state)
    assert counted.areas["administrative"] == 10
    assert counted.areas["general"] == 45
    assert counted.other == 30
    assert missing(CMA, state).complete


def test_area_minimum_can_stay_short_when_no_credit_in_it() -> None:
    state = standing(approved={"clinical": 30, "general": 30})
    gap = missing(CMA, state)
    assert gap.areas == {"administrative": 10, "clinical": 0, "general": 0}
    assert gap.total == 0 and gap.approved == 0 and not gap.complete


def test_aama_approved_course_gives_its_per_area_credits_whatever_its_length() -> None:
    short = course("0.5", approvals={"AAMA": {"credits": "0.5", "categories": {"clinical": "0.5"}}})
    given = contribution(short, CMA)
    assert given.counts and given.approved == {"clinical": D("0.5")} and given.other == {}
    split = course(3, approvals={"AAMA": {"credits": 3, "categories": {"clinical": 2, "general": 1}}})
    assert contribution(split, CMA).approved == {"clinical": 2, "general": 1}


def test_aama_approval_without_categories_is_split_by_content_areas() -> None:
    mixed = course(4, areas={"clinical": 3, "general": 1}, approvals={"AAMA": {"credits": 2}})
    assert contribution(mixed, CMA).approved == {"clinical": D("1.5"), "general": D("0.5")}


@pytest.mark.parametrize(("hours", "counts"), [("0.99", False), ("1", True), ("1.01", True)])
def test_outside_course_must_last_one_contact_hour(hours: str, counts: bool) -> None:
    given = contribution(course(hours, areas={"general": hours}), CMA)
    assert given.counts is counts
    if counts:
        assert given.other == {"general": D(hours)} and given.approved == {}
    else:
        assert given.why_not == TOO_SHORT


def test_outside_course_hours_are_points_per_area() -> None:
    given = contribution(course(3, areas={"administrative": 2, "clinical": 1}), CMA)
    assert given.other == {"administrative": 2, "clinical": 1}


def test_other_bodies_approval_is_outside_credit() -> None:
    given = contribution(course(2, areas={"clinical": 2}, approvals={"NHA": {"credits": 1}}), CMA)
    assert given.other == {"clinical": 2} and given.approved == {}


def test_college_credit_gives_fifteen_outside_points_per_credit_split_by_time() -> None:
    one = course(15, areas={"clinical": 15}, kind="college_credit", extras={"college_credits": 1})
    assert contribution(one, CMA).other == {"clinical": 15}
    three = course(
        45, areas={"clinical": 30, "general": 15}, kind="college_credit", extras={"college_credits": 3}
    )
    assert contribution(three, CMA).other == {"clinical": 30, "general": 15}


def test_cpr_card_gives_four_clinical_aama_points() -> None:
    given = contribution(course(4, kind="cpr_card"), CMA)
    assert given.cpr_card and given.approved == {"clinical": 4} and given.other == {}


def test_course_without_area_counts_only_with_an_allowed_inferred_area() -> None:
    bare = course(2)
    assert contribution(bare, CMA).why_not == NO_AREA
    assert contribution(bare, CMA, inferred_area="clinical").why_not == NO_AREA
    guessed = contribution(bare, CMA, inferred_area="clinical", allow_inferred=True)
    assert guessed.counts and guessed.uses_inferred_area and guessed.other == {"clinical": 2}


def test_cpr_cap_counts_cards_already_earned() -> None:
    card = contribution(course(4, kind="cpr_card"), CMA)
    state = standing(approved={"clinical": 8}, cpr_cards=2)
    third = add(state, card)
    assert count(CMA, third).areas["clinical"] == 12 and count(CMA, third).cpr_cards == 3
    fourth = add(third, card)
    assert count(CMA, fourth).areas["clinical"] == 12
    assert count(CMA, fourth).cpr_cards == 3
    assert missing(CMA, fourth) == missing(CMA, third)


def test_verdict_for_a_fourth_card_is_over_the_cap() -> None:
    cma = held("cma_aama", date(2023, 6, 15), standing(approved={"clinical": 12}, cpr_cards=3))
    verdict = judge(course(4, kind="cpr_card"), cma, completed_on=date(2024, 1, 1))
    assert not verdict.counts and verdict.why_not == OVER_CAP and verdict.gain == 0
    assert "3 CPR cards" in verdict.reasons[-1]


def test_verdict_when_outside_cap_is_partly_used() -> None:
    cma = held("cma_aama", date(2023, 6, 15), standing(other={"general": 28}))
    verdict = judge(course(5, areas={"clinical": 5}), cma, completed_on=date(2024, 1, 1))
    assert verdict.counts and verdict.gain == 2 and verdict.offered == 5 and verdict.why_not == OVER_CAP
    assert "only 2 of 5" in verdict.reasons[-1]


@pytest.mark.parametrize(
    ("day", "counts"),
    [
        (date(2023, 6, 14), False),  # the day before certification
        (date(2023, 6, 15), True),  # certification day
        (date(2028, 6, 30), True),  # the last day of the cycle
        (date(2028, 7, 1), False),  # the day after
    ],
)
def test_credit_must_be_dated_inside_the_cycle(day: date, counts: bool) -> None:
    cma = held("cma_aama", date(2023, 6, 15))
    verdict = judge(course(2, areas={"clinical": 2}), cma, completed_on=day)
    assert verdict.counts is counts
    assert verdict.why_not == ("" if counts else OUTSIDE_CYCLE)


def test_counted_ignores_areas_the_rule_does_not_track() -> None:
    state = standing(approved={"any": 50})
    assert count(CMA, state).total == 0


def test_decimal_points_are_exact() -> None:
    state = standing(approved={"administrative": "10.1", "clinical": "10.1", "general": "10.1"})
    assert count(CMA, state).approved == Decimal("30.3")
