-- Organisation units and the five-level ladder (万州):
--   L1 village station / liaison point, L2 town service centre,
--   L3 command center and district departments, L4 leader in charge (分管领导),
--   L5 principal leaders (主要领导).
CREATE TABLE unit (
  id bigserial PRIMARY KEY,
  code text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL,
  ladder_level smallint NOT NULL,
  region_code text NOT NULL REFERENCES region (code),
  parent_id bigint REFERENCES unit (id),
  -- The leader office in charge (分管领导) of a department or of a town.
  leader_unit_id bigint REFERENCES unit (id),
  location geometry(Point, 4326),
  phone text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT unit_code_unique UNIQUE (code),
  CONSTRAINT unit_name_present CHECK (length(btrim(name)) > 0),
  CONSTRAINT unit_kind_level CHECK (
    (kind IN ('village_station', 'liaison_point') AND ladder_level = 1)
    OR (kind = 'town_center' AND ladder_level = 2)
    OR (kind IN ('command_center', 'department') AND ladder_level = 3)
    OR (kind = 'leader_office' AND ladder_level IN (4, 5))
  )
);

CREATE INDEX unit_region_idx ON unit (region_code);
CREATE INDEX unit_parent_idx ON unit (parent_id);
CREATE INDEX unit_location_idx ON unit USING gist (location);
