/**
 * "Propose grids": splits a village into contiguous, compact grids of 300–500
 * households, following roads where it can, as a draft the planner adjusts.
 *
 * 1. Each building (buildings at the same spot count as one) gets its Voronoi
 *    cell; a ring of far-away guard points keeps every real cell closed, so
 *    neighbouring cells share their vertices exactly.
 * 2. Cells are neighbours when their shared Voronoi edge lies in the village;
 *    a neighbour pair whose buildings a road runs between is a "road edge".
 * 3. A building holding more households than the band's maximum is a grid of
 *    its own (flag `oversized_building`). The rest is partitioned by recursive
 *    bisection (shared/src/grid/partition.ts) twice: on single buildings, and
 *    on road blocks (buildings no road separates, kept whole while a block fits in one grid)
 *    — the better result wins: more grids in the band, then fewer metres of
 *    boundary off the roads.
 * 4. Each grid is the exact union of its cells (shared/src/geometry/cell-union.ts),
 *    clipped to the village boundary. A village under the band's minimum stays
 *    one grid (flag `small_village`).
 */
import { Delaunay } from 'd3-delaunay';
import { unionCells } from '../geometry/cell-union.ts';
import { DEFAULT_HOUSEHOLD_BAND, bandPosition, type HouseholdBand } from '../grid/household-band.ts';
import { partitionVillage, type PartitionFlag, type PartitionSite } from '../grid/partition.ts';
import {
  boundingBoxOf,
  centreOf,
  intersection,
  localPlane,
  normaliseMultiPolygon,
  partsOf,
  pointInMultiPolygon,
  pointLocator,
  unite,
  type MultiPolygonGeometry,
  type Position,
} from './planner-geometry.ts';
import type { PlannerBuilding, PlannerVillage } from './planner-types.ts';

export interface ProposeInput {
  village: PlannerVillage;
  buildings: readonly PlannerBuilding[];
  /** Road centre lines (WGS-84), each a list of positions. */
  roads?: readonly Position[][];
  band?: HouseholdBand;
}

export interface ProposedGrid {
  boundary: MultiPolygonGeometry;
  households: number;
  residents: number;
  buildingIds: number[];
  flag: PartitionFlag | null;
}

interface Site {
  /** Where the (first) building stands, WGS-84. */
  position: Position;
  x: number;
  y: number;
  households: number;
  residents: number;
  buildingIds: number[];
  largest: number;
}

interface Adjacency {
  neighbours: number[][];
  /** "a|b" (a < b) for neighbour pairs a road separates. */
  roadEdges: Set<string>;
  /** Length of the shared Voronoi edge of each neighbour pair, "a|b" → metres. */
  edgeLength: Map<string, number>;
}

/** Buildings closer than this share a grid. */
const CLUSTER_METRES = 3;

const pair = (a: number, b: number) => (a < b ? `${a}|${b}` : `${b}|${a}`);

function orientation(px: number, py: number, qx: number, qy: number, rx: number, ry: number): number {
  return Math.sign((qx - px) * (ry - py) - (qy - py) * (rx - px));
}

/** Whether segment a–b crosses segment c–d (boxes compared first: most pairs are far apart). */
function segmentsCross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  if (Math.max(ax, bx) < Math.min(cx, dx) || Math.max(cx, dx) < Math.min(ax, bx)) return false;
  if (Math.max(ay, by) < Math.min(cy, dy) || Math.max(cy, dy) < Math.min(ay, by)) return false;
  return (
    orientation(ax, ay, bx, by, cx, cy) * orientation(ax, ay, bx, by, dx, dy) < 0 &&
    orientation(cx, cy, dx, dy, ax, ay) * orientation(cx, cy, dx, dy, bx, by) < 0
  );
}

/** Whole village, one grid. */
function wholeVillage(village: PlannerVillage, buildings: readonly PlannerBuilding[], band: HouseholdBand): ProposedGrid[] {
  const households = buildings.reduce((sum, building) => sum + building.households, 0);
  const position = bandPosition(households, band);
  return [
    {
      boundary: normaliseMultiPolygon(village.boundary),
      households,
      residents: buildings.reduce((sum, building) => sum + building.residents, 0),
      buildingIds: buildings.map((building) => building.id),
      flag: position === 'below' ? 'small_village' : position === 'above' ? 'over_band' : null,
    },
  ];
}

