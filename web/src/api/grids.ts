import type { BandPosition, HouseholdBand } from '@minqing/shared';
import { getJson } from './client.ts';
import type { BoundingBox, GeometrySource } from './regions.ts';

/** One grid with its counts, as GET /api/grids/{code} answers. */
export interface GridDetail {
  code: string;
  name: string;
  version: number;
  validFrom: string;
  village: { code: string; name: string };
  town: { code: string; name: string } | null;
  households: number;
  population: number;
  buildings: number;
  band: BandPosition;
  bandRange: HouseholdBand;
  flag: string | null;
  areaKm2: number;
  geometrySource: GeometrySource;
  bbox: BoundingBox;
  centroid: [number, number];
}

export const GRID_CODE_PATTERN = /^[0-9]{15}$/;

export async function fetchGrid(code: string, signal?: AbortSignal): Promise<GridDetail> {
  return getJson<GridDetail>(`/api/grids/${encodeURIComponent(code)}`, { signal });
}
