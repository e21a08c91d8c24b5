"""Interest ranking with MA synonyms, and similar courses."""

from __future__ import annotations

import pytest

from recommender.ml.ranking import InterestRanker
from recommender.ml.text import expand_synonyms, synonym_tokens
from tests.recommender.ml_data import QUERIES, course, labelled_courses, rows

QUERY_ROWS = rows(QUERIES)


@pytest.fixture(scope="module")
def ranker() -> InterestRanker:
    return InterestRanker(labelled_courses())


def test_there_are_at_least_twenty_queries_each_naming_a_course_of_the_set():
    keys = {course.key for course in labelled_courses()}
    assert len(QUERY_ROWS) >= 20
    assert all((row["provider"], row["course_id"]) in keys for row in QUERY_ROWS)


@pytest.mark.parametrize("row", QUERY_ROWS, ids=[row["query"] for row in QUERY_ROWS])
def test_relevant_course_is_in_the_top_five(ranker, row):
    top = [key for key, _score in ranker.rank(row["query"], limit=5)]
    assert (row["provider"], row["course_id"]) in top


@pytest.mark.parametrize(
    ("words", "group"),
    [
        ("EKG", "syn_ecg"),
        ("Electrocardiogram", "syn_ecg"),
        ("12-Lead", "syn_ecg"),
        ("blood draw", "syn_phlebotomy"),
        ("Venipuncture", "syn_phlebotomy"),
        ("HIPAA", "syn_privacy"),
        ("kids", "syn_pediatrics"),
        ("Pediatric", "syn_pediatrics"),
        ("insurance claims", "syn_revenue"),
    ],
)
def test_synonyms_share_a_group_token(words, group):
    assert group in expand_synonyms(words).split()


def test_synonym_phrases_match_whole_words_only():
    assert synonym_tokens("ecgs") == []
    assert synonym_tokens("codependency") == []
    assert "syn_privacy" in synonym_tokens("privacy")


def test_scores_cover_every_course_within_zero_and_one(ranker):
    scores = ranker.scores("EKG")
    assert set(scores) == set(ranker.keys)
    assert all(0.0 <= value <= 1.0 for value in scores.values())
    assert max(scores.values()) > 0


def test_unrelated_interest_scores_zero_everywhere(ranker):
    assert set(ranker.scores("xylophone").values()) == {0.0}
    assert ranker.rank("xylophone") == []


def test_several_interests_take_the_best_match_of_each_course(ranker):
    ekg, billing = ranker.scores("EKG"), ranker.scores("billing")
    both = ranker.scores(["EKG", "billing", "  "])
    assert both == {key: max(ekg[key], billing[key]) for key in both}
    assert set(ranker.scores([]).values()) == {0.0}


def test_empty_catalog_ranks_nothing():
    assert InterestRanker([]).scores("EKG") == {}


def test_similar_lists_related_courses_but_not_itself(ranker):
    key = ("relias", "L001")  # 12-Lead ECG Placement and Artifact Troubleshooting
    similar = ranker.similar(key, limit=5)
    keys = [other for other, _score in similar]
    assert key not in keys
    assert ("netce", "L002") in keys  # Electrocardiography Basics for Medical Assistants
    assert [score for _key, score in similar] == sorted((score for _key, score in similar), reverse=True)
    assert ("netce", "L002") not in [k for k, _ in ranker.similar(key, exclude=[("netce", "L002")])]
    with pytest.raises(KeyError):
        ranker.similar(("nobody", "none"))


def test_description_counts_for_relevance():
    courses = [
        course("a", "1", "Module One", description="Hands-on venipuncture and specimen handling."),
        course("a", "2", "Module Two", description="Front desk scheduling."),
    ]
    ranked = InterestRanker(courses).rank("blood draw")
    assert [key for key, _score in ranked] == [("a", "1")]


def test_scores_are_scikit_learns_tfidf_cosine(ranker):
    """The ranker computes TF-IDF itself (no scikit-learn import for `recert plan`); the numbers are
    scikit-learn's."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from recommender.ml.ranking import _analyse
    from recommender.ml.text import texts_of

    courses = labelled_courses()
    vectoriser = TfidfVectorizer(analyzer=_analyse, sublinear_tf=True)
    matrix = vectoriser.fit_transform(texts_of(courses))
    for query in ("EKG, pediatrics", "billing and coding", "xylophone", "blood draw for kids"):
        expected = (vectoriser.transform([query]) @ matrix.T).toarray().ravel()
        got = ranker.scores(query)
        assert np.allclose([got[c.key] for c in courses], np.clip(expected, 0, 1), atol=1e-12)
    first = courses[0].key
    expected_similar = (matrix[0] @ matrix.T).toarray().ravel()
    for other, score in ranker.similar(first, limit=20):
        assert abs(score - expected_similar[ranker.keys.index(other)]) < 1e-12
