-- Content areas inferred by the area classifier (recommender/ml), kept apart from the provider-stated
-- areas in course_area and course_approval_area. An inferred area only suggests where outside
-- (non-AAMA) credit could be placed, and only when a profile allows inferred areas; it never makes a
-- course AAMA-approved. One row per course the classifier was sure about (probability ≥ its
-- threshold); rows are replaced whenever the areas are inferred again.
CREATE TABLE inferred_area (
    provider      VARCHAR NOT NULL,
    course_id     VARCHAR NOT NULL,
    area          VARCHAR NOT NULL CHECK (area IN ('administrative', 'clinical', 'general')),
    probability   DOUBLE NOT NULL CHECK (probability >= 0 AND probability <= 1),  -- calibrated, 0..1
    model_version VARCHAR NOT NULL,           -- AreaClassifier.model_version: schema @ data fingerprint
    inferred_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider, course_id)
);
