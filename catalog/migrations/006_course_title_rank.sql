-- Each course's position in title order (lower-cased title, then provider, course_id): an integer
-- tie-breaker that keeps sorted pages fast when many courses share a price or cost per credit.
-- Renumbered by the loader after every load that adds or replaces courses.
ALTER TABLE course ADD COLUMN title_rank INTEGER;
UPDATE course SET title_rank = ranked.title_rank
FROM (
    SELECT provider, course_id,
        CAST(row_number() OVER (ORDER BY lower(title), provider, course_id) AS INTEGER) AS title_rank
    FROM course
) AS ranked
WHERE course.provider = ranked.provider AND course.course_id = ranked.course_id;
