"""Content-area classifier: title + description → administrative / clinical / general, or None.

A scikit-learn Pipeline: TF-IDF over words (1–2-grams) and characters (3–5-grams within the title) feeding
a linear SVM whose scores are turned into probabilities by ``CalibratedClassifierCV`` (sigmoid, 3
folds). The classifier answers None when it does not know: when the top probability is under
``threshold``, or when the text holds no content word the model has seen (calibration is only valid on
the kind of text it was fitted on, so "Fishing Trip" must not come out 70 % clinical).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from catalog.records import AREAS
from recommender.ml.labels import LabelledText, fingerprint
from recommender.ml.outline import OUTLINE_TOPICS, outline_examples, outline_tokens
from recommender.ml.text import SYNONYM_GROUPS, course_text, normalise, synonym_tokens, title_of

# Bump when the features or the model change; edits to the lexicons change FEATURE_SCHEMA by themselves.
# A stored model with another schema is retrained.
_MODEL_DESIGN = "area-v1:tfidf-word-1-2+synonyms+outline,title-char_wb-3-5:linearsvc-sigmoid-3"
_LEXICON_HASH = hashlib.sha256(
    json.dumps([SYNONYM_GROUPS, OUTLINE_TOPICS], sort_keys=True).encode("utf-8")
).hexdigest()[:12]
FEATURE_SCHEMA = f"{_MODEL_DESIGN}:lexicon-{_LEXICON_HASH}"
DEFAULT_THRESHOLD = 0.6
CALIBRATION_FOLDS = 3
MIN_EXAMPLES_PER_AREA = 2 * CALIBRATION_FOLDS

Progress = Callable[[str], None]


class TrainingError(ValueError):
    """Not enough labelled data to train (the message says what is missing)."""


@dataclass(frozen=True)
class AreaPrediction:
    """The classifier's answer for one course.

    ``area`` is None when the classifier is unsure (top probability under the threshold, or no known
    content word); ``best_area`` is the most likely area anyway and ``probability`` its calibrated
    probability in [0, 1].
    """

    area: str | None
    best_area: str
    probability: float


def classifier_text(text: str) -> str:
    """Normalised text followed by its synonym-group and content-outline topic tokens."""
    plain = normalise(text)
    return " ".join([plain, *synonym_tokens(plain), *outline_tokens(plain)])


def classifier_title(text: str) -> str:
    """The normalised title of a ``course_text``: character n-grams read only the title (over
    descriptions they add little and make training on 10k courses several times slower)."""
    return normalise(title_of(text))


def build_pipeline() -> Pipeline:
    """The untrained pipeline (input: one string per course, see ``text.course_text``)."""
    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(preprocessor=classifier_text, ngram_range=(1, 2), sublinear_tf=True),
            ),
            (
                "chars",
                TfidfVectorizer(
                    preprocessor=classifier_title,
                    analyzer="char_wb",
                    ngram_range=(3, 5),
                    sublinear_tf=True,
                    min_df=2,
                ),
            ),
        ]
    )
    model = CalibratedClassifierCV(LinearSVC(C=0.5), method="sigmoid", cv=CALIBRATION_FOLDS)
    return Pipeline([("features", features), ("model", model)])


def check_trainable(examples: Sequence[LabelledText]) -> None:
    """Raise TrainingError unless every area has enough labelled examples to train and calibrate."""
    per_area = Counter(example.area for example in examples)
    short = [f"{area} {per_area[area]}" for area in AREAS if per_area[area] < MIN_EXAMPLES_PER_AREA]
    if short:
        raise TrainingError(
            f"need at least {MIN_EXAMPLES_PER_AREA} labelled courses per area, have {', '.join(short)}; "
            "add provider-stated areas to the catalog or pass a labelled CSV"
        )


class AreaClassifier:
    """A trained area classifier with the identity of the data it learned from."""

    def __init__(self, pipeline: Pipeline, *, data_fingerprint: str, n_examples: int, threshold: float):
        self.pipeline = pipeline
        self.data_fingerprint = data_fingerprint
        self.n_examples = n_examples
        self.threshold = threshold

    @property
    def model_version(self) -> str:
        """Names the feature schema and the labelled data: ``area-v1@<12 hex digits>``."""
        return f"{FEATURE_SCHEMA.split(':', 1)[0]}@{self.data_fingerprint[:12]}"

    @classmethod
    def train(
        cls,
        examples: Sequence[LabelledText],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        progress: Progress | None = None,
    ) -> AreaClassifier:
        """Fit on labelled examples plus the content-outline pseudo-examples (``outline.py``).

        Raises TrainingError when an area has too few labelled examples.
        """
        check_trainable(examples)
        if progress:
            progress(f"fitting on {len(examples)} labelled courses")
        training = [*examples, *outline_examples()]
        pipeline = build_pipeline()
        pipeline.fit([course_text(e.title, e.description) for e in training], [e.area for e in training])
        return cls(
            pipeline, data_fingerprint=fingerprint(examples), n_examples=len(examples), threshold=threshold
        )

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in ``AREAS`` order."""
        if not texts:
            return np.zeros((0, len(AREAS)))
        raw = self.pipeline.predict_proba(list(texts))
        order = [list(self.pipeline.classes_).index(area) for area in AREAS]
        return np.asarray(raw[:, order])

    def knows_words_of(self, text: str) -> bool:
        """Whether ``text`` holds at least one content word (not a stop word) seen in training."""
        words_step = self.pipeline.named_steps["features"].transformer_list[0][1]
        vocabulary = words_step.vocabulary_
        return any(word in vocabulary for word in normalise(text).split() if word not in ENGLISH_STOP_WORDS)

    def predict(
        self, titles: Sequence[str], descriptions: Sequence[str | None] | None = None
    ) -> list[AreaPrediction]:
        """One prediction per title (with its description, if given)."""
        descriptions = descriptions if descriptions is not None else [None] * len(titles)
        texts = [course_text(t, d) for t, d in zip(titles, descriptions, strict=True)]
        predictions = []
        for text, row in zip(texts, self.probabilities(texts), strict=True):
            best = int(np.argmax(row))
            probability = float(row[best])
            sure = probability >= self.threshold and self.knows_words_of(text)
            area = AREAS[best] if sure else None
            predictions.append(AreaPrediction(area, AREAS[best], probability))
        return predictions
