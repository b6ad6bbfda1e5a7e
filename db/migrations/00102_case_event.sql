-- The trace (痕迹管理): every action on a case, append-only. The database
-- refuses to change or remove an entry, whoever asks.
CREATE TABLE case_event (
  id bigserial PRIMARY KEY,
  case_id bigint NOT NULL REFERENCES cases (id),
  kind text NOT NULL,
  actor_user_id bigint REFERENCES app_user (id),
  actor_unit_id bigint REFERENCES unit (id),
  from_state text,
  to_state text,
  from_unit_id bigint REFERENCES unit (id),
  to_unit_id bigint REFERENCES unit (id),
  note text,
  data jsonb NOT NULL DEFAULT '{}',
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT case_event_kind_known CHECK (kind IN (
    'registered', 'dispatch', 'accept', 'transfer', 'start', 'resolve', 'escalate', 'urge', 'take_over',
    'callback', 'close', 'link_duplicate', 'copied_to_leader', 'duplicate_linked', 'card_issued', 'reminded', 'reopened'
  )),
  CONSTRAINT case_event_note_length CHECK (note IS NULL OR length(note) <= 2000)
);

CREATE INDEX case_event_case_idx ON case_event (case_id, occurred_at, id);
CREATE INDEX case_event_unit_idx ON case_event (to_unit_id) WHERE to_unit_id IS NOT NULL;

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'add a new entry instead';
END;
$$;

CREATE TRIGGER case_event_append_only BEFORE UPDATE OR DELETE ON case_event
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER case_event_no_truncate BEFORE TRUNCATE ON case_event
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
