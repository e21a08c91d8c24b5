-- The course's content areas as a bit mask (administrative 1, clinical 2, general 4): the area filter
-- becomes one integer test per row instead of a list search. Kept in step with `areas` by the loader.
ALTER TABLE course ADD COLUMN area_mask UTINYINT;
UPDATE course SET area_mask =
    CAST(list_contains(areas, 'administrative') AS UTINYINT)
    + 2 * CAST(list_contains(areas, 'clinical') AS UTINYINT)
    + 4 * CAST(list_contains(areas, 'general') AS UTINYINT);
