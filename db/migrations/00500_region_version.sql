-- Versions of the jurisdiction's boundaries (行政区划版本). `region` stays the
-- current set — every reader (regions API, tiles, case placement) keeps using
-- it — and `region_version` keeps every version a region ever had, written by
-- triggers on `region`, so any writer (the demo generator, an import, a later
-- edit) leaves history behind without knowing about it:
--   insert into region  → version 1 (or the next number, for a code that was removed and came back);
--   update of its shape, names, level, kind, parent or source → the current version
--     closes (valid_to) and the next one opens; a second change in the same
--     transaction amends the version that transaction opened;
--   delete from region  → the current version closes.
-- The current version of a code is the one with valid_to IS NULL. An import
-- names itself in the transaction (set_config('minqing.import_session_id', …, true))
-- and its versions carry that id.
CREATE TABLE region_version (
  code text NOT NULL,
  version integer NOT NULL,
  name text NOT NULL,
  full_name text NOT NULL,
  level text NOT NULL,
  kind text NOT NULL,
  parent_code text,
  boundary geometry(MultiPolygon, 4326) NOT NULL,
  geometry_source text NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to timestamptz,
  import_session_id bigint,
  PRIMARY KEY (code, version),
  CONSTRAINT region_version_positive CHECK (version >= 1),
  CONSTRAINT region_version_validity_ordered CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

CREATE UNIQUE INDEX region_version_current_idx ON region_version (code) WHERE valid_to IS NULL;
CREATE INDEX region_version_import_idx ON region_version (import_session_id) WHERE import_session_id IS NOT NULL;

-- What is in place today becomes version 1, valid since it was written.
INSERT INTO region_version (code, version, name, full_name, level, kind, parent_code, boundary, geometry_source, valid_from)
SELECT code, 1, name, full_name, level, kind, parent_code, boundary, geometry_source, created_at FROM region;

CREATE FUNCTION region_version_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  session_setting text := nullif(current_setting('minqing.import_session_id', true), '');
  session_id bigint := CASE WHEN session_setting ~ '^[0-9]+$' THEN session_setting::bigint END;
  current_version region_version%ROWTYPE;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    SELECT * INTO current_version FROM region_version WHERE code = OLD.code AND valid_to IS NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    UPDATE region_version SET valid_to = now() WHERE code = OLD.code AND valid_to IS NULL;
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF NEW.code = OLD.code
      AND NEW.name IS NOT DISTINCT FROM OLD.name AND NEW.full_name IS NOT DISTINCT FROM OLD.full_name
      AND NEW.level IS NOT DISTINCT FROM OLD.level AND NEW.kind IS NOT DISTINCT FROM OLD.kind
      AND NEW.parent_code IS NOT DISTINCT FROM OLD.parent_code
      AND NEW.geometry_source IS NOT DISTINCT FROM OLD.geometry_source
      AND ST_AsBinary(NEW.boundary) = ST_AsBinary(OLD.boundary) THEN
      RETURN NEW;
    END IF;
    IF current_version.valid_from = now() THEN
      -- Changed twice in one transaction: still one version.
      UPDATE region_version
      SET name = NEW.name, full_name = NEW.full_name, level = NEW.level, kind = NEW.kind, parent_code = NEW.parent_code,
          boundary = NEW.boundary, geometry_source = NEW.geometry_source,
          import_session_id = coalesce(session_id, import_session_id)
      WHERE code = OLD.code AND version = current_version.version;
      RETURN NEW;
    END IF;
    UPDATE region_version SET valid_to = now() WHERE code = OLD.code AND valid_to IS NULL;
  END IF;
  INSERT INTO region_version (code, version, name, full_name, level, kind, parent_code, boundary, geometry_source, valid_from, import_session_id)
  VALUES (
    NEW.code,
    coalesce((SELECT max(version) FROM region_version WHERE code = NEW.code), 0) + 1,
    NEW.name, NEW.full_name, NEW.level, NEW.kind, NEW.parent_code, NEW.boundary, NEW.geometry_source, now(), session_id
  );
  RETURN NEW;
END;
$$;

CREATE TRIGGER region_version_record
  AFTER INSERT OR UPDATE OR DELETE ON region
  FOR EACH ROW EXECUTE FUNCTION region_version_record();
