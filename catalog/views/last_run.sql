-- The most recent run per provider: runs for that provider and runs whose records included it.
CREATE OR REPLACE VIEW last_run AS
WITH touched AS (
    SELECT
        run_id,
        unnest(list_distinct(list_concat(
            coalesce(providers, []),
            CASE WHEN provider IS NULL THEN [] ELSE [provider] END
        ))) AS for_provider
    FROM run
)
SELECT t.for_provider, r.*
FROM touched AS t
JOIN run AS r USING (run_id)
QUALIFY row_number() OVER (PARTITION BY t.for_provider ORDER BY r.started DESC, r.run_id DESC) = 1;
