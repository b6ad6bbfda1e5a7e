-- The basemap's own layers (river, roads, settlements), so the map needs no
-- internet. A deployment may point the web app at another style instead.
CREATE TABLE basemap_feature (
  id bigserial PRIMARY KEY,
  layer text NOT NULL,
  kind text NOT NULL,
  name text,
  geom geometry(Geometry, 4326) NOT NULL,
  CONSTRAINT basemap_layer_known CHECK (layer IN ('river', 'road', 'settlement')),
  CONSTRAINT basemap_geometry_valid CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom))
);

CREATE INDEX basemap_feature_geom_idx ON basemap_feature USING gist (geom);
