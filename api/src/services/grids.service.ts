/**
 * Grids (网格): the current ones (valid_to is null) as GeoJSON by bounding box,
 * for editing and export, and one grid with its counts and where it stands
 * against the household band.
 */
import { sql, type Queryable } from '@minqing/db';
import { bandPosition } from '@minqing/shared';
import { NotFoundError } from '../errors.ts';
import type { BoundingBox } from '../geo/bounding-box.ts';
import type { GridCollection, GridDetail, GridFeature } from '../schemas/grid.schema.ts';
import { householdBand } from './policy.service.ts';

export const DEFAULT_GRID_LIMIT = 500;
export const MAX_GRID_LIMIT = 5000;

interface GridFeatureRow {
  code: string;
  name: string;
  village_code: string;
  households: number;
  population: number;
  geometry: GridFeature['geometry'];
}

export async function gridsInBoundingBox(db: Queryable, bbox: BoundingBox, limit: number): Promise<GridCollection> {
  const [west, south, east, north] = bbox;
  const band = await householdBand(db);
  const rows = await db.query<GridFeatureRow>(sql`
    select g.code, g.name, g.village_code, g.households, g.population, ST_AsGeoJSON(g.boundary, 7)::json as geometry
    from grid g
    where g.valid_to is null
      and g.boundary && ST_MakeEnvelope(${west}::float8, ${south}::float8, ${east}::float8, ${north}::float8, 4326)
      and ST_Intersects(g.boundary, ST_MakeEnvelope(${west}::float8, ${south}::float8, ${east}::float8, ${north}::float8, 4326))
    order by g.code
    limit ${limit + 1}::int`);
  const truncated = rows.length > limit;
  return {
    type: 'FeatureCollection',
    features: rows.slice(0, limit).map((row) => ({
      type: 'Feature',
      geometry: row.geometry,
      properties: {
        code: row.code,
        name: row.name,
        villageCode: row.village_code,
        households: row.households,
        population: row.population,
        band: bandPosition(row.households, band),
      },
    })),
    truncated,
    bandRange: band,
  };
}

interface GridDetailRow {
  code: string;
  name: string;
  version: number;
  valid_from: Date;
  households: number;
  population: number;
  flag: string | null;
  village_code: string;
  village_name: string;
  town_code: string | null;
  town_name: string | null;
  geometry_source: GridDetail['geometrySource'];
  area_km2: number;
  buildings: number;
  west: number;
  south: number;
  east: number;
  north: number;
  centroid_x: number;
  centroid_y: number;
  boundary: GridDetail['boundary'] | null;
}

function roundDegrees(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

export async function getGrid(db: Queryable, code: string, options: { geometry: boolean }): Promise<GridDetail> {
  const [row] = await db.query<GridDetailRow>(sql`
    select g.code, g.name, g.version, g.valid_from, g.households, g.population, g.flag,
      village.code as village_code, village.name as village_name, town.code as town_code, town.name as town_name,
      village.geometry_source,
      ST_Area(g.boundary::geography) / 1e6 as area_km2,
      (select count(*) from building b where ST_Intersects(b.location, g.boundary)) as buildings,
      ST_XMin(g.boundary) as west, ST_YMin(g.boundary) as south, ST_XMax(g.boundary) as east, ST_YMax(g.boundary) as north,
      ST_X(ST_Centroid(g.boundary)) as centroid_x, ST_Y(ST_Centroid(g.boundary)) as centroid_y,
      ${options.geometry ? sql`ST_AsGeoJSON(g.boundary, 7)::json` : sql`null::json`} as boundary
    from grid g
    join region village on village.code = g.village_code
    left join region town on town.code = village.parent_code
    where g.code = ${code} and g.valid_to is null`);
  if (!row) throw new NotFoundError(`no current grid with code ${code}`, 'grid_not_found');
  const band = await householdBand(db);
  return {
    code: row.code,
    name: row.name,
    version: row.version,
    validFrom: new Date(row.valid_from).toISOString(),
    village: { code: row.village_code, name: row.village_name },
    town: row.town_code && row.town_name ? { code: row.town_code, name: row.town_name } : null,
    households: row.households,
    population: row.population,
    buildings: row.buildings,
    band: bandPosition(row.households, band),
    bandRange: band,
    flag: row.flag,
    areaKm2: Math.round(row.area_km2 * 1e4) / 1e4,
    geometrySource: row.geometry_source,
    bbox: [row.west, row.south, row.east, row.north].map(roundDegrees),
    centroid: [row.centroid_x, row.centroid_y].map(roundDegrees),
    ...(row.boundary ? { boundary: row.boundary } : {}),
  };
}
