/**
 * Hand-made shapes for the planner's tests: rectangles and rings given in
 * metres around a point in 万州, turned into WGS-84 multipolygons.
 */
import { localPlane, type MultiPolygonGeometry, type Position } from './planner-geometry.ts';
import type { PlannerBuilding, PlannerGrid, PlannerVillage } from './planner-types.ts';

export const ORIGIN: Position = [108.4, 30.8];
export const PLANE = localPlane(ORIGIN);

export function at(x: number, y: number): Position {
  const [lon, lat] = PLANE.toDegrees(x, y);
  // Seven decimals, as the server stores and returns coordinates.
  return [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7];
}

/** A polygon from rings of [x, y] metre points (closed for you); several polygons make a multipolygon. */
export function shape(...polygons: [number, number][][][]): MultiPolygonGeometry {
  return {
    type: 'MultiPolygon',
    coordinates: polygons.map((rings) =>
      rings.map((ring) => {
        const closed = [...ring, ring[0]!];
        return closed.map(([x, y]) => at(x, y));
      }),
    ),
  };
}

/** A rectangle from (x1, y1) to (x2, y2), counter-clockwise. */
export function rectangle(x1: number, y1: number, x2: number, y2: number): [number, number][][] {
  return [
    [
      [x1, y1],
      [x2, y1],
      [x2, y2],
      [x1, y2],
    ],
  ];
}

export function village(code: string, boundary: MultiPolygonGeometry, name = '试验村'): PlannerVillage {
  return { code, name, boundary };
}

export function grid(key: string, villageCode: string, boundary: MultiPolygonGeometry, code: string | null = null): PlannerGrid {
  return { key, code, villageCode, name: `网格${key}`, boundary };
}

let nextBuildingId = 1;

/** Buildings on a lattice over a rectangle (metres), each with `households`. */
export function buildingsIn(
  villageCode: string,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  spacing: number,
  households: number,
): PlannerBuilding[] {
  const buildings: PlannerBuilding[] = [];
  for (let y = y1 + spacing / 2; y < y2; y += spacing) {
    for (let x = x1 + spacing / 2; x < x2; x += spacing) {
      buildings.push({ id: nextBuildingId++, villageCode, households, residents: households * 3, position: at(x, y) });
    }
  }
  return buildings;
}

export function building(villageCode: string, x: number, y: number, households: number): PlannerBuilding {
  return { id: nextBuildingId++, villageCode, households, residents: households * 3, position: at(x, y) };
}
