"""Duplicate listings: the same course syndicated on several sites, or listed twice by one provider.

Two listings are duplicates when their titles are near-identical once boilerplate ("for Medical
Assistants", "CE course", "online") is removed: cosine similarity of character 3–5-grams, hashed so the
score does not depend on the rest of the catalog. Two guards keep sequels and different lengths
apart: different part/level numbers halve the score, contact hours differing by more than a quarter
multiply it by 0.8. ``DUPLICATE_THRESHOLD`` was tuned on tests/data/duplicate_pairs.csv (docs/ml.md).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import HashingVectorizer

from catalog.records import Course
from recommender.ml.text import normalise, numbers_in

if TYPE_CHECKING:
    import pandas as pd

DUPLICATE_THRESHOLD = 0.89
NUMBER_MISMATCH_FACTOR = 0.5
HOURS_MISMATCH_FACTOR = 0.8
HOURS_TOLERANCE = Decimal("1.25")
_CHUNK_ROWS = 512

_BOILERPLATE = re.compile(
    r"\b(?:for (?:the )?(?:certified )?medical assistants?|for mas?|for cmas?|ce|ceus?|cme|course|online|"
    r"webinar|self study|module|an|a|the|(?:\d+(?:\.\d+)? )?(?:contact )?hours?|hrs?)\b"
)

Key = tuple[str, str]


def dedupe_text(title: str) -> str:
    """A title stripped of words that vary between listings of the same course."""
    return " ".join(_BOILERPLATE.sub(" ", normalise(title)).split())


_VECTORISER = HashingVectorizer(
    preprocessor=dedupe_text,
    analyzer="char_wb",
    ngram_range=(3, 5),
    n_features=2**20,
    alternate_sign=False,
    norm="l2",
)


def title_vectors(titles: Sequence[str]) -> csr_matrix:
    """L2-normalised hashed character n-gram vectors, one row per title."""
    return csr_matrix(_VECTORISER.transform(list(titles)))


def _hours_close(hours_a: Decimal | None, hours_b: Decimal | None) -> bool:
    if not hours_a or not hours_b:
        return True
    high, low = max(hours_a, hours_b), min(hours_a, hours_b)
    return high <= low * HOURS_TOLERANCE


def guarded_score(
    cosine: float, title_a: str, title_b: str, hours_a: Decimal | None = None, hours_b: Decimal | None = None
) -> float:
    """The title cosine after the part-number and contact-hours guards, in [0, 1]."""
    score = cosine
    if numbers_in(dedupe_text(title_a)) != numbers_in(dedupe_text(title_b)):
        score *= NUMBER_MISMATCH_FACTOR
    if not _hours_close(hours_a, hours_b):
        score *= HOURS_MISMATCH_FACTOR
    return min(max(score, 0.0), 1.0)


def pair_score(
    title_a: str, title_b: str, hours_a: Decimal | None = None, hours_b: Decimal | None = None
) -> float:
    """How likely two listings are the same course, in [0, 1] (compare with DUPLICATE_THRESHOLD)."""
    vectors = title_vectors([title_a, title_b])
    cosine = float(vectors[0].multiply(vectors[1]).sum())
    return guarded_score(cosine, title_a, title_b, hours_a, hours_b)


def _candidate_pairs(vectors: csr_matrix, threshold: float) -> Iterable[tuple[int, int, float]]:
    """(i, j, cosine) for i < j with cosine ≥ threshold, computed in row chunks to bound memory."""
    transposed = vectors.T.tocsc()
    for start in range(0, vectors.shape[0], _CHUNK_ROWS):
        block = (vectors[start : start + _CHUNK_ROWS] @ transposed).toarray()
        rows, cols = np.nonzero(block >= threshold)
        for row, col in zip(rows, cols, strict=True):
            i = start + int(row)
            if i < int(col):
                yield i, int(col), float(block[row, col])


class _UnionFind:
    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)

    def components(self) -> list[list[int]]:
        groups: dict[int, list[int]] = {}
        for item in range(len(self.parent)):
            groups.setdefault(self.find(item), []).append(item)
        return list(groups.values())


def cluster_titles(
    titles: Sequence[str],
    hours: Sequence[Decimal | None] | None = None,
    *,
    threshold: float = DUPLICATE_THRESHOLD,
) -> list[int]:
    """A cluster number per title: titles linked by a chain of duplicate pairs share a number."""
    if not titles:
        return []
    hours = hours if hours is not None else [None] * len(titles)
    union = _UnionFind(len(titles))
    for i, j, cosine in _candidate_pairs(title_vectors(titles), threshold):
        if guarded_score(cosine, titles[i], titles[j], hours[i], hours[j]) >= threshold:
            union.union(i, j)
    labels = [0] * len(titles)
    for number, members in enumerate(sorted(union.components())):
        for member in members:
            labels[member] = number
    return labels


def duplicate_groups(courses: Sequence[Course], *, threshold: float = DUPLICATE_THRESHOLD) -> list[list[Key]]:
    """Groups (two or more listings each) of courses that are the same course, keys sorted in a group."""
    clusters = cluster_titles([c.title for c in courses], [c.hours for c in courses], threshold=threshold)
    members: dict[int, list[Key]] = {}
    for course, cluster in zip(courses, clusters, strict=True):
        members.setdefault(cluster, []).append(course.key)
    return sorted(sorted(group) for group in members.values() if len(group) > 1)


@dataclass(frozen=True)
class ThresholdChoice:
    """A duplicate threshold and its precision / recall on the labelled pairs it was tuned on."""

    threshold: float
    precision: float
    recall: float


def precision_recall(
    scores: Sequence[float], labels: Sequence[bool], threshold: float
) -> tuple[float, float]:
    """Precision and recall of "score ≥ threshold" as a duplicate call (1.0 when nothing to measure)."""
    called = [score >= threshold for score in scores]
    true_positive = sum(c and t for c, t in zip(called, labels, strict=True))
    precision = true_positive / sum(called) if any(called) else 1.0
    recall = true_positive / sum(labels) if any(labels) else 1.0
    return precision, recall


def tune_threshold(scores: Sequence[float], labels: Sequence[bool]) -> ThresholdChoice:
    """The threshold with the best F1 on labelled pairs; among equals, the middle of the best range,
    so that it sits as far as possible from both the positives and the negatives."""
    candidates = np.round(np.arange(0.30, 1.00, 0.01), 2)
    f1s = []
    for threshold in candidates:
        precision, recall = precision_recall(scores, labels, float(threshold))
        f1s.append(0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall))
    best = max(f1s)
    best_thresholds = [float(t) for t, f1 in zip(candidates, f1s, strict=True) if f1 == best]
    chosen = best_thresholds[len(best_thresholds) // 2]
    return ThresholdChoice(chosen, *precision_recall(scores, labels, chosen))


def _price_order(price: Any) -> tuple[int, float]:
    """Sort key: known prices ascending, unknown (None/NaN) last."""
    if price is None or (isinstance(price, float) and np.isnan(price)):
        return (1, 0.0)
    return (0, float(price))


def cheapest_first(courses: Sequence[Course], groups: Sequence[Sequence[Key]]) -> list[list[Course]]:
    """One list per course (duplicates gathered), each sorted cheapest first (unknown price last);
    lists in order of their first course in ``courses``."""
    group_of: dict[Key, int] = {key: number for number, group in enumerate(groups) for key in group}
    gathered: dict[Hashable, list[Course]] = {}
    for course in courses:
        gathered.setdefault(group_of.get(course.key, course.key), []).append(course)
    return [sorted(members, key=lambda c: _price_order(c.price)) for members in gathered.values()]


def collapse_duplicates(frame: pd.DataFrame, groups: Sequence[Sequence[Key]]) -> pd.DataFrame:
    """One row per duplicate group: the cheapest listing, where the group first appears in ``frame``.

    ``frame`` needs columns provider, course_id and price (USD, None/NaN when unknown). Adds
    ``duplicate_count`` (other listings of the same course) and ``also_listed_by`` (their providers and
    course ids, cheapest first, "provider:course_id; …").
    """
    import pandas as pd

    group_of: dict[Key, int] = {key: number for number, group in enumerate(groups) for key in group}
    keys = list(zip(frame["provider"], frame["course_id"], strict=True))
    prices = pd.to_numeric(frame["price"], errors="coerce").astype(float).tolist()
    group_ids = [group_of.get(key, -1 - position) for position, key in enumerate(keys)]
    kept_rows: list[int] = []
    others: list[list[str]] = []
    positions: dict[int, list[int]] = {}
    for position, group_id in enumerate(group_ids):
        positions.setdefault(group_id, []).append(position)
    for members in positions.values():
        ordered = sorted(members, key=lambda p: _price_order(prices[p]))
        kept_rows.append(ordered[0])
        others.append([f"{keys[p][0]}:{keys[p][1]}" for p in ordered[1:]])
    order = sorted(range(len(kept_rows)), key=lambda n: min(positions[group_ids[kept_rows[n]]]))
    result = frame.iloc[[kept_rows[n] for n in order]].copy()
    result["duplicate_count"] = [len(others[n]) for n in order]
    result["also_listed_by"] = ["; ".join(others[n]) for n in order]
    return result.reset_index(drop=True)
