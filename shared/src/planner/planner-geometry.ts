/**
 * Geometry the planner works with: grids as GeoJSON MultiPolygons in WGS-84
 * degrees, buildings as points. Measures (area, perimeter, distance) are taken
 * in metres on a local equirectangular plane around the village — within a
 * village (a few kilometres) it differs from the geodesic figure PostGIS gives
 * by well under 0.1 %, and it is fast enough to run after every edit.
 *
 * Boolean operations (intersection, difference, union) go through turf's
 * polyclip; everything else is written here so the checks stay quick.
 */
import { bboxClip, difference, featureCollection, intersect, multiPolygon, union } from '@turf/turf';

export type Position = [number, number];
export type Ring = Position[];
/** Rings of one polygon: the outer ring first, then its holes. */
export type PolygonRings = Ring[];

export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: PolygonRings[];
}

export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: PolygonRings;
}

export interface LineStringGeometry {
  type: 'LineString';
  coordinates: Position[];
}

/** [west, south, east, north] */
export type BoundingBox = [number, number, number, number];

const EARTH_RADIUS_METRES = 6_371_008.8;
const DEGREE_METRES = (Math.PI / 180) * EARTH_RADIUS_METRES;

/** Degrees ↔ metres on a plane touching the earth at `latitude`. */
export interface LocalPlane {
  /** Metres east and north of the origin. */
  toMetres(position: readonly number[]): Position;
  toDegrees(x: number, y: number): Position;
}

export function localPlane(origin: readonly number[]): LocalPlane {
  const [lon0, lat0] = [origin[0]!, origin[1]!];
  const scaleX = DEGREE_METRES * Math.cos((lat0 * Math.PI) / 180);
  return {
    toMetres: (position) => [(position[0]! - lon0) * scaleX, (position[1]! - lat0) * DEGREE_METRES],
    toDegrees: (x, y) => [lon0 + x / scaleX, lat0 + y / DEGREE_METRES],
  };
}

export function emptyMultiPolygon(): MultiPolygonGeometry {
  return { type: 'MultiPolygon', coordinates: [] };
}

export function asMultiPolygon(geometry: MultiPolygonGeometry | PolygonGeometry): MultiPolygonGeometry {
  return geometry.type === 'Polygon' ? { type: 'MultiPolygon', coordinates: [geometry.coordinates] } : geometry;
}

export function boundingBoxOf(geometry: MultiPolygonGeometry): BoundingBox {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const rings of geometry.coordinates) {
    for (const [x, y] of rings[0] ?? []) {
      if (x < west) west = x;
      if (x > east) east = x;
      if (y < south) south = y;
      if (y > north) north = y;
    }
  }
  return [west, south, east, north];
}

export function boxesOverlap(a: BoundingBox, b: BoundingBox, margin = 0): boolean {
  return a[0] <= b[2] + margin && b[0] <= a[2] + margin && a[1] <= b[3] + margin && b[1] <= a[3] + margin;
}

export function boxContains(box: BoundingBox, position: readonly number[], margin = 0): boolean {
  const [x, y] = [position[0]!, position[1]!];
  return x >= box[0] - margin && x <= box[2] + margin && y >= box[1] - margin && y <= box[3] + margin;
}

