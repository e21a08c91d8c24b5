"""Interest ranking: what a user says they want to learn → a relevance score per course.

Courses and queries are turned into TF-IDF vectors over words (with a light plural folding) plus one
token per synonym group they mention (``text.SYNONYM_GROUPS``: EKG/ECG/electrocardiogram, blood draw/
venipuncture/phlebotomy, kids/children/pediatrics, …), so "EKG" finds "12-Lead ECG Placement".
The score is the cosine similarity, in [0, 1]; a course sharing no word or synonym with the query
scores 0. ``similar`` uses the same vectors to list courses like a given one.

The vectors are scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` (smoothed idf
``ln((1 + n) / (1 + df)) + 1``, term weight ``(1 + ln tf) · idf``, rows scaled to unit length; words
unseen in the courses ignored in a query), computed here in plain Python over an inverted index: the
same numbers (tests compare them), without importing scikit-learn — which took most of the 4.9 s of
`recert plan` for a profile with interests (docs/benchmarks.md).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from catalog.records import Course
from recommender.ml.text import expand_synonyms, texts_of

Key = tuple[str, str]
Vector = dict[str, float]
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


def _unit(weights: Vector) -> Vector:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {term: w / norm for term, w in weights.items()} if norm > 0 else {}


class InterestRanker:
    """Relevance of each course in ``courses`` to free-text interests."""

    def __init__(self, courses: Sequence[Course]):
        self._build([course.key for course in courses], texts_of(courses))

    @classmethod
    def of_texts(cls, keys: Sequence[Key], texts: Sequence[str]) -> InterestRanker:
        """A ranker over courses given as keys and ``text.course_text`` texts (no full records)."""
        ranker = cls.__new__(cls)
        ranker._build(list(keys), list(texts))
        return ranker

    def _build(self, keys: list[Key], texts: list[str]) -> None:
        self.keys: list[Key] = keys
        self._row: dict[Key, int] = {key: row for row, key in enumerate(self.keys)}
        counts = [Counter(_analyse(text)) for text in texts]
        frequency = Counter(term for count in counts for term in count)
        n = len(counts)
        self._idf = {term: math.log((1 + n) / (1 + df)) + 1 for term, df in frequency.items()}
        self._vectors = [self._weigh(count) for count in counts]
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for row, vector in enumerate(self._vectors):
            for term, weight in vector.items():
                self._postings.setdefault(term, []).append((row, weight))

    def _weigh(self, count: Counter[str]) -> Vector:
        """A text's unit TF-IDF vector (sublinear term frequency; terms the courses never use dropped)."""
        return _unit(
            {term: (1 + math.log(tf)) * self._idf[term] for term, tf in count.items() if term in self._idf}
        )

    def _similarity(self, vector: Vector) -> list[float]:
        """Cosine similarity of a unit vector with every course, by row."""
        totals = [0.0] * len(self.keys)
        for term, weight in vector.items():
            for row, other in self._postings.get(term, ()):
                totals[row] += weight * other
        return totals

    def scores(self, interests: str | Iterable[str]) -> dict[Key, float]:
        """Score in [0, 1] for every course: the best cosine similarity over the interests given
        (one string, or several, e.g. a profile's ``interests`` list)."""
        queries = [interests] if isinstance(interests, str) else [q for q in interests if q.strip()]
        best = [0.0] * len(self.keys)
        for query in queries:
            for row, value in enumerate(self._similarity(self._weigh(Counter(_analyse(query))))):
                best[row] = max(best[row], value)
        return {key: min(1.0, max(0.0, value)) for key, value in zip(self.keys, best, strict=True)}

    def rank(self, interests: str | Iterable[str], *, limit: int = 10) -> list[tuple[Key, float]]:
        """The ``limit`` most relevant courses with their scores, best first (ties by key); zeros left out."""
        ranked = sorted(self.scores(interests).items(), key=lambda item: (-item[1], item[0]))
        return [(key, score) for key, score in ranked[:limit] if score > 0]

    def similar(self, key: Key, *, limit: int = 10, exclude: Iterable[Key] = ()) -> list[tuple[Key, float]]:
        """Courses most like the course ``key`` (itself and ``exclude`` left out), best first.

        Raises KeyError when ``key`` is not among the ranker's courses.
        """
        similarity = self._similarity(self._vectors[self._row[key]])
        skip = {key, *exclude}
        ranked = sorted(
            ((other, value) for other, value in zip(self.keys, similarity, strict=True) if other not in skip),
            key=lambda item: (-item[1], item[0]),
        )
        return [(other, score) for other, score in ranked[:limit] if score > 0]
