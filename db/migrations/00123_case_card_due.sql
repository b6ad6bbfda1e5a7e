-- The card sweep's work list (红黄牌): for every case that can still earn a
-- card, the next colour it waits for — so a sweep reads the cases past a
-- threshold through an index range, not every open case and every card.
--
-- A case has a row while it is open and lacks a card (the first colour it
-- lacks), and while it was resolved late and waits for the card it earned
-- while open (a colour whose threshold passed before it was resolved; the
-- sweep gives it within a month of the resolution, as before). Triggers on
-- cases keep the rows: a new case gets its row; resolving, reopening or
-- closing a case works it out again. The sweep gives the cards that are due
-- and moves each row on to the next colour, or removes it, in the statement
-- that writes the cards.
--
-- The thresholds themselves (policy case.cards) are not copied here: the
-- sweep takes the rows of a colour whose case came in before now minus that
-- colour's threshold, so new thresholds apply to the next sweep with nothing
-- to rewrite. Thresholds are days of 24 hours after the case came in, as in
-- shared's cardThreshold. New thresholds apply to open cases (and to late ones
-- still waiting): a case resolved on time under the thresholds of its day is
-- not carded afterwards because they were lowered.
CREATE TABLE case_card_due (
  case_id bigint PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
  -- The next card: yellow until the case has it, then red.
  colour text NOT NULL,
  -- When the case came in: the thresholds count from it.
  case_created_at timestamptz NOT NULL,
  -- When the case was resolved, if it no longer is open (then only a card due before this is earned).
  resolved_at timestamptz,
  CONSTRAINT case_card_due_colour_known CHECK (colour IN ('yellow', 'red'))
);

-- The rows of a colour past its threshold, the longest waiting first.
CREATE INDEX case_card_due_colour_created_idx ON case_card_due (colour, case_created_at);

