"""`recert plan` as a real subprocess over a course-record JSONL file: exit codes, JSON, determinism,
infeasibility in words, explanations and alternatives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RECERT = Path(sys.executable).with_name("recert")
AREAS = ("administrative", "clinical", "general")


def _course(
    course_id: str, area: str, points: int, price: float | None, **extra: object
) -> dict[str, object]:
    record: dict[str, object] = {
        "provider": "acme", "course_id": course_id, "title": f"{area} course {course_id}",
        "url": f"https://acme.example/{course_id}", "format": "online", "hours": points,
        "content_areas": {area: points}, "source": "import",
        "approvals": [{"body": "AAMA", "credits": points, "categories": {area: points}}],
    }  # fmt: skip
    if price is not None:
        record["price"] = price
    record.update(extra)
    return record


def _catalog(tmp_path: Path) -> Path:
    records = [
        _course("adm-1", "administrative", 4, 20),
        _course("adm-2", "administrative", 4, 35),
        _course("cli-1", "clinical", 5, 30),
        _course("cli-2", "clinical", 5, None, included_in=["acme-sub"]),
        _course("cli-3", "clinical", 5, None, included_in=["acme-sub"]),
        _course("gen-1", "general", 3, 10, member_price=4),
        _course("gen-2", "general", 3, 12),
        {"type": "offer", "provider": "acme", "offer_id": "acme-sub", "name": "Acme unlimited",
         "kind": "subscription", "price": 40, "source": "import"},
        {"type": "offer", "provider": "acme", "offer_id": "acme-member", "name": "Acme membership",
         "kind": "membership", "price": 5, "source": "import"},
    ]  # fmt: skip
    path = tmp_path / "courses.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return path


def _profile(tmp_path: Path, **limits: object) -> Path:
    earned = {"administrative": {"approved": 6, "other": 0}, "clinical": {"approved": 2, "other": 0},
              "general": {"approved": 7, "other": 0}}  # fmt: skip
    # 15 approved points earned + the catalog's 29 = 44 at most: the total of 60 cannot be met
    profile = {
        "credentials": [{"id": "cma_aama", "cycle_end": "2028-06-30", "earned": earned}],
        "limits": limits,
    }
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile))
    return path


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RECERT), "plan", *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def test_infeasible_total_exits_3_with_reason_in_words(tmp_path: Path) -> None:
    done = _run("--profile", _profile(tmp_path), "--catalog-file", _catalog(tmp_path), "--format", "json")
    assert done.returncode == 3, done.stderr
    assert "only 44 points can count in total for CMA (AAMA); 60 are needed" in done.stderr
    data = json.loads(done.stdout)
    assert data["status"] == "infeasible"
    assert data["reasons"][0]["requirement"] == "cma_aama:total_required"


def _feasible_profile(tmp_path: Path, **limits: object) -> Path:
    earned = {"administrative": {"approved": 12, "other": 0}, "clinical": {"approved": 6, "other": 0},
              "general": {"approved": 28, "other": 0}}  # fmt: skip
    profile = {
        "credentials": [{"id": "cma_aama", "cycle_end": "2028-06-30", "earned": earned}],
        "limits": limits,
    }
    path = tmp_path / "feasible.json"
    path.write_text(json.dumps(profile))
    return path


def test_plan_json_is_optimal_and_deterministic(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    profile = _feasible_profile(tmp_path)
    first = _run("--profile", profile, "--catalog-file", catalog, "--format", "json", "--alternatives", "2")
    second = _run("--profile", profile, "--catalog-file", catalog, "--format", "json", "--alternatives", "2")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    # 46 earned: 4 more clinical and 14 more in total. The subscription ($40, cli-2 + cli-3 = 10 clinical)
    # + adm-1 ($20, 4) = $60 beats e.g. cli-1 + adm-1 + gen-1 (member $4 + $5) + gen-2 = $71.
    assert data["status"] == "optimal"
    assert data["total_cost"] == 60
    assert {c["course_id"] for c in data["courses"]} == {"adm-1", "cli-2", "cli-3"}
    assert [o["offer_id"] for o in data["offers"]] == ["acme-sub"]
    assert data["credentials"][0]["counted"]["total"] == 60
    # every other plan takes Acme's online courses too, for as many hours or more: it would only cost
    # more, so none is shown as an alternative
    assert data["alternatives"] == []
    assert any("Acme unlimited" in line and "saves" in line for line in data["explanations"])


def test_budget_below_cheapest_plan_says_by_how_much(tmp_path: Path) -> None:
    done = _run("--profile", _feasible_profile(tmp_path, budget=50), "--catalog-file", _catalog(tmp_path))
    assert done.returncode == 3
    assert "within your budget of $50.00" in done.stderr or "more than your budget" in done.stderr


def test_bad_catalog_file_exits_2_with_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"provider": "acme"}\n')
    done = _run("--profile", _feasible_profile(tmp_path), "--catalog-file", bad)
    assert done.returncode == 2
    assert "bad.jsonl:1:" in done.stderr


def test_bad_profile_exits_2(tmp_path: Path) -> None:
    profile = tmp_path / "p.json"
    profile.write_text('{"credentials": [{"id": "nope"}]}')
    done = _run("--profile", profile, "--catalog-file", _catalog(tmp_path))
    assert done.returncode == 2
    assert "credentials[0].id" in done.stderr


def test_plan_from_the_catalog_matches_the_file(tmp_path: Path) -> None:
    from catalog.load import load_files

    catalog = tmp_path / "catalog.duckdb"
    load_files(catalog, [_catalog(tmp_path)])
    done = _run("--profile", _feasible_profile(tmp_path), "--catalog", catalog, "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["total_cost"] == 60
    assert {c["course_id"] for c in data["courses"]} == {"adm-1", "cli-2", "cli-3"}


def test_catalog_runner_ups_and_reasons_match_the_file(tmp_path: Path) -> None:
    """From the catalog (a presolved input that re-reads every course for them) the alternatives and
    the infeasible reasons are those of the same records from a file."""
    from catalog.load import load_files

    source = _catalog(tmp_path)
    with source.open("a") as extra:  # plans with and without another provider: worth showing as alternatives
        extra.write(json.dumps(_course("cli-9", "clinical", 10, 30, provider="beta")) + "\n")
    catalog = tmp_path / "catalog.duckdb"
    load_files(catalog, [source])
    for profile, args, code in (
        (_feasible_profile(tmp_path), ("--alternatives", "2"), 0),
        (_profile(tmp_path), (), 3),
    ):
        answers = []
        for where in (("--catalog", catalog), ("--catalog-file", source)):
            done = _run("--profile", profile, *where, *args, "--format", "json")
            assert done.returncode == code, done.stderr
            answers.append(json.loads(done.stdout))
        keys = ("status", "total_cost", "courses", "offers", "alternatives", "reasons")
        from_catalog, from_file = ({k: a[k] for k in keys} for a in answers)
        assert from_catalog == from_file
        assert answers[0]["alternatives"] or answers[0]["reasons"]
        assert len(answers[0]["alternatives"]) <= 2
