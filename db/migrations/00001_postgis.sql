-- PostGIS: geometry types, spatial indexes and functions. Everything spatial is
-- stored in WGS-84 (EPSG:4326); input in GCJ-02/BD-09 is converted before it
-- reaches the database.
CREATE EXTENSION IF NOT EXISTS postgis;
