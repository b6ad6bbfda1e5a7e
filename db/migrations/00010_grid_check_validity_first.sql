-- The inside-its-village check computed a difference of the boundaries, which
-- fails with a GEOS error on an invalid (e.g. self-intersecting) boundary
-- before the validity constraint could name the problem. Check validity first
-- and say what is wrong with the shape.
CREATE OR REPLACE FUNCTION grid_check_inside_village() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  village region%ROWTYPE;
  outside_m2 double precision;
BEGIN
  IF NOT ST_IsValid(NEW.boundary) THEN
    RAISE EXCEPTION 'grid % has an invalid boundary: %', NEW.code, ST_IsValidReason(NEW.boundary)
      USING ERRCODE = 'check_violation', CONSTRAINT = 'grid_boundary_valid';
  END IF;
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
