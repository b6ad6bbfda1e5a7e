-- People who sign in. Scope: a user acts on their unit's cases and on the
-- region (and everything below it) named by region_code.
CREATE TABLE app_user (
  id bigserial PRIMARY KEY,
  username text NOT NULL,
  display_name text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL,
  unit_id bigint REFERENCES unit (id),
  region_code text NOT NULL REFERENCES region (code),
  phone text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT app_user_username_unique UNIQUE (username),
  CONSTRAINT app_user_username_format CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{2,63}$'),
  CONSTRAINT app_user_role_known CHECK (role IN (
    'administrator', 'dispatcher', 'leader', 'department_handler', 'town_officer',
    'village_cadre', 'grid_worker', 'planner', 'wall_viewer'
  ))
);

CREATE INDEX app_user_unit_idx ON app_user (unit_id);

-- Who works a grid: its grid worker(s) (网格员) and information staff (信息员).
-- Keyed by the grid's stable code, so assignments survive a new grid version.
CREATE TABLE grid_assignment (
  grid_code text NOT NULL,
  user_id bigint NOT NULL REFERENCES app_user (id),
  duty text NOT NULL,
  assigned_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (grid_code, user_id),
  CONSTRAINT grid_assignment_duty_known CHECK (duty IN ('grid_worker', 'information_staff')),
  CONSTRAINT grid_assignment_code_format CHECK (grid_code ~ '^[0-9]{15}$')
);

CREATE INDEX grid_assignment_user_idx ON grid_assignment (user_id);