/** The middle of a box, a fine origin for a local plane. */
export function centreOf(box: BoundingBox): Position {
  return [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
}

/** Twice the signed area of a ring in the ring's own units (positive: counter-clockwise). */
export function signedRingArea2(ring: readonly (readonly number[])[]): number {
  let area = 0;
  for (let index = 0; index < ring.length - 1; index++) {
    const a = ring[index]!;
    const b = ring[index + 1]!;
    area += a[0]! * b[1]! - b[0]! * a[1]!;
  }
  return area;
}

function ringLengthMetres(ring: readonly (readonly number[])[], plane: LocalPlane): number {
  let length = 0;
  let previous = plane.toMetres(ring[0]!);
  for (let index = 1; index < ring.length; index++) {
    const current = plane.toMetres(ring[index]!);
    length += Math.hypot(current[0] - previous[0], current[1] - previous[1]);
    previous = current;
  }
  return length;
}

function ringAreaMetres(ring: readonly (readonly number[])[], plane: LocalPlane): number {
  return Math.abs(signedRingArea2(ring.map((position) => plane.toMetres(position)))) / 2;
}

/** Area in square metres (holes taken out). */
export function areaSquareMetres(geometry: MultiPolygonGeometry, plane: LocalPlane): number {
  let area = 0;
  for (const rings of geometry.coordinates) {
    rings.forEach((ring, index) => {
      const ringArea = ringAreaMetres(ring, plane);
      area += index === 0 ? ringArea : -ringArea;
    });
  }
  return area;
}

/** Length of every ring, outer and holes, in metres. */
export function perimeterMetres(geometry: MultiPolygonGeometry, plane: LocalPlane): number {
  let length = 0;
  for (const rings of geometry.coordinates) for (const ring of rings) length += ringLengthMetres(ring, plane);
  return length;
}

/**
 * Polsby–Popper compactness, 4πA/P²: 1 for a circle, about 0.785 for a
 * square, towards 0 for a long thin shape.
 */
export function polsbyPopper(area: number, perimeter: number): number {
  return perimeter > 0 ? (4 * Math.PI * area) / (perimeter * perimeter) : 0;
}

/** Mean width of a shape, 2A/P, in metres: a strip 2 m wide and 100 m long has about 2. */
export function meanWidth(area: number, perimeter: number): number {
  return perimeter > 0 ? (2 * area) / perimeter : 0;
}

function pointInRing(x: number, y: number, ring: readonly (readonly number[])[]): boolean {
  let inside = false;
  for (let index = 0, previous = ring.length - 1; index < ring.length; previous = index++) {
    const xi = ring[index]![0]!;
    const yi = ring[index]![1]!;
    const xj = ring[previous]![0]!;
    const yj = ring[previous]![1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a point lies inside a multipolygon (on the boundary counts as either; callers measure that separately). */
export function pointInMultiPolygon(position: readonly number[], geometry: MultiPolygonGeometry): boolean {
  const [x, y] = [position[0]!, position[1]!];
  for (const rings of geometry.coordinates) {
    if (!rings[0] || !pointInRing(x, y, rings[0])) continue;
    if (rings.slice(1).some((hole) => pointInRing(x, y, hole))) continue;
    return true;
  }
  return false;
}

/**
 * A fast "is this point inside?" for one shape asked many times: ring edges
 * are sorted into horizontal bands, so each question looks only at the edges
 * its band crosses instead of every edge. Same answers as pointInMultiPolygon.
 */
export function pointLocator(geometry: MultiPolygonGeometry, bands = 64): (position: readonly number[]) => boolean {
  const box = boundingBoxOf(geometry);
  const height = box[3] - box[1] || 1;
  const edges: number[][] = Array.from({ length: bands }, () => []);
  // Per band: flat [x1, y1, x2, y2, polygonIndex, isHole] tuples.
  geometry.coordinates.forEach((rings, polygonIndex) => {
    rings.forEach((ring, ringIndex) => {
      for (let index = 0; index + 1 < ring.length; index++) {
        const [x1, y1] = ring[index]!;
        const [x2, y2] = ring[index + 1]!;
        const first = Math.max(0, Math.floor(((Math.min(y1, y2) - box[1]) / height) * bands));
        const last = Math.min(bands - 1, Math.floor(((Math.max(y1, y2) - box[1]) / height) * bands));
        for (let band = first; band <= last; band++) edges[band]!.push(x1, y1, x2, y2, polygonIndex, ringIndex === 0 ? 0 : 1);
      }
    });
  });
  const polygons = geometry.coordinates.length;
  return (position) => {
    const [x, y] = [position[0]!, position[1]!];
    if (x < box[0] || x > box[2] || y < box[1] || y > box[3]) return false;
    const band = edges[Math.min(bands - 1, Math.floor(((y - box[1]) / height) * bands))]!;
    const outer = new Uint8Array(polygons);
    const hole = new Uint8Array(polygons);
    for (let index = 0; index < band.length; index += 6) {
      const x1 = band[index]!;
      const y1 = band[index + 1]!;
      const x2 = band[index + 2]!;
      const y2 = band[index + 3]!;
      if (y1 > y !== y2 > y && x < ((x2 - x1) * (y - y1)) / (y2 - y1) + x1) {
        const polygon = band[index + 4]!;
        const flags = band[index + 5] ? hole : outer;
        flags[polygon] = flags[polygon]! ^ 1;
      }
    }
    for (let polygon = 0; polygon < polygons; polygon++) if (outer[polygon] && !hole[polygon]) return true;
    return false;
  };
}

/** Every ring of a multipolygon in metres, flat [x0, y0, x1, y1, …], for repeated distance queries. */
export function projectRings(geometry: MultiPolygonGeometry, plane: LocalPlane): Float64Array[] {
  const rings: Float64Array[] = [];
  for (const polygonRings of geometry.coordinates) {
    for (const ring of polygonRings) {
      const flat = new Float64Array(ring.length * 2);
      ring.forEach((position, index) => {
        const [x, y] = plane.toMetres(position);
        flat[index * 2] = x;
        flat[index * 2 + 1] = y;
      });
      rings.push(flat);
    }
  }
  return rings;
}

/** Distance in metres from a point (metres) to the nearest edge of projected rings. */
export function distanceToRings(x: number, y: number, rings: readonly Float64Array[]): number {
  let best = Infinity;
  for (const ring of rings) {
    for (let index = 0; index + 3 < ring.length; index += 2) {
      const distance = distanceToSegment(x, y, ring[index]!, ring[index + 1]!, ring[index + 2]!, ring[index + 3]!);
      if (distance < best) best = distance;
    }
  }
  return best;
}

/** Distance in metres from a point to the nearest ring edge of a multipolygon. */
export function distanceToBoundaryMetres(position: readonly number[], geometry: MultiPolygonGeometry, plane: LocalPlane): number {
  const [x, y] = plane.toMetres(position);
  return distanceToRings(x, y, projectRings(geometry, plane));
}

export function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / lengthSquared)) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Coordinates rounded to 1e-7° (about a centimetre), as the server stores and returns them. */
export const COORDINATE_DECIMALS = 7;
const SCALE = 10 ** COORDINATE_DECIMALS;

export function roundPosition(position: readonly number[]): Position {
  return [Math.round(position[0]! * SCALE) / SCALE, Math.round(position[1]! * SCALE) / SCALE];
}

/**
 * The same shape, tidied: coordinates rounded, repeated points dropped, rings
 * closed, outer rings counter-clockwise and holes clockwise (RFC 7946), and
 * rings too small to enclose anything removed.
 */
export function normaliseMultiPolygon(geometry: MultiPolygonGeometry): MultiPolygonGeometry {
  const polygons: PolygonRings[] = [];
  for (const rings of geometry.coordinates) {
    const tidy: PolygonRings = [];
    rings.forEach((ring, index) => {
      const points: Ring = [];
      for (const position of ring) {
        const rounded = roundPosition(position);
        const last = points.at(-1);
        if (!last || last[0] !== rounded[0] || last[1] !== rounded[1]) points.push(rounded);
      }
      const first = points[0];
      const last = points.at(-1);
      if (first && last && (first[0] !== last[0] || first[1] !== last[1])) points.push([first[0], first[1]]);
      removeSpikes(points);
      if (points.length < 4) return;
      const area = signedRingArea2(points);
      if (area === 0) return;
      const wantCounterClockwise = index === 0;
      if (area > 0 !== wantCounterClockwise) points.reverse();
      if (index > 0 && tidy.length === 0) return; // a hole whose shell vanished
      tidy.push(points);
    });
    if (tidy.length > 0) polygons.push(tidy);
  }
  return { type: 'MultiPolygon', coordinates: polygons };
}

/** Drops spikes (a → b → a) that rounding leaves where a hair-thin piece collapsed; `ring` is closed. */
function removeSpikes(ring: Ring): void {
  let changed = true;
  while (changed && ring.length >= 4) {
    changed = false;
    const open = ring.slice(0, -1);
    for (let index = 0; index < open.length; index++) {
      const before = open[(index - 1 + open.length) % open.length]!;
      const after = open[(index + 1) % open.length]!;
      if (before[0] === after[0] && before[1] === after[1]) {
        // Remove the spike tip and one copy of the point it came back to.
        const drop = [index, (index + 1) % open.length].sort((a, b) => b - a);
        for (const at of drop) open.splice(at, 1);
        ring.length = 0;
        ring.push(...open, ...(open.length > 0 ? [[open[0]![0], open[0]![1]] as Position] : []));
        changed = true;
        break;
      }
    }
  }
}

type Coordinates = PolygonRings[];

function fromTurf(result: { geometry: { type: string; coordinates: unknown } } | null): MultiPolygonGeometry {
  if (!result) return emptyMultiPolygon();
  const { type, coordinates } = result.geometry;
  if (type === 'Polygon') return normaliseMultiPolygon({ type: 'MultiPolygon', coordinates: [coordinates as PolygonRings] });
  if (type === 'MultiPolygon') return normaliseMultiPolygon({ type: 'MultiPolygon', coordinates: coordinates as Coordinates });
  return emptyMultiPolygon();
}

const asFeature = (geometry: MultiPolygonGeometry) => multiPolygon(geometry.coordinates as never);

export function isEmpty(geometry: MultiPolygonGeometry): boolean {
  return geometry.coordinates.length === 0;
}

export function intersection(a: MultiPolygonGeometry, b: MultiPolygonGeometry): MultiPolygonGeometry {
  if (isEmpty(a) || isEmpty(b) || !boxesOverlap(boundingBoxOf(a), boundingBoxOf(b))) return emptyMultiPolygon();
  return fromTurf(intersect(featureCollection([asFeature(a), asFeature(b)])));
}

export function subtract(a: MultiPolygonGeometry, b: MultiPolygonGeometry): MultiPolygonGeometry {
  if (isEmpty(a)) return emptyMultiPolygon();
  if (isEmpty(b) || !boxesOverlap(boundingBoxOf(a), boundingBoxOf(b))) return normaliseMultiPolygon(a);
  return fromTurf(difference(featureCollection([asFeature(a), asFeature(b)])));
}

export function unite(geometries: readonly MultiPolygonGeometry[]): MultiPolygonGeometry {
  const present = geometries.filter((geometry) => !isEmpty(geometry));
  if (present.length === 0) return emptyMultiPolygon();
  if (present.length === 1) return normaliseMultiPolygon(present[0]!);
  return fromTurf(union(featureCollection(present.map(asFeature))));
}

/** The part of a shape inside a box: cheap, so expensive operations can work on a small piece. */
export function clipToBox(geometry: MultiPolygonGeometry, box: BoundingBox): MultiPolygonGeometry {
  if (!boxesOverlap(boundingBoxOf(geometry), box)) return emptyMultiPolygon();
  const clipped = bboxClip(asFeature(geometry), box);
  return fromTurf(clipped as never);
}

export function boxPolygon(box: BoundingBox): MultiPolygonGeometry {
  const [west, south, east, north] = box;
  return {
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [west, south],
          [east, south],
          [east, north],
          [west, north],
          [west, south],
        ],
      ],
    ],
  };
}

