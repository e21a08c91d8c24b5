-- Every approval's credits per content area (its categories), one row per approval and area.
CREATE OR REPLACE VIEW course_approval_area AS
SELECT provider, course_id, body, e.area, e.credits
FROM (
    SELECT provider, course_id, a.body AS body, unnest([
        {'area': 'administrative', 'credits': a.categories.administrative},
        {'area': 'clinical', 'credits': a.categories.clinical},
        {'area': 'general', 'credits': a.categories.general}
    ]) AS e
    FROM (SELECT provider, course_id, unnest(approvals) AS a FROM course)
)
WHERE e.credits IS NOT NULL;
