/**
 * What each vector-tile layer holds: the rows (properties and a WGS-84 `geom`)
 * inside a tile frame. The encoders (ST_AsMVT, or SQL + JavaScript) take it
 * from there. A layer's cache version comes from table map_version.
 */
import { sql, type SqlFragment } from '@minqing/db';
import type { HouseholdBand, TileLayer } from '@minqing/shared';
import type { TileFrame } from './tile-frame.ts';

/** Rows of map_version whose changes a layer's tiles follow. */
export type MapVersionKey = 'region' | 'grid' | 'base';

export interface TileContext {
  band: HouseholdBand;
}

export interface TileSourceLayer {
  /** The layer's name inside the tile (the style's `source-layer`). */
  name: string;
  /** Columns written as feature properties, in order. */
  properties: readonly string[];
  /** Lines and polygons are simplified at low zooms; points are not. */
  simplify: boolean;
  /** Left out of tiles below this zoom (label points that would only crowd a small-scale tile). */
  minZoom?: number;
  /** Selects the property columns and `geom` (EPSG:4326) of the rows that may touch the frame. */
  rows(frame: TileFrame, context: TileContext): SqlFragment;
}

export interface TileLayerDefinition {
  name: TileLayer;
  versionKey: MapVersionKey;
  sourceLayers: readonly TileSourceLayer[];
}

/** The frame and its buffer in degrees, for the GiST index (`&&`). */
export function frameEnvelope(frame: TileFrame): SqlFragment {
  const { west, south, east, north } = frame.bufferedDegrees;
  return sql`ST_MakeEnvelope(${west}::float8, ${south}::float8, ${east}::float8, ${north}::float8, 4326)`;
}

function regionLayer(level: 'district' | 'town' | 'village'): TileLayerDefinition {
  const withParent = level !== 'district';
  return {
    name: level,
    versionKey: 'region',
    sourceLayers: [
      {
        name: level,
        properties: withParent ? ['code', 'name', 'parent_code'] : ['code', 'name'],
        simplify: true,
        rows: (frame) => sql`
          select code, name, ${withParent ? sql`parent_code,` : sql.empty} boundary as geom
          from region
          where level = ${level} and boundary && ${frameEnvelope(frame)}
          order by code`,
      },
    ],
  };
}

/** Grid label points start at this zoom. */
export const GRID_LABEL_MIN_ZOOM = 10;

const gridLayer: TileLayerDefinition = {
  name: 'grid',
  versionKey: 'grid',
  sourceLayers: [
    {
      name: 'grid',
      properties: ['code', 'name', 'village_code', 'households', 'population', 'band'],
      simplify: true,
      // The band as shared's bandPosition() has it: below min, above max, else within.
      rows: (frame, { band }) => sql`
        select code, name, village_code, households, population,
          case when households < ${band.min}::int then 'below' when households > ${band.max}::int then 'above' else 'within' end as band,
          boundary as geom
        from grid
        where valid_to is null and boundary && ${frameEnvelope(frame)}
        order by code`,
    },
    {
      // One label point per grid (inside it), so a grid cut by tile edges is labelled once, not once per piece.
      name: 'grid_label',
      properties: ['code', 'households', 'band'],
      simplify: false,
      minZoom: GRID_LABEL_MIN_ZOOM,
      rows: (frame, { band }) => sql`
        select code, households,
          case when households < ${band.min}::int then 'below' when households > ${band.max}::int then 'above' else 'within' end as band,
          ST_PointOnSurface(boundary) as geom
        from grid
        where valid_to is null and boundary && ${frameEnvelope(frame)}
        order by code`,
    },
  ],
};

function basemapLayer(layer: 'river' | 'road' | 'settlement'): TileSourceLayer {
  return {
    name: layer,
    properties: ['kind', 'name'],
    simplify: layer !== 'settlement',
    rows: (frame) => sql`
      select kind, name, geom
      from basemap_feature
      where layer = ${layer} and geom && ${frameEnvelope(frame)}
      order by id`,
  };
}

const baseLayer: TileLayerDefinition = {
  name: 'base',
  versionKey: 'base',
  sourceLayers: [basemapLayer('river'), basemapLayer('road'), basemapLayer('settlement')],
};

/** The source layers a tile of this zoom holds. */
export function sourceLayersAt(layer: TileLayerDefinition, zoom: number): readonly TileSourceLayer[] {
  return layer.sourceLayers.filter((source) => zoom >= (source.minZoom ?? 0));
}

/** The layers served now. `case` and `worker` are named by the design and come with later issues. */
export const TILE_LAYER_DEFINITIONS: Readonly<Partial<Record<TileLayer, TileLayerDefinition>>> = {
  district: regionLayer('district'),
  town: regionLayer('town'),
  village: regionLayer('village'),
  grid: gridLayer,
  base: baseLayer,
};
