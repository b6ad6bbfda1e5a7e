import type { RegionLevel } from '@minqing/shared';
import { ApiError, getJson } from './client.ts';

export type GeometrySource = 'synthetic' | 'imported' | 'drawn';
export type BoundingBox = [west: number, south: number, east: number, north: number];

/** A region (district, town or village) as GET /api/regions lists it. */
export interface RegionSummary {
  code: string;
  name: string;
  fullName?: string;
  level: RegionLevel;
  kind: string;
  parentCode: string | null;
  households: number;
  population: number;
  gridCount: number;
  geometrySource: GeometrySource;
  bbox: BoundingBox | null;
  /** A point inside the region for its label (ST_PointOnSurface). */
  labelPoint: [number, number] | null;
}

export async function fetchRegions(level: RegionLevel, signal?: AbortSignal): Promise<RegionSummary[]> {
  const regions = await getJson<unknown>('/api/regions', { query: { level }, signal });
  if (!Array.isArray(regions)) throw new ApiError(200, 'GET /api/regions did not answer a list of regions', regions);
  return regions as RegionSummary[];
}
