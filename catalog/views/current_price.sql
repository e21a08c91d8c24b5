-- The latest observed price of every course and offer (the last row of its price history).
CREATE OR REPLACE VIEW current_price AS
SELECT item_type, provider, item_id, price, member_price, currency, seen_at, run_id
FROM (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY item_type, provider, item_id ORDER BY seen_at DESC, run_id DESC
        ) AS newest
    FROM price_history
)
WHERE newest = 1;