-- The states in which a case is open (earns cards as it ages).
CREATE FUNCTION case_is_open(state text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT state IN ('registered', 'dispatched', 'accepted', 'in_progress')
$$;

-- The card thresholds in days, from policy case.cards read as loadCasePolicy
-- reads it: a field that is not a number ≥ 0 counts as its default (7, 15).
CREATE FUNCTION case_card_policy(OUT yellow_days float8, OUT red_days float8) LANGUAGE plpgsql STABLE AS $$
DECLARE
  cards jsonb;
BEGIN
  SELECT value INTO cards FROM policy WHERE key = 'case.cards';
  yellow_days := CASE WHEN jsonb_typeof(cards -> 'yellowAfterDays') = 'number' AND (cards ->> 'yellowAfterDays')::float8 >= 0
                      THEN (cards ->> 'yellowAfterDays')::float8 ELSE 7 END;
  red_days := CASE WHEN jsonb_typeof(cards -> 'redAfterDays') = 'number' AND (cards ->> 'redAfterDays')::float8 >= 0
                   THEN (cards ->> 'redAfterDays')::float8 ELSE 15 END;
END;
$$;

-- When a case passes the threshold of a colour.
CREATE FUNCTION case_card_threshold(created_at timestamptz, colour text, yellow_days float8, red_days float8)
RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT created_at + (CASE colour WHEN 'yellow' THEN yellow_days ELSE red_days END) * interval '24 hours'
$$;

-- The next card a case can still earn, NULL for none: while it is open, the
-- first colour it lacks; once it is not, a colour it lacks whose threshold
-- passed before it was resolved.
CREATE FUNCTION case_card_next_colour(is_open boolean, created_at timestamptz, resolved_at timestamptz,
                                      has_yellow boolean, has_red boolean, yellow_days float8, red_days float8)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN NOT has_yellow AND (is_open OR resolved_at > case_card_threshold(created_at, 'yellow', yellow_days, red_days)) THEN 'yellow'
    WHEN NOT has_red AND (is_open OR resolved_at > case_card_threshold(created_at, 'red', yellow_days, red_days)) THEN 'red'
  END
$$;

-- New cases (one from intake, or many at once): no card yet.
CREATE FUNCTION case_card_due_for_new_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO case_card_due (case_id, colour, case_created_at, resolved_at)
  SELECT c.id, n.colour, c.created_at, CASE WHEN NOT case_is_open(c.state) THEN c.resolved_at END
  FROM new_cases c
  CROSS JOIN case_card_policy() p
  CROSS JOIN LATERAL (SELECT case_card_next_colour(case_is_open(c.state), c.created_at, c.resolved_at, false, false,
                                                   p.yellow_days, p.red_days) AS colour) n
  WHERE n.colour IS NOT NULL;
  RETURN NULL;
END;
$$;

CREATE TRIGGER case_card_due_for_new_cases AFTER INSERT ON cases
  REFERENCING NEW TABLE AS new_cases
  FOR EACH STATEMENT EXECUTE FUNCTION case_card_due_for_new_cases();

-- A case resolved, reopened (unsatisfied callback) or closed: its row again,
-- from the cards it already has.
CREATE FUNCTION case_card_due_follows_case() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  thresholds record;
  next_colour text;
BEGIN
  SELECT * INTO thresholds FROM case_card_policy();
  next_colour := case_card_next_colour(
    case_is_open(NEW.state), NEW.created_at, NEW.resolved_at,
    EXISTS (SELECT 1 FROM card WHERE card.case_id = NEW.id AND card.colour = 'yellow'),
    EXISTS (SELECT 1 FROM card WHERE card.case_id = NEW.id AND card.colour = 'red'),
    thresholds.yellow_days, thresholds.red_days);
  IF next_colour IS NULL THEN
    DELETE FROM case_card_due WHERE case_id = NEW.id;
  ELSE
    INSERT INTO case_card_due AS q (case_id, colour, case_created_at, resolved_at)
    VALUES (NEW.id, next_colour, NEW.created_at, CASE WHEN NOT case_is_open(NEW.state) THEN NEW.resolved_at END)
    ON CONFLICT (case_id) DO UPDATE
      SET colour = excluded.colour, case_created_at = excluded.case_created_at, resolved_at = excluded.resolved_at
      WHERE (q.colour, q.case_created_at, q.resolved_at)
            IS DISTINCT FROM (excluded.colour, excluded.case_created_at, excluded.resolved_at);
  END IF;
  RETURN NULL;
END;
$$;

-- Only when it matters: a move between open states (accept, start, transfer) fires nothing.
CREATE TRIGGER case_card_due_follows_case AFTER UPDATE OF state, resolved_at, created_at ON cases
  FOR EACH ROW
  WHEN (case_is_open(OLD.state) IS DISTINCT FROM case_is_open(NEW.state)
        OR OLD.resolved_at IS DISTINCT FROM NEW.resolved_at
        OR OLD.created_at IS DISTINCT FROM NEW.created_at)
  EXECUTE FUNCTION case_card_due_follows_case();

-- The cases there are now. Cases resolved more than a month ago are left
-- out: the sweep would no longer give them a card.
INSERT INTO case_card_due (case_id, colour, case_created_at, resolved_at)
SELECT c.id, n.colour, c.created_at, CASE WHEN NOT case_is_open(c.state) THEN c.resolved_at END
FROM cases c
CROSS JOIN case_card_policy() p
LEFT JOIN (SELECT case_id, bool_or(colour = 'yellow') AS has_yellow, bool_or(colour = 'red') AS has_red
           FROM card GROUP BY case_id) k ON k.case_id = c.id
CROSS JOIN LATERAL (SELECT case_card_next_colour(case_is_open(c.state), c.created_at, c.resolved_at,
                                                 coalesce(k.has_yellow, false), coalesce(k.has_red, false),
                                                 p.yellow_days, p.red_days) AS colour) n
WHERE n.colour IS NOT NULL
  AND (case_is_open(c.state) OR c.resolved_at > now() - interval '31 days');

ANALYZE case_card_due;
