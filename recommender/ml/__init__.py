"""Machine learning over the catalog: content-area inference, interest ranking, duplicate listings.

See docs/ml.md. Inferred areas are suggestions kept apart from provider-stated ones; they never make
a course AAMA-approved.
"""
