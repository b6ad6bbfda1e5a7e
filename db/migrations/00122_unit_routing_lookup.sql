-- Routing a new case looks up the village station of its village, the town
-- centre of its town and the command center among ~3,000 units: by kind and
-- region, not by reading them all.
CREATE INDEX unit_active_kind_region_idx ON unit (kind, region_code) WHERE active;
