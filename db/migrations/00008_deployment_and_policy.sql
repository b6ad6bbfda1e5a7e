-- Facts about this deployment (e.g. that the demo district was generated, with
-- which seed), written in the same transaction as the data they describe.
CREATE TABLE deployment_state (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Policy: numbers that are decisions of the deployment, not of the code
-- (household band of a grid, deadlines, card thresholds …). Editable.
CREATE TABLE policy (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  description text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO policy (key, value, description) VALUES
  ('grid.household_band', '{"min": 300, "max": 500}', '每个网格的户数范围 / households a grid should hold');
