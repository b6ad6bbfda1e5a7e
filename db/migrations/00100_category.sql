-- Categories of request: a two-level taxonomy (大类 → 小类), editable. A
-- subcategory names where cases of its kind go first (routing) and how fast
-- they are answered; Open311 publishes subcategories as services.
CREATE TABLE category (
  code text PRIMARY KEY,
  name text NOT NULL,
  name_en text NOT NULL,
  parent_code text REFERENCES category (code),
  -- Where a new case goes: the village station, the town centre, or a district
  -- department (the command center decides while no department is set).
  routing text,
  department_unit_id bigint REFERENCES unit (id),
  -- Own-remit answer time in working days (1–3); NULL: the policy default.
  answer_working_days smallint,
  keywords text[] NOT NULL DEFAULT '{}',
  sort_order integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true,
  CONSTRAINT category_code_format CHECK (code ~ '^[0-9]{2}([0-9]{2})?$'),
  CONSTRAINT category_code_in_parent CHECK (
    (parent_code IS NULL AND length(code) = 2) OR (parent_code IS NOT NULL AND length(code) = 4 AND left(code, 2) = parent_code)
  ),
  CONSTRAINT category_name_present CHECK (length(btrim(name)) > 0),
  CONSTRAINT category_routing_known CHECK (routing IS NULL OR routing IN ('village', 'town', 'department')),
  CONSTRAINT category_leaf_routes CHECK (parent_code IS NULL OR routing IS NOT NULL),
  CONSTRAINT category_answer_days_range CHECK (answer_working_days IS NULL OR answer_working_days BETWEEN 1 AND 3)
);

CREATE INDEX category_parent_idx ON category (parent_code);
