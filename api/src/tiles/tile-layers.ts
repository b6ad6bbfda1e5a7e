/**
 * What each vector-tile layer holds: the rows (properties and a WGS-84 `geom`)
 * inside a tile frame. The encoders (ST_AsMVT, or SQL + JavaScript) take it
 * from there. A layer's cache version comes from table map_version; the live
 * layers (case, worker) follow their own counters and the clock instead.
 */
import { sql, type SqlFragment } from '@minqing/db';
import type { HouseholdBand, TileLayer } from '@minqing/shared';
import { caseFilterCondition, isOpenOnly, openCasesFilter, type CaseFilter } from './case-filter.ts';
import { mercatorXToLongitude, mercatorYToLatitude, type TileFrame } from './tile-frame.ts';

/**
 * What a layer's cached tiles follow: rows of map_version (region, grid,
 * base), the count of case events this process has heard (case), or nothing
 * but the clock (worker).
 */
export type MapVersionKey = 'region' | 'grid' | 'base' | 'case' | 'worker';

export interface TileContext {
  band: HouseholdBand;
  /** The clock's now (default: the system's): overdue cases, workers' last-seen age, the last hour of track. */
  now?: Date;
  /** The case layer's filter (default: open cases). */
  caseFilter?: CaseFilter;
  /**
   * Which cases and workers the requester may see: a condition on cases aliased
   * `c`, and a grid-code prefix for workers (default: everything).
   */
  scope?: { cases: SqlFragment; workerGridPrefix: string | null };
}

/** The live layers' part of a context, with its defaults filled in. */
function liveContext(context: TileContext) {
  return {
    now: context.now ?? new Date(),
    caseFilter: context.caseFilter ?? openCasesFilter(),
    scope: context.scope ?? { cases: sql`true`, workerGridPrefix: null },
  };
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
  /** Left out of tiles from this zoom on (aggregates that give way to the features themselves). */
  maxZoom?: number;
  /** Selects the property columns and `geom` (EPSG:4326) of the rows that may touch the frame. */
  rows(frame: TileFrame, context: TileContext): SqlFragment;
}

