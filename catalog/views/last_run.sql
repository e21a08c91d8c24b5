-- The most recent run per provider (provider NULL = runs spanning several providers).
CREATE OR REPLACE VIEW last_run AS
SELECT * EXCLUDE (newest)
FROM (
    SELECT *, row_number() OVER (PARTITION BY provider ORDER BY started DESC, run_id DESC) AS newest
    FROM run
)
WHERE newest = 1;
