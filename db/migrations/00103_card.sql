-- Yellow and red cards (万州): issued by the sweep, never updated, never
-- removed — the database refuses it. One card of each colour per case,
-- charged to the unit that owned the case when the threshold passed.
CREATE TABLE card (
  id bigserial PRIMARY KEY,
  case_id bigint NOT NULL REFERENCES cases (id),
  colour text NOT NULL,
  unit_id bigint NOT NULL REFERENCES unit (id),
  threshold_at timestamptz NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT card_colour_known CHECK (colour IN ('yellow', 'red')),
  CONSTRAINT card_one_per_colour UNIQUE (case_id, colour)
);

CREATE INDEX card_unit_idx ON card (unit_id, threshold_at);

CREATE TRIGGER card_append_only BEFORE UPDATE OR DELETE ON card
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER card_no_truncate BEFORE TRUNCATE ON card
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
