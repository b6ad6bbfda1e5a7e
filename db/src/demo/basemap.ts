/**
 * The demo's own basemap, so the map needs no internet: the Yangtze and its
 * tributaries, roads from expressways to village roads, and settlements (the
 * city's and towns' built-up areas, and named places down to hamlets).
 * Geometry is in local metres here; generate.ts converts it to WGS-84.
 */
import type { Landscape, River, Vector } from './landscape.ts';
import { smoothLine } from './landscape.ts';
import type { Random } from './random.ts';

export type LocalGeometry =
  | { type: 'Point'; coordinates: Vector }
  | { type: 'LineString'; coordinates: Vector[] }
  | { type: 'Polygon'; coordinates: Vector[][] };

export interface LocalFeature {
  layer: 'river' | 'road' | 'settlement';
  kind: string;
  name: string | null;
  geometry: LocalGeometry;
}

/** A band of the given half width around a line, as a polygon ring. */
export function bandPolygon(line: Vector[], halfWidth: (index: number) => number): Vector[] {
  const left: Vector[] = [];
  const right: Vector[] = [];
  for (let index = 0; index < line.length; index++) {
    const previous = line[Math.max(0, index - 1)]!;
    const next = line[Math.min(line.length - 1, index + 1)]!;
    const dx = next.x - previous.x;
    const dy = next.y - previous.y;
    const length = Math.hypot(dx, dy) || 1;
    const nx = -dy / length;
    const ny = dx / length;
    const width = halfWidth(index);
    const point = line[index]!;
    left.push({ x: point.x + nx * width, y: point.y + ny * width });
    right.push({ x: point.x - nx * width, y: point.y - ny * width });
  }
  const ring = [...left, ...right.reverse()];
  ring.push(ring[0]!);
  return ring;
}

/** Midpoint displacement: a line from a to b that wanders like a road or stream. */
export function wanderingLine(a: Vector, b: Vector, random: Random, roughness = 0.12, depth = 5): Vector[] {
  let points = [a, b];
  let amplitude = roughness;
  for (let level = 0; level < depth; level++) {
    const next: Vector[] = [points[0]!];
    for (let index = 1; index < points.length; index++) {
      const start = points[index - 1]!;
      const end = points[index]!;
      const length = Math.hypot(end.x - start.x, end.y - start.y);
      const offset = random.range(-1, 1) * amplitude * length;
      const nx = -(end.y - start.y) / (length || 1);
      const ny = (end.x - start.x) / (length || 1);
      next.push({ x: (start.x + end.x) / 2 + nx * offset, y: (start.y + end.y) / 2 + ny * offset }, end);
    }
    points = next;
    amplitude *= 0.62;
  }
  return smoothLine(points, 60);
}

/** Keeps the parts of a line near or inside the district, as separate lines. */
function clipToDistrict(line: Vector[], landscape: Landscape, reach = 1500): Vector[][] {
  const parts: Vector[][] = [];
  let current: Vector[] = [];
  for (const point of line) {
    if (landscape.depth(point.x, point.y) > -reach) current.push(point);
    else if (current.length > 0) {
      if (current.length > 1) parts.push(current);
      current = [];
    }
  }
  if (current.length > 1) parts.push(current);
  return parts;
}

const TRIBUTARIES = ['苎溪河', '瀼渡河', '五桥河', '磨刀溪', '石桥河', '汝溪河', '泥溪河'];

export function riverFeatures(landscape: Landscape, river: River, random: Random): LocalFeature[] {
  const features: LocalFeature[] = [];
  const reach = 9000;
  const kept = river.centre
    .map((point, index) => ({ point, index }))
    .filter(({ point }) => landscape.depth(point.x, point.y) > -reach);
  const line = kept.map(({ point }) => point);
  features.push({
    layer: 'river',
    kind: 'major',
    name: '长江',
    geometry: { type: 'Polygon', coordinates: [bandPolygon(line, (index) => river.halfWidth[kept[index]!.index]!)] },
  });
  const [minX, minY, maxX, maxY] = landscape.bounds;
  for (const name of TRIBUTARIES) {
    let source: Vector | null = null;
    for (let attempt = 0; attempt < 200 && !source; attempt++) {
      const candidate = { x: random.range(minX, maxX), y: random.range(minY, maxY) };
      const distance = river.nearest(candidate.x, candidate.y).distance;
      if (landscape.depth(candidate.x, candidate.y) > 1500 && distance > 7000 && distance < 22000) source = candidate;
    }
    if (!source) continue;
    const mouth = river.centre[river.nearest(source.x, source.y).index]!;
    const course = wanderingLine(source, mouth, random, 0.18, 6);
    const halfWidth = random.range(18, 35);
    features.push({
      layer: 'river',
      kind: 'minor',
      name,
      geometry: {
        type: 'Polygon',
        coordinates: [bandPolygon(course, (index) => halfWidth * (0.5 + (0.5 * index) / course.length))],
      },
    });
  }
  return features;
}

export interface RoadNode {
  name: string;
  point: Vector;
  kind: 'city' | 'town';
}

