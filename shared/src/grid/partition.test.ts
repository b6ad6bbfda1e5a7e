import { describe, expect, it } from 'vitest';
import { gridCountFor, partitionVillage, type PartitionSite } from './partition.ts';

/** Sites on a lattice with 4-neighbour adjacency. */
function lattice(columns: number, rows: number, weight: (column: number, row: number) => number) {
  const sites: PartitionSite[] = [];
  const neighbours: number[][] = [];
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      sites.push({ x: column * 100, y: row * 100, weight: weight(column, row) });
      const around: number[] = [];
      if (column > 0) around.push(row * columns + column - 1);
      if (column < columns - 1) around.push(row * columns + column + 1);
      if (row > 0) around.push((row - 1) * columns + column);
      if (row < rows - 1) around.push((row + 1) * columns + column);
      neighbours.push(around);
    }
  }
  return { sites, neighbours };
}

function isConnected(group: number[], neighbours: number[][]): boolean {
  const members = new Set(group);
  const seen = new Set([group[0]!]);
  const queue = [group[0]!];
  while (queue.length) {
    for (const next of neighbours[queue.pop()!]!) {
      if (members.has(next) && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen.size === group.length;
}

describe('gridCountFor', () => {
  it('aims at 400 households per grid inside 300–500', () => {
    expect(gridCountFor(400)).toBe(1);
    expect(gridCountFor(2000)).toBe(5);
    expect(gridCountFor(650)).toBe(2);
  });
  it('takes the smallest miss when no count fits', () => {
    expect(gridCountFor(520)).toBe(1); // one grid 20 over beats two 40 under
    expect(gridCountFor(590)).toBe(2); // two grids 5 under beat one 90 over
  });
});

describe('partitionVillage', () => {
  it('splits a dense community into contiguous grids inside the band', () => {
    const { sites, neighbours } = lattice(20, 12, (column, row) => ((column * 7 + row * 3) % 5) + 8);
    const groups = partitionVillage(sites, neighbours);
    const total = sites.reduce((sum, site) => sum + site.weight, 0);
    expect(groups.reduce((sum, group) => sum + group.households, 0)).toBe(total);
    expect(groups.length).toBe(gridCountFor(total));
    for (const group of groups) {
      expect(group.households).toBeGreaterThanOrEqual(300);
      expect(group.households).toBeLessThanOrEqual(500);
      expect(isConnected(group.sites, neighbours)).toBe(true);
      expect(group.flag).toBeNull();
    }
    // every site in exactly one grid
    expect(new Set(groups.flatMap((group) => group.sites)).size).toBe(sites.length);
  });

  it('keeps a village under the band as one grid, flagged', () => {
    const { sites, neighbours } = lattice(5, 5, () => 4);
    const groups = partitionVillage(sites, neighbours);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.flag).toBe('small_village');
  });

  it('flags a grid holding a building larger than the band', () => {
    const { sites, neighbours } = lattice(6, 6, (column, row) => (column === 0 && row === 0 ? 620 : 10));
    const groups = partitionVillage(sites, neighbours);
    expect(groups.some((group) => group.flag === 'oversized_building')).toBe(true);
  });

  it('hands a cut-off piece to the neighbour it touches', () => {
    // An L-shaped village: a straight cut would leave pieces apart; the result is still contiguous.
    const { sites, neighbours } = lattice(12, 12, (column, row) => (column < 4 || row < 4 ? 12 : 0));
    const groups = partitionVillage(sites, neighbours);
    for (const group of groups) expect(isConnected(group.sites, neighbours)).toBe(true);
  });

  it('respects a band set by policy', () => {
    const { sites, neighbours } = lattice(10, 10, () => 10);
    const groups = partitionVillage(sites, neighbours, { band: { min: 150, max: 250 } });
    for (const group of groups) {
      expect(group.households).toBeGreaterThanOrEqual(150);
      expect(group.households).toBeLessThanOrEqual(250);
    }
  });
});
