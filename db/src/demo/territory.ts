/**
 * Where towns and villages lie: their centres, and the atoms each one holds,
 * grown outward from the centres over the atom graph. Growth from several seeds
 * at once, each claiming the atoms it reaches first, gives contiguous regions;
 * a noisy cost and a river that is slow to cross give them the wandering,
 * river-following edges real boundaries have.
 */
import type { Atoms } from './atoms.ts';
import type { DivisionTown } from './divisions.ts';
import { corePoint, type Landscape, type Vector } from './landscape.ts';
import type { Random, ValueNoise } from './random.ts';

/** Streets of 万州's city proper, placed along the river in the core (the rest of the streets are peri-urban). */
const INNER_STREETS: Record<string, { along: number; across: number }> = {
  高笋塘街道: { along: 200, across: 1500 },
  太白街道: { along: 2000, across: 2100 },
  牌楼街道: { along: -1900, across: 1700 },
  双河口街道: { along: 3800, across: 1200 },
  龙都街道: { along: 4400, across: 2900 },
  周家坝街道: { along: 1300, across: 3300 },
  沙河街道: { along: -3800, across: 1200 },
  钟鼓楼街道: { along: 500, across: -1700 },
  百安坝街道: { along: -2300, across: -1800 },
  陈家坝街道: { along: 3200, across: -2200 },
};

/** Peri-urban streets: centres 8–12 km out, in these directions (degrees from east). */
const OUTER_STREETS: Record<string, { angle: number; distance: number }> = {
  五桥街道: { angle: -80, distance: 9000 },
  天城街道: { angle: 105, distance: 8500 },
  九池街道: { angle: 200, distance: 10500 },
  高峰街道: { angle: 40, distance: 11000 },
};

export type TownSetting = 'inner' | 'outer' | 'rural';

export interface TownPlace {
  town: DivisionTown;
  setting: TownSetting;
  centre: Vector;
}

export function placeTownCentres(towns: DivisionTown[], landscape: Landscape, random: Random): TownPlace[] {
  const places: TownPlace[] = [];
  const core = landscape.core;
  for (const town of towns) {
    const inner = INNER_STREETS[town.name];
    if (inner) places.push({ town, setting: 'inner', centre: corePoint(core, inner.along, inner.across) });
  }
  for (const town of towns) {
    const outer = OUTER_STREETS[town.name];
    if (!outer) continue;
    const angle = (outer.angle * Math.PI) / 180;
    places.push({
      town,
      setting: 'outer',
      centre: { x: core.centre.x + outer.distance * Math.cos(angle), y: core.centre.y + outer.distance * Math.sin(angle) },
    });
  }
  // Rural towns: spread over the rest of the district (dart throwing, best of many candidates).
  const rural = towns.filter((town) => !INNER_STREETS[town.name] && !OUTER_STREETS[town.name]);
  const [minX, minY, maxX, maxY] = landscape.bounds;
  for (const town of rural) {
    let best: Vector | null = null;
    let bestScore = -Infinity;
    for (let attempt = 0; attempt < 400; attempt++) {
      const candidate = { x: random.range(minX, maxX), y: random.range(minY, maxY) };
      if (landscape.depth(candidate.x, candidate.y) < 2500) continue;
      if (landscape.river.nearest(candidate.x, candidate.y).distance < 1300) continue;
      if (core.urbanness(candidate.x, candidate.y) > -0.35) continue;
      const spacing = Math.min(...places.map((place) => Math.hypot(place.centre.x - candidate.x, place.centre.y - candidate.y)));
      if (spacing > bestScore) {
        bestScore = spacing;
        best = candidate;
      }
    }
    places.push({ town, setting: 'rural', centre: best! });
  }
  return places;
}

interface Seed {
  atom: number;
  /** Growth speed: a seed twice as fast claims land twice as far away. */
  speed: number;
}

