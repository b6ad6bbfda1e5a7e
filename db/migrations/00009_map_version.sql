-- A version number per map layer, bumped by any change to the rows behind it.
-- Tile caches key on it and hear about changes through NOTIFY map_changed.
CREATE TABLE map_version (
  layer text PRIMARY KEY,
  version bigint NOT NULL DEFAULT 1,
  changed_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO map_version (layer) VALUES ('region'), ('grid'), ('base');

CREATE FUNCTION map_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE map_version SET version = version + 1, changed_at = now() WHERE layer = TG_ARGV[0];
  PERFORM pg_notify('map_changed', TG_ARGV[0]);
  RETURN NULL;
END;
$$;

CREATE TRIGGER region_map_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON region
  FOR EACH STATEMENT EXECUTE FUNCTION map_version_bump('region');
CREATE TRIGGER grid_map_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON grid
  FOR EACH STATEMENT EXECUTE FUNCTION map_version_bump('grid');
CREATE TRIGGER basemap_map_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON basemap_feature
  FOR EACH STATEMENT EXECUTE FUNCTION map_version_bump('base');
