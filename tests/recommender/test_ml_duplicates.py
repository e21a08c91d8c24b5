"""Duplicate listings: threshold tuned on labelled pairs, groups, one row per group cheapest first."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from recommender.ml.duplicates import (
    DUPLICATE_THRESHOLD,
    cheapest_first,
    collapse_duplicates,
    duplicate_groups,
    pair_score,
    precision_recall,
    tune_threshold,
)
from tests.recommender.ml_data import PAIRS, course, rows

PAIR_ROWS = rows(PAIRS)


def _hours(text: str) -> Decimal | None:
    return Decimal(text) if text else None


@pytest.fixture(scope="module")
def scored() -> tuple[list[float], list[bool]]:
    scores = [
        pair_score(row["title_a"], row["title_b"], _hours(row["hours_a"]), _hours(row["hours_b"]))
        for row in PAIR_ROWS
    ]
    return scores, [row["duplicate"] == "1" for row in PAIR_ROWS]


def test_labelled_pairs_hold_positives_and_hard_negatives():
    labels = [row["duplicate"] for row in PAIR_ROWS]
    assert labels.count("1") >= 25 and labels.count("0") >= 25
    assert all(row["why"] for row in PAIR_ROWS)


def test_precision_and_recall_on_labelled_pairs(scored):
    precision, recall = precision_recall(*scored, DUPLICATE_THRESHOLD)
    assert precision >= 0.9
    assert recall >= 0.9


def test_shipped_threshold_is_the_one_tuned_on_the_pairs(scored):
    assert tune_threshold(*scored).threshold == pytest.approx(DUPLICATE_THRESHOLD)


def test_threshold_tuned_on_half_the_pairs_holds_on_the_other_half(scored):
    scores, labels = scored
    even, odd = slice(0, None, 2), slice(1, None, 2)
    for train, test in ((even, odd), (odd, even)):
        threshold = tune_threshold(scores[train], labels[train]).threshold
        precision, recall = precision_recall(scores[test], labels[test], threshold)
        assert precision >= 0.85 and recall >= 0.85


@pytest.mark.parametrize(
    ("title_a", "title_b", "hours_a", "hours_b"),
    [
        ("Phlebotomy Part 1", "Phlebotomy Part 2", None, None),
        ("Coding Level I", "Coding Level II", None, None),
        ("Stress Management for Healthcare Workers", "Stress Management for Healthcare Workers", "1", "3"),
    ],
)
def test_sequels_and_different_lengths_are_not_duplicates(title_a, title_b, hours_a, hours_b):
    score = pair_score(title_a, title_b, _hours(hours_a or ""), _hours(hours_b or ""))
    assert score < DUPLICATE_THRESHOLD


def test_hours_written_into_a_title_are_not_a_part_number():
    assert pair_score("Cultural Competency", "Cultural Competency (1 contact hour)") >= DUPLICATE_THRESHOLD


def _catalog() -> list:
    return [
        course("relias", "c1", "HIPAA Privacy Rule Essentials", price="30"),
        course("ceufast", "h-1", "HIPAA Privacy Rule Essentials for Medical Assistants", price="12.50"),
        course("netce", "77", "HIPAA Privacy Rule Essentials - Online CE", price=None),
        course("relias", "c2", "Venipuncture Technique", price="20"),
        course("netce", "78", "Wound Care and Dressing Changes", price="15"),
        course("amt", "w", "Wound Care & Dressing Changes", price="9"),
    ]


def test_duplicate_groups_gather_syndicated_listings():
    assert duplicate_groups(_catalog()) == [
        [("amt", "w"), ("netce", "78")],
        [("ceufast", "h-1"), ("netce", "77"), ("relias", "c1")],
    ]
    assert duplicate_groups([]) == []


def test_cheapest_first_puts_unknown_prices_last():
    courses = _catalog()
    gathered = cheapest_first(courses, duplicate_groups(courses))
    assert [[c.key for c in group] for group in gathered] == [
        [("ceufast", "h-1"), ("relias", "c1"), ("netce", "77")],
        [("relias", "c2")],
        [("amt", "w"), ("netce", "78")],
    ]


def test_collapse_duplicates_shows_one_row_per_group_cheapest_first():
    courses = _catalog()
    frame = pd.DataFrame(
        {
            "provider": [c.provider for c in courses],
            "course_id": [c.course_id for c in courses],
            "title": [c.title for c in courses],
            "price": [float(c.price) if c.price is not None else None for c in courses],
        }
    )
    collapsed = collapse_duplicates(frame, duplicate_groups(courses))
    assert list(zip(collapsed["provider"], collapsed["course_id"], strict=True)) == [
        ("ceufast", "h-1"),
        ("relias", "c2"),
        ("amt", "w"),
    ]
    assert collapsed["duplicate_count"].tolist() == [2, 0, 1]
    assert collapsed["also_listed_by"].tolist() == ["relias:c1; netce:77", "", "netce:78"]
    assert collapse_duplicates(frame, []).shape[0] == len(frame)
