-- Likely duplicates (重复件) are looked for among cases of the same category,
-- recent and close by: one index range per category and time window, instead
-- of every case of the window. (The same phone has cases_reporter_phone_idx.)
CREATE INDEX cases_category_created_idx ON cases (category_code, created_at);
