/**
 * GeoJSON geometry already in tile coordinates (integers, y down) → the rings
 * of one MVT feature, following the Mapbox Vector Tile specification 2.1:
 *
 * - an exterior ring has a positive area by the surveyor's formula in tile
 *   coordinates (clockwise on screen), an interior ring (hole) a negative one;
 * - repeated points are removed, and so are points in a straight line with
 *   their neighbours — spikes along a clipping edge among them; rings that
 *   collapsed when snapped to the integer grid (fewer than three points left,
 *   or no area) are dropped — with a dropped exterior ring go its holes;
 * - lines need two distinct points.
 *
 * A feature has one geometry type: from a mixed collection the polygons are
 * kept if there are any, else the lines, else the points.
 */

export interface TilePoint {
  x: number;
  y: number;
}

export const MVT_POINT = 1;
export const MVT_LINE = 2;
export const MVT_POLYGON = 3;

export interface MvtGeometry {
  type: typeof MVT_POINT | typeof MVT_LINE | typeof MVT_POLYGON;
  /** Points: one ring with every point. Lines: one ring per line. Polygons: exterior, its holes, next exterior … */
  rings: TilePoint[][];
}

type Position = number[];
export type TileGeoJson =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
  | { type: 'GeometryCollection'; geometries: TileGeoJson[] };

/** Twice the signed area by the surveyor's formula; positive for an MVT exterior ring (clockwise with y down). */
export function doubledSignedArea(ring: readonly TilePoint[]): number {
  let sum = 0;
  for (let index = 0, previous = ring.length - 1; index < ring.length; previous = index++) {
    const a = ring[previous]!;
    const b = ring[index]!;
    sum += a.x * b.y - b.x * a.y;
  }
  return sum;
}

function toPoint(position: Position): TilePoint {
  return { x: Math.round(position[0]!), y: Math.round(position[1]!) };
}

/** Removes consecutive repeats and, for a ring, the closing point (MVT closes rings with a command). */
function withoutRepeats(positions: readonly Position[], isRing: boolean): TilePoint[] {
  const points: TilePoint[] = [];
  for (const position of positions) {
    const point = toPoint(position);
    const last = points.at(-1);
    if (!last || last.x !== point.x || last.y !== point.y) points.push(point);
  }
  if (isRing && points.length > 1) {
    const first = points[0]!;
    const last = points.at(-1)!;
    if (first.x === last.x && first.y === last.y) points.pop();
  }
  return points;
}

/** Zero when a, b and c lie on one line (b may turn back: a spike). */
function cross(a: TilePoint, b: TilePoint, c: TilePoint): number {
  return (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
}

/** Drops every point in a straight line with its neighbours, around the closed ring. */
function withoutStraightPoints(ring: readonly TilePoint[]): TilePoint[] {
  const kept: TilePoint[] = [];
  for (const point of ring) {
    kept.push(point);
    while (kept.length >= 3 && cross(kept.at(-3)!, kept.at(-2)!, kept.at(-1)!) === 0) kept.splice(-2, 1);
  }
  // Where the ring closes: the last point against the first, the first against the second.
  let changed = true;
  while (changed && kept.length >= 3) {
    changed = false;
    if (cross(kept.at(-2)!, kept.at(-1)!, kept[0]!) === 0) {
      kept.pop();
      changed = true;
    } else if (cross(kept.at(-1)!, kept[0]!, kept[1]!) === 0) {
      kept.shift();
      changed = true;
    }
  }
  return kept;
}

/** A ring with its winding set: exterior positive, hole negative; null when it collapsed. */
export function orientRing(positions: readonly Position[], exterior: boolean): TilePoint[] | null {
  const ring = withoutStraightPoints(withoutRepeats(positions, true));
  if (ring.length < 3) return null;
  const area = doubledSignedArea(ring);
  if (area === 0) return null;
  if (exterior !== area > 0) ring.reverse();
  return ring;
}

function polygonRings(polygon: readonly Position[][]): TilePoint[][] {
  const [exterior, ...holes] = polygon;
  if (!exterior) return [];
  const outer = orientRing(exterior, true);
  if (!outer) return [];
  const rings = [outer];
  for (const hole of holes) {
    const inner = orientRing(hole, false);
    if (inner) rings.push(inner);
  }
  return rings;
}

function lineRing(line: readonly Position[]): TilePoint[] | null {
  const points = withoutRepeats(line, false);
  return points.length >= 2 ? points : null;
}

interface Parts {
  points: TilePoint[];
  lines: TilePoint[][];
  polygons: TilePoint[][];
}

function collect(geometry: TileGeoJson, parts: Parts): void {
  switch (geometry.type) {
    case 'Point':
      parts.points.push(toPoint(geometry.coordinates));
      return;
    case 'MultiPoint':
      parts.points.push(...geometry.coordinates.map(toPoint));
      return;
    case 'LineString':
    case 'MultiLineString': {
      const lines = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.coordinates;
      for (const line of lines) {
        const ring = lineRing(line);
        if (ring) parts.lines.push(ring);
      }
      return;
    }
    case 'Polygon':
      parts.polygons.push(...polygonRings(geometry.coordinates));
      return;
    case 'MultiPolygon':
      for (const polygon of geometry.coordinates) parts.polygons.push(...polygonRings(polygon));
      return;
    case 'GeometryCollection':
      for (const member of geometry.geometries) collect(member, parts);
      return;
  }
}

/** The MVT geometry of a feature, or null when nothing drawable is left. */
export function toMvtGeometry(geometry: TileGeoJson | null | undefined): MvtGeometry | null {
  if (!geometry) return null;
  const parts: Parts = { points: [], lines: [], polygons: [] };
  collect(geometry, parts);
  if (parts.polygons.length > 0) return { type: MVT_POLYGON, rings: parts.polygons };
  if (parts.lines.length > 0) return { type: MVT_LINE, rings: parts.lines };
  if (parts.points.length > 0) return { type: MVT_POINT, rings: [parts.points] };
  return null;
}
