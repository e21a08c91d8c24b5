-- Courses and offers per provider, split by where the records came from.
CREATE OR REPLACE VIEW provider_summary AS
WITH items AS (
    SELECT provider, 'course' AS item_type, source, last_seen FROM course
    UNION ALL
    SELECT provider, 'offer' AS item_type, source, last_seen FROM offer
)
SELECT
    provider,
    count(*) FILTER (WHERE item_type = 'course') AS courses,
    count(*) FILTER (WHERE item_type = 'offer') AS offers,
    count(*) FILTER (WHERE source = 'sample') AS sample,
    count(*) FILTER (WHERE source = 'live') AS live,
    count(*) FILTER (WHERE source = 'import') AS import,
    max(last_seen) AS last_seen
FROM items
GROUP BY provider;
