-- What the map wall reads at scale (1 million open cases): the card colour
-- of each case on the case row itself, and indexes for the case tiles.

-- cases.card_colour follows the card table: NULL, 'yellow', then 'red' (cards
-- are never withdrawn, so it only ever goes up). A statement-level trigger
-- keeps the card sweep set-based: one UPDATE per sweep statement, whatever
-- the number of cards it issued.
ALTER TABLE cases ADD COLUMN card_colour text;
ALTER TABLE cases ADD CONSTRAINT cases_card_colour_known CHECK (card_colour IS NULL OR card_colour IN ('yellow', 'red'));

UPDATE cases c SET card_colour = k.colour
FROM (SELECT case_id, CASE WHEN bool_or(colour = 'red') THEN 'red' ELSE 'yellow' END AS colour FROM card GROUP BY case_id) k
WHERE k.case_id = c.id;

CREATE FUNCTION cases_follow_cards() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cases c SET card_colour = k.colour
  FROM (SELECT case_id, CASE WHEN bool_or(colour = 'red') THEN 'red' ELSE 'yellow' END AS colour
        FROM issued_cards GROUP BY case_id) k
  WHERE k.case_id = c.id AND c.card_colour IS DISTINCT FROM 'red' AND c.card_colour IS DISTINCT FROM k.colour;
  RETURN NULL;
END;
$$;

CREATE TRIGGER cases_follow_cards AFTER INSERT ON card
  REFERENCING NEW TABLE AS issued_cards
  FOR EACH STATEMENT EXECUTE FUNCTION cases_follow_cards();

-- Case tiles of open cases (the wall's default) read only open cases.
CREATE INDEX cases_open_location_idx ON cases USING gist (location)
  WHERE state IN ('registered', 'dispatched', 'accepted', 'in_progress');

-- Time-window tiles (filters, play-back): place and time in one GiST index.
-- It needs btree_gist, which the embedded engine (PGlite) does not ship: there
-- the location index serves alone.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS btree_gist;
  CREATE INDEX cases_location_created_idx ON cases USING gist (location, created_at);
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'btree_gist is not available (%): time-window case tiles use the location index', SQLERRM;
END;
$$;