/** Each part of a multipolygon as a multipolygon of its own. */
export function partsOf(geometry: MultiPolygonGeometry): MultiPolygonGeometry[] {
  return geometry.coordinates.map((rings) => ({ type: 'MultiPolygon', coordinates: [rings] }));
}

/** A point inside the shape (not on its edge), for labels and for placing a check on the map. */
export function interiorPoint(geometry: MultiPolygonGeometry): Position | null {
  let best: { position: Position; score: number } | null = null;
  for (const rings of geometry.coordinates) {
    const outer = rings[0];
    if (!outer) continue;
    const box = boundingBoxOf({ type: 'MultiPolygon', coordinates: [rings] });
    // Scan a few horizontal lines; take the middle of the widest inside stretch.
    for (let step = 1; step <= 7; step++) {
      const y = box[1] + ((box[3] - box[1]) * step) / 8;
      const crossings: number[] = [];
      for (const ring of rings) {
        for (let index = 0; index < ring.length - 1; index++) {
          const [x1, y1] = ring[index]!;
          const [x2, y2] = ring[index + 1]!;
          if (y1 > y !== y2 > y) crossings.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
        }
      }
      crossings.sort((a, b) => a - b);
      for (let index = 0; index + 1 < crossings.length; index += 2) {
        const width = crossings[index + 1]! - crossings[index]!;
        if (!best || width > best.score) best = { position: [(crossings[index]! + crossings[index + 1]!) / 2, y], score: width };
      }
    }
  }
  return best?.position ?? null;
}
