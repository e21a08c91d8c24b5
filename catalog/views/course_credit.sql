-- Credits per approving body for each course, with the cost of one credit at the list price
-- (USD or the course's own currency; NULL when the course is sold only inside an offer).
CREATE OR REPLACE VIEW course_credit AS
SELECT
    c.provider,
    c.course_id,
    a.body,
    a.credits,
    c.price,
    c.currency,
    CAST(round(c.price / a.credits, 4) AS DECIMAL(18, 4)) AS cost_per_credit
FROM course AS c
JOIN course_approval AS a USING (provider, course_id);
