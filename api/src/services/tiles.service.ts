/**
 * Vector tiles: checks the address, finds the tile in the memory cache (keyed
 * by layer, z/x/y and the version of the data behind the layer) or has an
 * encoder make it, and names it with an ETag. Requests for the same missing
 * tile that arrive together share one database query.
 */
import { createHash } from 'node:crypto';
import { sql, type Database } from '@minqing/db';
import { TILE_LAYERS, tileCoordinateProblem, type TileCoordinate, type TileLayer } from '@minqing/shared';
import type { Actor } from '../auth/actor.ts';
import { systemClock, type Clock } from '../cases/clock.ts';
import { caseScope, CASE_READERS } from '../cases/scope.ts';
import { ForbiddenError, InvalidInputError, NotFoundError, UnauthorizedError } from '../errors.ts';
import { caseFilterKey, openCasesFilter, parseCaseFilter } from '../tiles/case-filter.ts';
import { MapVersions, type MapVersionSnapshot } from '../tiles/map-versions.ts';
import { TileCache, type CachedTile } from '../tiles/tile-cache.ts';
import { canEncodeWithPostgis, TILE_ENCODERS, type TileEncoder, type TileEncoderName } from '../tiles/tile-encoders.ts';
import { tileFrame } from '../tiles/tile-frame.ts';
import { TILE_LAYER_DEFINITIONS, type TileContext, type TileLayerDefinition } from '../tiles/tile-layers.ts';

export interface TileServiceOptions {
  /** Memory for cached tiles; 0 turns the cache off. */
  cacheBytes: number;
  /** Which encoder writes tiles; 'auto': ST_AsMVT where PostGIS can, else the JavaScript encoder. */
  encoder?: TileEncoderName | 'auto';
  onListenError?: (error: unknown) => void;
  /** The clock live layers read (overdue cases, workers' last-seen age); the system's by default. */
  clock?: Clock;
}

export interface TileResult extends CachedTile {
  /** Whether the tile came from the memory cache. */
  cached: boolean;
  /** Seconds a browser may keep it without asking again; null: the layer's usual (boundaries change rarely). */
  maxAgeSeconds: number | null;
}

/** Who asks, and the query string: the live layers (case, worker) need both. */
export interface TileRequest {
  actor?: Actor | null;
  query?: Record<string, string>;
}

/** Roles that see every case and worker, so share one cached tile. */
const DISTRICT_WIDE_TILE_ROLES = ['administrator', 'dispatcher', 'leader', 'wall_viewer'];
const REGIONAL_TILE_ROLES = ['town_officer', 'village_cadre', 'grid_worker'];

/** The layers a client may ask for now (a subset of the design's TILE_LAYERS). */
export const SERVED_TILE_LAYERS = TILE_LAYERS.filter((layer) => TILE_LAYER_DEFINITIONS[layer] !== undefined);

export class TileService {
  readonly cache: TileCache;
  private readonly versions: MapVersions;
  private encoder: Promise<TileEncoder> | null = null;
  private readonly inFlight = new Map<string, Promise<CachedTile>>();

  constructor(
    private readonly db: Database,
    private readonly options: TileServiceOptions,
  ) {
    this.cache = new TileCache(options.cacheBytes);
    this.versions = new MapVersions(db, { onListenError: options.onListenError });
  }

  /** The encoder in use, decided once: the configured one, or by probing PostGIS for ST_AsMVT. */
  encoderName(): Promise<TileEncoderName> {
    return this.chooseEncoder().then((encoder) => encoder.name);
  }

  async tile(layerName: string, coordinate: TileCoordinate, request: TileRequest = {}): Promise<TileResult> {
    const layer = findLayer(layerName);
    const problem = tileCoordinateProblem(coordinate);
    if (problem)
      throw new InvalidInputError(
        `tile ${coordinate.z}/${coordinate.x}/${coordinate.y} is out of range: ${problem}`,
        'tile_out_of_range',
      );
    const now = (this.options.clock ?? systemClock).now();
    const access = accessOf(layer, request.actor ?? null);
    const caseFilter = layer.filtered ? parseCaseFilter(request.query ?? {}, now) : openCasesFilter();

    const snapshot = await this.versions.current();
    const live = liveVersion(layer, snapshot, now, this.versions.caseChanges);
    const key = `${cacheKey(layer, coordinate, snapshot)}${live.key}${layer.filtered ? `?${caseFilterKey(caseFilter)}` : ''}${access.key}`;
    const maxAgeSeconds = layer.freshnessSeconds === undefined ? null : 0;
    // A live layer whose changes this process cannot hear is made afresh every time.
    const cacheable = live.cacheable;
    const cached = cacheable ? this.cache.get(key) : undefined;
    if (cached) return { ...cached, cached: true, maxAgeSeconds };

    const context: TileContext = { band: snapshot.band, now, caseFilter, scope: access.scope };
    let making = cacheable ? this.inFlight.get(key) : undefined;
    if (!making) {
      making = this.make(layer, coordinate, context).finally(() => this.inFlight.delete(key));
      if (cacheable) this.inFlight.set(key, making);
    }
    const tile = await making;
    if (cacheable) this.cache.set(key, tile);
    return { ...tile, cached: false, maxAgeSeconds };
  }

