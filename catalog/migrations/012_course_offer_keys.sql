-- recert: own transaction
-- The keys course (provider, course_id) and offer (provider, offer_id) enforced by the database, not only
-- by the loader (which deduplicates each staged batch and replaces changed rows by delete + insert in one
-- transaction; DuckDB 2's unique indexes accept that). Own transaction: the index is checked against every
-- row version of its transaction, so rows an earlier migration rewrote (011's UPDATE) would count twice.
-- A later migration that alters course or offer must drop the index first (DuckDB refuses ALTER TABLE
-- on a table an index depends on) and create it again. First prove there are no duplicates: error() names
-- the first one found and the whole upgrade is rolled back, leaving the catalog as it was.
SELECT error('course ' || provider || '/' || course_id || ' is stored ' || n || ' times; remove the extra copies before upgrading')
FROM (SELECT provider, course_id, count(*) AS n FROM course GROUP BY ALL HAVING count(*) > 1 LIMIT 1);
SELECT error('offer ' || provider || '/' || offer_id || ' is stored ' || n || ' times; remove the extra copies before upgrading')
FROM (SELECT provider, offer_id, count(*) AS n FROM offer GROUP BY ALL HAVING count(*) > 1 LIMIT 1);
CREATE UNIQUE INDEX course_key ON course (provider, course_id);
CREATE UNIQUE INDEX offer_key ON offer (provider, offer_id);
