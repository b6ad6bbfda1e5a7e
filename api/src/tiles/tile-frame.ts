/**
 * The numbers that place a tile in Web Mercator (EPSG:3857): its bounds, the
 * bounds with the drawing buffer around them, the same in WGS-84 degrees (for
 * the spatial-index filter), the affine transform to tile coordinates (origin
 * top left, y down, 0…extent) and the simplification tolerance for its zoom.
 * Pure arithmetic; both tile encoders use the same frame, so they select the
 * same rows and cut them at the same lines.
 */
import type { TileCoordinate } from '@minqing/shared';

/** Half the width of the Web Mercator square, in metres. */
export const WEB_MERCATOR_HALF_WIDTH = 20_037_508.342789244;
/** Tile coordinates run from 0 to EXTENT (the MVT default). */
export const TILE_EXTENT = 4096;
/** Geometry is kept this far (in tile units) outside the tile, so strokes meet across tile edges. */
export const TILE_BUFFER = 256;
/** From this zoom on geometry is drawn at full detail; below it, simplified to about a tile unit. */
export const FULL_DETAIL_ZOOM = 14;

export interface MercatorBounds {
  west: number;
  south: number;
  east: number;
  north: number;
}

export interface TileFrame {
  coordinate: TileCoordinate;
  extent: number;
  buffer: number;
  /** The tile itself, in metres (EPSG:3857). */
  bounds: MercatorBounds;
  /** The tile and its buffer, in metres (EPSG:3857). */
  bufferedBounds: MercatorBounds;
  /** The tile and its buffer, in degrees (EPSG:4326): the index filter. */
  bufferedDegrees: MercatorBounds;
  /** x' = scaleX·x + offsetX, y' = scaleY·y + offsetY maps metres to tile units (scaleY < 0: y points down). */
  affine: { scaleX: number; scaleY: number; offsetX: number; offsetY: number };
  /** Douglas–Peucker tolerance in metres, or null at full detail. */
  simplifyTolerance: number | null;
}

export function tileFrame(coordinate: TileCoordinate, extent = TILE_EXTENT, buffer = TILE_BUFFER): TileFrame {
  const { z, x, y } = coordinate;
  const size = (2 * WEB_MERCATOR_HALF_WIDTH) / 2 ** z;
  const bounds: MercatorBounds = {
    west: -WEB_MERCATOR_HALF_WIDTH + x * size,
    east: -WEB_MERCATOR_HALF_WIDTH + (x + 1) * size,
    north: WEB_MERCATOR_HALF_WIDTH - y * size,
    south: WEB_MERCATOR_HALF_WIDTH - (y + 1) * size,
  };
  const margin = (size * buffer) / extent;
  const bufferedBounds: MercatorBounds = {
    west: bounds.west - margin,
    south: bounds.south - margin,
    east: bounds.east + margin,
    north: bounds.north + margin,
  };
  const unit = size / extent;
  return {
    coordinate,
    extent,
    buffer,
    bounds,
    bufferedBounds,
    bufferedDegrees: {
      west: mercatorXToLongitude(bufferedBounds.west),
      south: mercatorYToLatitude(bufferedBounds.south),
      east: mercatorXToLongitude(bufferedBounds.east),
      north: mercatorYToLatitude(bufferedBounds.north),
    },
    affine: {
      scaleX: extent / size,
      scaleY: -extent / size,
      offsetX: (-bounds.west * extent) / size,
      offsetY: (bounds.north * extent) / size,
    },
    simplifyTolerance: z < FULL_DETAIL_ZOOM ? unit : null,
  };
}

export function mercatorXToLongitude(x: number): number {
  return (x / WEB_MERCATOR_HALF_WIDTH) * 180;
}

export function mercatorYToLatitude(y: number): number {
  return (Math.atan(Math.sinh((y / WEB_MERCATOR_HALF_WIDTH) * Math.PI)) * 180) / Math.PI;
}
