/**
 * Atoms: the small pieces every boundary of the demo district is made of.
 *
 * Points are scattered over the land (denser in the city and in town centres),
 * and their Voronoi cells tile the plane. Every region — district, town,
 * village, grid — is a set of atoms, and its boundary the union of their cells
 * (see shared's unionCells). Because neighbouring cells share the very same
 * Voronoi vertices, the regions tile exactly: no gaps, no overlaps, and a grid
 * lies inside its village by construction. The Voronoi edges make boundaries
 * that wander like real ones.
 */
import { Delaunay } from 'd3-delaunay';
import type { Landscape, Vector } from './landscape.ts';
import type { Random } from './random.ts';

export interface DenseZone {
  centre: Vector;
  radius: number;
  spacing: number;
}

export interface Atoms {
  count: number;
  x: Float64Array;
  y: Float64Array;
  /** 1 when the atom belongs to the district. */
  inside: Uint8Array;
  /** 1 when the atom lies in the river. */
  water: Uint8Array;
  /** Cell of each inside atom as a ring of Voronoi vertex ids (triangle ids). */
  cells: (Int32Array | null)[];
  /** Delaunay neighbours of each atom. */
  neighbours: Int32Array[];
  /** Distance to the nearest neighbour: a disc of half this radius lies inside the cell. */
  nearestDistance: Float64Array;
  /** Voronoi vertex coordinates, two per vertex id. */
  vertices: Float64Array;
  /** Area of each inside atom's cell, m². */
  area: Float64Array;
  /** The atom whose cell holds a point (the nearest atom). */
  find(x: number, y: number, hint?: number): number;
}

export interface AtomOptions {
  ruralSpacing: number;
  urbanSpacing: number;
  outsideSpacing: number;
  denseZones: DenseZone[];
}

export function scatterAtoms(landscape: Landscape, random: Random, options: AtomOptions): Atoms {
  const xs: number[] = [];
  const ys: number[] = [];
  const inside: number[] = [];
  const [minX, minY, maxX, maxY] = landscape.bounds;
  const margin = 7000;
  const inDenseZone = (x: number, y: number) =>
    landscape.core.urbanness(x, y) > 0 ||
    options.denseZones.some((zone) => Math.hypot(x - zone.centre.x, y - zone.centre.y) < zone.radius);

  const jitteredLattice = (
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    spacing: number,
    keep: (x: number, y: number) => boolean,
    insideFlag: number,
  ) => {
    for (let gy = y0; gy < y1; gy += spacing) {
      for (let gx = x0; gx < x1; gx += spacing) {
        const x = gx + spacing / 2 + random.range(-0.42, 0.42) * spacing;
        const y = gy + spacing / 2 + random.range(-0.42, 0.42) * spacing;
        if (!keep(x, y)) continue;
        xs.push(x);
        ys.push(y);
        inside.push(insideFlag);
      }
    }
  };

  // Countryside, city and town centres inside the district.
  jitteredLattice(minX, minY, maxX, maxY, options.ruralSpacing, (x, y) => landscape.inside(x, y) && !inDenseZone(x, y), 1);
  const core = landscape.core;
  const coreRadius = Math.max(core.semiAlong, core.semiAcross);
  jitteredLattice(
    core.centre.x - coreRadius,
    core.centre.y - coreRadius,
    core.centre.x + coreRadius,
    core.centre.y + coreRadius,
    options.urbanSpacing,
    (x, y) => landscape.inside(x, y) && core.urbanness(x, y) > 0,
    1,
  );
  for (const zone of options.denseZones) {
    jitteredLattice(
      zone.centre.x - zone.radius,
      zone.centre.y - zone.radius,
      zone.centre.x + zone.radius,
      zone.centre.y + zone.radius,
      zone.spacing,
      (x, y) =>
        landscape.inside(x, y) &&
        core.urbanness(x, y) <= 0 &&
        Math.hypot(x - zone.centre.x, y - zone.centre.y) < zone.radius &&
        // where two zones overlap, the first one owns the points
        options.denseZones.find((other) => Math.hypot(x - other.centre.x, y - other.centre.y) < other.radius) === zone,
      1,
    );
  }
  // A coarse ring outside, so the cells along the district edge are closed and the edge wanders.
  jitteredLattice(
    minX - margin,
    minY - margin,
    maxX + margin,
    maxY + margin,
    options.outsideSpacing,
    (x, y) => landscape.depth(x, y) < -options.ruralSpacing * 0.6,
    0,
  );

  const count = xs.length;
  const points = new Float64Array(count * 2);
  for (let index = 0; index < count; index++) {
    points[index * 2] = xs[index]!;
    points[index * 2 + 1] = ys[index]!;
  }
  const delaunay = new Delaunay(points);
  const voronoi = delaunay.voronoi([minX - margin * 2, minY - margin * 2, maxX + margin * 2, maxY + margin * 2]);
  const { triangles, halfedges, inedges } = delaunay;

  const insideFlags = Uint8Array.from(inside);
  const water = new Uint8Array(count);
  const neighbours: Int32Array[] = new Array(count);
  const nearestDistance = new Float64Array(count);
  const cells: (Int32Array | null)[] = new Array(count).fill(null);
  for (let site = 0; site < count; site++) {
    const around = Int32Array.from(delaunay.neighbors(site));
    neighbours[site] = around;
    let nearest = Infinity;
    for (const other of around) nearest = Math.min(nearest, Math.hypot(xs[other]! - xs[site]!, ys[other]! - ys[site]!));
    nearestDistance[site] = nearest;
    if (insideFlags[site]) {
      water[site] = landscape.river.inWater(xs[site]!, ys[site]!) ? 1 : 0;
      // Walk the triangles around the site (as d3-delaunay's own Voronoi does).
      const ring: number[] = [];
      const start = inedges[site]!;
      if (start === -1) throw new Error(`atom ${site} coincides with another`);
      let edge = start;
      do {
        ring.push(Math.floor(edge / 3));
        edge = edge % 3 === 2 ? edge - 2 : edge + 1;
        if (triangles[edge] !== site) break;
        edge = halfedges[edge]!;
      } while (edge !== start && edge !== -1);
      if (edge === -1) throw new Error(`atom ${site} inside the district lies on the hull: widen the outside ring`);
      cells[site] = Int32Array.from(ring);
    }
  }

  const vertices = voronoi.circumcenters;
  const area = new Float64Array(count);
  cells.forEach((ring, site) => {
    if (!ring) return;
    let twice = 0;
    for (let index = 0; index < ring.length; index++) {
      const a = ring[index]!;
      const b = ring[(index + 1) % ring.length]!;
      twice += vertices[a * 2]! * vertices[b * 2 + 1]! - vertices[b * 2]! * vertices[a * 2 + 1]!;
    }
    area[site] = Math.abs(twice) / 2;
  });

  return {
    count,
    area,
    x: Float64Array.from(xs),
    y: Float64Array.from(ys),
    inside: insideFlags,
    water,
    cells,
    neighbours,
    nearestDistance,
    vertices,
    find: (x, y, hint) => delaunay.find(x, y, hint),
  };
}

/**
 * A point inside the cell of `atom`, at a random offset from its site small
 * enough that the atom stays the nearest one.
 */
export function pointInCell(atoms: Atoms, atom: number, random: Random, reach = 0.4): Vector {
  const radius = atoms.nearestDistance[atom]! * reach * Math.sqrt(random.next());
  const angle = random.range(0, Math.PI * 2);
  return { x: atoms.x[atom]! + radius * Math.cos(angle), y: atoms.y[atom]! + radius * Math.sin(angle) };
}
