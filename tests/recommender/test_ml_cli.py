"""`recert ml train|evaluate`, `recert categorize` and `recert similar`, run as real subprocesses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from catalog.load import load_records
from recommender.ml.store import ensure_model, model_path
from tests.recommender.ml_data import LABELS, catalog_courses, recert


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog of the labelled set plus three unlabelled courses, its model already trained."""
    path = tmp_path_factory.mktemp("cli") / "catalog.duckdb"
    load_records(path, catalog_courses(), run_kind="test")
    ensure_model(path)
    return path


def _json(result) -> object:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_train_retrains_and_stores_inferred_areas(catalog, tmp_path):
    private = tmp_path / "catalog.duckdb"
    shutil.copy(catalog, private)
    result = recert("ml", "train", "--catalog", private)
    assert result.returncode == 0, result.stderr
    assert "on 244 labelled courses" in result.stdout
    assert "Inferred areas: 2 courses; 1 left unlabelled" in result.stdout
    assert model_path(private).is_file()


def test_categorize_plain_lines_from_stdin_as_json(catalog):
    titles = "Venipuncture Refresher\n\nMedical Billing and Coding Update\nAnnual Company Picnic\n"
    answers = _json(recert("categorize", "-", "--catalog", catalog, "--format", "json", stdin=titles))
    assert [a["title"] for a in answers] == [
        "Venipuncture Refresher",
        "Medical Billing and Coding Update",
        "Annual Company Picnic",
    ]
    assert [a["area"] for a in answers] == ["clinical", "administrative", None]
    assert all(set(a) == {"title", "area", "probability"} and 0 <= a["probability"] <= 1 for a in answers)


def test_categorize_csv_and_jsonl_files_with_descriptions(catalog, tmp_path):
    sheet = tmp_path / "training.csv"
    sheet.write_text(
        'Title,Description,Hours\nModule 3,"Order of draw, venipuncture and specimen labeling",1\n',
        encoding="utf-8",
    )
    lines = tmp_path / "training.jsonl"
    lines.write_text(
        '{"title": "Module 3", "description": "HIPAA privacy and breach rules"}\n', encoding="utf-8"
    )
    (from_csv,) = _json(recert("categorize", sheet, "--catalog", catalog, "--format", "json"))
    (from_jsonl,) = _json(recert("categorize", lines, "--catalog", catalog, "--format", "json"))
    assert from_csv["area"] == "clinical"
    assert from_jsonl["area"] == "general"


def test_categorize_table_says_unsure_and_inferred(catalog):
    result = recert("categorize", "--catalog", catalog, stdin="Hand Hygiene Basics\nAnnual Company Picnic\n")
    assert result.returncode == 0, result.stderr
    assert "clinical" in result.stdout
    assert "unsure" in result.stdout
    assert "not an AAMA approval" in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.jsonl", '{"title": "Ok"}\n{"title": \n', "bad.jsonl:2: record: not valid JSON"),
        ("bad.jsonl", '{"description": "no title"}\n', "bad.jsonl:1: title: is required"),
        ("bad.csv", "name,hours\nx,1\n", "bad.csv:1: header: needs a title column"),
        ("empty.txt", "\n\n", "no titles to categorize"),
    ],
)
def test_categorize_rejects_bad_input_in_one_line(catalog, tmp_path, name, content, message):
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    result = recert("categorize", source, "--catalog", catalog)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_categorize_without_a_catalog_fails_in_one_line(tmp_path):
    result = recert("categorize", "--catalog", tmp_path / "none.duckdb", stdin="Wound Care\n")
    assert result.returncode == 1
    assert "no catalog" in result.stderr and "Traceback" not in result.stderr


def test_evaluate_prints_json_with_confusion_matrix(catalog):
    report = _json(recert("ml", "evaluate", "--labels", LABELS, "--folds", "3", "--format", "json"))
    assert report["folds"] == 3 and report["n_examples"] == 244
    assert report["macro_f1"] >= 0.85
    assert report["areas"] == ["administrative", "clinical", "general"]
    assert sum(map(sum, report["confusion_matrix"])) == 244


def test_evaluate_table_on_the_catalog(catalog):
    result = recert("ml", "evaluate", "--catalog", catalog, "--folds", "3")
    assert result.returncode == 0, result.stderr
    assert "Macro-F1" in result.stdout and "Confusion matrix" in result.stdout


def test_similar_lists_related_courses(catalog):
    rows = _json(recert("similar", "L001", "--catalog", catalog, "--format", "json", "--limit", "5"))
    assert ("netce", "L002") in [(row["provider"], row["course_id"]) for row in rows]
    assert all(row["course_id"] != "L001" for row in rows)
    table = recert("similar", "L001", "--catalog", catalog)
    assert table.returncode == 0 and "Electrocardiography Basics" in table.stdout


def test_similar_unknown_course_is_bad_input(catalog):
    result = recert("similar", "NOPE", "--catalog", catalog)
    assert result.returncode == 2
    assert "no course 'NOPE'" in result.stderr
