-- The leaders' view (热点分析 / 考核): heavy analytics run as jobs and write
-- their results here, so opening a page reads rows instead of computing.
-- Every result belongs to a run, which says what was asked (parameters), and
-- when it was computed. Runs are queued by the API and taken by the job
-- workers with FOR UPDATE SKIP LOCKED, so several API processes share them.
CREATE TABLE analytics_run (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  parameters jsonb NOT NULL,
  -- The parameters as canonical text: equal requests find each other's results.
  parameters_key text NOT NULL,
  status text NOT NULL DEFAULT 'queued',
  requested_by_user_id bigint REFERENCES app_user (id),
  requested_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  computed_at timestamptz,
  error text,
  -- Figures of the whole run (grids analysed, groups found, seconds taken …).
  summary jsonb NOT NULL DEFAULT '{}',
  CONSTRAINT analytics_run_kind_known CHECK (kind IN ('hotspots', 'emerging_hotspots', 'common_problems', 'assessment')),
  CONSTRAINT analytics_run_status_known CHECK (status IN ('queued', 'running', 'done', 'failed')),
  CONSTRAINT analytics_run_done_has_time CHECK ((status = 'done') = (computed_at IS NOT NULL))
);

CREATE INDEX analytics_run_latest_idx ON analytics_run (kind, parameters_key, computed_at DESC) WHERE status = 'done';
CREATE INDEX analytics_run_queued_idx ON analytics_run (requested_at) WHERE status = 'queued';

-- Getis-Ord Gi* per grid: cases per 1,000 households, z, p and the confidence
-- bin (−3 … 3; FDR-corrected unless the run says otherwise). Grids with no
-- households have no rate and are left out of the statistic (z, p NULL).
CREATE TABLE hotspot_grid (
  run_id bigint NOT NULL REFERENCES analytics_run (id) ON DELETE CASCADE,
  grid_code text NOT NULL,
  cases integer NOT NULL,
  households integer NOT NULL,
  rate double precision,
  z double precision,
  p double precision,
  bin smallint NOT NULL DEFAULT 0,
  neighbours integer NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, grid_code),
  CONSTRAINT hotspot_grid_bin_range CHECK (bin BETWEEN -3 AND 3)
);

-- Density clusters of case points (ST_ClusterDBSCAN in metres): hull, count, top categories.
CREATE TABLE hotspot_cluster (
  run_id bigint NOT NULL REFERENCES analytics_run (id) ON DELETE CASCADE,
  cluster_no integer NOT NULL,
  cases integer NOT NULL,
  hull geometry(Geometry, 4326) NOT NULL,
  top_categories jsonb NOT NULL DEFAULT '[]',
  first_at timestamptz,
  last_at timestamptz,
  PRIMARY KEY (run_id, cluster_no)
);

-- Emerging hot spots: one category per grid from its weekly Gi* and the Mann–Kendall trend.
CREATE TABLE emerging_hotspot (
  run_id bigint NOT NULL REFERENCES analytics_run (id) ON DELETE CASCADE,
  grid_code text NOT NULL,
  category text NOT NULL,
  cases integer NOT NULL,
  hot_weeks integer NOT NULL,
  cold_weeks integer NOT NULL,
  trend_z double precision,
  trend_p double precision,
  final_z double precision,
  -- Cases per week, oldest first, for the sparkline.
  weekly integer[] NOT NULL,
  PRIMARY KEY (run_id, grid_code)
);

CREATE INDEX emerging_hotspot_category_idx ON emerging_hotspot (run_id, category);

-- Groups of cases whose texts describe the same problem (共性问题 candidates).
CREATE TABLE common_problem_group (
  run_id bigint NOT NULL REFERENCES analytics_run (id) ON DELETE CASCADE,
  group_no integer NOT NULL,
  cases integer NOT NULL,
  -- Residents who raised it: the members' raised_count added up.
  raised integer NOT NULL,
  -- Households of the grids the cases fall in (how many might share the problem).
  households integer NOT NULL,
  representative_case_id bigint NOT NULL REFERENCES cases (id),
  representative_text text NOT NULL,
  keywords text[] NOT NULL DEFAULT '{}',
  cohesion double precision NOT NULL,
  categories jsonb NOT NULL DEFAULT '[]',
  villages jsonb NOT NULL DEFAULT '[]',
  units jsonb NOT NULL DEFAULT '[]',
  -- Cases per month, oldest first, from first_at.
  monthly jsonb NOT NULL DEFAULT '[]',
  first_at timestamptz NOT NULL,
  last_at timestamptz NOT NULL,
  PRIMARY KEY (run_id, group_no)
);