export function proposeGrids(input: ProposeInput): ProposedGrid[] {
  const band = input.band ?? DEFAULT_HOUSEHOLD_BAND;
  const { village } = input;
  const villageBox = boundingBoxOf(village.boundary);
  const plane = localPlane(centreOf(villageBox));
  const total = input.buildings.reduce((sum, building) => sum + building.households, 0);

  // Sites: buildings, those at the same spot (within 5 cm) together.
  let sites: Site[] = [];
  const spot = new Map<string, number>();
  for (const building of input.buildings) {
    const [x, y] = plane.toMetres(building.position);
    const key = `${Math.round(x * 20)}:${Math.round(y * 20)}`;
    let index = spot.get(key);
    if (index === undefined) {
      index = sites.length;
      spot.set(key, index);
      sites.push({ position: building.position, x, y, households: 0, residents: 0, buildingIds: [], largest: 0 });
    }
    const site = sites[index]!;
    site.households += building.households;
    site.residents += building.residents;
    site.buildingIds.push(building.id);
    site.largest = Math.max(site.largest, building.households);
  }
  if (total < band.min || sites.length < 2) return wholeVillage(village, input.buildings, band);

  // Voronoi cells, closed by a ring of guard points far outside.
  const [west, south] = plane.toMetres([villageBox[0], villageBox[1]]);
  const [east, north] = plane.toMetres([villageBox[2], villageBox[3]]);
  const reach = Math.max(east - west, north - south) * 4 + 1000;
  const coordinates = new Float64Array((sites.length + 16) * 2);
  sites.forEach((site, index) => {
    coordinates[index * 2] = site.x;
    coordinates[index * 2 + 1] = site.y;
  });
  for (let guard = 0; guard < 16; guard++) {
    const angle = (guard / 16) * Math.PI * 2;
    coordinates[(sites.length + guard) * 2] = (west + east) / 2 + reach * Math.cos(angle);
    coordinates[(sites.length + guard) * 2 + 1] = (south + north) / 2 + reach * Math.sin(angle);
  }
  const delaunay = new Delaunay(coordinates);
  const { triangles, halfedges, inedges } = delaunay;
  const circumcenters = delaunay.voronoi([
    west - reach * 2,
    south - reach * 2,
    east + reach * 2,
    north + reach * 2,
  ]).circumcenters;
  const cells: (number[] | null)[] = sites.map((_, site) => {
    const ring: number[] = [];
    const start = inedges[site]!;
    if (start === -1) return null; // collinear input
    let edge = start;
    do {
      ring.push(Math.floor(edge / 3));
      edge = edge % 3 === 2 ? edge - 2 : edge + 1;
      if (triangles[edge] !== site) break;
      edge = halfedges[edge]!;
    } while (edge !== start && edge !== -1);
    return edge === -1 ? null : ring;
  });
  if (cells.some((cell) => cell === null)) return wholeVillage(village, input.buildings, band);
  const vertex = (id: number): [number, number] => [circumcenters[id * 2]!, circumcenters[id * 2 + 1]!];

  // Neighbours inside the village, and which of them a road separates.
  const roadSegments: number[][] = [];
  for (const road of input.roads ?? []) {
    for (let index = 0; index + 1 < road.length; index++) {
      const [ax, ay] = plane.toMetres(road[index]!);
      const [bx, by] = plane.toMetres(road[index + 1]!);
      if (Math.max(ax, bx) < west || Math.min(ax, bx) > east || Math.max(ay, by) < south || Math.min(ay, by) > north) continue;
      roadSegments.push([ax, ay, bx, by]);
    }
  }
  let adjacency: Adjacency = { neighbours: sites.map(() => []), roadEdges: new Set(), edgeLength: new Map() };
  const insideVillage = pointLocator(village.boundary);
  const cellEdges = new Map<string, number>();
  cells.forEach((ring, site) => {
    ring!.forEach((from, index) => cellEdges.set(`${from}>${ring![(index + 1) % ring!.length]}`, site));
  });
  cells.forEach((ring, site) => {
    ring!.forEach((from, index) => {
      const to = ring![(index + 1) % ring!.length]!;
      const other = cellEdges.get(`${to}>${from}`);
      if (other === undefined || other <= site || other >= sites.length) return;
      const [ax, ay] = vertex(from);
      const [bx, by] = vertex(to);
      const middle = plane.toDegrees((ax + bx) / 2, (ay + by) / 2);
      const between = plane.toDegrees((sites[site]!.x + sites[other]!.x) / 2, (sites[site]!.y + sites[other]!.y) / 2);
      if (!insideVillage(middle) && !insideVillage(between)) return;
      adjacency.neighbours[site]!.push(other);
      adjacency.neighbours[other]!.push(site);
      adjacency.edgeLength.set(pair(site, other), Math.hypot(bx - ax, by - ay));
      const s = sites[site]!;
      const o = sites[other]!;
      if (roadSegments.some(([cx, cy, dx, dy]) => segmentsCross(s.x, s.y, o.x, o.y, cx!, cy!, dx!, dy!))) {
        adjacency.roadEdges.add(pair(site, other));
      }
    });
  });

  // Buildings within a couple of metres of each other go to the same grid
  // (else the line between them would pass within a metre of both): clusters of
  // cells are what the partition moves. Each keeps its own cell for the shape.
  const clusterOf = sites.map((_, index) => index);
  const root = (index: number): number => {
    while (clusterOf[index] !== index) index = clusterOf[index] = clusterOf[clusterOf[index]!]!;
    return index;
  };
  adjacency.neighbours.forEach((around, site) => {
    for (const other of around) {
      if (Math.hypot(sites[site]!.x - sites[other]!.x, sites[site]!.y - sites[other]!.y) < CLUSTER_METRES)
        clusterOf[root(site)] = root(other);
    }
  });
  const clusterIndex = new Map<number, number>();
  const members: number[][] = [];
  sites.forEach((_, site) => {
    const top = root(site);
    if (!clusterIndex.has(top)) {
      clusterIndex.set(top, members.length);
      members.push([]);
    }
    members[clusterIndex.get(top)!]!.push(site);
  });
  if (members.length < sites.length) {
    const cellSites = sites;
    const cellAdjacency = adjacency;
    const clusterOfSite = sites.map((_, site) => clusterIndex.get(root(site))!);
    const clustered: Site[] = members.map((group) => {
      const households = group.reduce((sum, site) => sum + cellSites[site]!.households, 0);
      const share = (site: number) => (households > 0 ? cellSites[site]!.households / households : 1 / group.length);
      return {
        position: cellSites[group[0]!]!.position,
        x: group.reduce((sum, site) => sum + cellSites[site]!.x * share(site), 0),
        y: group.reduce((sum, site) => sum + cellSites[site]!.y * share(site), 0),
        households,
        residents: group.reduce((sum, site) => sum + cellSites[site]!.residents, 0),
        buildingIds: group.flatMap((site) => cellSites[site]!.buildingIds),
        largest: Math.max(...group.map((site) => cellSites[site]!.largest)),
      };
    });
    const clusteredAdjacency: Adjacency = { neighbours: members.map(() => []), roadEdges: new Set(), edgeLength: new Map() };
    for (const [key, length] of cellAdjacency.edgeLength) {
      const [a, b] = key.split('|').map(Number) as [number, number];
      const [ca, cb] = [clusterOfSite[a]!, clusterOfSite[b]!];
      if (ca === cb) continue;
      const clusterKey = pair(ca, cb);
      if (!clusteredAdjacency.edgeLength.has(clusterKey)) {
        clusteredAdjacency.neighbours[ca]!.push(cb);
        clusteredAdjacency.neighbours[cb]!.push(ca);
      }
      clusteredAdjacency.edgeLength.set(clusterKey, (clusteredAdjacency.edgeLength.get(clusterKey) ?? 0) + length);
      if (cellAdjacency.roadEdges.has(key)) clusteredAdjacency.roadEdges.add(clusterKey);
    }
    sites = clustered;
    adjacency = clusteredAdjacency;
  }

  // Groups of sites.
  const groups: { sites: number[]; flag: PartitionFlag | null }[] = [];
  const oversized = new Set(sites.flatMap((site, index) => (site.largest > band.max ? [index] : [])));
  for (const index of oversized) groups.push({ sites: [index], flag: 'oversized_building' });
  const rest = sites.map((_, index) => index).filter((index) => !oversized.has(index));
  for (const component of components(rest, adjacency.neighbours)) {
    const households = component.reduce((sum, index) => sum + sites[index]!.households, 0);
    if (households < band.min && groups.length > 0) {
      // A scrap cut off by oversized buildings joins the smallest group it touches.
      const touching = groups.filter((group) =>
        group.sites.some((index) => adjacency.neighbours[index]!.some((next) => component.includes(next))),
      );
      if (touching.length > 0) {
        const target = touching.reduce((best, group) =>
          householdsOf(group.sites, sites) < householdsOf(best.sites, sites) ? group : best,
        );
        target.sites.push(...component);
        continue;
      }
    }
    groups.push(...partitionComponent(component, sites, adjacency, band));
  }

  // Shapes: exact unions of cells, clipped to the village.
  const cellRings = cells as number[][];
  let shaped = groups.map((group) => {
    const polygons = unionCells(
      cellRings,
      group.sites.flatMap((site) => members[site]!),
      vertex,
    );
    const metres: MultiPolygonGeometry = {
      type: 'MultiPolygon',
      coordinates: polygons.map((rings) =>
        rings.map((ring) => {
          const positions = ring.map((id) => plane.toDegrees(...vertex(id)));
          return [...positions, positions[0]!];
        }),
      ),
    };
    return { group, boundary: intersection(metres, village.boundary) };
  });
  shaped = mendDetachedParts(shaped, sites);
  return shaped
    .filter((entry) => entry.boundary.coordinates.length > 0)
    .map(({ group, boundary }) => {
      const households = householdsOf(group.sites, sites);
      let flag = group.flag;
      if (!flag && bandPosition(households, band) !== 'within') flag = households < band.min ? 'under_band' : 'over_band';
      if (groups.length === 1 && total < band.min) flag = 'small_village';
      return {
        boundary,
        households,
        residents: group.sites.reduce((sum, index) => sum + sites[index]!.residents, 0),
        buildingIds: group.sites.flatMap((index) => sites[index]!.buildingIds),
        flag,
      };
    });
}

