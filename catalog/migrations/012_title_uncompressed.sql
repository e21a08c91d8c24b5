-- Course titles stored uncompressed. Every search page shows its 50 titles, and DuckDB fetches each row
-- of a dictionary-compressed (DICT_FSST) segment by decoding the segment's dictionary first: with titles
-- that repeat (the same course at several providers) that was ~6 ms of a ~25 ms page on 100,000 courses,
-- against ~0.6 ms uncompressed; the load skips analysing and compressing the column. Costs ~2 MB per
-- 100,000 courses. DuckDB cannot change a column's compression in place: a new column takes the values.
-- It is nullable: DuckDB refuses SET NOT NULL after the UPDATE in the same transaction ("outstanding
-- updates"), and the loader only stores validated records, which always have a title.
DROP VIEW IF EXISTS course_credit;
DROP VIEW IF EXISTS current_price;
DROP VIEW IF EXISTS provider_summary;
ALTER TABLE course ADD COLUMN title_plain VARCHAR USING COMPRESSION uncompressed;
UPDATE course SET title_plain = title;
ALTER TABLE course DROP COLUMN title;
ALTER TABLE course RENAME COLUMN title_plain TO title;
