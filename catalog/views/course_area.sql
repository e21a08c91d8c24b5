-- Every course's contact hours per content area, one row per course and area named.
CREATE OR REPLACE VIEW course_area AS
SELECT provider, course_id, e.area, e.hours
FROM (
    SELECT provider, course_id, unnest([
        {'area': 'administrative', 'hours': content_areas.administrative},
        {'area': 'clinical', 'hours': content_areas.clinical},
        {'area': 'general', 'hours': content_areas.general}
    ]) AS e
    FROM course
)
WHERE e.hours IS NOT NULL;