function householdsOf(members: readonly number[], sites: readonly Site[]): number {
  return members.reduce((sum, index) => sum + sites[index]!.households, 0);
}

function components(
  members: readonly number[],
  neighbours: readonly (readonly number[])[],
  skip?: (a: number, b: number) => boolean,
): number[][] {
  const inside = new Set(members);
  const seen = new Set<number>();
  const result: number[][] = [];
  for (const start of members) {
    if (seen.has(start)) continue;
    const piece = [start];
    seen.add(start);
    for (let cursor = 0; cursor < piece.length; cursor++) {
      const current = piece[cursor]!;
      for (const next of neighbours[current]!) {
        if (!inside.has(next) || seen.has(next) || skip?.(current, next)) continue;
        seen.add(next);
        piece.push(next);
      }
    }
    result.push(piece);
  }
  return result;
}

/**
 * Partitions one connected piece of the village twice — on buildings and on
 * small road blocks — and keeps the better: more grids in the band, then less
 * boundary off the roads.
 */
function partitionComponent(
  component: number[],
  sites: readonly Site[],
  adjacency: Adjacency,
  band: HouseholdBand,
): { sites: number[]; flag: PartitionFlag | null }[] {
  const candidates: { sites: number[]; flag: PartitionFlag | null }[][] = [];
  const local = new Map(component.map((site, index) => [site, index]));

  // On single buildings.
  const single: PartitionSite[] = component.map((index) => ({
    x: sites[index]!.x,
    y: sites[index]!.y,
    weight: sites[index]!.households,
  }));
  const singleNeighbours = component.map((index) =>
    adjacency.neighbours[index]!.flatMap((next) => (local.has(next) ? [local.get(next)!] : [])),
  );
  candidates.push(
    partitionVillage(single, singleNeighbours, { band }).map((group) => ({
      sites: group.sites.map((at) => component[at]!),
      flag: group.flag,
    })),
  );

  // On road blocks small enough to keep whole.
  if (adjacency.roadEdges.size > 0) {
    const blocks = components(component, adjacency.neighbours, (a, b) => adjacency.roadEdges.has(pair(a, b)));
    const units: number[][] = [];
    for (const block of blocks) {
      if (householdsOf(block, sites) <= band.max) units.push(block);
      else for (const site of block) units.push([site]);
    }
    if (units.length < component.length) {
      const unitOf = new Map<number, number>();
      units.forEach((unit, index) => unit.forEach((site) => unitOf.set(site, index)));
      const unitSites: PartitionSite[] = units.map((unit) => {
        const weight = householdsOf(unit, sites);
        const share = (site: number) => (weight > 0 ? sites[site]!.households / weight : 1 / unit.length);
        return {
          x: unit.reduce((sum, site) => sum + sites[site]!.x * share(site), 0),
          y: unit.reduce((sum, site) => sum + sites[site]!.y * share(site), 0),
          weight,
        };
      });
      const unitNeighbours = units.map((unit, index) => {
        const around = new Set<number>();
        for (const site of unit)
          for (const next of adjacency.neighbours[site]!)
            if (unitOf.has(next) && unitOf.get(next) !== index) around.add(unitOf.get(next)!);
        return [...around];
      });
      candidates.push(
        partitionVillage(unitSites, unitNeighbours, { band }).map((group) => ({
          sites: group.sites.flatMap((unit) => units[unit]!),
          flag: group.flag,
        })),
      );
    }
  }

  const score = (groups: { sites: number[] }[]) => {
    const groupOf = new Map<number, number>();
    groups.forEach((group, index) => group.sites.forEach((site) => groupOf.set(site, index)));
    let offRoad = 0;
    for (const [key, length] of adjacency.edgeLength) {
      const [a, b] = key.split('|').map(Number) as [number, number];
      if (!groupOf.has(a) || !groupOf.has(b) || groupOf.get(a) === groupOf.get(b)) continue;
      if (!adjacency.roadEdges.has(key)) offRoad += length;
    }
    const inBand = groups.filter((group) => bandPosition(householdsOf(group.sites, sites), band) === 'within').length;
    return { inBand, offRoad };
  };
  let best = candidates[0]!;
  let bestScore = score(best);
  for (const candidate of candidates.slice(1)) {
    const candidateScore = score(candidate);
    if (
      candidateScore.inBand > bestScore.inBand ||
      (candidateScore.inBand === bestScore.inBand && candidateScore.offRoad < bestScore.offRoad)
    ) {
      best = candidate;
      bestScore = candidateScore;
    }
  }
  return best;
}

