"""Labelled examples for the area classifier: provider-stated areas from the catalog, or a CSV file.

A course's label is the AAMA content area the *provider* states: the categories of its AAMA approval
when given, else its ``content_areas`` hours. A course split across areas is labelled with the area
holding the larger share of its hours, and skipped when no area holds a clear majority.
Inferred areas are never used as labels (that would let the model learn from itself).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from catalog.records import AREAS, Course

MAJORITY_SHARE = Decimal("0.6")


@dataclass(frozen=True)
class LabelledText:
    """One training or evaluation example: a course's text and its provider-stated area."""

    key: tuple[str, str]
    title: str
    description: str | None
    area: str


class LabelFileError(ValueError):
    """A labelled CSV file is malformed; the message names file, line and problem."""


def has_stated_areas(course: Course) -> bool:
    """Whether the provider states content areas for ``course`` (in its AAMA approval or hours)."""
    aama = course.approval("AAMA")
    return bool(course.content_areas or (aama is not None and aama.categories))


def stated_area(course: Course) -> str | None:
    """The provider-stated majority area of ``course`` (see module docstring), or None."""
    aama = course.approval("AAMA")
    hours = aama.categories if aama is not None and aama.categories else course.content_areas
    return majority_area(hours)


def majority_area(hours: Mapping[str, Decimal]) -> str | None:
    """The area holding at least 60 % of the hours (or credits) given per area, else None."""
    total = sum(hours.values(), Decimal(0))
    if total <= 0:
        return None
    area, amount = max(hours.items(), key=lambda item: item[1])
    return area if amount / total >= MAJORITY_SHARE else None


def labelled_from_courses(courses: Iterable[Course]) -> list[LabelledText]:
    """The courses with a provider-stated majority area, as labelled examples."""
    examples = []
    for course in courses:
        area = stated_area(course)
        if area is not None:
            examples.append(LabelledText(course.key, course.title, course.description, area))
    return examples


# Recert's own labelled MA course titles (docs/ml.md): the area model for a machine without a catalog.
BUNDLED_LABELS = Path(__file__).resolve().parent / "data" / "area_labels.csv"


def read_labelled_csv(path: Path) -> list[LabelledText]:
    """Examples from a CSV with columns ``title``, ``area`` and optional ``description``, ``provider``,
    ``course_id`` (other columns, e.g. ``justification``, are ignored)."""
    examples = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"title", "area"} - set(reader.fieldnames or ())
        if missing:
            raise LabelFileError(f"{path}:1: header: missing column(s) {', '.join(sorted(missing))}")
        for row in reader:
            line = reader.line_num
            title = (row.get("title") or "").strip()
            area = (row.get("area") or "").strip().lower()
            if not title:
                raise LabelFileError(f"{path}:{line}: title: is required")
            if area not in AREAS:
                raise LabelFileError(f"{path}:{line}: area: must be one of {', '.join(AREAS)}, got {area!r}")
            key = ((row.get("provider") or "file").strip(), (row.get("course_id") or f"line{line}").strip())
            examples.append(LabelledText(key, title, (row.get("description") or "").strip() or None, area))
    return examples


def fingerprint(examples: Iterable[LabelledText]) -> str:
    """A SHA-256 hex digest of the labelled data, independent of its order; changes when any example
    is added, removed, relabelled or reworded."""
    digest = hashlib.sha256()
    for example in sorted(examples, key=lambda e: (e.key, e.title, e.area)):
        for part in (*example.key, example.title, example.description or "", example.area):
            digest.update(part.encode("utf-8"))
            digest.update(b"\x1f")
        digest.update(b"\x1e")
    return digest.hexdigest()
