import type { RegionLevel } from '@minqing/shared';
import { getJson } from './client.ts';

export type GeometrySource = 'synthetic' | 'imported' | 'drawn';
export type BoundingBox = [west: number, south: number, east: number, north: number];

/** A region (district, town or village) as GET /api/regions lists it. */
export interface RegionSummary {
  code: string;
  name: string;
  fullName?: string;
  level: RegionLevel;
  kind?: string;
  parentCode?: string | null;
  geometrySource: GeometrySource;
  bbox: BoundingBox | null;
  labelPoint?: [number, number] | null;
  centroid?: [number, number] | null;
}

/** The list out of a list answer: a bare array, or the array under `regions` / `items`. */
export function regionsOf(body: unknown): RegionSummary[] {
  if (Array.isArray(body)) return body as RegionSummary[];
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['regions', 'items', 'data']) {
      if (Array.isArray(record[key])) return record[key] as RegionSummary[];
    }
  }
  return [];
}

export async function fetchRegions(level: RegionLevel, signal?: AbortSignal): Promise<RegionSummary[]> {
  return regionsOf(await getJson<unknown>('/api/regions', { query: { level }, signal }));
}
