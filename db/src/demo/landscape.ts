/**
 * The shape of the land, in local metres: the district outline, the Yangtze
 * running south-west to north-east through it, the city on both banks, and the
 * places where towns have their centres.
 */
import type { Random } from './random.ts';

export interface Vector {
  x: number;
  y: number;
}

export interface Landscape {
  /** Is the point inside the district? */
  inside(x: number, y: number): boolean;
  /** Distance in metres from the point to the district edge, positive inside. */
  depth(x: number, y: number): number;
  /** Bounding box of the district: [minX, minY, maxX, maxY]. */
  bounds: [number, number, number, number];
  river: River;
  core: UrbanCore;
}

export interface River {
  /** Centre line, sampled every ~100 m, from upstream (south-west) to downstream. */
  centre: Vector[];
  /** Half width at each centre-line sample. */
  halfWidth: number[];
  /** Is the point in the water? */
  inWater(x: number, y: number): boolean;
  /** Distance to the centre line and the index of the nearest sample. */
  nearest(x: number, y: number): { distance: number; index: number };
}

export interface UrbanCore {
  centre: Vector;
  /** Unit vector along the river at the core. */
  along: Vector;
  /** Semi-axes of the built-up ellipse, metres: along the river and across it. */
  semiAlong: number;
  semiAcross: number;
  /** 0 at the ellipse's edge, 1 at its centre; negative outside. */
  urbanness(x: number, y: number): number;
}

const DISTRICT_CENTRE: Vector = { x: 0, y: -2500 };

function catmullRom(points: Vector[], step: number): Vector[] {
  const result: Vector[] = [];
  for (let index = 0; index < points.length - 1; index++) {
    const p0 = points[Math.max(0, index - 1)]!;
    const p1 = points[index]!;
    const p2 = points[index + 1]!;
    const p3 = points[Math.min(points.length - 1, index + 2)]!;
    const length = Math.hypot(p2.x - p1.x, p2.y - p1.y);
    const samples = Math.max(2, Math.ceil(length / step));
    for (let sample = 0; sample < samples; sample++) {
      const t = sample / samples;
      const t2 = t * t;
      const t3 = t2 * t;
      const blend = (a: number, b: number, c: number, d: number) =>
        0.5 * (2 * b + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (-a + 3 * b - 3 * c + d) * t3);
      result.push({ x: blend(p0.x, p1.x, p2.x, p3.x), y: blend(p0.y, p1.y, p2.y, p3.y) });
    }
  }
  result.push(points.at(-1)!);
  return result;
}

/** A smooth line through control points (metres), sampled every `step` metres. */
export function smoothLine(points: Vector[], step = 100): Vector[] {
  return catmullRom(points, step);
}

