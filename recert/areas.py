"""The content-area model over the catalog, for `recert ml`, `recert categorize` and `recert sample`:
the catalog's courses (catalog.queries) → the model (recommender.ml.store, stored beside the catalog)
→ the inferred areas (written by catalog.inferred).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # scikit-learn and DuckDB: imported when the model is used
    from catalog.records import Course
    from recommender.ml.classifier import AreaClassifier, Progress
    from recommender.ml.store import InferenceSummary


def catalog_courses(catalog_path: str | os.PathLike[str]) -> tuple[Course, ...]:
    """Every course in the published catalog (raises catalog.db.CatalogMissing when there is none)."""
    from catalog.queries import snapshot

    return tuple(snapshot(catalog_path).courses)


def ensure_model(
    catalog_path: str | os.PathLike[str], *, force: bool = False, progress: Progress | None = None
) -> AreaClassifier:
    """The area model for the catalog's current labelled courses (``recommender.ml.store.model_for``;
    ``force``: train anew). Raises TrainingError when too few courses are labelled per area."""
    from recommender.ml.store import model_for, model_path

    if progress:
        progress("reading the catalog")
    courses = catalog_courses(catalog_path)
    return model_for(courses, model_path(catalog_path), force=force, progress=progress)


def bundled_model(*, progress: Progress | None = None) -> AreaClassifier:
    """The area model trained on Recert's own labelled titles (``recommender/ml/data``), for a machine
    without a catalog: trained on first use, then kept in ``$RECERT_HOME/models``."""
    from recert.store import home
    from recommender.ml.labels import BUNDLED_LABELS, read_labelled_csv
    from recommender.ml.store import model_for_examples

    examples = read_labelled_csv(BUNDLED_LABELS)
    return model_for_examples(examples, home() / "models" / "bundled.area-model.joblib", progress=progress)


def infer_areas(
    catalog_path: str | os.PathLike[str], *, progress: Progress | None = None
) -> InferenceSummary:
    """Infer areas for the catalog's courses without provider-stated ones and store the sure answers in
    table ``inferred_area`` (replacing earlier inferences) in one atomic catalog publish."""
    from catalog.inferred import replace_inferred_areas
    from recommender.ml.store import infer, model_for, model_path

    if progress:
        progress("reading the catalog")
    courses = catalog_courses(catalog_path)
    model = model_for(courses, model_path(catalog_path), progress=progress)
    rows, summary = infer(courses, model, progress=progress)
    replace_inferred_areas(catalog_path, rows)
    return summary
