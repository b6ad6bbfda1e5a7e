/**
 * Partitions the sites of one village (buildings, or cells holding buildings)
 * into contiguous groups whose household totals fall inside the band
 * (300–500 by default) — the grids of the village.
 *
 * Method: recursive bisection. A group meant for k grids is cut across its
 * longest axis where the household total on one side is closest to ⌊k/2⌋/k of
 * the whole while both sides can still be split inside the band; then each side
 * is cut again. Straight cuts across the long axis keep grids compact. Sites
 * that end up cut off from the rest of their group (the adjacency graph decides)
 * are handed to the neighbouring group they touch most, so every grid is one piece.
 */
import { DEFAULT_HOUSEHOLD_BAND, feasibleGridCounts, type HouseholdBand } from './household-band.ts';

export interface PartitionSite {
  x: number;
  y: number;
  /** Households at the site. */
  weight: number;
}

export type PartitionFlag = 'small_village' | 'oversized_building' | 'under_band' | 'over_band';

export interface PartitionGroup {
  sites: number[];
  households: number;
  flag: PartitionFlag | null;
}

export interface PartitionOptions {
  band?: HouseholdBand;
  /** Households a grid should hold when there is a choice; default: the band's middle. */
  target?: number;
}

/**
 * How many grids a village of `households` gets: among the counts that keep
 * every grid in the band, the one whose average grid is nearest the target
 * (so there is room on both sides of the band to cut between buildings).
 */
export function gridCountFor(
  households: number,
  band: HouseholdBand = DEFAULT_HOUSEHOLD_BAND,
  target = (band.min + band.max) / 2,
): number {
  const feasible = feasibleGridCounts(households, band);
  if (!feasible) {
    // No count keeps every grid inside: take the one that misses by the least.
    const fewer = Math.max(1, Math.floor(households / band.max));
    const more = fewer + 1;
    const miss = (count: number) => {
      const size = households / count;
      return size > band.max ? size - band.max : size < band.min ? band.min - size : 0;
    };
    return miss(fewer) <= miss(more) ? fewer : more;
  }
  let best = feasible[0];
  for (let count = feasible[0]; count <= feasible[1]; count++) {
    if (Math.abs(households / count - target) < Math.abs(households / best - target)) best = count;
  }
  return best;
}

interface Axis {
  ux: number;
  uy: number;
}

/** The long axis of the sites, then directions turned from it by 90°, ±45° and ±22.5°, in that order. */
function cutDirections(sites: readonly PartitionSite[], members: readonly number[]): Axis[] {
  let mx = 0;
  let my = 0;
  for (const index of members) {
    mx += sites[index]!.x;
    my += sites[index]!.y;
  }
  mx /= members.length;
  my /= members.length;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const index of members) {
    const dx = sites[index]!.x - mx;
    const dy = sites[index]!.y - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  const angle = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  return [0, 90, 45, -45, 22.5, -22.5, 67.5, -67.5].map((turn) => {
    const radians = angle + (turn * Math.PI) / 180;
    return { ux: Math.cos(radians), uy: Math.sin(radians) };
  });
}

interface Cut {
  left: number[];
  right: number[];
  /** Households of room before either side leaves its band (per grid); negative: outside. */
  slack: number;
}

/**
 * The best place to cut along a direction: the cut whose two sides have the
 * most room inside their bands, per grid; among equally good cuts over a run
 * of empty sites, the middle one.
 */
function bestCut(
  sites: readonly PartitionSite[],
  members: readonly number[],
  axis: Axis,
  leftCount: number,
  rightCount: number,
  band: HouseholdBand,
): Cut {
  const order = [...members].sort(
    (a, b) => sites[a]!.x * axis.ux + sites[a]!.y * axis.uy - (sites[b]!.x * axis.ux + sites[b]!.y * axis.uy),
  );
  const total = order.reduce((sum, index) => sum + sites[index]!.weight, 0);
  const room = (households: number, count: number) => Math.min(households / count - band.min, band.max - households / count);
  let bestAt = 1;
  let bestSlack = -Infinity;
  let runStart = -1;
  let running = 0;
  for (let at = 1; at < order.length; at++) {
    running += sites[order[at - 1]!]!.weight;
    const slack = Math.min(room(running, leftCount), room(total - running, rightCount));
    if (slack > bestSlack) {
      bestSlack = slack;
      bestAt = at;
      runStart = at;
    } else if (slack === bestSlack && runStart >= 0) {
      bestAt = Math.round((runStart + at) / 2);
    } else runStart = -1;
  }
  return { left: order.slice(0, bestAt), right: order.slice(bestAt), slack: bestSlack };
}

/** Moves the pieces of one side that are cut off from its main piece to the other side, when they touch it. */
function mendCut(cut: Cut, sites: readonly PartitionSite[], neighbours: readonly (readonly number[])[]): Cut {
  const sides = [cut.left, cut.right];
  for (const [from, to] of [
    [0, 1],
    [1, 0],
  ] as const) {
    const pieces = components(sides[from]!, neighbours);
    if (pieces.length <= 1) continue;
    const weightOf = (piece: number[]) => piece.reduce((sum, site) => sum + sites[site]!.weight, 0);
    pieces.sort((a, b) => weightOf(b) - weightOf(a) || b.length - a.length);
    const other = new Set(sides[to]);
    const kept = [...pieces[0]!];
    for (const piece of pieces.slice(1)) {
      const touches = piece.some((site) => (neighbours[site] ?? []).some((next) => other.has(next)));
      if (touches) {
        sides[to] = [...sides[to]!, ...piece];
        for (const site of piece) other.add(site);
      } else kept.push(...piece);
    }
    sides[from] = kept;
  }
  return { ...cut, left: sides[0]!, right: sides[1]! };
}

