"""Honest evaluation of the area classifier: stratified, grouped cross-validation.

Near-identical titles (the same course listed by two providers) would leak between folds and inflate
the score, so examples are grouped with the duplicate detector (``cluster_titles``) and a group is
never split across folds (``StratifiedGroupKFold``). Every fold trains the full pipeline, calibration
included, on its training part only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score
from sklearn.model_selection import StratifiedGroupKFold

from catalog.records import AREAS
from recommender.ml.classifier import DEFAULT_THRESHOLD, AreaClassifier, check_trainable
from recommender.ml.duplicates import cluster_titles
from recommender.ml.labels import LabelledText

DEFAULT_FOLDS = 5

FoldProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class Evaluation:
    """Cross-validated scores; ``confusion[i][j]`` counts true ``AREAS[i]`` predicted as ``AREAS[j]``."""

    n_examples: int
    n_groups: int
    folds: int
    macro_f1: float
    fold_macro_f1: tuple[float, ...]
    per_area_f1: dict[str, float]
    confusion: tuple[tuple[int, ...], ...]
    threshold: float
    coverage: float
    macro_f1_when_sure: float
    areas: tuple[str, ...] = field(default=AREAS)

    def to_dict(self) -> dict[str, object]:
        return {
            "n_examples": self.n_examples,
            "n_groups": self.n_groups,
            "folds": self.folds,
            "grouping": "near-identical titles share a group; groups never span folds",
            "macro_f1": round(self.macro_f1, 4),
            "fold_macro_f1": [round(score, 4) for score in self.fold_macro_f1],
            "per_area_f1": {area: round(score, 4) for area, score in self.per_area_f1.items()},
            "areas": list(self.areas),
            "confusion_matrix": [list(row) for row in self.confusion],
            "threshold": self.threshold,
            "coverage": round(self.coverage, 4),
            "macro_f1_when_sure": round(self.macro_f1_when_sure, 4),
        }


def cross_validate(
    examples: Sequence[LabelledText],
    *,
    folds: int = DEFAULT_FOLDS,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = 0,
    progress: FoldProgress | None = None,
) -> Evaluation:
    """Out-of-fold predictions for every example, scored as macro-F1 (all predictions) and as coverage
    plus macro-F1 of the predictions at or above ``threshold`` (what the product shows)."""
    check_trainable(examples)
    truth = np.array([e.area for e in examples])
    groups = np.array(cluster_titles([e.title for e in examples]))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    predicted = np.empty(len(examples), dtype=object)
    sure = np.zeros(len(examples), dtype=bool)
    fold_scores = []
    for number, (train, test) in enumerate(splitter.split(np.zeros(len(examples)), truth, groups), start=1):
        model = AreaClassifier.train([examples[i] for i in train], threshold=threshold)
        answers = model.predict([examples[i].title for i in test], [examples[i].description for i in test])
        predicted[test] = [answer.best_area for answer in answers]
        sure[test] = [answer.area is not None for answer in answers]
        fold_scores.append(float(f1_score(truth[test], predicted[test].astype(str), average="macro")))
        if progress:
            progress(number, folds)
    labels = predicted.astype(str)
    per_area = f1_score(truth, labels, labels=list(AREAS), average=None)
    return Evaluation(
        n_examples=len(examples),
        n_groups=len(set(groups.tolist())),
        folds=folds,
        macro_f1=float(f1_score(truth, labels, average="macro")),
        fold_macro_f1=tuple(fold_scores),
        per_area_f1={area: float(score) for area, score in zip(AREAS, per_area, strict=True)},
        confusion=tuple(
            tuple(int(n) for n in row) for row in confusion_matrix(truth, labels, labels=list(AREAS))
        ),
        threshold=threshold,
        coverage=float(sure.mean()),
        macro_f1_when_sure=float(f1_score(truth[sure], labels[sure], average="macro")) if sure.any() else 0.0,
    )