  async close(): Promise<void> {
    await this.versions.close();
  }

  private async make(layer: TileLayerDefinition, coordinate: TileCoordinate, context: TileContext): Promise<CachedTile> {
    const encoder = await this.chooseEncoder();
    const bytes = await encoder.encode(this.db, layer, tileFrame(coordinate), context);
    return { bytes, etag: bytes.byteLength === 0 ? null : etagOf(bytes) };
  }

  private chooseEncoder(): Promise<TileEncoder> {
    const wanted = this.options.encoder ?? 'auto';
    this.encoder ??=
      wanted === 'auto'
        ? canEncodeWithPostgis(this.db).then((can) => TILE_ENCODERS[can ? 'postgis' : 'javascript'])
        : Promise.resolve(TILE_ENCODERS[wanted]);
    return this.encoder;
  }
}

function findLayer(name: string): TileLayerDefinition {
  const layer = TILE_LAYER_DEFINITIONS[name as TileLayer];
  if (layer) return layer;
  if ((TILE_LAYERS as readonly string[]).includes(name)) {
    throw new NotFoundError(
      `tile layer '${name}' is not served yet; layers served: ${SERVED_TILE_LAYERS.join(', ')}`,
      'tile_layer_not_served',
    );
  }
  throw new NotFoundError(`unknown tile layer '${name}'; layers served: ${SERVED_TILE_LAYERS.join(', ')}`, 'unknown_tile_layer');
}

/**
 * Who may fetch a layer, and what of it they see. Boundaries and the basemap
 * are public. Cases and workers need a signed-in reader of cases: district-wide
 * roles (the wall) see all and share cached tiles; others see their scope.
 */
function accessOf(layer: TileLayerDefinition, actor: Actor | null): { key: string; scope: NonNullable<TileContext['scope']> } {
  const everything = { key: '', scope: { cases: sql`true`, workerGridPrefix: null } };
  if ((layer.access ?? 'public') === 'public') return everything;
  if (!actor) throw new UnauthorizedError(`sign in first: the ${layer.name} layer shows cases and workers`, 'unauthorized');
  if (!CASE_READERS.includes(actor.role))
    throw new ForbiddenError(`a ${actor.role} cannot see the ${layer.name} layer`, 'role_cannot');
  if (DISTRICT_WIDE_TILE_ROLES.includes(actor.role)) return everything;
  const regional = REGIONAL_TILE_ROLES.includes(actor.role) && actor.regionLevel !== 'district';
  const workerGridPrefix = regional ? (actor.regionLevel === 'town' ? actor.regionCode.slice(0, 9) : actor.regionCode) : '-';
  return {
    key: `#${actor.role}:${actor.regionCode}:${actor.unitId ?? ''}:${actor.userId}`,
    scope: { cases: caseScope(actor), workerGridPrefix },
  };
}

/**
 * The live layers' part of the cache key. Cases: the count of case events this
 * process has heard (NOTIFY case_event) and the minute (overdue flags move
 * with the clock), so a tile is reused until a case changes, at most a minute.
 * Workers: five-second slices — positions arrive all the time; walls asking
 * together share one tile.
 */
function liveVersion(
  layer: TileLayerDefinition,
  snapshot: MapVersionSnapshot,
  now: Date,
  caseChanges: number | null,
): { key: string; cacheable: boolean } {
  if (layer.freshnessSeconds === undefined) return { key: '', cacheable: true };
  const slice = Math.floor(now.getTime() / (layer.freshnessSeconds * 1000));
  if (layer.versionKey === 'case') {
    if (caseChanges === null) return { key: '', cacheable: false };
    return { key: `~${caseChanges}.${slice}`, cacheable: true };
  }
  return { key: `~${snapshot.versions[layer.versionKey] ?? 0}.${slice}`, cacheable: true };
}

function cacheKey(layer: TileLayerDefinition, { z, x, y }: TileCoordinate, snapshot: MapVersionSnapshot): string {
  const version = snapshot.versions[layer.versionKey] ?? 0;
  const band = layer.name === 'grid' ? `:${snapshot.band.min}-${snapshot.band.max}` : '';
  return `${layer.name}/${z}/${x}/${y}@${version}${band}`;
}

export function etagOf(bytes: Uint8Array): string {
  return `"${createHash('sha1').update(bytes).digest('base64url').slice(0, 22)}"`;
}
