-- A counter that moves whenever the case policy or the working calendar
-- changes, whoever changes it (the API, a script, psql). Intake reads it in
-- the same query that places the case and keeps policy and calendar cached
-- until it moves: an administrator's edit still takes effect at once, and no
-- intake reads the policy tables when nothing changed.
CREATE TABLE policy_revision (
  singleton boolean PRIMARY KEY DEFAULT true,
  revision bigint NOT NULL DEFAULT 1,
  changed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT policy_revision_one_row CHECK (singleton)
);

INSERT INTO policy_revision DEFAULT VALUES;

CREATE FUNCTION policy_revision_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE policy_revision SET revision = revision + 1, changed_at = now();
  RETURN NULL;
END;
$$;

CREATE TRIGGER policy_revision_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policy
  FOR EACH STATEMENT EXECUTE FUNCTION policy_revision_bump();
CREATE TRIGGER calendar_override_revision_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_override
  FOR EACH STATEMENT EXECUTE FUNCTION policy_revision_bump();
