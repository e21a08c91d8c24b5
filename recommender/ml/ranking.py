"""Interest ranking: what a user says they want to learn → a relevance score per course.

Courses and queries are turned into TF-IDF vectors over words (with a light plural folding) plus one
token per synonym group they mention (``text.SYNONYM_GROUPS``: EKG/ECG/electrocardiogram, blood draw/
venipuncture/phlebotomy, kids/children/pediatrics, …), so "EKG" finds "12-Lead ECG Placement".
The score is the cosine similarity, in [0, 1]; a course sharing no word or synonym with the query
scores 0. ``similar`` uses the same vectors to list courses like a given one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from catalog.records import Course
from recommender.ml.text import expand_synonyms, texts_of

Key = tuple[str, str]
_STOP_WORDS = (
    "a", "an", "and", "the", "of", "for", "in", "on", "to", "with", "at", "by", "from", "how", "what",
    "when", "your", "you", "i", "my", "me", "want", "like", "learn", "learning", "about", "more", "course",
    "courses", "ce", "ceu", "ceus", "medical", "assistant", "assistants", "ma", "mas", "basics",
    "introduction", "working", "work", "understanding", "patient", "patients",
)  # fmt: skip


def _fold_plural(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _analyse(text: str) -> list[str]:
    """Tokens for the ranker: words without stop words, plurals folded, synonym-group tokens kept."""
    return [_fold_plural(word) for word in expand_synonyms(text).split() if word not in _STOP_WORDS]


class InterestRanker:
    """Relevance of each course in ``courses`` to free-text interests."""

    def __init__(self, courses: Sequence[Course]):
        self.keys: list[Key] = [course.key for course in courses]
        self._row: dict[Key, int] = {key: row for row, key in enumerate(self.keys)}
        self._vectoriser = TfidfVectorizer(analyzer=_analyse, sublinear_tf=True)
        texts = texts_of(courses)
        self._matrix = self._vectoriser.fit_transform(texts) if texts else None

    def scores(self, interests: str | Iterable[str]) -> dict[Key, float]:
        """Score in [0, 1] for every course: the best cosine similarity over the interests given
        (one string, or several, e.g. a profile's ``interests`` list)."""
        queries = [interests] if isinstance(interests, str) else [q for q in interests if q.strip()]
        if self._matrix is None or not queries:
            return dict.fromkeys(self.keys, 0.0)
        similarity = (self._vectoriser.transform(queries) @ self._matrix.T).toarray().max(axis=0)
        return {
            key: float(np.clip(value, 0.0, 1.0)) for key, value in zip(self.keys, similarity, strict=True)
        }

    def rank(self, interests: str | Iterable[str], *, limit: int = 10) -> list[tuple[Key, float]]:
        """The ``limit`` most relevant courses with their scores, best first (ties by key); zeros left out."""
        ranked = sorted(self.scores(interests).items(), key=lambda item: (-item[1], item[0]))
        return [(key, score) for key, score in ranked[:limit] if score > 0]

    def similar(self, key: Key, *, limit: int = 10, exclude: Iterable[Key] = ()) -> list[tuple[Key, float]]:
        """Courses most like the course ``key`` (itself and ``exclude`` left out), best first.

        Raises KeyError when ``key`` is not among the ranker's courses.
        """
        row = self._row[key]
        assert self._matrix is not None
        similarity = (self._matrix[row] @ self._matrix.T).toarray().ravel()
        skip = {key, *exclude}
        ranked = sorted(
            (
                (other, float(value))
                for other, value in zip(self.keys, similarity, strict=True)
                if other not in skip
            ),
            key=lambda item: (-item[1], item[0]),
        )
        return [(other, score) for other, score in ranked[:limit] if score > 0]
