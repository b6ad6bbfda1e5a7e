-- Staged records are read by (session, file, position), never searched in
-- space; the spatial index only slowed the streaming of large files (a
-- household register of 100,000 rows) into the staging table.
DROP INDEX IF EXISTS import_record_geom_idx;