export function buildLandscape(random: Random): Landscape {
  // District outline: an ellipse (38 × 29 km semi-axes, ≈ 3,460 km² like 万州's
  // 3,457 km²) with a ragged edge from a few random harmonics.
  const harmonics = Array.from({ length: 9 }, (_, index) => ({
    k: index + 2,
    amplitude: 0.075 / Math.pow(index + 2, 0.75),
    phase: random.range(0, Math.PI * 2),
  }));
  const semiX = 38_000;
  const semiY = 29_000;
  const rotation = (-18 * Math.PI) / 180;
  const radiusAt = (angle: number) => {
    const local = angle - rotation;
    const base = (semiX * semiY) / Math.hypot(semiY * Math.cos(local), semiX * Math.sin(local));
    let factor = 1;
    for (const harmonic of harmonics) factor += harmonic.amplitude * Math.sin(harmonic.k * angle + harmonic.phase);
    return base * factor;
  };
  const depth = (x: number, y: number) => {
    const dx = x - DISTRICT_CENTRE.x;
    const dy = y - DISTRICT_CENTRE.y;
    return radiusAt(Math.atan2(dy, dx)) - Math.hypot(dx, dy);
  };
  let maxRadius = 0;
  for (let step = 0; step < 720; step++) maxRadius = Math.max(maxRadius, radiusAt((step / 720) * Math.PI * 2));
  const bounds: [number, number, number, number] = [
    DISTRICT_CENTRE.x - maxRadius,
    DISTRICT_CENTRE.y - maxRadius,
    DISTRICT_CENTRE.x + maxRadius,
    DISTRICT_CENTRE.y + maxRadius,
  ];

  // The Yangtze: enters in the south-west, bends through the city, leaves east.
  const control: Vector[] = [
    [-60, -33],
    [-46, -25],
    [-33, -19],
    [-22, -14],
    [-13, -7.5],
    [-6, -2.5],
    [-1.5, 0.2],
    [3, 2.6],
    [9, 5.4],
    [17, 6.2],
    [26, 3.2],
    [36, 4.6],
    [50, 1.2],
    [62, -1],
  ].map(([x, y]) => ({ x: x! * 1000 + random.range(-500, 500), y: y! * 1000 + random.range(-500, 500) }));
  const centre = catmullRom(control, 100);
  const halfWidth = centre.map((_, index) => 420 + 160 * Math.sin(index / 37) + 90 * Math.sin(index / 11 + 1.3));
  // A coarse bucket index over the centre line for nearest-sample queries.
  const bucketSize = 2000;
  const buckets = new Map<string, number[]>();
  centre.forEach((point, index) => {
    const key = `${Math.floor(point.x / bucketSize)},${Math.floor(point.y / bucketSize)}`;
    const list = buckets.get(key) ?? [];
    list.push(index);
    buckets.set(key, list);
  });
  const nearest = (x: number, y: number) => {
    const bx = Math.floor(x / bucketSize);
    const by = Math.floor(y / bucketSize);
    let best = { distance: Infinity, index: 0 };
    for (let radius = 0; radius < 60 && (best.distance === Infinity || (radius - 1) * bucketSize < best.distance); radius++) {
      for (let dx = -radius; dx <= radius; dx++) {
        for (let dy = -radius; dy <= radius; dy++) {
          if (Math.max(Math.abs(dx), Math.abs(dy)) !== radius) continue;
          for (const index of buckets.get(`${bx + dx},${by + dy}`) ?? []) {
            const point = centre[index]!;
            const distance = Math.hypot(point.x - x, point.y - y);
            if (distance < best.distance) best = { distance, index };
          }
        }
      }
    }
    return best;
  };
  const river: River = {
    centre,
    halfWidth,
    nearest,
    inWater: (x, y) => {
      const { distance, index } = nearest(x, y);
      return distance < halfWidth[index]!;
    },
  };

  // The city: an ellipse along the river around the bend near the origin.
  const coreIndex = nearest(-1500, 300).index;
  const before = centre[Math.max(0, coreIndex - 20)]!;
  const after = centre[Math.min(centre.length - 1, coreIndex + 20)]!;
  const alongLength = Math.hypot(after.x - before.x, after.y - before.y);
  const along = { x: (after.x - before.x) / alongLength, y: (after.y - before.y) / alongLength };
  const coreCentre = centre[coreIndex]!;
  const semiAlong = 7000;
  const semiAcross = 3600;
  const core: UrbanCore = {
    centre: coreCentre,
    along,
    semiAlong,
    semiAcross,
    urbanness: (x, y) => {
      const dx = x - coreCentre.x;
      const dy = y - coreCentre.y;
      const u = (dx * along.x + dy * along.y) / semiAlong;
      const v = (-dx * along.y + dy * along.x) / semiAcross;
      return 1 - Math.hypot(u, v);
    },
  };

  return { inside: (x, y) => depth(x, y) > 0, depth, bounds, river, core };
}

/** A point in the core's frame: `along` metres down the river, `across` metres to its left bank (north-west). */
export function corePoint(core: UrbanCore, along: number, across: number): Vector {
  return {
    x: core.centre.x + along * core.along.x - across * core.along.y,
    y: core.centre.y + along * core.along.y + across * core.along.x,
  };
}
