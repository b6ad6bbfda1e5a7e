-- DBSCAN of the hot spot view: 300 m and 8 cases merged the whole urban core
-- of a year of 万州-scale cases into one cluster; 150 m and 20 cases keep
-- clusters to streets and estates (ADR 0006). Only the untouched default is
-- changed: a value an administrator set stays.
UPDATE policy
SET value = value || '{"clusterDistanceMetres": 150, "clusterMinimumCases": 20}'::jsonb, updated_at = now()
WHERE key = 'analytics.hotspots'
  AND value->>'clusterDistanceMetres' = '300'
  AND value->>'clusterMinimumCases' = '8';
