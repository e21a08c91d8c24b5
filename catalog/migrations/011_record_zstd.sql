-- The course's record text compressed with zstd instead of DuckDB's automatic choice (DICT_FSST). Every
-- record is different, so the dictionary never pays, and FSST's analysis and encoding were the largest
-- single cost of a load (≈ 0.2 s of CPU per 100,000 courses, more than a quarter of the insert); zstd
-- takes about half that and stores 100,000 records in 8 MB instead of 17. The price: fetching a few
-- records decompresses whole blocks (~1 ms per record), so a search page reads the columns it shows,
-- not the records; whole-catalog reads (snapshot, planner) scan the column, where zstd is fast.
-- DuckDB cannot change a column's compression in place: a new column takes the values. It is nullable:
-- DuckDB refuses SET NOT NULL after the UPDATE in the same transaction ("outstanding updates"), and
-- the loader stores a record for every course it writes.
DROP VIEW IF EXISTS course_credit;
DROP VIEW IF EXISTS current_price;
DROP VIEW IF EXISTS provider_summary;
ALTER TABLE course ADD COLUMN record_zstd VARCHAR USING COMPRESSION zstd;
UPDATE course SET record_zstd = record;
ALTER TABLE course DROP COLUMN record;
ALTER TABLE course RENAME COLUMN record_zstd TO record;
