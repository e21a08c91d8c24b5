"""The stored model (version checks, retraining on catalog change) and inferred areas in the catalog."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import joblib
import pytest

from catalog.db import CatalogMissing, read_connection
from catalog.load import load_records
from catalog.queries import snapshot
from recert.areas import ensure_model, infer_areas
from recommender.ml.store import load_model, model_path
from tests.recommender.ml_data import catalog_courses, course


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog with its model already trained and stored (training once keeps the tests fast)."""
    folder = tmp_path_factory.mktemp("trained")
    load_records(folder / "catalog.duckdb", catalog_courses(), run_kind="test")
    ensure_model(folder / "catalog.duckdb")
    return folder


@pytest.fixture
def catalog(trained: Path, tmp_path: Path) -> Path:
    """A private copy of the trained catalog and its model directory."""
    shutil.copytree(trained, tmp_path, dirs_exist_ok=True)
    return tmp_path / "catalog.duckdb"


def test_model_is_stored_next_to_the_catalog_and_reused_while_the_data_is_unchanged(catalog):
    stored = model_path(catalog)
    first = load_model(stored)
    assert first is not None
    assert stored == catalog.parent / "models" / "catalog.area-model.joblib"
    written = stored.stat().st_mtime_ns
    again = ensure_model(catalog)
    assert stored.stat().st_mtime_ns == written
    assert again.model_version == first.model_version
    assert again.n_examples == first.n_examples == 244


def test_model_retrains_when_the_labelled_catalog_changes(catalog):
    before = ensure_model(catalog)
    load_records(
        catalog, [course("new", "n1", "Phlebotomy Update", areas={"clinical": Decimal(1)})], run_kind="test"
    )
    after = ensure_model(catalog)
    assert after.model_version != before.model_version
    assert after.n_examples == before.n_examples + 1
    assert load_model(model_path(catalog)).data_fingerprint == after.data_fingerprint


@pytest.mark.parametrize("field", ["sklearn", "feature_schema", "format"])
def test_model_from_another_version_is_not_loaded(catalog, field):
    path = model_path(catalog)
    payload = joblib.load(path)
    payload[field] = "0.0-other"
    joblib.dump(payload, path)
    assert load_model(path) is None


def test_model_from_another_version_is_retrained(catalog):
    path = model_path(catalog)
    payload = joblib.load(path)
    joblib.dump({**payload, "sklearn": "0.0-other"}, path)
    ensure_model(catalog)
    assert load_model(path) is not None


def test_a_damaged_model_file_is_retrained(catalog):
    path = model_path(catalog)
    path.write_bytes(b"not a pickle")
    assert load_model(path) is None
    assert ensure_model(catalog).n_examples == 244


def test_inferred_areas_are_stored_apart_and_never_approve_a_course(catalog):
    summary = infer_areas(catalog)
    snap = snapshot(catalog)
    assert summary.stated == 244 and summary.inferred + summary.unsure == 3
    assert set(snap.inferred_areas) == {("valley", "u-ecg"), ("valley", "u-billing")}
    assert snap.inferred_areas["valley", "u-ecg"].area == "clinical"
    assert snap.inferred_areas["valley", "u-billing"].area == "administrative"
    assert all(0.6 <= a.probability <= 1 for a in snap.inferred_areas.values())
    assert {a.model_version for a in snap.inferred_areas.values()} == {summary.model_version}
    unlabelled = [c for c in snap.courses if c.provider == "valley"]
    assert all(not c.approvals and not c.content_areas for c in unlabelled)
    with read_connection(catalog) as con:
        assert con.execute("SELECT count(*) FROM course_area WHERE provider = 'valley'").fetchone() == (0,)


def test_inferring_again_replaces_rows_and_drops_courses_that_gained_a_stated_area(catalog):
    infer_areas(catalog)
    load_records(
        catalog,
        [course("valley", "u-ecg", "EKG Refresher for Clinic Staff", areas={"clinical": Decimal(1)})],
        run_kind="test",
    )
    infer_areas(catalog)
    assert set(snapshot(catalog).inferred_areas) == {("valley", "u-billing")}


def test_missing_catalog_is_reported(tmp_path):
    with pytest.raises(CatalogMissing):
        ensure_model(tmp_path / "none.duckdb")
