-- The grid planner (网格规划): drafts and publications.
--
-- A draft is the planner's work on the grids of one opened region — a village,
-- or a town (all its villages at once) — kept on the server so it survives a
-- reload. `revision` grows with every save: a save that names an older
-- revision is refused (optimistic locking), so two planners are told rather
-- than silently overwritten. The grids are GeoJSON (see shared/src/planner).
CREATE TABLE grid_draft (
  region_code text PRIMARY KEY REFERENCES region (code),
  grids jsonb NOT NULL DEFAULT '[]',
  revision integer NOT NULL DEFAULT 1,
  note text,
  created_by_user_id bigint REFERENCES app_user (id),
  updated_by_user_id bigint REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT grid_draft_revision_positive CHECK (revision >= 1),
  CONSTRAINT grid_draft_grids_array CHECK (jsonb_typeof(grids) = 'array'),
  CONSTRAINT grid_draft_note_length CHECK (note IS NULL OR length(note) <= 500)
);

-- A publication: a draft became the grids of its region from `valid_from`,
-- in one transaction. The grid rows it closed (before) and added (after), the
-- buildings whose grid changed, and the open cases and grid workers it moved
-- are kept with it: the history with its before/after map and diff.
CREATE TABLE grid_publication (
  id bigserial PRIMARY KEY,
  region_code text NOT NULL REFERENCES region (code),
  valid_from timestamptz NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  published_by_user_id bigint REFERENCES app_user (id),
  draft_revision integer NOT NULL,
  summary jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX grid_publication_region_idx ON grid_publication (region_code, published_at DESC);

CREATE TABLE grid_publication_grid (
  publication_id bigint NOT NULL REFERENCES grid_publication (id),
  grid_id bigint NOT NULL REFERENCES grid (id),
  side text NOT NULL,
  PRIMARY KEY (publication_id, side, grid_id),
  CONSTRAINT grid_publication_grid_side_known CHECK (side IN ('before', 'after'))
);

CREATE TABLE grid_publication_building (
  publication_id bigint NOT NULL REFERENCES grid_publication (id),
  building_id bigint NOT NULL REFERENCES building (id),
  from_grid_code text,
  to_grid_code text,
  PRIMARY KEY (publication_id, building_id)
);

CREATE TABLE grid_publication_case (
  publication_id bigint NOT NULL REFERENCES grid_publication (id),
  case_id bigint NOT NULL REFERENCES cases (id),
  from_grid_code text,
  to_grid_code text,
  PRIMARY KEY (publication_id, case_id)
);

CREATE TABLE grid_publication_worker (
  publication_id bigint NOT NULL REFERENCES grid_publication (id),
  user_id bigint NOT NULL REFERENCES app_user (id),
  duty text NOT NULL,
  from_grid_code text NOT NULL,
  to_grid_code text,
  PRIMARY KEY (publication_id, user_id, from_grid_code)
);

-- History is kept as it happened.
CREATE TRIGGER grid_publication_append_only BEFORE UPDATE OR DELETE ON grid_publication
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER grid_publication_grid_append_only BEFORE UPDATE OR DELETE ON grid_publication_grid
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER grid_publication_building_append_only BEFORE UPDATE OR DELETE ON grid_publication_building
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER grid_publication_case_append_only BEFORE UPDATE OR DELETE ON grid_publication_case
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER grid_publication_worker_append_only BEFORE UPDATE OR DELETE ON grid_publication_worker
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
