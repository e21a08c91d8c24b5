"""The profile: JSON and TOML, the issue's example shape, cycle_end instead of certified_on, overrides,
and errors that name the field and the problem."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from recommender.rules.model import ANY_AREA
from recommender.rules.profile import ProfileError, load_profile, parse_profile

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


def _write(tmp_path: Path, raw: dict[str, Any], name: str = "profile.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def _error(raw: Any) -> str:
    with pytest.raises(ProfileError) as caught:
        parse_profile(raw)
    return str(caught.value)


def test_example_json_and_toml_say_the_same() -> None:
    from_json = load_profile(EXAMPLES / "profile.json")
    from_toml = load_profile(EXAMPLES / "profile.toml")
    assert from_json.credentials == from_toml.credentials
    assert (from_json.taken, from_json.memberships, from_json.limits, from_json.interests) == (
        from_toml.taken,
        from_toml.memberships,
        from_toml.limits,
        from_toml.interests,
    )
    cma = from_json.credentials[0]
    assert (
        cma.id == "cma_aama" and cma.cycle_start == date(2023, 6, 15) and cma.cycle_end == date(2028, 6, 30)
    )
    assert cma.earned.approved == {"administrative": 4, "clinical": 0, "general": 6}
    assert cma.earned.other == {"administrative": 0, "clinical": 2, "general": 0}
    assert cma.earned.cpr_cards == 1
    assert from_json.limits.budget == 200 and from_json.limits.formats == ("online",)
    assert from_json.transcript == EXAMPLES / "transcript.csv"


def test_issue_example_shape_loads(tmp_path: Path) -> None:
    raw = {
        "credentials": [
            {
                "id": "cma_aama",
                "certified_on": "2023-06-15",
                "earned": {
                    "administrative": {"approved": 4, "other": 0},
                    "clinical": {"approved": 0, "other": 2},
                    "general": {"approved": 6, "other": 0},
                },
                "cpr_cards": 1,
            }
        ],
        "taken": ["ace-101"],
        "memberships": ["aama-membership"],
        "limits": {"budget": 200, "max_hours": 40, "formats": ["online"], "avoid_providers": []},
        "interests": "EKG, pediatrics",
    }
    profile = load_profile(_write(tmp_path, raw))
    assert profile.credentials[0].standing.cpr_cards == 1
    assert profile.transcript is None and profile.transcript_report is None


def test_only_the_credential_id_is_required() -> None:
    profile = parse_profile({"credentials": [{"id": "nha_ccma"}]})
    nha = profile.credentials[0]
    assert nha.cycle_start is None and nha.cycle_end is None and nha.in_window(date(1999, 1, 1))
    assert parse_profile({}).credentials == ()


def test_cycle_end_instead_of_certified_on() -> None:
    profile = parse_profile({"credentials": [{"id": "cma_aama", "cycle_end": "2028-06-30"}]})
    assert profile.credentials[0].cycle_start == date(2023, 6, 1)
    assert profile.credentials[0].cycle_end == date(2028, 6, 30)


def test_any_area_key_for_credentials_without_areas() -> None:
    profile = parse_profile(
        {"credentials": [{"id": "nha_ccma", "certified_on": "2025-01-01", "earned": {"any": {"other": 3}}}]}
    )
    assert profile.credentials[0].standing.other == {ANY_AREA: 3}
    assert "earned.clinical" in _error({"credentials": [{"id": "nha_ccma", "earned": {"clinical": {}}}]})
    assert "earned.any" in _error({"credentials": [{"id": "cma_aama", "earned": {"any": {"approved": 1}}}]})


def test_overrides_apply_to_the_held_credential() -> None:
    profile = parse_profile(
        {"credentials": [{"id": "nha_ccma"}], "overrides": {"nha_ccma": {"renewal_fee_usd": 185}}}
    )
    rules = profile.credentials[0].rules
    assert rules.fees.renewal_usd == 185 and rules.params["renewal_fee_usd"].overridden


@pytest.mark.parametrize(
    ("raw", "field", "problem"),
    [
        ([], "profile", "must be an object"),
        ({"credentials": [{}]}, "credentials[0].id", "is required"),
        ({"credentials": [{"id": "cma_xyz"}]}, "credentials[0].id", "not a known credential"),
        (
            {"credentials": [{"id": "cma_aama", "certified_on": "15/06/2023"}]},
            "credentials[0].certified_on",
            "YYYY-MM-DD",
        ),
        ({"credentials": [{"id": "cma_aama", "cpr_cards": 4}]}, "credentials[0].cpr_cards", "at most 3"),
        ({"credentials": [{"id": "cma_aama", "cpr_cards": -1}]}, "credentials[0].cpr_cards", "whole number"),
        (
            {"credentials": [{"id": "cma_aama", "earned": {"general": {"approved": -2}}}]},
            "credentials[0].earned.general.approved",
            "negative",
        ),
        (
            {"credentials": [{"id": "cma_aama", "earned": {"general": 5}}]},
            "credentials[0].earned.general",
            "must be an object",
        ),
        ({"credentials": [{"id": "cma_aama"}, {"id": "cma_aama"}]}, "credentials[1].id", "listed twice"),
        (
            {"credentials": [{"id": "cma_aama", "certified_on": "2024-01-01", "cycle_end": "2023-01-01"}]},
            "credentials[0].cycle_end",
            "before",
        ),
        ({"limits": {"budget": "cheap"}}, "limits.budget", "must be a number"),
        ({"limits": {"formats": ["carrier pigeon"]}}, "limits.formats", "not a format"),
        ({"taken": "ace-101"}, "taken", "list of text"),
        ({"allow_inferred_areas": "yes"}, "allow_inferred_areas", "true or false"),
        ({"colour": "blue"}, "colour", "not a known field"),
        (
            {"overrides": {"cma_aama": {"total_required": 40}}},
            "overrides.cma_aama.total_required",
            "confirmed",
        ),
        ({"overrides": {"cma_aama": {"shoe": 4}}}, "overrides.cma_aama.shoe", "not a rule"),
    ],
)
def test_errors_name_the_field_and_the_problem(raw: Any, field: str, problem: str) -> None:
    message = _error(raw)
    assert f"{field}: " in message and problem in message


def test_all_problems_are_reported_together() -> None:
    message = _error({"credentials": [{"id": "cma_aama", "cpr_cards": 9}], "limits": {"budget": -1}})
    assert "cpr_cards" in message and "limits.budget" in message


def test_file_errors(tmp_path: Path) -> None:
    bad_json = tmp_path / "p.json"
    bad_json.write_text("{", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid JSON"):
        load_profile(bad_json)
    bad_toml = tmp_path / "p.toml"
    bad_toml.write_text("credentials = [", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(bad_toml)
    with pytest.raises(ProfileError, match=r"\.json or \.toml"):
        load_profile(tmp_path / "p.yaml")
    with pytest.raises(ProfileError, match="cannot read"):
        load_profile(tmp_path / "missing.json")


def test_transcript_problems_are_profile_errors(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("date,title,hours\n2024-13-01,X,1\n", encoding="utf-8")
    path = _write(tmp_path, {"credentials": [{"id": "cma_aama"}], "transcript": "t.csv"})
    with pytest.raises(ProfileError, match=r"transcript: line 2: date"):
        load_profile(path)