CREATE TABLE common_problem_group_case (
  run_id bigint NOT NULL,
  group_no integer NOT NULL,
  case_id bigint NOT NULL REFERENCES cases (id),
  PRIMARY KEY (run_id, case_id),
  FOREIGN KEY (run_id, group_no) REFERENCES common_problem_group (run_id, group_no) ON DELETE CASCADE
);

CREATE INDEX common_problem_group_case_group_idx ON common_problem_group_case (run_id, group_no);

-- A common problem (共性问题): the parent item a leader makes from a group, for
-- one policy answer (决策参考), with its member cases linked. A case belongs to
-- at most one common problem.
CREATE TABLE common_problem (
  id bigserial PRIMARY KEY,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  category_code text REFERENCES category (code),
  status text NOT NULL DEFAULT 'open',
  policy_answer text,
  created_by_user_id bigint NOT NULL REFERENCES app_user (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- The analysis it came from, when it came from one.
  source_run_id bigint REFERENCES analytics_run (id) ON DELETE SET NULL,
  source_group_no integer,
  CONSTRAINT common_problem_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 100),
  CONSTRAINT common_problem_status_known CHECK (status IN ('open', 'answered'))
);

CREATE TABLE common_problem_case (
  common_problem_id bigint NOT NULL REFERENCES common_problem (id) ON DELETE CASCADE,
  case_id bigint NOT NULL REFERENCES cases (id),
  linked_by_user_id bigint NOT NULL REFERENCES app_user (id),
  linked_at timestamptz NOT NULL,
  PRIMARY KEY (common_problem_id, case_id),
  CONSTRAINT common_problem_case_one_problem UNIQUE (case_id)
);

-- Rankings per unit, town, village, grid worker and village station for one period.
CREATE TABLE assessment_result (
  run_id bigint NOT NULL REFERENCES analytics_run (id) ON DELETE CASCADE,
  subject_kind text NOT NULL,
  subject_key text NOT NULL,
  subject_name text NOT NULL,
  -- The town (for villages, stations, workers) or the unit kind, for grouping on screen.
  parent_name text,
  counts jsonb NOT NULL,
  rates jsonb NOT NULL,
  score double precision,
  rank integer,
  too_few boolean NOT NULL DEFAULT false,
  PRIMARY KEY (run_id, subject_kind, subject_key),
  CONSTRAINT assessment_result_kind_known CHECK (subject_kind IN ('unit', 'town', 'village', 'grid_worker', 'village_cadre'))
);

-- Cases per period by subject are read by the drill-down.
CREATE INDEX cases_resolved_by_idx ON cases (resolved_by_unit_id, resolved_at) WHERE resolved_by_unit_id IS NOT NULL;
CREATE INDEX cases_created_by_user_idx ON cases (created_by_user_id, created_at) WHERE created_by_user_id IS NOT NULL;

INSERT INTO policy (key, value, description) VALUES
  ('analytics.hotspots',
   '{"windowDays": 90, "neighbourhood": "contiguity", "distanceBandMetres": 2000, "falseDiscoveryRate": true, "clusterDistanceMetres": 300, "clusterMinimumCases": 8, "reuseMinutes": 15}',
   '热点分析 / hot spots: window, neighbours by contiguity or a distance band, FDR correction, DBSCAN distance and minimum cases'),
  ('analytics.emerging_hotspots',
   '{"weeks": 52, "neighbourhood": "contiguity", "distanceBandMetres": 2000, "timeStepNeighbours": 1, "trendAlpha": 0.05, "persistentShare": 0.9}',
   '新兴热点 / emerging hot spots: weeks in the space-time cube, neighbours in space and in time, trend significance'),
  ('analytics.common_problems',
   '{"windowDays": 365, "minimumGroupSize": 3, "linkScore": 0.45, "averageScore": 0.2, "minimumText": 0.25, "textWeight": 0.75, "categoryWeight": 0.15, "spaceWeight": 0.1, "spaceScaleMetres": 3000}',
   '共性问题 / common problems: window, smallest group, and how text, category and distance combine'),
  ('assessment.weights',
   '{"response": 0.15, "closure": 0.2, "onTime": 0.25, "satisfaction": 0.25, "redo": 0.1, "cards": 0.05}',
   '考核权重 / weights of the overall score: 响应率, 办结率, 按期办结率, 满意率, 重办率 (against), 红黄牌 (against)'),
  ('assessment.minimum_cases',
   '{"count": 5}',
   '考核最少件数 / units with fewer cases in the period are listed apart, not ranked'),
  ('assessment.village_cadre_points',
   '{"resolvedInVillage": 2, "resolvedOnTime": 1, "satisfied": 1, "unsatisfied": -2, "patrolReport": 1, "yellowCard": -3, "redCard": -5}',
   '村干部积分制 / village cadre points per case resolved in the village, on time, satisfied, unsatisfied, patrol report, card');
