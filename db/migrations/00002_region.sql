-- The jurisdiction tree: district (区县) → town/street (镇乡街道) → village/community (村/社区).
-- Codes are the national 12-digit statistical division codes (统计用区划代码):
-- a district is 500101000000, a town 500101001000, a village 500101001001.
CREATE TABLE region (
  code text PRIMARY KEY,
  name text NOT NULL,
  full_name text NOT NULL,
  level text NOT NULL,
  kind text NOT NULL,
  parent_code text REFERENCES region (code),
  boundary geometry(MultiPolygon, 4326) NOT NULL,
  -- 'synthetic': drawn by the demo generator, not a real boundary; 'imported'; 'drawn'.
  geometry_source text NOT NULL DEFAULT 'imported',
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT region_code_format CHECK (code ~ '^[0-9]{12}$'),
  CONSTRAINT region_name_present CHECK (length(btrim(name)) > 0 AND length(name) <= 100),
  CONSTRAINT region_level_known CHECK (level IN ('district', 'town', 'village')),
  CONSTRAINT region_kind_matches_level CHECK (
    (level = 'district' AND kind = 'district')
    OR (level = 'town' AND kind IN ('street', 'town', 'township'))
    OR (level = 'village' AND kind IN ('community', 'village'))
  ),
  CONSTRAINT region_root_has_no_parent CHECK ((level = 'district') = (parent_code IS NULL)),
  CONSTRAINT region_geometry_source_known CHECK (geometry_source IN ('synthetic', 'imported', 'drawn')),
  CONSTRAINT region_boundary_valid CHECK (ST_IsValid(boundary) AND NOT ST_IsEmpty(boundary))
);

CREATE INDEX region_boundary_idx ON region USING gist (boundary);
CREATE INDEX region_parent_idx ON region (parent_code);
CREATE INDEX region_level_idx ON region (level);

-- A town's parent is a district, a village's parent is a town.
CREATE FUNCTION region_check_parent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parent_level text;
BEGIN
  IF NEW.parent_code IS NULL THEN
    RETURN NEW;
  END IF;
  SELECT level INTO parent_level FROM region WHERE code = NEW.parent_code;
  IF parent_level IS DISTINCT FROM (CASE NEW.level WHEN 'town' THEN 'district' WHEN 'village' THEN 'town' END) THEN
    RAISE EXCEPTION 'region % (%) cannot have parent % (level %)', NEW.code, NEW.level, NEW.parent_code, parent_level
      USING ERRCODE = 'check_violation', CONSTRAINT = 'region_parent_level';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER region_check_parent
  BEFORE INSERT OR UPDATE OF parent_code, level ON region
  FOR EACH ROW EXECUTE FUNCTION region_check_parent();
