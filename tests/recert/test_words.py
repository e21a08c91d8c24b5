"""Words for people: display names without internal keys, one status for the CLI and the app, courses
named in every form the tool prints."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from recert import words
from recert.done import CourseNotFound, add_done, pick_course, remove_done
from recommender.rules.engine import list_credentials
from recommender.rules.profile import parse_profile
from recommender.rules.progress import Status, credential_progress
from tests.recommender.rules_factory import course

ROOT = Path(__file__).resolve().parents[2]


def test_every_credential_has_a_display_name_from_its_rules_file() -> None:
    names = words.credential_names()
    assert list(names) == list(list_credentials())
    for credential_id, name in names.items():
        assert name != credential_id and "_" not in name


@pytest.mark.parametrize(
    ("provider", "name"),
    [("aama", "AAMA"), ("relias", "Relias Academy"), ("ace", "ACE — Annals of Continuing Education"),
     ("ma_ceu_hub", "MA CEU Hub"), ("my-ce-club", "My ce club")],
)  # fmt: skip
def test_provider_display_names(provider: str, name: str) -> None:
    assert words.provider_name(provider) == name


def test_every_sample_provider_has_a_name_without_its_key() -> None:
    providers = {path.stem for path in (ROOT / "data" / "sample").glob("*.jsonl")} | {"ma_ceu_hub"}
    for provider in providers:
        assert "_" not in words.provider_name(provider)


def test_verdict_sentences_never_show_a_code() -> None:
    cma = parse_profile({"credentials": [{"id": "cma_aama", "certified_on": "2023-06-15"}]}).credentials[0]
    from recommender.rules.verdict import judge

    for item, day in [
        (course(2, areas={"clinical": 2}, approvals={"AAMA": {"credits": 2}}), date(2024, 1, 1)),
        (course(2, areas={"clinical": 2}), date(2020, 1, 1)),
        (course(2), date(2024, 1, 1)),
    ]:
        sentence = words.verdict_sentence(judge(item, cma, completed_on=day), "point")
        assert sentence.startswith(("Counts: +", "Does not count")) and "_" not in sentence, sentence


def test_the_app_shows_the_status_the_cli_shows_on_every_day_of_a_cycle() -> None:
    """The class behind "In progress" in the app vs "AT RISK" from `recert progress`."""
    from recert.ui.profile import credential_progress as app_progress

    profile = parse_profile(
        {"credentials": [{"id": "cma_aama", "certified_on": "2023-06-15",
                          "earned": {"general": {"approved": 10}}}]}
    )  # fmt: skip
    held = profile.credentials[0]
    seen = set()
    day = date(2023, 6, 15)
    while day < date(2029, 1, 1):
        cli = credential_progress(held, day).status
        seen.add(cli)
        assert app_progress(held, day).status == cli.label, day
        day += timedelta(days=30)
    assert {Status.ON_TRACK, Status.AT_RISK, Status.LAPSED} <= seen


EKG = course(2, course_id="ekg-1")
OTHER = course(1, course_id="cpr")


def test_a_course_is_found_by_every_form_the_tool_prints() -> None:
    courses = [EKG, OTHER]
    assert pick_course(courses, "prov/ekg-1") == EKG
    assert pick_course(courses, "ekg-1") == EKG
    assert pick_course(courses, "course EKG-1") == EKG  # the title, any case
    with pytest.raises(CourseNotFound, match="no course 'nope'"):
        pick_course(courses, "nope")
    twin = course(1, course_id="ekg-1")
    twin = type(twin)(**{**twin.__dict__, "provider": "other"})
    with pytest.raises(CourseNotFound, match="several courses"):
        pick_course([EKG, twin], "ekg-1")
    assert pick_course([EKG, twin], "other/ekg-1") == twin


def test_marking_done_and_undoing_it() -> None:
    data = {"credentials": [{"id": "cma_aama"}]}
    marked = add_done(data, EKG, date(2025, 3, 15), note=" cert 7 ")
    assert marked["completed"] == [
        {"course": "prov/ekg-1", "on": "2025-03-15", "title": EKG.title, "note": "cert 7"}
    ]
    assert parse_profile(marked).completed[0].key == EKG.key
    with pytest.raises(ValueError, match="already marked done"):
        add_done(marked, EKG, date(2025, 3, 15))
    undone, removed = remove_done(marked, "prov/ekg-1")
    assert removed == 1 and undone == data


def test_plan_rows_speak_in_titles_and_answer_counts_for_both() -> None:
    from recert.plan_output import counts_for_all_header, plan_rows
    from recommender.planner.api import plan
    from recommender.planner.model import PlanStatus
    from tests.recommender.test_planner_variants import TODAY, _course

    earned = {"administrative": {"approved": 12}, "clinical": {"approved": 10}, "general": {"approved": 30}}
    profile = parse_profile(
        {"credentials": [{"id": "cma_aama", "cycle_end": "2027-06-30", "earned": earned},
                         {"id": "rma_amt", "cycle_end": "2027-06-30"}]}
    )  # fmt: skip
    courses = [_course(f"g{n}", "general", 4, 4, 10 + n) for n in range(12)]
    result = plan(courses, [], profile, today=TODAY)
    assert result.status is PlanStatus.OPTIMAL
    rows = plan_rows(result)
    assert counts_for_all_header(len(result.credentials)) == "Counts for both?"
    titles = {c.course_id: c.title for c in courses}
    for row, chosen in zip(rows, result.courses, strict=False):
        assert row.what == titles[chosen.course_id] and row.provider == "Acme"
        assert row.counts_for_all in ("Yes", "Only CMA (AAMA)", "Only RMA (AMT)")
        for cell in (row.paid, row.hours, row.credit, row.counts_for_all):
            assert "_" not in cell and "None" not in cell and "cma_aama" not in cell
    assert {row.counts_for_all for row in rows} == {"Yes"}


def test_every_value_that_can_be_flagged_unconfirmed_has_plain_words() -> None:
    """The class of 'internal keys on screen' for rule values: every value any credential's rules can
    flag as unconfirmed is named in words, never by its key (e.g. ce_shared_across_certs)."""
    from recert.words import RULE_VALUE_NAMES, rule_value_name
    from recommender.rules.engine import list_credentials, load_rule

    flagged = {name for c in list_credentials() for name, p in load_rule(c).params.items() if p.unconfirmed}
    assert flagged  # the rules do flag values
    for name in flagged:
        assert name in RULE_VALUE_NAMES, name
        assert "_" not in rule_value_name(name) and name not in rule_value_name(name)
