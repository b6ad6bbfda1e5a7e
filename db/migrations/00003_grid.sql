-- Grids (网格): the smallest unit of the tree, 300–500 households each by policy.
-- A grid is versioned: a boundary change closes the old row (valid_to) and adds a
-- new version, so history is kept. The current grids are those with valid_to NULL.
-- Codes are 15 digits: the village's 12-digit code and a 3-digit sequence.
CREATE TABLE grid (
  id bigserial PRIMARY KEY,
  code text NOT NULL,
  village_code text NOT NULL REFERENCES region (code),
  name text NOT NULL,
  version integer NOT NULL DEFAULT 1,
  valid_from timestamptz NOT NULL DEFAULT now(),
  valid_to timestamptz,
  boundary geometry(MultiPolygon, 4326) NOT NULL,
  households integer NOT NULL DEFAULT 0,
  population integer NOT NULL DEFAULT 0,
  -- Why a grid is outside the household band on purpose, e.g. 'small_village'
  -- (the whole village holds fewer households than the band's minimum).
  flag text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT grid_code_format CHECK (code ~ '^[0-9]{15}$'),
  CONSTRAINT grid_code_in_village CHECK (left(code, 12) = village_code),
  CONSTRAINT grid_version_positive CHECK (version >= 1),
  CONSTRAINT grid_validity_ordered CHECK (valid_to IS NULL OR valid_to > valid_from),
  CONSTRAINT grid_counts_not_negative CHECK (households >= 0 AND population >= 0),
  CONSTRAINT grid_flag_known CHECK (flag IS NULL OR flag IN ('small_village', 'oversized_building', 'under_band', 'over_band')),
  CONSTRAINT grid_boundary_valid CHECK (ST_IsValid(boundary) AND NOT ST_IsEmpty(boundary)),
  CONSTRAINT grid_code_version_unique UNIQUE (code, version)
);

CREATE UNIQUE INDEX grid_current_code_idx ON grid (code) WHERE valid_to IS NULL;
CREATE INDEX grid_current_boundary_idx ON grid USING gist (boundary) WHERE valid_to IS NULL;
CREATE INDEX grid_boundary_idx ON grid USING gist (boundary);
CREATE INDEX grid_village_idx ON grid (village_code) WHERE valid_to IS NULL;

-- A grid lies inside its village (a village-level region). Shared edges are
-- compared exactly; a difference of up to one square metre is tolerated so that
-- boundaries digitised elsewhere with rounding still load.
CREATE FUNCTION grid_check_inside_village() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  village region%ROWTYPE;
  outside_m2 double precision;
BEGIN
  SELECT * INTO village FROM region WHERE code = NEW.village_code;
  IF village.level IS DISTINCT FROM 'village' THEN
    RAISE EXCEPTION 'grid % must belong to a village or community, not % (%)', NEW.code, NEW.village_code, village.level
      USING ERRCODE = 'check_violation', CONSTRAINT = 'grid_inside_village';
  END IF;
  IF NOT ST_CoveredBy(NEW.boundary, village.boundary) THEN
    outside_m2 := ST_Area(ST_Difference(NEW.boundary, village.boundary)::geography);
    IF outside_m2 > 1.0 THEN
      RAISE EXCEPTION 'grid % lies outside its village % (%): % m² outside', NEW.code, village.name, village.code, round(outside_m2::numeric, 1)
        USING ERRCODE = 'check_violation', CONSTRAINT = 'grid_inside_village';
    END IF;
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER grid_check_inside_village
  BEFORE INSERT OR UPDATE OF boundary, village_code ON grid
  FOR EACH ROW EXECUTE FUNCTION grid_check_inside_village();
