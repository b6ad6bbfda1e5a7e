/** Vector-tile layers served at /tiles/{layer}/{z}/{x}/{y}.mvt. */
export const TILE_LAYERS = ['district', 'town', 'village', 'grid', 'base', 'case', 'worker'] as const;
export type TileLayer = (typeof TILE_LAYERS)[number];

export const MAX_TILE_ZOOM = 22;

export interface TileCoordinate {
  z: number;
  x: number;
  y: number;
}

/** Why a tile address is refused, or null when it is a real tile. */
export function tileCoordinateProblem({ z, x, y }: TileCoordinate): string | null {
  if (!Number.isInteger(z) || z < 0 || z > MAX_TILE_ZOOM) return `zoom must be an integer from 0 to ${MAX_TILE_ZOOM}, got ${z}`;
  const size = 2 ** z;
  if (!Number.isInteger(x) || x < 0 || x >= size) return `x must be an integer from 0 to ${size - 1} at zoom ${z}, got ${x}`;
  if (!Number.isInteger(y) || y < 0 || y >= size) return `y must be an integer from 0 to ${size - 1} at zoom ${z}, got ${y}`;
  return null;
}

/** The WGS-84 bounds [west, south, east, north] of a tile (Web Mercator scheme, y down). */
export function tileBounds({ z, x, y }: TileCoordinate): [number, number, number, number] {
  const size = 2 ** z;
  const lon = (column: number) => (column / size) * 360 - 180;
  const lat = (row: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * row) / size))) * 180) / Math.PI;
  return [lon(x), lat(y + 1), lon(x + 1), lat(y)];
}

/** The tile holding a point at a zoom. */
export function tileOf(lon: number, lat: number, z: number): TileCoordinate {
  const size = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * size);
  const radians = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(radians) + 1 / Math.cos(radians)) / Math.PI) / 2) * size);
  return { z, x: Math.min(size - 1, Math.max(0, x)), y: Math.min(size - 1, Math.max(0, y)) };
}
