-- Credits and cost per credit of the common approving bodies as plain columns (catalog/flat.py): the
-- filters and sorts of a search page become plain column comparisons instead of a map lookup and a
-- division per row. Kept in step with `credits` and `price` by the loader.
ALTER TABLE course ADD COLUMN credits_aama DECIMAL(18, 6);
ALTER TABLE course ADD COLUMN cost_per_aama DECIMAL(18, 4);
ALTER TABLE course ADD COLUMN credits_amt DECIMAL(18, 6);
ALTER TABLE course ADD COLUMN cost_per_amt DECIMAL(18, 4);
ALTER TABLE course ADD COLUMN credits_nha DECIMAL(18, 6);
ALTER TABLE course ADD COLUMN cost_per_nha DECIMAL(18, 4);
ALTER TABLE course ADD COLUMN credits_ncct DECIMAL(18, 6);
ALTER TABLE course ADD COLUMN cost_per_ncct DECIMAL(18, 4);
ALTER TABLE course ADD COLUMN credits_amca DECIMAL(18, 6);
ALTER TABLE course ADD COLUMN cost_per_amca DECIMAL(18, 4);
UPDATE course SET
    credits_aama = credits['AAMA'],
    cost_per_aama = CAST(round(price / credits['AAMA'], 4) AS DECIMAL(18, 4)),
    credits_amt = credits['AMT'],
    cost_per_amt = CAST(round(price / credits['AMT'], 4) AS DECIMAL(18, 4)),
    credits_nha = credits['NHA'],
    cost_per_nha = CAST(round(price / credits['NHA'], 4) AS DECIMAL(18, 4)),
    credits_ncct = credits['NCCT'],
    cost_per_ncct = CAST(round(price / credits['NCCT'], 4) AS DECIMAL(18, 4)),
    credits_amca = credits['AMCA'],
    cost_per_amca = CAST(round(price / credits['AMCA'], 4) AS DECIMAL(18, 4));
