-- Buildings (楼栋/农房) with their households (户) and residents (人). A building's
-- grid is found spatially from the current grids, so a republished grid set
-- never leaves a stale reference behind.
CREATE TABLE building (
  id bigserial PRIMARY KEY,
  village_code text NOT NULL REFERENCES region (code),
  address text NOT NULL,
  name text,
  kind text NOT NULL DEFAULT 'house',
  floors smallint,
  households integer NOT NULL,
  residents integer NOT NULL,
  location geometry(Point, 4326) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT building_kind_known CHECK (kind IN ('high_rise', 'mid_rise', 'house', 'public')),
  CONSTRAINT building_counts_not_negative CHECK (households >= 0 AND residents >= 0),
  CONSTRAINT building_floors_positive CHECK (floors IS NULL OR floors >= 1),
  CONSTRAINT building_address_present CHECK (length(btrim(address)) > 0),
  CONSTRAINT building_location_valid CHECK (NOT ST_IsEmpty(location))
);

CREATE INDEX building_location_idx ON building USING gist (location);
CREATE INDEX building_village_idx ON building (village_code);