/** A binary heap keyed by cost. */
class Heap {
  private costs: number[] = [];
  private items: number[] = [];
  private owners: number[] = [];
  get size() {
    return this.costs.length;
  }
  push(cost: number, item: number, owner: number) {
    this.costs.push(cost);
    this.items.push(item);
    this.owners.push(owner);
    let index = this.costs.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.costs[parent]! <= this.costs[index]!) break;
      this.swap(index, parent);
      index = parent;
    }
  }
  pop(): [number, number, number] {
    const top: [number, number, number] = [this.costs[0]!, this.items[0]!, this.owners[0]!];
    const lastCost = this.costs.pop()!;
    const lastItem = this.items.pop()!;
    const lastOwner = this.owners.pop()!;
    if (this.costs.length > 0) {
      this.costs[0] = lastCost;
      this.items[0] = lastItem;
      this.owners[0] = lastOwner;
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        const right = left + 1;
        let smallest = index;
        if (left < this.costs.length && this.costs[left]! < this.costs[smallest]!) smallest = left;
        if (right < this.costs.length && this.costs[right]! < this.costs[smallest]!) smallest = right;
        if (smallest === index) break;
        this.swap(index, smallest);
        index = smallest;
      }
    }
    return top;
  }
  private swap(a: number, b: number) {
    [this.costs[a], this.costs[b]] = [this.costs[b]!, this.costs[a]!];
    [this.items[a], this.items[b]] = [this.items[b]!, this.items[a]!];
    [this.owners[a], this.owners[b]] = [this.owners[b]!, this.owners[a]!];
  }
}

/**
 * Grows regions from seeds over the atoms allowed by `allowed` (atom → true).
 * Returns, for each atom, the index of the seed that claimed it (-1: none).
 * Each region grows only through atoms it already holds, so it is one piece.
 */
export function growRegions(
  atoms: Atoms,
  seeds: Seed[],
  allowed: (atom: number) => boolean,
  noise: ValueNoise,
  roughness: number,
): Int32Array {
  const owner = new Int32Array(atoms.count).fill(-1);
  const heap = new Heap();
  seeds.forEach((seed, index) => heap.push(0, seed.atom, index));
  while (heap.size > 0) {
    const [cost, atom, seedIndex] = heap.pop();
    if (owner[atom] !== -1) continue;
    owner[atom] = seedIndex;
    const speed = seeds[seedIndex]!.speed;
    for (const next of atoms.neighbours[atom]!) {
      if (owner[next] !== -1 || !allowed(next)) continue;
      const mx = (atoms.x[atom]! + atoms.x[next]!) / 2;
      const my = (atoms.y[atom]! + atoms.y[next]!) / 2;
      const length = Math.hypot(atoms.x[next]! - atoms.x[atom]!, atoms.y[next]! - atoms.y[atom]!);
      const rough = 1 + roughness * noise.at(mx, my, 5000);
      const wet = atoms.water[next] || atoms.water[atom] ? 3.5 : 1;
      heap.push(cost + (length * rough * wet) / speed, next, seedIndex);
    }
  }
  return owner;
}

/**
 * Grows regions whose areas come out in proportion to `shares`: after each
 * growth, a region that came out too small grows faster next time (and one too
 * large slower), a few rounds — a capacity-balanced Voronoi on the atom graph.
 */
