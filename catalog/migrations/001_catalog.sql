-- The catalog: courses and offers as last seen, their approvals and content areas as child tables
-- (queryable), the full record JSON (lossless round-trip), price history and the runs that fed it.
-- Money is DECIMAL(18,4) in the record's own currency; hours and credits are DECIMAL(18,6).

CREATE TABLE run (
    run_id        BIGINT PRIMARY KEY,
    kind          VARCHAR NOT NULL,          -- load | crawl | sample | …
    provider      VARCHAR,                   -- NULL when a run spans several providers
    started       TIMESTAMPTZ NOT NULL,
    finished      TIMESTAMPTZ,
    items         INTEGER NOT NULL DEFAULT 0,
    errors        INTEGER NOT NULL DEFAULT 0,
    status        VARCHAR NOT NULL,          -- ok | failed | suspect | …
    note          VARCHAR,
    inserted      INTEGER NOT NULL DEFAULT 0,
    updated       INTEGER NOT NULL DEFAULT 0,
    unchanged     INTEGER NOT NULL DEFAULT 0,
    price_changes INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE course (
    provider        VARCHAR NOT NULL,
    course_id       VARCHAR NOT NULL,
    title           VARCHAR NOT NULL,
    url             VARCHAR NOT NULL,
    description     VARCHAR,
    format          VARCHAR NOT NULL,
    hours           DECIMAL(18, 6) NOT NULL,  -- contact hours
    price           DECIMAL(18, 4),           -- NULL: sold only inside an offer
    member_price    DECIMAL(18, 4),
    currency        VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,
    included_in     VARCHAR[] NOT NULL,
    available_from  DATE,
    available_until DATE,
    location        VARCHAR,
    access_months   INTEGER,
    source          VARCHAR NOT NULL,         -- live | sample | import
    scraped_at      TIMESTAMPTZ,
    record          JSON NOT NULL,            -- the record as last loaded
    content_hash    VARCHAR NOT NULL,         -- everything but scraped_at; decides "changed"
    first_seen      TIMESTAMPTZ NOT NULL,
    last_seen       TIMESTAMPTZ NOT NULL,
    last_changed    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider, course_id)
);

CREATE TABLE course_approval (
    provider    VARCHAR NOT NULL,
    course_id   VARCHAR NOT NULL,
    body        VARCHAR NOT NULL,             -- AAMA, AMT, NHA, …
    credits     DECIMAL(18, 6) NOT NULL,      -- in the body's own unit
    approval_id VARCHAR,
    expires     DATE
);

CREATE TABLE course_approval_area (
    provider  VARCHAR NOT NULL,
    course_id VARCHAR NOT NULL,
    body      VARCHAR NOT NULL,
    area      VARCHAR NOT NULL,               -- administrative | clinical | general
    credits   DECIMAL(18, 6) NOT NULL
);

CREATE TABLE course_area (
    provider  VARCHAR NOT NULL,
    course_id VARCHAR NOT NULL,
    area      VARCHAR NOT NULL,
    hours     DECIMAL(18, 6) NOT NULL         -- contact hours in that area
);

CREATE TABLE offer (
    provider      VARCHAR NOT NULL,
    offer_id      VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,           -- subscription | membership | bundle
    price         DECIMAL(18, 4) NOT NULL,
    currency      VARCHAR NOT NULL,
    period_months INTEGER,
    url           VARCHAR,
    description   VARCHAR,
    source        VARCHAR NOT NULL,
    scraped_at    TIMESTAMPTZ,
    record        JSON NOT NULL,
    content_hash  VARCHAR NOT NULL,
    first_seen    TIMESTAMPTZ NOT NULL,
    last_seen     TIMESTAMPTZ NOT NULL,
    last_changed  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider, offer_id)
);

-- One row per observed price: the first sighting of an item and every later change of its price,
-- member price or currency, stamped with when it was seen (scraped_at, else the run's start).
CREATE TABLE price_history (
    item_type    VARCHAR NOT NULL,            -- course | offer
    provider     VARCHAR NOT NULL,
    item_id      VARCHAR NOT NULL,            -- course_id or offer_id
    price        DECIMAL(18, 4),
    member_price DECIMAL(18, 4),
    currency     VARCHAR NOT NULL,
    seen_at      TIMESTAMPTZ NOT NULL,
    run_id       BIGINT NOT NULL
);
