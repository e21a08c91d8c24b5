"""Transcript import: rows judged per held credential; malformed files rejected whole, with line numbers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest

from recommender.rules.model import ANY_AREA
from recommender.rules.profile import HeldCredential, load_profile
from recommender.rules.transcript import TranscriptError, TranscriptReport, judge_rows, parse_transcript
from recommender.rules.verdict import DUPLICATE, OUTSIDE_CYCLE, OVER_CAP, Verdict
from tests.recommender.rules_factory import held, standing

HEADER = "date,title,provider,hours,approvals,areas,certificate_id,kind,college_credits\n"
EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


def _verdicts(
    text: str, *credentials: HeldCredential
) -> tuple[TranscriptReport, dict[int, Mapping[str, Verdict]]]:
    report = judge_rows(parse_transcript(HEADER + text), credentials)
    return report, {j.row.line: j.verdicts for j in report.judgements}


def test_rows_are_judged_for_each_held_credential() -> None:
    cma = held("cma_aama", date(2023, 6, 15))
    nha = held("nha_ccma", date(2024, 1, 1))
    report, by_line = _verdicts(
        "2024-02-10,Phlebotomy,p,3,,clinical,A1,,\n"
        "2023-12-01,Coding,p,2,,administrative,A2,,\n"
        "2024-03-01,Short video,p,0.5,,general,A3,,\n",
        cma,
        nha,
    )
    assert by_line[2]["cma_aama"].gain == 3 and by_line[2]["nha_ccma"].gain == 1.5
    assert by_line[3]["cma_aama"].counts and by_line[3]["nha_ccma"].why_not == OUTSIDE_CYCLE
    assert by_line[4]["cma_aama"].why_not == "too_short" and by_line[4]["nha_ccma"].gain == 0.25
    assert report.standings["cma_aama"].other == {"clinical": 3, "administrative": 2}
    assert report.standings["nha_ccma"].other == {ANY_AREA: 1.75}


def test_no_area_and_approved_rows() -> None:
    cma = held("cma_aama", date(2023, 6, 15))
    _, by_line = _verdicts(
        "2024-02-10,Mystery topic,p,2,,,B1,,\n"
        "2024-02-11,AAMA course,aama,1,AAMA:1:general=1,,B2,,\n"
        "2024-02-12,Two areas,p,2,,clinical;general,B3,,\n",
        cma,
    )
    assert by_line[2]["cma_aama"].why_not == "no_area"
    assert by_line[3]["cma_aama"].standing.approved == {"general": 1}
    assert by_line[4]["cma_aama"].standing.other == {"clinical": 1, "general": 1}


def test_duplicates_by_certificate_or_by_date_title_provider() -> None:
    cma = held("cma_aama", date(2023, 6, 15))
    report, by_line = _verdicts(
        "2024-05-02,HIPAA,p,2,,general,C1,,\n"
        "2024-06-02,HIPAA again,p,2,,general,C1,,\n"
        "2024-05-02,hipaa,P,2,,general,,,\n",
        cma,
    )
    assert by_line[3]["cma_aama"].why_not == DUPLICATE and "line 2" in by_line[3]["cma_aama"].reasons[0]
    assert by_line[4]["cma_aama"].why_not == DUPLICATE
    assert report.standings["cma_aama"].other == {"general": 2}


def test_outside_cap_is_applied_in_date_order_from_the_earned_totals() -> None:
    cma = held("cma_aama", date(2023, 6, 15), standing(other={"general": 25}))
    _, by_line = _verdicts(
        "2025-01-01,Later,p,4,,clinical,D1,,\n2024-01-01,Earlier,p,4,,clinical,D2,,\n",
        cma,
    )
    assert by_line[3]["cma_aama"].gain == 4  # earlier row first: 25 + 4 = 29
    assert by_line[2]["cma_aama"].gain == 1 and by_line[2]["cma_aama"].why_not == OVER_CAP


def test_cpr_cards_already_earned_limit_new_ones() -> None:
    cma = held("cma_aama", date(2023, 6, 15), standing(approved={"clinical": 8}, cpr_cards=2))
    _, by_line = _verdicts(
        "2024-01-01,BLS,heart,,,,E1,cpr_card,\n2025-12-01,BLS renewal,heart,,,,E2,cpr_card,\n",
        cma,
    )
    assert by_line[2]["cma_aama"].gain == 4
    assert by_line[3]["cma_aama"].why_not == OVER_CAP


def test_college_credit_row() -> None:
    cma = held("cma_aama", date(2023, 6, 15))
    _, by_line = _verdicts("2024-09-01,Anatomy I,college,,,clinical,F1,college_credit,2\n", cma)
    assert by_line[2]["cma_aama"].gain == 30 and by_line[2]["cma_aama"].why_not == ""


def test_us_dates_and_minimal_columns() -> None:
    rows = parse_transcript("Date,Title,Hours\n03/08/2025,EKG,2\n")
    assert rows[0].completed_on == date(2025, 3, 8) and rows[0].course.hours == 2


def test_malformed_rows_are_all_reported_with_line_numbers() -> None:
    text = (
        HEADER
        + "2024-01-01,Fine,p,1,,general,G1,,\n"
        + "2024-02-30,Bad date,p,1,,general,G2,,\n"
        + "2024-03-01,,p,1,,general,G3,,\n"
        + "2024-03-02,Bad hours,p,many,,general,G4,,\n"
        + "2024-03-03,Bad area,p,1,,surgery=1,G5,,\n"
        + "2024-03-04,Bad approval,p,1,AAMA,general,G6,,\n"
    )
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(text)
    errors = caught.value.errors
    assert any(e.startswith("line 3: date:") for e in errors)
    assert any(e.startswith("line 4: title:") for e in errors)
    assert any(e.startswith("line 5: hours:") for e in errors)
    assert any(e.startswith("line 6: areas.surgery:") for e in errors)
    assert any(e.startswith("line 7: approvals:") for e in errors)
    assert not any(e.startswith("line 2") for e in errors)


def test_header_problems() -> None:
    with pytest.raises(TranscriptError, match="missing column"):
        parse_transcript("date,title\n2024-01-01,X\n")
    with pytest.raises(TranscriptError, match="unknown column"):
        parse_transcript("date,title,hours,grade\n2024-01-01,X,1,A\n")
    with pytest.raises(TranscriptError, match="more cells"):
        parse_transcript("date,title,hours\n2024-01-01,X,1,extra\n")


def test_nothing_is_half_imported(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(HEADER + "2024-01-01,Good,p,2,,general,H1,,\n2024-01-02,Bad,p,x,,,H2,,\n")
    profile = tmp_path / "p.json"
    profile.write_text(
        json.dumps({"credentials": [{"id": "cma_aama", "certified_on": "2023-06-15"}], "transcript": "t.csv"})
    )
    with pytest.raises(ValueError, match="line 3"):
        load_profile(profile)


def test_example_transcript_folds_into_the_standing() -> None:
    profile = load_profile(EXAMPLES / "profile.json")
    cma = profile.credentials[0]
    # earned 4/0/6 approved + 0/2/0 other, then rows: +3 clinical, +1.5 general, +2 AAMA clinical,
    # +4 CPR clinical (second card), +15 college clinical; the duplicate, short and early rows don't count.
    assert cma.standing.approved == {"administrative": 4, "clinical": 6, "general": 6}
    assert cma.standing.other == {"administrative": 0, "clinical": 20, "general": 1.5}
    assert cma.standing.cpr_cards == 2
    assert profile.transcript_report is not None
    assert len(profile.transcript_report.judgements) == 8
