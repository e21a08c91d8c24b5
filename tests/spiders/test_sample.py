"""`recert sample`: a real subprocess builds the catalog by crawling every bundled mirror on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from catalog.load import load_files
from catalog.queries import snapshot, stats

RECERT = Path(sys.executable).with_name("recert")
AREAS = ("administrative", "clinical", "general")


def recert(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(RECERT), *args], capture_output=True, text=True, timeout=240)


@pytest.fixture(scope="module")
def sample_catalog(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    path = tmp_path_factory.mktemp("sample") / "catalog.duckdb"
    return path, recert("sample", "--catalog", str(path))


@pytest.mark.slow
def test_sample_builds_300_courses_over_4_providers(sample_catalog) -> None:
    path, run = sample_catalog
    assert run.returncode == 0, run.stderr
    summary = stats(path)
    assert summary["courses"] >= 300
    providers = {p["provider"]: p["courses"] for p in summary["providers"]}
    assert {"ace", "aama", "relias", "ma_ceu_hub"} <= set(providers)
    assert all(count >= 50 for count in providers.values()), providers


@pytest.mark.slow
def test_every_record_is_sample_and_the_notice_is_shown(sample_catalog) -> None:
    path, run = sample_catalog
    catalog = snapshot(path)
    assert {c.source for c in catalog.courses} == {"sample"}
    assert {o.source for o in catalog.offers} == {"sample"}
    assert stats(path)["sources"]["live"] == stats(path)["sources"]["import"] == 0
    assert "Sample data" in run.stderr
    assert "aama: 124 courses" in run.stdout


@pytest.mark.slow
def test_a_cma_can_fill_every_area_with_aama_points_and_outside_credit(sample_catalog) -> None:
    path, _ = sample_catalog
    courses = snapshot(path).courses
    aama_points: Counter[str] = Counter()
    aama_courses: Counter[str] = Counter()
    for course in courses:
        approval = course.approval("AAMA")
        for area, points in (approval.categories if approval else {}).items():
            aama_points[area] += points
            aama_courses[area] += 1
    assert all(aama_points[a] >= 30 and aama_courses[a] >= 10 for a in AREAS), (aama_points, aama_courses)
    outside = [c for c in courses if c.approval("AAMA") is None and c.hours >= 1]
    assert {a for c in outside for a in c.content_areas} == set(AREAS)  # non-AAMA credit with areas
    assert sum(c.hours for c in outside) >= 30


@pytest.mark.slow
def test_prices_spread_like_the_providers(sample_catalog) -> None:
    path, _ = sample_catalog
    catalog = snapshot(path)
    relias = [c.price for c in catalog.courses if c.provider == "relias" and c.price is not None]
    assert min(relias) >= Decimal(15) and max(relias) <= Decimal(60) and len(set(relias)) >= 8
    aama = [c for c in catalog.courses if c.provider == "aama" and c.member_price is not None and c.price]
    assert all(c.member_price <= c.price for c in aama) and any(c.member_price == 0 for c in aama)
    offers = {(o.provider, o.kind) for o in catalog.offers}
    assert {("relias", "subscription"), ("aama", "membership"), ("ace", "subscription")} <= offers
    all_access = next(o for o in catalog.offers if o.offer_id == "p300100")
    assert all_access.extras["unverified"] == ["price"]
    assert sum(1 for c in catalog.courses if "p300100" in c.included_in) >= 50


def test_sample_refuses_to_replace_live_records(tmp_path: Path) -> None:
    path = tmp_path / "catalog.duckdb"
    live = {
        "provider": "relias", "course_id": "c1", "title": "HIPAA Basics", "url": "https://reliasacademy.com/x",
        "format": "online", "hours": 1, "price": 20, "source": "live",
    }  # fmt: skip
    records = tmp_path / "live.jsonl"
    records.write_text(json.dumps(live) + "\n")
    load_files(path, [records])
    run = recert("sample", "--catalog", str(path))
    assert run.returncode == 2
    assert "1 live or imported records" in run.stderr
    assert [c.source for c in snapshot(path).courses] == ["live"]  # untouched


def test_import_examples_load_for_what_cannot_be_crawled(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parents[2] / "data" / "examples"
    path = tmp_path / "catalog.duckdb"
    run = recert("load", "--catalog", str(path), str(examples / "employer-training.csv"),
                 str(examples / "nha-library.jsonl"))  # fmt: skip
    assert run.returncode == 0, run.stderr
    catalog = snapshot(path)
    assert {c.source for c in catalog.courses} == {"import"}
    assert Counter(c.provider for c in catalog.courses) == {"valley-clinic": 7, "nha": 8}
    assert [c.kind for c in catalog.courses if c.course_id == "2027-bls-renewal"] == ["cpr_card"]
    assert all(c.approval("NHA").credits * 2 == c.hours for c in catalog.courses if c.provider == "nha")
