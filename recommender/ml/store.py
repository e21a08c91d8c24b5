"""The stored area model and the areas it infers (the catalog stores them: catalog.inferred, through
recert.areas; nothing here opens the catalog).

The model lives next to the catalog, in ``<catalog dir>/models/<catalog stem>.area-model.joblib``
(data/models/ is not committed). It is reused only while three things match: the scikit-learn version
that pickled it, the feature schema (``FEATURE_SCHEMA``, which includes the lexicons), and the fingerprint
of the catalog's labelled courses. Otherwise ``ensure_model`` retrains it. The file is a pickle: only
files this module wrote are ever loaded.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import sklearn

from catalog.records import Course
from recommender.ml.classifier import FEATURE_SCHEMA, AreaClassifier, Progress
from recommender.ml.labels import LabelledText, fingerprint, has_stated_areas, labelled_from_courses

_FORMAT = 1


def model_path(catalog_path: str | os.PathLike[str]) -> Path:
    """Where the area model for the catalog at ``catalog_path`` is stored."""
    catalog = Path(catalog_path)
    return catalog.parent / "models" / f"{catalog.stem}.area-model.joblib"


def save_model(model: AreaClassifier, path: Path) -> None:
    """Write ``model`` with its versions, atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": _FORMAT,
        "sklearn": sklearn.__version__,
        "feature_schema": FEATURE_SCHEMA,
        "fingerprint": model.data_fingerprint,
        "n_examples": model.n_examples,
        "threshold": model.threshold,
        "trained_at": datetime.now(UTC).isoformat(),
        "pipeline": model.pipeline,
    }
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    joblib.dump(payload, partial)
    os.replace(partial, path)


def load_model(path: Path) -> AreaClassifier | None:
    """The stored model, or None when there is none or it was made by another scikit-learn version or
    feature schema (it must then be retrained)."""
    if not path.is_file():
        return None
    try:
        payload: dict[str, Any] = joblib.load(path)
    except Exception:  # a truncated or foreign file is as good as none: retrain
        return None
    compatible = (
        isinstance(payload, dict)
        and payload.get("format") == _FORMAT
        and payload.get("sklearn") == sklearn.__version__
        and payload.get("feature_schema") == FEATURE_SCHEMA
    )
    if not compatible:
        return None
    return AreaClassifier(
        payload["pipeline"],
        data_fingerprint=payload["fingerprint"],
        n_examples=payload["n_examples"],
        threshold=payload["threshold"],
    )


def model_for(
    courses: Sequence[Course], model_file: Path, *, force: bool = False, progress: Progress | None = None
) -> AreaClassifier:
    """The area model for the labelled ``courses`` (see ``model_for_examples``).

    Raises TrainingError when there are too few labelled courses per area.
    """
    return model_for_examples(labelled_from_courses(courses), model_file, force=force, progress=progress)


def model_for_examples(
    examples: Sequence[LabelledText],
    model_file: Path,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> AreaClassifier:
    """The area model for ``examples``: the one stored in ``model_file`` when it still fits (same data
    fingerprint and versions), else a newly trained one, stored there."""
    stored = None if force else load_model(model_file)
    if stored is not None and stored.data_fingerprint == fingerprint(examples):
        return stored
    model = AreaClassifier.train(examples, progress=progress)
    if progress:
        progress("saving the model")
    save_model(model, model_file)
    return model


@dataclass(frozen=True)
class InferenceSummary:
    """What ``infer`` did: courses given an inferred area, courses left unsure, courses skipped
    because their provider states an area."""

    model_version: str
    inferred: int
    unsure: int
    stated: int


# (provider, course_id, area, probability 0–1, model version, inferred at): catalog.inferred.InferredRow
# (a row of table inferred_area; that module opens the catalog, so it is not imported here)
InferredRow = tuple[str, str, str, float, str, datetime]


def unlabelled(courses: Sequence[Course]) -> list[Course]:
    """The courses whose provider states no usable content area (candidates for inference)."""
    return [course for course in courses if not has_stated_areas(course)]


def infer(
    courses: Sequence[Course], model: AreaClassifier, *, progress: Progress | None = None
) -> tuple[list[InferredRow], InferenceSummary]:
    """The sure answers of ``model`` for the courses without provider-stated areas, as rows for the
    catalog's ``inferred_area`` table, and what was done."""
    targets = unlabelled(courses)
    if progress:
        progress(f"inferring areas for {len(targets)} courses")
    predictions = model.predict([c.title for c in targets], [c.description for c in targets])
    now = datetime.now(UTC)
    rows = [
        (course.provider, course.course_id, answer.area, answer.probability, model.model_version, now)
        for course, answer in zip(targets, predictions, strict=True)
        if answer.area is not None
    ]
    summary = InferenceSummary(
        model.model_version, len(rows), len(targets) - len(rows), len(courses) - len(targets)
    )
    return rows, summary
