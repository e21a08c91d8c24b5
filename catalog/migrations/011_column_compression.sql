-- Two course columns get a compression of their own instead of DuckDB's automatic choice (DICT_FSST):
-- * record: zstd. Every record is different, so the dictionary never pays, and FSST's analysis and
--   encoding were the largest single cost of a load (≈ 0.2 s of CPU per 100,000 courses, more than a
--   quarter of the insert); zstd takes about half that and stores 100,000 records in 8 MB instead of 17.
--   The price: fetching a few records decompresses whole blocks (~1 ms per record), so a search page reads
--   the columns it shows, not the records; whole-catalog reads (snapshot, planner) scan the column, where
--   zstd is fast.
-- * title: uncompressed. Every search page shows its 50 titles, and DuckDB fetches each row of a
--   DICT_FSST segment by decoding the segment's dictionary first: with titles that repeat (the same course
--   at several providers) that was ~6 ms of a ~25 ms page on 100,000 courses, against ~0.6 ms
--   uncompressed; the load skips analysing and compressing the column. Costs ~2 MB per 100,000 courses.
-- DuckDB cannot change a column's compression in place: a new column takes the values. The new columns
-- are nullable: DuckDB refuses SET NOT NULL after the UPDATE in the same transaction ("outstanding
-- updates"), and the loader writes both for every course.
DROP VIEW IF EXISTS course_credit;
DROP VIEW IF EXISTS current_price;
DROP VIEW IF EXISTS provider_summary;
ALTER TABLE course ADD COLUMN record_zstd VARCHAR USING COMPRESSION zstd;
ALTER TABLE course ADD COLUMN title_plain VARCHAR USING COMPRESSION uncompressed;
UPDATE course SET record_zstd = record, title_plain = title;
ALTER TABLE course DROP COLUMN record;
ALTER TABLE course DROP COLUMN title;
ALTER TABLE course RENAME COLUMN record_zstd TO record;
ALTER TABLE course RENAME COLUMN title_plain TO title;
