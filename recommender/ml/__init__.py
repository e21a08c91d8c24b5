"""Machine learning over the catalog: content-area inference, interest ranking, duplicate listings.

See docs/ml.md. Inferred areas are suggestions kept apart from provider-stated ones; they never make
a course AAMA-approved.
"""

from recommender.ml.classifier import AreaClassifier, AreaPrediction, TrainingError
from recommender.ml.duplicates import cheapest_first, collapse_duplicates, duplicate_groups
from recommender.ml.ranking import InterestRanker
from recommender.ml.store import ensure_model, infer_areas

__all__ = [
    "AreaClassifier",
    "AreaPrediction",
    "InterestRanker",
    "TrainingError",
    "cheapest_first",
    "collapse_duplicates",
    "duplicate_groups",
    "ensure_model",
    "infer_areas",
]