/** Enough room that buildings of ordinary size can still be split on either side. */
const COMFORTABLE_SLACK = 25;

function bisect(
  sites: readonly PartitionSite[],
  neighbours: readonly (readonly number[])[],
  members: number[],
  count: number,
  band: HouseholdBand,
): number[][] {
  if (count <= 1 || members.length <= 1) return [members];
  const leftCount = Math.floor(count / 2);
  const rightCount = count - leftCount;
  // Prefer the cut across the long axis (compact grids); turn only when it leaves too little room.
  // The slack is judged after mending, since mending moves households across the cut.
  const room = (households: number, grids: number) => Math.min(households / grids - band.min, band.max - households / grids);
  const weightOf = (group: number[]) => group.reduce((sum, site) => sum + sites[site]!.weight, 0);
  let chosen: Cut | null = null;
  for (const axis of cutDirections(sites, members)) {
    const mended = mendCut(bestCut(sites, members, axis, leftCount, rightCount, band), sites, neighbours);
    if (mended.left.length === 0 || mended.right.length === 0) continue;
    mended.slack = Math.min(room(weightOf(mended.left), leftCount), room(weightOf(mended.right), rightCount));
    if (!chosen || mended.slack > chosen.slack) chosen = mended;
    if (chosen.slack >= COMFORTABLE_SLACK) break;
  }
  if (!chosen) return [members];
  const cut = chosen;
  if (cut.left.length === 0 || cut.right.length === 0) return [members];
  return [...bisect(sites, neighbours, cut.left, leftCount, band), ...bisect(sites, neighbours, cut.right, rightCount, band)];
}

/** Connected pieces of `members` in the adjacency graph. */
function components(members: readonly number[], neighbours: readonly (readonly number[])[]): number[][] {
  const inGroup = new Set(members);
  const seen = new Set<number>();
  const pieces: number[][] = [];
  for (const start of members) {
    if (seen.has(start)) continue;
    const piece: number[] = [];
    const queue = [start];
    seen.add(start);
    while (queue.length > 0) {
      const current = queue.pop()!;
      piece.push(current);
      for (const next of neighbours[current] ?? []) {
        if (inGroup.has(next) && !seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    pieces.push(piece);
  }
  return pieces;
}

/** Hands pieces cut off from their group to the neighbouring group they share most edges with. */
function makeContiguous(
  groups: number[][],
  sites: readonly PartitionSite[],
  neighbours: readonly (readonly number[])[],
): number[][] {
  const groupOf = new Map<number, number>();
  groups.forEach((group, index) => group.forEach((site) => groupOf.set(site, index)));
  for (let pass = 0; pass < 4; pass++) {
    let moved = false;
    groups.forEach((group, index) => {
      const pieces = components(group, neighbours);
      if (pieces.length <= 1) return;
      const weightOf = (piece: number[]) => piece.reduce((sum, site) => sum + sites[site]!.weight, 0);
      pieces.sort((left, right) => weightOf(right) - weightOf(left) || right.length - left.length);
      for (const piece of pieces.slice(1)) {
        const contacts = new Map<number, number>();
        for (const site of piece) {
          for (const next of neighbours[site] ?? []) {
            const other = groupOf.get(next);
            if (other !== undefined && other !== index) contacts.set(other, (contacts.get(other) ?? 0) + 1);
          }
        }
        if (contacts.size === 0) continue; // the village itself is in pieces here
        const [target] = [...contacts.entries()].sort((left, right) => right[1] - left[1] || left[0] - right[0])[0]!;
        for (const site of piece) groupOf.set(site, target);
        moved = true;
      }
    });
    if (!moved) break;
    groups = groups.map(() => []);
    for (const [site, index] of [...groupOf.entries()].sort((left, right) => left[0] - right[0])) groups[index]!.push(site);
  }
  return groups.filter((group) => group.length > 0);
}

/**
 * Splits a village's sites into grids. `neighbours[i]` lists the sites adjacent
 * to site i (indices into `sites`); pass the adjacency of the sites' cells.
 */
export function partitionVillage(
  sites: readonly PartitionSite[],
  neighbours: readonly (readonly number[])[],
  options: PartitionOptions = {},
): PartitionGroup[] {
  const band = options.band ?? DEFAULT_HOUSEHOLD_BAND;
  const all = sites.map((_, index) => index);
  if (all.length === 0) return [];
  const total = sites.reduce((sum, site) => sum + site.weight, 0);
  const count = gridCountFor(total, band, options.target);
  const groups = makeContiguous(bisect(sites, neighbours, all, count, band), sites, neighbours);
  return groups.map((group) => {
    const households = group.reduce((sum, site) => sum + sites[site]!.weight, 0);
    let flag: PartitionFlag | null = null;
    if (groups.length === 1 && total < band.min) flag = 'small_village';
    else if (group.some((site) => sites[site]!.weight > band.max)) flag = 'oversized_building';
    else if (households < band.min) flag = 'under_band';
    else if (households > band.max) flag = 'over_band';
    return { sites: group, households, flag };
  });
}
