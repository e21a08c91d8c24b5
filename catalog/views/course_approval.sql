-- Every approval of every course, one row each (from the course row's nested approvals).
CREATE OR REPLACE VIEW course_approval AS
SELECT provider, course_id, a.body, a.credits, a.approval_id, a.expires
FROM (SELECT provider, course_id, unnest(approvals) AS a FROM course);
