import { describe, expect, it } from 'vitest';
import { DEFAULT_HOUSEHOLD_BAND } from '../grid/household-band.ts';
import { CHECKS, checkDraft } from './checks.ts';
import { drawGrid, mergeGrids, paintBuildings, reshapeGrid, splitGrid, suggestSplitLine } from './operations.ts';
import { at, building, buildingsIn, grid, rectangle, shape, village } from './test-shapes.ts';

const V = '500101144200';
const place = village(V, shape(rectangle(0, 0, 1000, 600)));
// 900 households on the west half: over the band; 390 on the east half.
const west = buildingsIn(V, 0, 0, 500, 600, 100, 30);
const east = buildingsIn(V, 500, 0, 1000, 600, 100, 13);
const buildings = [...west, ...east];
const grids = [
  grid('a', V, shape(rectangle(0, 0, 500, 600)), `${V}001`),
  grid('b', V, shape(rectangle(500, 0, 1000, 600)), `${V}002`),
];
const check = (next: typeof grids) => checkDraft({ villages: [place], grids: next, buildings, band: DEFAULT_HOUSEHOLD_BAND });

describe('splitGrid', () => {
  it('cuts an over-full grid in two with a line; both halves turn green and the village stays covered', () => {
    expect(check(grids).grids[0]!.status).toBe('red');
    const result = splitGrid(grids, 'a', [at(-50, 290), at(550, 310)], buildings);
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    expect(result.grids).toHaveLength(3);
    const report = check(result.grids);
    expect(report.grids.map((entry) => entry.households).sort()).toEqual([390, 450, 450]);
    expect(report.grids.every((entry) => entry.status === 'green')).toBe(true);
    expect(report.issues.filter((issue) => issue.severity === 'error')).toEqual([]);
    // The half with more households keeps the code (a tie keeps the left of the line); the other is new.
    expect(result.grids.filter((entry) => entry.code === `${V}001`)).toHaveLength(1);
    expect(result.grids.filter((entry) => entry.code === null)).toHaveLength(1);
  });

  it('refuses a line that does not cross the grid', () => {
    expect(splitGrid(grids, 'a', [at(100, 100), at(200, 200)], buildings)).toEqual({
      valid: false,
      reason: 'line_does_not_cross',
    });
    expect(splitGrid(grids, 'a', [at(100, 100)], buildings)).toEqual({ valid: false, reason: 'line_too_short' });
    expect(splitGrid(grids, 'zz', [at(0, 0), at(1, 1)], buildings)).toEqual({ valid: false, reason: 'unknown_grid' });
  });
});

describe('mergeGrids', () => {
  it('merges neighbours into one grid with the code of the fuller one', () => {
    const result = mergeGrids(grids, 'b', 'a', buildings);
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    expect(result.grids).toHaveLength(1);
    expect(result.grids[0]!.code).toBe(`${V}001`);
    expect(check(result.grids).grids[0]!.households).toBe(1290);
  });

  it('refuses grids that do not touch', () => {
    const apart = [
      grid('a', V, shape(rectangle(0, 0, 300, 600))),
      grid('m', V, shape(rectangle(300, 0, 700, 600))),
      grid('c', V, shape(rectangle(700, 0, 1000, 600))),
    ];
    expect(mergeGrids(apart, 'a', 'c')).toEqual({ valid: false, reason: 'not_neighbours' });
  });
});

describe('drawGrid and reshapeGrid', () => {
  it('draws a new grid, clipped to the village, taking its land from the grids under it', () => {
    const result = drawGrid(grids, place, shape(rectangle(400, -100, 600, 700)));
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    expect(result.grids).toHaveLength(3);
    const report = check(result.grids);
    expect(
      report.issues.filter((issue) =>
        [CHECKS.gap, CHECKS.overlap, CHECKS.outsideVillage, CHECKS.sliver].includes(issue.check as never),
      ),
    ).toEqual([]);
  });

  it('moves a shared boundary: what one grid gains its neighbour loses, with no gap', () => {
    const result = reshapeGrid(grids, place, 'b', shape(rectangle(440, 0, 1000, 600)));
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    const report = check(result.grids);
    expect(report.issues.filter((issue) => issue.severity === 'error' && issue.check !== CHECKS.householdBand)).toEqual([]);
    expect(report.grids.find((entry) => entry.key === 'b')!.households).toBe(390 + 6 * 30);
  });

  it('gives land a grid gives up to its neighbour', () => {
    const result = reshapeGrid(grids, place, 'b', shape(rectangle(600, 0, 1000, 600)));
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    const report = check(result.grids);
    expect(report.issues.filter((issue) => [CHECKS.gap, CHECKS.overlap].includes(issue.check as never))).toEqual([]);
    expect(report.grids.find((entry) => entry.key === 'a')!.households).toBe(900 + 6 * 13);
  });
});

describe('paintBuildings', () => {
  it('moves the land around painted buildings into the target grid', () => {
    const painted = west.filter((house) => house.position[0] > at(400, 0)[0]).slice(0, 3);
    const result = paintBuildings(
      grids,
      place,
      buildings,
      painted.map((house) => house.id),
      'b',
    );
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    const report = check(result.grids);
    for (const house of painted) expect(report.buildingGrid[house.id]).toBe('b');
    expect(report.grids.find((entry) => entry.key === 'b')!.households).toBe(390 + 3 * 30);
    expect(report.issues.filter((issue) => [CHECKS.gap, CHECKS.overlap].includes(issue.check as never))).toEqual([]);
  });

  it('says when there is nothing to paint', () => {
    expect(paintBuildings(grids, place, buildings, [east[0]!.id], 'b')).toEqual({ valid: false, reason: 'nothing_to_paint' });
    expect(paintBuildings(grids, place, [building(V, 10, 10, 1)], [], 'b')).toEqual({ valid: false, reason: 'nothing_to_paint' });
  });
});

describe('suggestSplitLine', () => {
  it('finds a straight cut that leaves both halves in the band', () => {
    const line = suggestSplitLine(grids[0]!, buildings, DEFAULT_HOUSEHOLD_BAND);
    expect(line).not.toBeNull();
    const result = splitGrid(grids, 'a', line!, buildings);
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    expect(check(result.grids).grids.every((entry) => entry.status === 'green')).toBe(true);
  });
});
