"""`recert progress` and `recert check` as real subprocesses of the installed command."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RECERT = ROOT / ".venv" / "bin" / "recert"
EXAMPLES = ROOT / "data" / "examples"


def _run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RECERT), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def _json(*args: str | Path) -> Any:
    result = _run(*args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_progress_json_for_the_example_profile() -> None:
    document = _json(
        "progress", "--profile", EXAMPLES / "profile.json", "--format", "json", "--today", "2026-05-01"
    )
    (cma,) = document["credentials"]
    assert cma["id"] == "cma_aama" and cma["cycle_end"] == "2028-06-30" and cma["days_left"] == 791
    assert cma["required"] == {
        "total": 60,
        "approved": 30,
        "areas": {"administrative": 10, "clinical": 10, "general": 10},
    }
    # earned + transcript: approved 4/6/6 = 16, outside 0/20/1.5 = 21.5 (under the cap of 30)
    assert cma["counted"]["total"] == 37.5
    assert cma["counted"]["approved"] == 16 and cma["counted"]["other"] == 21.5
    assert cma["counted"]["areas"] == {"administrative": 4, "clinical": 26, "general": 7.5}
    assert cma["missing"] == {
        "total": 22.5,
        "approved": 14,
        "areas": {"administrative": 6, "clinical": 0, "general": 2.5},
    }
    assert cma["status"] == "on track"
    assert cma["fee_due"]["amount_usd"] == "125.00" and cma["fee_due"]["unconfirmed"] is True
    assert {u["name"] for u in cma["unconfirmed"]} == {
        "renewal_fee_member_usd",
        "renewal_fee_nonmember_usd",
        "exam_fee_member_usd",
        "exam_fee_nonmember_usd",
        "late_window_months",  # AAMA's "90 days" vs "three months"
    }
    # outside credit is counted, so the online application's 21 days come off the cycle end
    assert cma["apply_by"] == "2028-06-09" and cma["apply_route"] == "online"
    assert cma["late_until"] == "2028-09-28"
    lines = {row["line"]: row["credentials"]["cma_aama"] for row in document["transcript"]}
    assert lines[4]["why_not"] == "duplicate" and lines[5]["why_not"] == "too_short"
    assert lines[6]["why_not"] == "outside_cycle" and lines[9]["gain"] == 15


def test_progress_table_shows_areas_status_and_unconfirmed_fee() -> None:
    result = _run("progress", "--profile", EXAMPLES / "profile.json", "--today", "2028-08-01")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for text in (
        "CMA (AAMA)",
        "administrative",
        "clinical",
        "general",
        "AAMA-approved",
        "AT RISK",
        "unconfirmed",
    ):
        assert text in out
    assert "recertify by continuing education" in out and "2028-09-28" in out
    assert "Apply by: 2028-06-09 (online)" in out and "“3 months” → 2028-09-30" in out


def test_lapsed_and_several_credentials(tmp_path: Path) -> None:
    profile = tmp_path / "p.json"
    profile.write_text(
        json.dumps(
            {
                "credentials": [
                    {"id": "cma_aama", "cycle_end": "2026-01-31"},
                    {"id": "nha_ccma", "certified_on": "2025-01-01", "earned": {"any": {"approved": 10}}},
                ],
                "overrides": {"nha_ccma": {"renewal_fee_usd": 185}},
            }
        )
    )
    document = _json("progress", "--profile", profile, "--format", "json", "--today", "2026-05-02")
    cma, nha = document["credentials"]
    assert cma["status"] == "lapsed" and "exam" in cma["late"]
    assert nha["status"] == "complete" and nha["required"]["areas"] == {} and nha["missing"]["total"] == 0
    assert nha["fee_due"] == {
        "amount_usd": "185.00",
        "what": "renewal fee",
        "due_on": "2027-01-01",
        "unconfirmed": True,
        "note": "set in your profile",
    }


def test_bad_profile_is_one_line_exit_2(tmp_path: Path) -> None:
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"credentials": [{"id": "cma_aama", "cpr_cards": 7}]}))
    result = _run("progress", "--profile", profile)
    assert result.returncode == 2
    assert "credentials[0].cpr_cards" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _catalog_file(tmp_path: Path) -> Path:
    records = [
        {
            "provider": "ceu-world",
            "course_id": "ekg-1",
            "title": "EKG basics",
            "url": "https://example.org/ekg",
            "format": "online",
            "hours": 2,
            "content_areas": {"clinical": 2},
            "approvals": [{"body": "AAMA", "credits": 2, "categories": {"clinical": 2}}],
            "source": "sample",
        },
        {
            "provider": "quick-ce",
            "course_id": "osha-short",
            "title": "OSHA in 30 minutes",
            "url": "https://example.org/osha",
            "format": "online",
            "hours": 0.5,
            "content_areas": {"general": 0.5},
            "source": "sample",
        },
    ]
    path = tmp_path / "courses.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return path


def _two_credentials(tmp_path: Path) -> Path:
    profile = tmp_path / "p.json"
    profile.write_text(
        json.dumps(
            {
                "credentials": [
                    {"id": "cma_aama", "certified_on": "2023-06-15"},
                    {"id": "nha_ccma", "certified_on": "2025-01-01"},
                ]
            }
        )
    )
    return profile


def test_check_says_per_credential_whether_it_counts(tmp_path: Path) -> None:
    catalog, profile = _catalog_file(tmp_path), _two_credentials(tmp_path)
    args = ("--profile", profile, "--catalog-file", catalog, "--on", "2026-01-10")
    document = _json("check", "ekg-1", *args, "--format", "json")
    cma, nha = document["credentials"]
    assert cma["id"] == "cma_aama" and cma["counts"] and cma["gain"] == 2
    assert cma["missing_after"]["areas"]["clinical"] == 8
    assert nha["counts"] and nha["gain"] == 1  # 2 hours = 1 NHA credit
    result = _run("check", "osha-short", *args)
    assert result.returncode == 0, result.stderr
    assert "CMA (AAMA): does not count (too short)" in result.stdout
    assert "CCMA (NHA): counts +0.25 credits" in result.stdout


def test_check_rejects_a_broken_catalog_file(tmp_path: Path) -> None:
    broken = tmp_path / "bad.jsonl"
    broken.write_text('{"provider": "p"}\nnot json\n')
    result = _run("check", "x", "--profile", _two_credentials(tmp_path), "--catalog-file", broken)
    assert result.returncode == 2
    assert f"{broken}:1:" in result.stderr and f"{broken}:2:" in result.stderr


def test_check_without_a_catalog_is_one_line(tmp_path: Path) -> None:
    result = _run(
        "check", "x", "--profile", _two_credentials(tmp_path), "--catalog", tmp_path / "none.duckdb"
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_check_reads_a_real_catalog_and_shows_the_sample_notice(tmp_path: Path) -> None:
    from catalog.load import load_files

    catalog = tmp_path / "catalog.duckdb"
    load_files(catalog, [_catalog_file(tmp_path)])
    result = _run(
        "check", "ekg-1", "--profile", _two_credentials(tmp_path), "--catalog", catalog, "--on", "2026-01-10"
    )
    assert result.returncode == 0, result.stderr
    assert "CMA (AAMA): counts +2 points" in result.stdout
    assert "Sample data" in result.stderr
