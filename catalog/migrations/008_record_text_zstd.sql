-- The stored record as plain text compressed with zstd. As JSON, every insert cast the record text to
-- JSON, which parses it again (~0.14 s of CPU per 100,000 records) although the loader only ever stores
-- records it has just parsed and validated; the JSON functions read VARCHAR the same way. Left to itself
-- DuckDB tried its light-weight string compressions on the record column; zstd compresses it faster and
-- smaller (the course table of 100,000 records alone: 28 → 19 MB; every copy-on-write load copies the file).
-- The table is rebuilt to set the column's compression; views are recreated after the migrations.
DROP VIEW IF EXISTS course_credit;
DROP VIEW IF EXISTS current_price;
DROP VIEW IF EXISTS provider_summary;
CREATE TABLE course_rebuilt (
    provider        VARCHAR NOT NULL,
    course_id       VARCHAR NOT NULL,
    title           VARCHAR NOT NULL,
    url             VARCHAR NOT NULL,
    description     VARCHAR,
    format          VARCHAR NOT NULL,
    hours           DECIMAL(18, 6) NOT NULL,
    price           DECIMAL(18, 4),
    member_price    DECIMAL(18, 4),
    currency        VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,
    included_in     VARCHAR[] NOT NULL,
    available_from  DATE,
    available_until DATE,
    location        VARCHAR,
    access_months   INTEGER,
    source          VARCHAR NOT NULL,
    scraped_at      TIMESTAMPTZ,
    record          VARCHAR NOT NULL USING COMPRESSION zstd,
    content_hash    VARCHAR NOT NULL,
    first_seen      TIMESTAMPTZ NOT NULL,
    last_seen       TIMESTAMPTZ NOT NULL,
    last_changed    TIMESTAMPTZ NOT NULL,
    areas           VARCHAR[],
    bodies          VARCHAR[],
    credits         MAP(VARCHAR, DECIMAL(18, 6)),
    area_mask       UTINYINT,
    title_rank      INTEGER,
    credits_aama    DECIMAL(18, 6),
    cost_per_aama   DECIMAL(18, 4),
    credits_amt     DECIMAL(18, 6),
    cost_per_amt    DECIMAL(18, 4),
    credits_nha     DECIMAL(18, 6),
    cost_per_nha    DECIMAL(18, 4),
    credits_ncct    DECIMAL(18, 6),
    cost_per_ncct   DECIMAL(18, 4),
    credits_amca    DECIMAL(18, 6),
    cost_per_amca   DECIMAL(18, 4)
);
INSERT INTO course_rebuilt SELECT * FROM course;
DROP TABLE course;
ALTER TABLE course_rebuilt RENAME TO course;
ALTER TABLE offer ALTER COLUMN record SET DATA TYPE VARCHAR;