/** Expressways across the district, trunk roads between town centres, village roads, city streets. */
export function roadFeatures(
  landscape: Landscape,
  towns: RoadNode[],
  villages: { point: Vector; town: Vector }[],
  cityStreets: string[],
  random: Random,
): LocalFeature[] {
  const features: LocalFeature[] = [];
  const core = landscape.core.centre;
  const [minX, minY, maxX, maxY] = landscape.bounds;
  const push = (kind: string, name: string | null, line: Vector[]) => {
    for (const part of clipToDistrict(line, landscape))
      features.push({ layer: 'road', kind, name, geometry: { type: 'LineString', coordinates: part } });
  };

  // Two expressways crossing near the city.
  push(
    'expressway',
    'G42沪蓉高速',
    wanderingLine({ x: minX - 3000, y: core.y - 14000 }, { x: core.x + 2500, y: core.y + 4200 }, random, 0.06),
  );
  push(
    'expressway',
    'G42沪蓉高速',
    wanderingLine({ x: core.x + 2500, y: core.y + 4200 }, { x: maxX + 3000, y: core.y + 9000 }, random, 0.06),
  );
  push(
    'expressway',
    'G5012恩广高速',
    wanderingLine({ x: core.x - 6000, y: maxY + 3000 }, { x: core.x - 3000, y: core.y + 3500 }, random, 0.06),
  );
  push(
    'expressway',
    'G5012恩广高速',
    wanderingLine({ x: core.x - 3000, y: core.y + 3500 }, { x: core.x + 9000, y: minY - 3000 }, random, 0.06),
  );

  // Trunk roads: a minimum spanning tree over town centres plus a few short links.
  const nodes = towns;
  const inTree = new Set<number>([nodes.findIndex((node) => node.kind === 'city')]);
  const edges: [number, number][] = [];
  while (inTree.size < nodes.length) {
    let best: [number, number] | null = null;
    let bestLength = Infinity;
    for (const from of inTree) {
      nodes.forEach((node, to) => {
        if (inTree.has(to)) return;
        const length = Math.hypot(node.point.x - nodes[from]!.point.x, node.point.y - nodes[from]!.point.y);
        if (length < bestLength) {
          bestLength = length;
          best = [from, to];
        }
      });
    }
    edges.push(best!);
    inTree.add(best![1]);
  }
  const linked = new Set(edges.map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`));
  nodes.forEach((node, from) => {
    const nearest = nodes
      .map((other, to) => ({ to, length: Math.hypot(other.point.x - node.point.x, other.point.y - node.point.y) }))
      .filter(({ to }) => to !== from)
      .sort((a, b) => a.length - b.length)[1];
    if (nearest && nearest.length < 16000) {
      const key = `${Math.min(from, nearest.to)}-${Math.max(from, nearest.to)}`;
      if (!linked.has(key)) {
        linked.add(key);
        edges.push([from, nearest.to]);
      }
    }
  });
  let provincialNumber = 102;
  let nationalIndex = 0;
  const nationalNames = ['G318', 'G211', 'G350', 'G243'];
  for (const [from, to] of edges) {
    const touchesCity = nodes[from]!.kind === 'city' || nodes[to]!.kind === 'city';
    const kind = touchesCity ? 'national' : 'provincial';
    const name = touchesCity ? nationalNames[nationalIndex++ % nationalNames.length]! : `S${provincialNumber++}`;
    push(kind, name, wanderingLine(nodes[from]!.point, nodes[to]!.point, random, 0.1));
  }

  // Village roads to each village centre from its town centre.
  let countyNumber = 201;
  for (const village of villages) {
    if (Math.hypot(village.point.x - village.town.x, village.point.y - village.town.y) < 300) continue;
    push('county', `X${countyNumber++}`, wanderingLine(village.town, village.point, random, 0.16, 4));
  }

  // City streets: a loose grid along and across the river, broken where it meets the water (but three bridges).
  const { along, semiAlong, semiAcross } = landscape.core;
  const across = { x: -along.y, y: along.x };
  const streetNames = [...cityStreets];
  const nextName = () => streetNames.shift() ?? null;
  const bridges = new Set([-2, 1, 4]);
  const addStreet = (start: Vector, direction: Vector, length: number, bridgeAllowed: boolean) => {
    const points: Vector[] = [];
    const samples = Math.ceil(length / 80);
    let current: Vector[] = [];
    const name = nextName();
    for (let sample = 0; sample <= samples; sample++) {
      const t = sample * 80 - length / 2;
      const wobble = 60 * Math.sin(sample / 5 + start.x / 997);
      const point = { x: start.x + direction.x * t + direction.y * wobble, y: start.y + direction.y * t - direction.x * wobble };
      const urban = landscape.core.urbanness(point.x, point.y) > 0.05 && landscape.inside(point.x, point.y);
      const wet = landscape.river.inWater(point.x, point.y);
      if (urban && (!wet || bridgeAllowed)) current.push(point);
      else if (current.length > 0) {
        if (current.length > 1)
          features.push({ layer: 'road', kind: 'urban', name, geometry: { type: 'LineString', coordinates: current } });
        current = [];
      }
      points.push(point);
    }
    if (current.length > 1)
      features.push({ layer: 'road', kind: 'urban', name, geometry: { type: 'LineString', coordinates: current } });
  };
  for (let offset = -semiAcross; offset <= semiAcross; offset += 550) {
    const start = { x: landscape.core.centre.x + across.x * offset, y: landscape.core.centre.y + across.y * offset };
    addStreet(start, along, semiAlong * 2, false);
  }
  for (let index = -Math.floor(semiAlong / 650); index <= Math.floor(semiAlong / 650); index++) {
    const start = { x: landscape.core.centre.x + along.x * index * 650, y: landscape.core.centre.y + along.y * index * 650 };
    addStreet(start, across, semiAcross * 2, bridges.has(index));
  }
  return features;
}
