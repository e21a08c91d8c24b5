"""Readers for the ML evaluation data in tests/data (labelled titles, interest queries, duplicate pairs)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from catalog.records import Approval, Course
from recommender.ml.labels import BUNDLED_LABELS

DATA = Path(__file__).resolve().parents[1] / "data"
LABELS = BUNDLED_LABELS
HOLDOUT = DATA / "area_holdout.csv"
QUERIES = DATA / "interest_queries.csv"
PAIRS = DATA / "duplicate_pairs.csv"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def course(
    provider: str,
    course_id: str,
    title: str,
    *,
    hours: str = "1",
    price: str | None = "10",
    areas: dict[str, Decimal] | None = None,
    aama: bool = False,
    description: str | None = None,
) -> Course:
    """A valid course record with the fields the ML code reads (price in USD, hours in contact hours)."""
    return Course(
        provider=provider,
        course_id=course_id,
        title=title,
        url=f"https://{provider}.example.test/{course_id}",
        format="online",
        hours=Decimal(hours),
        source="sample",
        price=Decimal(price) if price is not None else None,
        description=description,
        content_areas=areas or {},
        approvals=(Approval("AAMA", Decimal(hours), areas or {}),) if aama else (),
    )


def labelled_courses(path: Path = LABELS, *, stated: bool = True) -> list[Course]:
    """The labelled titles as catalog courses, with the label as provider-stated hours if ``stated``."""
    return [
        course(
            row["provider"],
            row["course_id"],
            row["title"],
            areas={row["area"]: Decimal(1)} if stated else None,
            description=row["description"] or None,
        )
        for row in rows(path)
    ]


RECERT = Path(sys.executable).with_name("recert")
UNLABELLED_TITLES = {
    "u-ecg": "EKG Refresher for Clinic Staff",
    "u-billing": "Insurance Billing and Claims Workshop",
    "u-odd": "Annual Company Picnic",
}


def catalog_courses() -> list[Course]:
    """The labelled set (provider-stated areas) plus three courses without a stated area."""
    unlabelled = [course("valley", key, title) for key, title in UNLABELLED_TITLES.items()]
    return [*labelled_courses(), *unlabelled]


# Bytecode for the subprocesses goes to a private cache: where PYTHONDONTWRITEBYTECODE is set and the
# shared virtualenv holds no .pyc files, every `recert` run would otherwise recompile scikit-learn (~7 s).
PYCACHE = Path(tempfile.gettempdir()) / "recert-test-pycache"


def recert(*args: str | Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The installed `recert` command, run as a real subprocess (wide console for tables)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return subprocess.run(
        [str(RECERT), *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "COLUMNS": "200", "PYTHONPYCACHEPREFIX": str(PYCACHE)},
    )
