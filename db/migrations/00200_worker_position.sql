-- Grid workers' positions (网格员定位): every report a device sends, kept as
-- the worker's track. A report that cannot be right (a speed no person
-- travels at, outside the district, an accuracy circle wider than a grid) is
-- kept for the record with its flags but `accepted` false: it neither moves
-- the worker's marker nor joins the track. Reports that are not positions at
-- all (impossible coordinates, times in the future) are refused by the API and
-- never stored.
CREATE TABLE worker_position (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES app_user (id),
  -- WGS-84, converted from what the device sent.
  location geometry(Point, 4326) NOT NULL,
  -- What the device sent it in (GCJ-02 for most phone map SDKs).
  coordinate_system text NOT NULL,
  accuracy_m real,
  -- The device's clock, and ours when the report arrived.
  recorded_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  -- The current grid the point lies in; NULL outside every grid (outside the district).
  grid_code text,
  -- Metres per second from the previous accepted position.
  speed_mps real,
  flags text[] NOT NULL DEFAULT '{}',
  accepted boolean NOT NULL,
  CONSTRAINT worker_position_system_known CHECK (coordinate_system IN ('WGS84', 'GCJ02', 'BD09')),
  CONSTRAINT worker_position_accuracy_positive CHECK (accuracy_m IS NULL OR accuracy_m > 0),
  CONSTRAINT worker_position_flags_known CHECK (flags <@ ARRAY[
    'impossible_speed', 'outside_district', 'low_accuracy', 'out_of_order', 'outside_assigned_grid'
  ]::text[]),
  CONSTRAINT worker_position_accepted_flags CHECK (
    NOT accepted OR NOT (flags && ARRAY['impossible_speed', 'outside_district', 'low_accuracy']::text[])
  )
);

CREATE INDEX worker_position_user_idx ON worker_position (user_id, recorded_at);
-- Tracks of the last hour on the wall read only recent accepted points.
CREATE INDEX worker_position_recent_idx ON worker_position (recorded_at) WHERE accepted;

-- Where each worker was last seen: one row per worker, moved by accepted
-- reports only (and only forward in time), read by the wall's markers and by
-- the speed check of the next report.
CREATE TABLE worker_last_position (
  user_id bigint PRIMARY KEY REFERENCES app_user (id),
  position_id bigint NOT NULL REFERENCES worker_position (id),
  location geometry(Point, 4326) NOT NULL,
  accuracy_m real,
  recorded_at timestamptz NOT NULL,
  grid_code text
);

CREATE INDEX worker_last_position_location_idx ON worker_last_position USING gist (location);
