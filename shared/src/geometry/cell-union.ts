/**
 * Union of cells of a planar subdivision, exactly.
 *
 * When cells share their edges through shared vertex ids (as the cells of one
 * Voronoi diagram share its vertices), the union of any set of cells is the set
 * of their directed edges minus those that appear in both directions. Chaining
 * what is left gives the boundary rings with the very same vertices the
 * neighbouring unions use, so unions of disjoint sets tile without gaps or
 * overlaps — no floating-point overlay is involved.
 */

export type Point = readonly [number, number];
/** A polygon as rings of vertex ids: the outer ring first, then its holes. */
export type RingPolygon = number[][];

export class CellUnionError extends Error {
  override name = 'CellUnionError';
}

/** Twice the signed area of a ring (positive: counter-clockwise with y up). */
export function ringArea2(ring: readonly number[], coordinate: (vertex: number) => Point): number {
  let area = 0;
  for (let index = 0; index < ring.length; index++) {
    const [x1, y1] = coordinate(ring[index]!);
    const [x2, y2] = coordinate(ring[(index + 1) % ring.length]!);
    area += x1 * y2 - x2 * y1;
  }
  return area;
}

function pointInRing(point: Point, ring: readonly number[], coordinate: (vertex: number) => Point): boolean {
  const [px, py] = point;
  let inside = false;
  for (let index = 0, previous = ring.length - 1; index < ring.length; previous = index++) {
    const [xi, yi] = coordinate(ring[index]!);
    const [xj, yj] = coordinate(ring[previous]!);
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Splits a ring that passes through the same vertex twice into simple rings
 * (a ring may not touch itself; two rings may touch at a point).
 */
function simpleRings(ring: number[]): number[][] {
  const seen = new Map<number, number>();
  const stack: number[] = [];
  const result: number[][] = [];
  for (const vertex of ring) {
    const at = seen.get(vertex);
    if (at !== undefined) {
      const loop = stack.splice(at);
      for (const removed of loop) seen.delete(removed);
      result.push(loop);
    }
    seen.set(vertex, stack.length);
    stack.push(vertex);
  }
  if (stack.length > 0) result.push(stack);
  return result.filter((loop) => loop.length >= 3);
}

/**
 * The union of `members` (indices into `cells`), as polygons whose outer rings
 * run counter-clockwise and holes clockwise (RFC 7946 order, y up).
 * Every cell ring must have the same orientation.
 */
export function unionCells(
  cells: ReadonlyArray<ArrayLike<number>>,
  members: Iterable<number>,
  coordinate: (vertex: number) => Point,
): RingPolygon[] {
  // Directed boundary edges: from → list of to (a vertex of a Voronoi diagram has
  // degree 3, so one outgoing edge, but the code does not rely on it).
  const edges = new Map<number, number[]>();
  const removeEdge = (from: number, to: number): boolean => {
    const targets = edges.get(from);
    const index = targets ? targets.indexOf(to) : -1;
    if (!targets || index < 0) return false;
    targets.splice(index, 1);
    if (targets.length === 0) edges.delete(from);
    return true;
  };
  let orientation = 0;
  for (const member of members) {
    const ring = cells[member];
    if (!ring || ring.length < 3) throw new CellUnionError(`cell ${member} has no ring`);
    if (orientation === 0) orientation = Math.sign(ringArea2(Array.from(ring), coordinate));
    for (let index = 0; index < ring.length; index++) {
      const from = ring[index]!;
      const to = ring[(index + 1) % ring.length]!;
      if (from === to) continue;
      if (removeEdge(to, from)) continue;
      const targets = edges.get(from);
      if (targets) targets.push(to);
      else edges.set(from, [to]);
    }
  }

  const rings: number[][] = [];
  while (edges.size > 0) {
    const [start] = edges.keys();
    const ring: number[] = [];
    let current = start!;
    for (;;) {
      ring.push(current);
      const targets = edges.get(current);
      if (!targets) throw new CellUnionError(`boundary does not close at vertex ${current}`);
      const next = targets[0]!;
      removeEdge(current, next);
      current = next;
      if (current === start) break;
    }
    rings.push(...simpleRings(ring));
  }

  // Orient: with counter-clockwise cells, outer rings come out counter-clockwise.
  const oriented = rings.map((ring) => (orientation < 0 ? ring.reverse() : ring));
  const outers: { ring: number[]; area: number; holes: number[][] }[] = [];
  const holes: number[][] = [];
  for (const ring of oriented) {
    const area = ringArea2(ring, coordinate);
    if (area > 0) outers.push({ ring, area, holes: [] });
    else if (area < 0) holes.push(ring);
  }
  outers.sort((left, right) => left.area - right.area);
  for (const hole of holes) {
    // A hole touches its shell at most at single vertices: test a vertex the shell does not share.
    const owner = outers.find((outer) => {
      const shared = new Set(outer.ring);
      const probe = hole.find((vertex) => !shared.has(vertex)) ?? hole[0]!;
      return pointInRing(coordinate(probe), outer.ring, coordinate);
    });
    if (!owner) throw new CellUnionError('a hole lies outside every outer ring');
    owner.holes.push(hole);
  }
  return outers.map((outer) => [outer.ring, ...outer.holes]);
}
