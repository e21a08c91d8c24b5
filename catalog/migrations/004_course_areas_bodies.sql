-- Denormalised copies of the child tables for fast filtering, sorting and facets: every content area a
-- course names (its own content_areas and its approvals' categories), every body that approved it, and
-- the credits per body. Kept in step with the child tables by the loader.
ALTER TABLE course ADD COLUMN areas VARCHAR[];
ALTER TABLE course ADD COLUMN bodies VARCHAR[];
ALTER TABLE course ADD COLUMN credits MAP(VARCHAR, DECIMAL(18, 6));
UPDATE course SET
    areas = coalesce((
        SELECT list(DISTINCT x.area ORDER BY x.area) FROM (
            SELECT provider, course_id, area FROM course_area
            UNION ALL SELECT provider, course_id, area FROM course_approval_area
        ) AS x WHERE x.provider = course.provider AND x.course_id = course.course_id
    ), []),
    bodies = coalesce((
        SELECT list(a.body ORDER BY a.body) FROM course_approval AS a
        WHERE a.provider = course.provider AND a.course_id = course.course_id
    ), []),
    credits = coalesce((
        SELECT map(list(a.body), list(a.credits)) FROM course_approval AS a
        WHERE a.provider = course.provider AND a.course_id = course.course_id
    ), MAP {});
