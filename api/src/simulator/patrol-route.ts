/**
 * Plausible patrol routes inside a grid: a walk through random waypoints
 * inside the grid's polygon (a worker crosses their grid along its lanes and
 * back, not along a straight line to the next grid), at a walking pace, with
 * the jitter a phone's GPS adds. Pure: the randomness comes in as a function.
 */

export type Position = [number, number];
export type Ring = Position[];
/** GeoJSON MultiPolygon coordinates: polygons of rings, the first ring the outer one. */
export type MultiPolygonCoordinates = Ring[][];

export type Random = () => number;

/** A seeded generator (mulberry32), so a simulation can be run again the same way. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function insideRing([x, y]: Position, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function insideMultiPolygon(point: Position, polygons: MultiPolygonCoordinates): boolean {
  return polygons.some(
    ([outer, ...holes]) => outer !== undefined && insideRing(point, outer) && !holes.some((hole) => insideRing(point, hole)),
  );
}

export function boundsOf(polygons: MultiPolygonCoordinates): [number, number, number, number] {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const polygon of polygons)
    for (const [lon, lat] of polygon[0] ?? []) {
      west = Math.min(west, lon);
      east = Math.max(east, lon);
      south = Math.min(south, lat);
      north = Math.max(north, lat);
    }
  return [west, south, east, north];
}

/** A point inside the polygons (rejection sampling in the bounding box; the centre of the box as a last resort). */
export function randomPointInside(polygons: MultiPolygonCoordinates, random: Random): Position {
  const [west, south, east, north] = boundsOf(polygons);
  for (let attempt = 0; attempt < 200; attempt++) {
    const point: Position = [west + random() * (east - west), south + random() * (north - south)];
    if (insideMultiPolygon(point, polygons)) return point;
  }
  return [(west + east) / 2, (south + north) / 2];
}

const METRES_PER_DEGREE = 111_320;

export function metresBetween([lonA, latA]: Position, [lonB, latB]: Position): number {
  const x = (lonB - lonA) * METRES_PER_DEGREE * Math.cos((((latA + latB) / 2) * Math.PI) / 180);
  const y = (latB - latA) * METRES_PER_DEGREE;
  return Math.hypot(x, y);
}

/**
 * A worker walking from waypoint to waypoint inside the grid, choosing the
 * next one when they reach the last. Waypoints are chosen so each leg stays
 * inside the grid, so the track does not cut across a neighbouring grid.
 */
export class PatrolWalk {
  private position: Position;
  private target: Position;

  constructor(
    private readonly grid: MultiPolygonCoordinates,
    private readonly random: Random,
    /** Metres per second: 1.1–1.6 on foot, around 4 on an e-bike. */
    readonly speed = 1.2 + random() * 0.4,
  ) {
    this.position = randomPointInside(grid, random);
    this.target = this.nextTarget();
  }

  get here(): Position {
    return this.position;
  }

  private nextTarget(): Position {
    for (let attempt = 0; attempt < 40; attempt++) {
      const candidate = randomPointInside(this.grid, this.random);
      if (this.legInside(candidate)) return candidate;
    }
    // A grid of odd shape: stay near where the worker is.
    return this.position;
  }

  /** Whether the straight leg to `target` stays inside the grid (checked every few metres). */
  private legInside(target: Position): boolean {
    const steps = Math.max(2, Math.ceil(metresBetween(this.position, target) / 5));
    for (let step = 1; step < steps; step++) {
      const fraction = step / steps;
      const point: Position = [
        this.position[0] + (target[0] - this.position[0]) * fraction,
        this.position[1] + (target[1] - this.position[1]) * fraction,
      ];
      if (!insideMultiPolygon(point, this.grid)) return false;
    }
    return true;
  }

  /** Walks for `seconds`; returns where the worker is then. */
  advance(seconds: number): Position {
    let left = this.speed * seconds;
    while (left > 0) {
      const distance = metresBetween(this.position, this.target);
      if (distance <= left) {
        this.position = this.target;
        left -= distance;
        this.target = this.nextTarget();
        if (distance === 0) break;
      } else {
        const fraction = left / distance;
        this.position = [
          this.position[0] + (this.target[0] - this.position[0]) * fraction,
          this.position[1] + (this.target[1] - this.position[1]) * fraction,
        ];
        left = 0;
      }
    }
    return this.position;
  }

  /** What a phone reports: the position with a few metres of GPS error, and the accuracy it claims. */
  fix(): { position: Position; accuracy: number } {
    const accuracy = 4 + this.random() * 12;
    const angle = this.random() * 2 * Math.PI;
    const error = this.random() * accuracy * 0.6;
    const [lon, lat] = this.position;
    return {
      position: [
        lon + (Math.cos(angle) * error) / (METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180)),
        lat + (Math.sin(angle) * error) / METRES_PER_DEGREE,
      ],
      accuracy: Math.round(accuracy * 10) / 10,
    };
  }
}