/**
 * Clipping to a concave village can leave a grid in pieces (a cell reaching
 * round a bend of the boundary). Every piece but the main one goes, with its
 * buildings, to the grid it shares the most boundary vertices with, so every
 * grid is one piece.
 */
function mendDetachedParts<T extends { group: { sites: number[] }; boundary: MultiPolygonGeometry }>(
  shaped: T[],
  sites: readonly Site[],
): T[] {
  const vertexKey = (position: Position) => `${position[0]},${position[1]}`;
  for (const entry of shaped) {
    const parts = partsOf(entry.boundary);
    if (parts.length <= 1) continue;
    const holding = parts.map((part) => entry.group.sites.filter((index) => pointInMultiPolygon(sites[index]!.position, part)));
    const weight = (members: number[]) => members.reduce((sum, index) => sum + sites[index]!.households, 0);
    let keep = 0;
    holding.forEach((members, index) => {
      if (weight(members) > weight(holding[keep]!)) keep = index;
    });
    const kept: MultiPolygonGeometry[] = [];
    parts.forEach((part, index) => {
      if (index === keep) {
        kept.push(part);
        return;
      }
      const keys = new Set(part.coordinates.flat(2).map((position) => vertexKey(position)));
      let target: T | null = null;
      let shared = 0;
      for (const other of shaped) {
        if (other === entry) continue;
        const count = other.boundary.coordinates.flat(2).filter((position) => keys.has(vertexKey(position))).length;
        if (count > shared) {
          shared = count;
          target = other;
        }
      }
      if (!target || shared < 2) {
        kept.push(part);
        return;
      }
      target.boundary = unite([target.boundary, part]);
      const moving = new Set(holding[index]);
      target.group.sites.push(...moving);
      entry.group.sites = entry.group.sites.filter((site) => !moving.has(site));
    });
    entry.boundary = unite(kept);
  }
  return shaped;
}
