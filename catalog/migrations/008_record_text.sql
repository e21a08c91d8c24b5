-- The stored record as plain text. As JSON, every insert cast the record text to JSON, which parses it
-- again (~0.14 s of CPU per 100,000 records) although the loader only ever stores records it has just
-- parsed and validated; the JSON functions read VARCHAR the same way. (zstd compression of the column was
-- tried and dropped: a search page fetches its 50 records, and reading 50 rows of a zstd column costs
-- ~60 ms against ~3 ms for DuckDB's own string compression.) Views are recreated after the migrations.
DROP VIEW IF EXISTS course_credit;
DROP VIEW IF EXISTS current_price;
DROP VIEW IF EXISTS provider_summary;
ALTER TABLE course ALTER COLUMN record SET DATA TYPE VARCHAR;
ALTER TABLE offer ALTER COLUMN record SET DATA TYPE VARCHAR;
