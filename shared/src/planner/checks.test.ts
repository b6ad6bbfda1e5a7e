import { describe, expect, it } from 'vitest';
import { DEFAULT_HOUSEHOLD_BAND } from '../grid/household-band.ts';
import { CHECKS, checkDraft, invalidReason, type CheckInput } from './checks.ts';
import { pointInMultiPolygon, pointLocator } from './planner-geometry.ts';
import { at, building, buildingsIn, grid, rectangle, shape, village } from './test-shapes.ts';

const V = '500101144200';
const band = DEFAULT_HOUSEHOLD_BAND;
// A 1000 m × 600 m village; 5 × 6 buildings of 13 households in each half (390 per half).
const villageShape = shape(rectangle(0, 0, 1000, 600));
const houses = [...buildingsIn(V, 0, 0, 500, 600, 100, 0), ...buildingsIn(V, 500, 0, 1000, 600, 100, 0)].map((house) => ({
  ...house,
  households: 13,
  residents: 39,
}));

function input(grids: CheckInput['grids'], buildings = houses): CheckInput {
  return { villages: [village(V, villageShape)], grids, buildings, band };
}

const names = (report: ReturnType<typeof checkDraft>) => report.issues.map((issue) => issue.check);

describe('checkDraft on hand-made shapes', () => {
  it('passes two halves that tile the village, each inside the band', () => {
    const report = checkDraft(
      input([grid('a', V, shape(rectangle(0, 0, 500, 600))), grid('b', V, shape(rectangle(500, 0, 1000, 600)))]),
    );
    expect(report.issues).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.grids.map((entry) => [entry.households, entry.status])).toEqual([
      [390, 'green'],
      [390, 'green'],
    ]);
    expect(report.grids[0]!.residents).toBe(1170);
    expect(report.grids[0]!.areaSquareMetres).toBeCloseTo(300_000, -2);
    // A 500 × 600 rectangle: 4π·300000 / 2200² ≈ 0.779.
    expect(report.grids[0]!.polsbyPopper).toBeCloseTo(0.779, 2);
  });

  it('matches a shared edge that only one side has a vertex on (a T-junction)', () => {
    const left = shape([
      [
        [0, 0],
        [500, 0],
        [500, 300],
        [500, 600],
        [0, 600],
      ],
    ]);
    const report = checkDraft(input([grid('a', V, left), grid('b', V, shape(rectangle(500, 0, 1000, 600)))]));
    expect(report.passed).toBe(true);
  });

  it('finds a bow-tie (self-intersecting) boundary', () => {
    const bowTie = shape([
      [
        [0, 0],
        [500, 600],
        [500, 0],
        [0, 600],
      ],
    ]);
    expect(invalidReason(bowTie)).toBe('self_intersection');
    const report = checkDraft(input([grid('a', V, bowTie), grid('b', V, shape(rectangle(500, 0, 1000, 600)))]));
    const issue = report.issues.find((entry) => entry.check === CHECKS.invalidGeometry)!;
    expect(issue.gridKeys).toEqual(['a']);
    expect(issue.message).toContain('crosses itself');
    expect(report.passed).toBe(false);
  });

  it('finds a gap between two grids and measures it', () => {
    const report = checkDraft(
      input([grid('a', V, shape(rectangle(0, 0, 480, 600))), grid('b', V, shape(rectangle(500, 0, 1000, 600)))]),
    );
    const gap = report.issues.find((entry) => entry.check === CHECKS.gap)!;
    expect(gap).toBeDefined();
    expect(Number(gap.values.squareMetres)).toBeCloseTo(12_000, -2);
    expect(gap.geometry?.type).toBe('MultiPolygon');
    expect(report.passed).toBe(false);
  });

  it('finds an overlap and names both grids', () => {
    const report = checkDraft(
      input([grid('a', V, shape(rectangle(0, 0, 540, 600))), grid('b', V, shape(rectangle(500, 0, 1000, 600)))]),
    );
    const overlap = report.issues.find((entry) => entry.check === CHECKS.overlap)!;
    expect(overlap.gridKeys.sort()).toEqual(['a', 'b']);
    expect(Number(overlap.values.squareMetres)).toBeCloseTo(24_000, -2);
    // The buildings under the overlap are counted once.
    expect(report.grids.reduce((sum, entry) => sum + entry.households, 0)).toBe(780);
  });

  it('calls a thin gap a sliver', () => {
    const report = checkDraft(
      input([grid('a', V, shape(rectangle(0, 0, 499, 600))), grid('b', V, shape(rectangle(500, 0, 1000, 600)))]),
    );
    expect(names(report)).toContain(CHECKS.sliver);
    expect(names(report)).not.toContain(CHECKS.gap);
    const sliver = report.issues.find((entry) => entry.check === CHECKS.sliver)!;
    expect(sliver.values.kind).toBe('gap');
    expect(Number(sliver.values.widthMetres)).toBeLessThan(3);
  });

  it('finds a grid in two pieces (multi-part)', () => {
    const split = shape(rectangle(0, 0, 300, 600), rectangle(700, 0, 1000, 600));
    const middle = shape(rectangle(300, 0, 700, 600));
    const report = checkDraft(input([grid('a', V, split), grid('b', V, middle)]));
    const issue = report.issues.find((entry) => entry.check === CHECKS.notContiguous)!;
    expect(issue.gridKeys).toEqual(['a']);
    expect(issue.values.parts).toBe(2);
    expect(report.grids.find((entry) => entry.key === 'a')!.parts).toBe(2);
    // The coverage itself is exact: no gap or overlap reported.
    expect(names(report)).not.toContain(CHECKS.gap);
    expect(names(report)).not.toContain(CHECKS.overlap);
  });

  it('finds a grid that crosses the village boundary', () => {
    const report = checkDraft(
      input([grid('a', V, shape(rectangle(0, 0, 500, 600))), grid('b', V, shape(rectangle(500, 0, 1050, 600)))]),
    );
    const outside = report.issues.find((entry) => entry.check === CHECKS.outsideVillage)!;
    expect(outside.gridKeys).toEqual(['b']);
    expect(Number(outside.values.squareMetres)).toBeCloseTo(30_000, -2);
  });

  it('finds a building on the line between two grids', () => {
    const onLine = building(V, 500, 200, 20);
    const report = checkDraft(
      input(
        [grid('a', V, shape(rectangle(0, 0, 500, 600))), grid('b', V, shape(rectangle(500, 0, 1000, 600)))],
        [...houses, onLine],
      ),
    );
    const issue = report.issues.find((entry) => entry.check === CHECKS.buildingOnBoundary)!;
    expect(issue.buildingIds).toEqual([onLine.id]);
    expect(issue.gridKeys.sort()).toEqual(['a', 'b']);
  });

  it('names buildings that lie in no grid', () => {
    const report = checkDraft(input([grid('a', V, shape(rectangle(0, 0, 500, 600)))]));
    const issue = report.issues.find((entry) => entry.check === CHECKS.buildingUncovered)!;
    expect(issue.buildingIds).toHaveLength(30);
    expect(issue.values.households).toBe(390);
  });

  it('colours grids by the band: red over, amber when a single building is over it, amber for a small village', () => {
    const crowded = [...houses, building(V, 100, 100, 250)];
    const over = checkDraft(
      input([grid('a', V, shape(rectangle(0, 0, 500, 600))), grid('b', V, shape(rectangle(500, 0, 1000, 600)))], crowded),
    );
    expect(over.grids[0]).toMatchObject({ households: 640, band: 'above', status: 'red', flag: null });
    expect(over.passed).toBe(false);

    const tower = [...houses, building(V, 100, 100, 620)];
    const oversized = checkDraft(
      input([grid('a', V, shape(rectangle(0, 0, 500, 600))), grid('b', V, shape(rectangle(500, 0, 1000, 600)))], tower),
    );
    expect(oversized.grids[0]).toMatchObject({ status: 'amber', flag: 'oversized_building' });
    expect(oversized.passed).toBe(true);

    const sparse = houses.slice(0, 20);
    const small = checkDraft(input([grid('a', V, villageShape)], sparse));
    expect(small.grids[0]).toMatchObject({ households: 260, status: 'amber', flag: 'small_village' });
    expect(small.passed).toBe(true);
  });

  it('warns when a grid is far from the village mean or not compact', () => {
    const strip = shape(rectangle(0, 0, 1000, 40));
    const rest = shape(rectangle(0, 40, 1000, 600));
    const report = checkDraft(input([grid('a', V, strip), grid('b', V, rest)]));
    expect(names(report)).toContain(CHECKS.compactness);
    expect(names(report)).toContain(CHECKS.deviation);
  });

  it('refuses the same code on two grids', () => {
    const report = checkDraft(
      input([
        grid('a', V, shape(rectangle(0, 0, 500, 600)), `${V}001`),
        grid('b', V, shape(rectangle(500, 0, 1000, 600)), `${V}001`),
      ]),
    );
    expect(names(report)).toContain(CHECKS.duplicateCode);
  });
});

describe('pointLocator', () => {
  it('answers as pointInMultiPolygon does, holes and several parts included', () => {
    const withHole = shape(
      [
        [
          [0, 0],
          [400, 0],
          [400, 400],
          [0, 400],
        ],
        [
          [100, 100],
          [100, 300],
          [300, 300],
          [300, 100],
        ],
      ],
      rectangle(600, 0, 900, 300),
    );
    const inside = pointLocator(withHole);
    for (let x = -50; x <= 950; x += 37) {
      for (let y = -50; y <= 450; y += 29) {
        const position = at(x, y);
        expect(inside(position), `${x}, ${y}`).toBe(pointInMultiPolygon(position, withHole));
      }
    }
  });
});
