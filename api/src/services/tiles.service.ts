/**
 * Vector tiles: checks the address, finds the tile in the memory cache (keyed
 * by layer, z/x/y and the version of the data behind the layer) or has an
 * encoder make it, and names it with an ETag. Requests for the same missing
 * tile that arrive together share one database query.
 */
import { createHash } from 'node:crypto';
import type { Database } from '@minqing/db';
import { TILE_LAYERS, tileCoordinateProblem, type TileCoordinate, type TileLayer } from '@minqing/shared';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { MapVersions, type MapVersionSnapshot } from '../tiles/map-versions.ts';
import { TileCache, type CachedTile } from '../tiles/tile-cache.ts';
import { canEncodeWithPostgis, TILE_ENCODERS, type TileEncoder, type TileEncoderName } from '../tiles/tile-encoders.ts';
import { tileFrame } from '../tiles/tile-frame.ts';
import { TILE_LAYER_DEFINITIONS, type TileLayerDefinition } from '../tiles/tile-layers.ts';

export interface TileServiceOptions {
  /** Memory for cached tiles; 0 turns the cache off. */
  cacheBytes: number;
  /** Which encoder writes tiles; 'auto': ST_AsMVT where PostGIS can, else the JavaScript encoder. */
  encoder?: TileEncoderName | 'auto';
  onListenError?: (error: unknown) => void;
}

export interface TileResult extends CachedTile {
  /** Whether the tile came from the memory cache. */
  cached: boolean;
}

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

  async tile(layerName: string, coordinate: TileCoordinate): Promise<TileResult> {
    const layer = findLayer(layerName);
    const problem = tileCoordinateProblem(coordinate);
    if (problem)
      throw new InvalidInputError(
        `tile ${coordinate.z}/${coordinate.x}/${coordinate.y} is out of range: ${problem}`,
        'tile_out_of_range',
      );

    const snapshot = await this.versions.current();
    const key = cacheKey(layer, coordinate, snapshot);
    const cached = this.cache.get(key);
    if (cached) return { ...cached, cached: true };

    let making = this.inFlight.get(key);
    if (!making) {
      making = this.make(layer, coordinate, snapshot).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, making);
    }
    const tile = await making;
    this.cache.set(key, tile);
    return { ...tile, cached: false };
  }

  async close(): Promise<void> {
    await this.versions.close();
  }

  private async make(layer: TileLayerDefinition, coordinate: TileCoordinate, snapshot: MapVersionSnapshot): Promise<CachedTile> {
    const encoder = await this.chooseEncoder();
    const bytes = await encoder.encode(this.db, layer, tileFrame(coordinate), { band: snapshot.band });
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

function cacheKey(layer: TileLayerDefinition, { z, x, y }: TileCoordinate, snapshot: MapVersionSnapshot): string {
  const version = snapshot.versions[layer.versionKey];
  const band = layer.name === 'grid' ? `:${snapshot.band.min}-${snapshot.band.max}` : '';
  return `${layer.name}/${z}/${x}/${y}@${version}${band}`;
}

export function etagOf(bytes: Uint8Array): string {
  return `"${createHash('sha1').update(bytes).digest('base64url').slice(0, 22)}"`;
}
