-- Imports (bring your own district): a county's own boundaries, grids,
-- buildings/households and units/users. An import session stages what its
-- files hold (import_record), checks it with PostGIS and reports, and only a
-- commit — one transaction — writes to the jurisdiction. Nothing outside these
-- tables changes before that; a discarded session leaves nothing behind.
-- A committed session stays as the record of who imported what, and when.
CREATE TABLE import_session (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  status text NOT NULL DEFAULT 'open',
  created_by_user_id bigint REFERENCES app_user (id),
  -- On an empty deployment (no jurisdiction, no user): the first administrator,
  -- {username, displayName, passwordHash}, created when the jurisdiction is committed.
  setup_account jsonb,
  -- The user's choices: field mapping, repairs accepted, and the like.
  settings jsonb NOT NULL DEFAULT '{}',
  -- The last check's report, and what the commit wrote.
  report jsonb,
  summary jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  committed_at timestamptz,
  CONSTRAINT import_session_kind_known CHECK (kind IN ('jurisdiction', 'grids', 'buildings', 'units')),
  CONSTRAINT import_session_status_known CHECK (status IN ('open', 'committed', 'discarded')),
  CONSTRAINT import_session_committed_at CHECK ((status = 'committed') = (committed_at IS NOT NULL))
);

CREATE INDEX import_session_open_idx ON import_session (updated_at) WHERE status = 'open';

-- One file of a session (a sheet of a workbook counts as a file of its own).
CREATE TABLE import_file (
  session_id bigint NOT NULL REFERENCES import_session (id) ON DELETE CASCADE,
  file_no integer NOT NULL,
  name text NOT NULL,
  format text NOT NULL,
  -- 'reading' while its records stream in, 'read' when complete, 'failed' with the reason in details.
  status text NOT NULL DEFAULT 'reading',
  -- Fields and samples, geometry types, coordinate system, encoding, notes, progress.
  details jsonb NOT NULL DEFAULT '{}',
  record_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, file_no),
  CONSTRAINT import_file_format_known CHECK (format IN ('geojson', 'shapefile', 'geopackage', 'csv', 'excel')),
  CONSTRAINT import_file_status_known CHECK (status IN ('reading', 'read', 'failed'))
);

-- A feature or a row as the file holds it: its attributes as text, its
-- geometry in WGS-84 as read (or reprojected / converted on reading).
CREATE TABLE import_record (
  session_id bigint NOT NULL,
  file_no integer NOT NULL,
  position integer NOT NULL,
  properties jsonb NOT NULL,
  geom geometry(Geometry, 4326),
  PRIMARY KEY (session_id, file_no, position),
  FOREIGN KEY (session_id, file_no) REFERENCES import_file (session_id, file_no) ON DELETE CASCADE
);

CREATE INDEX import_record_geom_idx ON import_record USING gist (geom);

ALTER TABLE region_version
  ADD CONSTRAINT region_version_import_session_fk FOREIGN KEY (import_session_id) REFERENCES import_session (id);