export function growBalanced(
  atoms: Atoms,
  seeds: Seed[],
  shares: number[],
  allowed: (atom: number) => boolean,
  noise: ValueNoise,
  roughness: number,
  atomArea: Float64Array,
  rounds = 8,
): { owner: Int32Array; seeds: number[] } {
  const current = seeds.map((seed) => ({ ...seed }));
  const shareTotal = shares.reduce((sum, share) => sum + share, 0);
  let owner = growRegions(atoms, current, allowed, noise, roughness);
  let previous: Float64Array | null = null;
  let best = { owner, seeds: current.map((seed) => seed.atom), error: Infinity };
  for (let round = 0; round <= rounds; round++) {
    const areas = new Float64Array(seeds.length);
    let total = 0;
    for (let atom = 0; atom < atoms.count; atom++) {
      if (owner[atom]! >= 0) {
        areas[owner[atom]!]! += atomArea[atom]!;
        total += atomArea[atom]!;
      }
    }
    const target = (index: number) => (total * shares[index]!) / shareTotal;
    // Keep the most even result seen: the worst region's miss, as a factor.
    const error = Math.max(...Array.from(areas, (area, index) => Math.abs(Math.log(Math.max(area, 1) / target(index)))));
    if (error < best.error) best = { owner, seeds: current.map((seed) => seed.atom), error };
    if (round === rounds) break;
    const donors = new Set<number>();
    current.forEach((seed, index) => {
      const ratio = target(index) / Math.max(areas[index]!, 1);
      // Boxed in (it did not grow although it was sped up): start again from the
      // far side of the region with the most to spare.
      if (previous && ratio > 2.5 && areas[index]! <= previous[index]! * 1.05) {
        let richest = -1;
        areas.forEach((area, other) => {
          if (donors.has(other) || other === index) return;
          if (richest < 0 || area / target(other) > areas[richest]! / target(richest)) richest = other;
        });
        if (richest < 0) return;
        donors.add(richest);
        let farthest = -1;
        let farthestDistance = -1;
        const from = current[richest]!.atom;
        for (let atom = 0; atom < atoms.count; atom++) {
          if (owner[atom] !== richest) continue;
          const distance = Math.hypot(atoms.x[atom]! - atoms.x[from]!, atoms.y[atom]! - atoms.y[from]!);
          if (distance > farthestDistance) {
            farthestDistance = distance;
            farthest = atom;
          }
        }
        if (farthest >= 0) {
          seed.atom = farthest;
          seed.speed = current[richest]!.speed;
          return;
        }
      }
      // Damped: areas answer to speed roughly squared, and neighbours answer too.
      seed.speed *= Math.min(1.6, Math.max(0.6, Math.pow(ratio, 0.3)));
    });
    previous = areas;
    owner = growRegions(atoms, current, allowed, noise, roughness);
  }
  return { owner: best.owner, seeds: best.seeds };
}

/** The allowed atom nearest a point (a linear scan over the candidates). */
export function nearestAtom(atoms: Atoms, point: Vector, candidates: Iterable<number>): number {
  let best = -1;
  let bestDistance = Infinity;
  for (const atom of candidates) {
    const distance = Math.hypot(atoms.x[atom]! - point.x, atoms.y[atom]! - point.y);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = atom;
    }
  }
  return best;
}

/**
 * Farthest-point sampling: `count` atoms of `candidates` spread as far from each
 * other (and from `avoid`) as possible, starting from `first` when given.
 */
export function spreadAtoms(
  atoms: Atoms,
  candidates: number[],
  count: number,
  random: Random,
  first?: number,
  avoid: number[] = [],
): number[] {
  if (count <= 0 || candidates.length === 0) return [];
  const chosen: number[] = [];
  const distance = new Float64Array(candidates.length).fill(Infinity);
  const update = (atom: number) => {
    candidates.forEach((candidate, index) => {
      const d = Math.hypot(atoms.x[candidate]! - atoms.x[atom]!, atoms.y[candidate]! - atoms.y[atom]!);
      if (d < distance[index]!) distance[index] = d;
    });
  };
  for (const atom of avoid) update(atom);
  let next = first ?? (avoid.length > 0 ? -1 : random.pick(candidates));
  while (chosen.length < Math.min(count, candidates.length)) {
    if (next === -1) {
      let bestIndex = 0;
      distance.forEach((value, index) => {
        // a little randomness so the spacing does not look like a lattice
        if (value * (0.85 + 0.3 * random.next()) > distance[bestIndex]!) bestIndex = index;
      });
      next = candidates[bestIndex]!;
    }
    chosen.push(next);
    update(next);
    next = -1;
  }
  return chosen;
}
