-- A course's approvals (with their content-area categories) and its own content areas move into the
-- course row as nested columns; course_approval, course_approval_area and course_area become views that
-- unnest them (catalog/views/), with the same columns as the tables had. A load used to write every
-- approval, category and area a second time into three tables, each row repeating the course's key
-- (≈ 0.35 s of CPU per 100,000 courses); now the course row is the one copy.
DROP VIEW IF EXISTS course_credit;
ALTER TABLE course ADD COLUMN approvals STRUCT(
    body VARCHAR, credits DECIMAL(18, 6), approval_id VARCHAR, expires DATE,
    categories STRUCT(administrative DECIMAL(18, 6), clinical DECIMAL(18, 6), general DECIMAL(18, 6))
)[];
ALTER TABLE course ADD COLUMN content_areas
    STRUCT(administrative DECIMAL(18, 6), clinical DECIMAL(18, 6), general DECIMAL(18, 6));
-- (area, amount) rows of one group as the struct of the three areas.
CREATE TEMP MACRO area_struct(area, amount) AS struct_pack(
    administrative := max(amount) FILTER (WHERE area = 'administrative'),
    clinical := max(amount) FILTER (WHERE area = 'clinical'),
    general := max(amount) FILTER (WHERE area = 'general')
);
CREATE TEMP TABLE nested_categories AS
SELECT provider, course_id, body, area_struct(area, credits) AS categories
FROM course_approval_area GROUP BY ALL;
CREATE TEMP TABLE nested_approvals AS
SELECT a.provider, a.course_id,
    list(struct_pack(body := a.body, credits := a.credits, approval_id := a.approval_id,
        expires := a.expires, categories := c.categories) ORDER BY a.body) AS approvals
FROM course_approval AS a LEFT JOIN nested_categories AS c USING (provider, course_id, body)
GROUP BY ALL;
CREATE TEMP TABLE nested_areas AS
SELECT provider, course_id, area_struct(area, hours) AS content_areas FROM course_area GROUP BY ALL;
UPDATE course SET approvals = coalesce(n.approvals, [])
FROM (SELECT c.provider, c.course_id, n.approvals FROM course AS c
      LEFT JOIN nested_approvals AS n USING (provider, course_id)) AS n
WHERE course.provider = n.provider AND course.course_id = n.course_id;
UPDATE course SET content_areas = n.content_areas
FROM nested_areas AS n
WHERE course.provider = n.provider AND course.course_id = n.course_id;
DROP TABLE nested_categories;
DROP TABLE nested_approvals;
DROP TABLE nested_areas;
DROP MACRO area_struct;
DROP TABLE course_approval;
DROP TABLE course_approval_area;
DROP TABLE course_area;
