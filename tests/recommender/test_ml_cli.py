"""`recert ml train|evaluate`, `recert categorize` and `recert similar`, run as real subprocesses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from catalog.load import load_records
from recert.areas import ensure_model
from recert.commands.ml import _read_inputs
from recert.console import CliError
from recommender.ml.store import model_path
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


def test_categorize_json_lines_from_stdin_as_json(catalog):
    lines = (
        '{"title": "Venipuncture Refresher"}\n\n'
        '{"title": "Module 3", "description": "HIPAA privacy and breach rules"}\n'
        '{"title": "Annual Company Picnic", "hours": 2}\n'
    )
    answers = _json(recert("categorize", "-", "--catalog", catalog, "--format", "json", stdin=lines))
    assert [a["title"] for a in answers] == ["Venipuncture Refresher", "Module 3", "Annual Company Picnic"]
    assert [a["area"] for a in answers] == ["clinical", "general", None]
    assert all(set(a) == {"title", "area", "probability"} and 0 <= a["probability"] <= 1 for a in answers)


def test_categorize_csv_file_as_a_table_that_says_unsure_and_inferred(catalog, tmp_path):
    sheet = tmp_path / "training.csv"
    sheet.write_text(
        "Title,Description,Hours\n"
        'Module 4,"Order of draw, venipuncture and specimen labeling",1\n'
        "Annual Company Picnic,,2\n",
        encoding="utf-8",
    )
    result = recert("categorize", sheet, "--catalog", catalog)
    assert result.returncode == 0, result.stderr
    module_4, picnic = (line for line in result.stdout.splitlines() if "Module 4" in line or "Picnic" in line)
    assert "clinical" in module_4 and "unsure" not in module_4
    assert "unsure" in picnic
    assert "not an AAMA approval" in result.stdout


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("Wound Care\n\n  Coding   Update \n", "<stdin>", [("Wound Care", None), ("Coding Update", None)]),
        ("title,description\nWound Care,Dressings\n", "<stdin>", [("Wound Care", "Dressings")]),
        ("Title;x\nWound Care\n", "in.csv", None),
        ('{"title": "Wound Care", "description": " "}\n', "<stdin>", [("Wound Care", None)]),
        (
            '[{"title": "Wound Care"},\n {"title": "ECG", "description": "Leads"}]',
            "in.json",
            [
                ("Wound Care", None),
                ("ECG", "Leads"),
            ],
        ),
    ],
)
def test_input_format_is_told_by_extension_or_first_line(text, name, expected):
    if expected is None:
        with pytest.raises(CliError, match="needs a title column"):
            _read_inputs(text, name)
    else:
        assert _read_inputs(text, name) == expected


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


def test_evaluate_prints_json_with_confusion_matrix(catalog):
    report = _json(recert("ml", "evaluate", "--labels", LABELS, "--folds", "3", "--format", "json"))
    assert report["folds"] == 3 and report["n_examples"] == 244
    assert report["macro_f1"] >= 0.85
    assert report["areas"] == ["administrative", "clinical", "general"]
    assert sum(map(sum, report["confusion_matrix"])) == 244


def test_evaluate_table_on_the_catalog(catalog):
    result = recert("ml", "evaluate", "--catalog", catalog, "--folds", "2")
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