export interface TileLayerDefinition {
  name: TileLayer;
  versionKey: MapVersionKey;
  sourceLayers: readonly TileSourceLayer[];
  /** Who may fetch it: anyone (boundaries, basemap), or signed-in readers of cases (cases, workers). */
  access?: 'public' | 'case_readers';
  /** Reads the case filter from the query string. */
  filtered?: boolean;
  /**
   * Live layers: cached tiles are kept at most this many seconds (on top of
   * their version), and browsers revalidate every time.
   */
  freshnessSeconds?: number;
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

// ------------------------------------------------------------------ cases

/** From this zoom on the case tile holds every case as a point; below it, clusters. */
export const CASE_POINT_MIN_ZOOM = 15;
/** Clusters: the tile is cut into this many cells a side (a cell is 32 px on a 512 px tile). */
export const CASE_CLUSTER_CELLS = 16;

const OPEN_LITERALS = "('registered', 'dispatched', 'accepted', 'in_progress')";

/** Open and past its deadline (signing for it while dispatched, else answering it). */
function overdueExpression(now: Date): SqlFragment {
  return sql`(c.state in ${sql.unsafeRaw(OPEN_LITERALS)}
    and coalesce(case when c.state = 'dispatched' then c.sign_deadline_at end, c.answer_deadline_at) < ${now}::timestamptz)`;
}

/** The filter, and for open cases the literal state list again so the planner picks the partial index. */
function caseConditions(frameEnvelopeSql: SqlFragment, context: TileContext): SqlFragment {
  const { caseFilter, scope } = liveContext(context);
  const open = isOpenOnly(caseFilter) ? sql`and c.state in ${sql.unsafeRaw(OPEN_LITERALS)}` : sql.empty;
  return sql`c.location && ${frameEnvelopeSql} ${open} and ${caseFilterCondition(caseFilter)} and ${scope.cases}`;
}

/** The tile itself (no buffer) in degrees: each case falls in exactly one tile's clusters. */
function tileDegrees(frame: TileFrame) {
  const { west, south, east, north } = frame.bounds;
  return {
    west: mercatorXToLongitude(west),
    south: mercatorYToLatitude(south),
    east: mercatorXToLongitude(east),
    north: mercatorYToLatitude(north),
  };
}

const casePoints: TileSourceLayer = {
  name: 'case',
  properties: ['id', 'state', 'urgency', 'card', 'overdue', 'category', 'category_code', 'town_code', 'created'],
  simplify: false,
  minZoom: CASE_POINT_MIN_ZOOM,
  rows: (frame, context) => sql`
    select c.id, c.state, c.urgency, coalesce(c.card_colour, 'none') as card, ${overdueExpression(liveContext(context).now)} as overdue,
      left(c.category_code, 2) as category, c.category_code, c.town_code,
      extract(epoch from c.created_at)::int8 as created, c.location as geom
    from cases c
    where ${caseConditions(frameEnvelope(frame), context)}
    order by c.id`,
};

/**
 * Cases counted in cells of the tile (PostGIS aggregates; raw points at low
 * zoom would make tiles of megabytes at a million cases). Each cluster sits at
 * the mean position of its cases and says how many are urgent, carded,
 * overdue; a cluster of one carries that case's id, state and card so the map
 * can draw it as the case itself.
 */
const caseClusters: TileSourceLayer = {
  name: 'case_cluster',
  properties: ['count', 'urgent', 'yellow', 'red', 'overdue', 'id', 'state', 'urgency', 'card'],
  simplify: false,
  maxZoom: CASE_POINT_MIN_ZOOM,
  rows: (frame, context) => {
    const tile = tileDegrees(frame);
    const cellLon = (tile.east - tile.west) / CASE_CLUSTER_CELLS;
    const cellLat = (tile.north - tile.south) / CASE_CLUSTER_CELLS;
    const envelope = sql`ST_MakeEnvelope(${tile.west}::float8, ${tile.south}::float8, ${tile.east}::float8, ${tile.north}::float8, 4326)`;
    return sql`
      select count(*)::int as count,
        (count(*) filter (where c.urgency = 'urgent'))::int as urgent,
        (count(*) filter (where c.card_colour = 'yellow'))::int as yellow,
        (count(*) filter (where c.card_colour = 'red'))::int as red,
        (count(*) filter (where ${overdueExpression(liveContext(context).now)}))::int as overdue,
        min(c.id) as id,
        case when count(*) = 1 then min(c.state) end as state,
        case when count(*) = 1 then min(c.urgency) end as urgency,
        case when count(*) = 1 then coalesce(min(c.card_colour), 'none') end as card,
        ST_SetSRID(ST_MakePoint(avg(ST_X(c.location)), avg(ST_Y(c.location))), 4326) as geom
      from cases c
      where ${caseConditions(envelope, context)}
        and ST_X(c.location) >= ${tile.west}::float8 and ST_X(c.location) < ${tile.east}::float8
        and ST_Y(c.location) >= ${tile.south}::float8 and ST_Y(c.location) < ${tile.north}::float8
      group by floor((ST_X(c.location) - ${tile.west}::float8) / ${cellLon}::float8),
               floor((ST_Y(c.location) - ${tile.south}::float8) / ${cellLat}::float8)
      order by min(c.id)`;
  },
};

const caseLayer: TileLayerDefinition = {
  name: 'case',
  versionKey: 'case',
  sourceLayers: [caseClusters, casePoints],
  access: 'case_readers',
  filtered: true,
  freshnessSeconds: 60,
};

// ---------------------------------------------------------------- workers

/** Tracks are drawn from this zoom on (at district scale they would be a scribble). */
export const WORKER_TRACK_MIN_ZOOM = 12;
/** The track's hour is cut in quarters, 0 the newest, so the line can fade with age. */
export const WORKER_TRACK_QUARTERS = 4;

function workerScope(context: TileContext, alias: string): SqlFragment {
  const prefix = liveContext(context).scope.workerGridPrefix;
  return prefix === null ? sql`true` : sql`starts_with(coalesce(${sql.identifier(`${alias}.grid_code`)}, ''), ${prefix})`;
}

const workerPoints: TileSourceLayer = {
  name: 'worker',
  properties: ['user_id', 'name', 'grid_code', 'seen', 'age_minutes', 'accuracy'],
  simplify: false,
  rows: (frame, context) => sql`
    select l.user_id, u.display_name as name, l.grid_code, extract(epoch from l.recorded_at)::int8 as seen,
      greatest(0, floor(extract(epoch from (${liveContext(context).now}::timestamptz - l.recorded_at)) / 60))::int as age_minutes,
      round(l.accuracy_m)::int as accuracy, l.location as geom
    from worker_last_position l join app_user u on u.id = l.user_id
    where u.active and u.role = 'grid_worker' and l.location && ${frameEnvelope(frame)}
      and l.recorded_at > ${liveContext(context).now}::timestamptz - interval '24 hours' and ${workerScope(context, 'l')}
    order by l.user_id`,
};

/** The last hour of each worker's accepted positions, one line per quarter hour (age 0 newest … 3). */
const workerTracks: TileSourceLayer = {
  name: 'worker_track',
  properties: ['user_id', 'age'],
  simplify: true,
  minZoom: WORKER_TRACK_MIN_ZOOM,
  rows: (frame, context) => sql`
    with recent as (
      select p.user_id, p.location, p.recorded_at,
        lag(p.location) over (partition by p.user_id order by p.recorded_at, p.id) as previous
      from worker_position p
      where p.accepted and p.recorded_at > ${liveContext(context).now}::timestamptz - interval '1 hour'
        and p.recorded_at <= ${liveContext(context).now}::timestamptz
        and p.location && ${frameEnvelope(frame)} and ${workerScope(context, 'p')}
    )
    select user_id,
      least(${WORKER_TRACK_QUARTERS - 1}::int, floor(extract(epoch from (${liveContext(context).now}::timestamptz - recorded_at)) / 900)::int) as age,
      ST_Collect(ST_MakeLine(previous, location)) as geom
    from recent
    where previous is not null and not ST_Equals(previous, location)
    group by user_id, 2
    order by user_id, 2`,
};

const workerLayer: TileLayerDefinition = {
  name: 'worker',
  versionKey: 'worker',
  sourceLayers: [workerTracks, workerPoints],
  access: 'case_readers',
  freshnessSeconds: 5,
};

/** The source layers a tile of this zoom holds. */
export function sourceLayersAt(layer: TileLayerDefinition, zoom: number): readonly TileSourceLayer[] {
  return layer.sourceLayers.filter((source) => zoom >= (source.minZoom ?? 0) && zoom < (source.maxZoom ?? Infinity));
}

/** The layers served: every layer the design names. */
export const TILE_LAYER_DEFINITIONS: Readonly<Partial<Record<TileLayer, TileLayerDefinition>>> = {
  district: regionLayer('district'),
  town: regionLayer('town'),
  village: regionLayer('village'),
  grid: gridLayer,
  base: baseLayer,
  case: caseLayer,
  worker: workerLayer,
};
