-- Cases (诉求): every request from every channel, in one table. A case always
-- has exactly one owner unit (首交责任制). `version` grows with every action so
-- a client acting on a stale view is told (optimistic locking).
CREATE TABLE cases (
  id bigserial PRIMARY KEY,
  tracking_code text NOT NULL,
  channel text NOT NULL,
  category_code text NOT NULL REFERENCES category (code),
  urgency text NOT NULL DEFAULT 'normal',
  title text NOT NULL,
  description text NOT NULL,
  -- NULL only while a message that came without a place waits in triage.
  location geometry(Point, 4326),
  address text,
  reporter_name text,
  reporter_phone text,
  -- Where PostGIS placed it when it came in.
  grid_code text,
  village_code text REFERENCES region (code),
  town_code text REFERENCES region (code),
  -- Within a few metres of a grid or village boundary: the clerk should confirm the place.
  near_boundary boolean NOT NULL DEFAULT false,
  state text NOT NULL DEFAULT 'registered',
  owner_unit_id bigint NOT NULL REFERENCES unit (id),
  -- When the current owner received it, and its deadlines there.
  received_at timestamptz NOT NULL,
  sign_deadline_at timestamptz,
  answer_deadline_at timestamptz,
  multi_unit boolean NOT NULL DEFAULT false,
  -- The leader in charge the case was copied to (抄送), and whether a leader took it over (领办).
  copied_leader_unit_id bigint REFERENCES unit (id),
  taken_over boolean NOT NULL DEFAULT false,
  duplicate_of_id bigint REFERENCES cases (id),
  -- Residents who raised it: 1 plus the duplicates linked to it.
  raised_count integer NOT NULL DEFAULT 1,
  redo_count integer NOT NULL DEFAULT 0,
  transfer_count integer NOT NULL DEFAULT 0,
  escalation_count integer NOT NULL DEFAULT 0,
  urge_count integer NOT NULL DEFAULT 0,
  resolution text,
  resolved_by_unit_id bigint REFERENCES unit (id),
  satisfaction text,
  closure_reason text,
  created_by_user_id bigint REFERENCES app_user (id),
  created_at timestamptz NOT NULL,
  resolved_at timestamptz,
  closed_at timestamptz,
  updated_at timestamptz NOT NULL,
  version integer NOT NULL DEFAULT 1,
  CONSTRAINT cases_tracking_code_unique UNIQUE (tracking_code),
  CONSTRAINT cases_channel_known CHECK (channel IN (
    'hotline', 'liaison_point', 'web', 'sms', 'wechat', 'email', 'mayor_mailbox', 'market_day', 'patrol', 'open311'
  )),
  CONSTRAINT cases_urgency_known CHECK (urgency IN ('normal', 'urgent')),
  CONSTRAINT cases_state_known CHECK (state IN ('registered', 'dispatched', 'accepted', 'in_progress', 'resolved', 'callback', 'closed')),
  CONSTRAINT cases_satisfaction_known CHECK (satisfaction IS NULL OR satisfaction IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
  CONSTRAINT cases_closure_reason_known CHECK (closure_reason IS NULL OR closure_reason IN ('callback', 'duplicate', 'unreachable', 'invalid')),
  CONSTRAINT cases_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 100),
  CONSTRAINT cases_description_length CHECK (length(btrim(description)) BETWEEN 1 AND 4000),
  CONSTRAINT cases_counts_not_negative CHECK (raised_count >= 1 AND redo_count >= 0 AND transfer_count >= 0 AND escalation_count >= 0 AND urge_count >= 0),
  CONSTRAINT cases_closed_has_time CHECK ((state = 'closed') = (closed_at IS NOT NULL)),
  CONSTRAINT cases_not_own_duplicate CHECK (duplicate_of_id IS DISTINCT FROM id),
  CONSTRAINT cases_located_unless_registered CHECK (location IS NOT NULL OR state IN ('registered', 'closed'))
);

CREATE INDEX cases_location_idx ON cases USING gist (location);
CREATE INDEX cases_owner_idx ON cases (owner_unit_id, state);
CREATE INDEX cases_created_idx ON cases (created_at);
CREATE INDEX cases_village_idx ON cases (village_code, created_at);
CREATE INDEX cases_town_idx ON cases (town_code, created_at);
CREATE INDEX cases_grid_idx ON cases (grid_code, created_at);
CREATE INDEX cases_reporter_phone_idx ON cases (reporter_phone, created_at) WHERE reporter_phone IS NOT NULL;
CREATE INDEX cases_duplicate_of_idx ON cases (duplicate_of_id) WHERE duplicate_of_id IS NOT NULL;
-- The card sweep and overdue counts only look at open cases.
CREATE INDEX cases_open_created_idx ON cases (created_at) WHERE state IN ('registered', 'dispatched', 'accepted', 'in_progress');
CREATE INDEX cases_open_deadline_idx ON cases (answer_deadline_at) WHERE state IN ('registered', 'dispatched', 'accepted', 'in_progress');
