import { describe, expect, it } from 'vitest';
import { DEFAULT_HOUSEHOLD_BAND } from '../grid/household-band.ts';
import { CHECKS, checkDraft } from './checks.ts';
import { proposeGrids, type ProposedGrid } from './propose-grids.ts';
import { at, building, buildingsIn, rectangle, shape, village } from './test-shapes.ts';
import type { PlannerBuilding, PlannerVillage } from './planner-types.ts';

const V = '500101022002';

function asDraft(place: PlannerVillage, proposed: ProposedGrid[]) {
  return proposed.map((entry, index) => ({
    key: `p${index}`,
    code: null,
    villageCode: place.code,
    name: `网格${index + 1}`,
    boundary: entry.boundary,
  }));
}

function checked(place: PlannerVillage, buildings: PlannerBuilding[], proposed: ProposedGrid[]) {
  return checkDraft({ villages: [place], grids: asDraft(place, proposed), buildings, band: DEFAULT_HOUSEHOLD_BAND });
}

describe('proposeGrids', () => {
  it('splits a village into contiguous grids inside the band that tile it exactly', () => {
    // An L-shaped village (concave), 2,400 households.
    const place = village(
      V,
      shape([
        [
          [0, 0],
          [1200, 0],
          [1200, 500],
          [500, 500],
          [500, 1000],
          [0, 1000],
        ],
      ]),
    );
    const buildings = [...buildingsIn(V, 0, 0, 1200, 500, 50, 5), ...buildingsIn(V, 0, 500, 500, 1000, 50, 5)];
    const proposed = proposeGrids({ village: place, buildings });
    const total = buildings.reduce((sum, house) => sum + house.households, 0);
    expect(proposed.reduce((sum, entry) => sum + entry.households, 0)).toBe(total);
    const report = checked(place, buildings, proposed);
    expect(report.issues.filter((issue) => issue.severity === 'error')).toEqual([]);
    expect(report.grids.every((entry) => entry.parts === 1 && entry.status === 'green')).toBe(true);
    expect(proposed.every((entry) => entry.flag === null)).toBe(true);
  });

  it('gives a high-rise of more than 500 households a grid of its own, flagged', () => {
    const place = village(V, shape(rectangle(0, 0, 600, 600)));
    const tower = building(V, 300, 300, 620);
    const buildings = [
      tower,
      ...buildingsIn(V, 0, 0, 600, 600, 60, 8).filter(
        (house) => Math.hypot(house.position[0] - tower.position[0], house.position[1] - tower.position[1]) > 1e-4,
      ),
    ];
    const proposed = proposeGrids({ village: place, buildings });
    const own = proposed.find((entry) => entry.buildingIds.includes(tower.id))!;
    expect(own.buildingIds).toEqual([tower.id]);
    expect(own.flag).toBe('oversized_building');
    const report = checked(place, buildings, proposed);
    expect(report.issues.filter((issue) => issue.severity === 'error')).toEqual([]);
  });

  it('keeps a village under 300 households as one grid, flagged small_village', () => {
    const place = village(V, shape(rectangle(0, 0, 2000, 1500)));
    const buildings = buildingsIn(V, 0, 0, 2000, 1500, 250, 5);
    const proposed = proposeGrids({ village: place, buildings });
    expect(proposed).toHaveLength(1);
    expect(proposed[0]!.flag).toBe('small_village');
    expect(proposed[0]!.households).toBe(buildings.reduce((sum, house) => sum + house.households, 0));
    const report = checked(place, buildings, proposed);
    expect(report.issues.map((issue) => issue.check)).not.toContain(CHECKS.gap);
    expect(report.grids[0]!.status).toBe('amber');
  });

  it('follows a road when it can: the boundary between two grids runs along it', () => {
    const place = village(V, shape(rectangle(0, 0, 1000, 400)));
    // 800 households: two grids of 400. A road runs north–south at x = 430, off the middle.
    const buildings = buildingsIn(V, 0, 0, 1000, 400, 50, 5).map((house) => ({
      ...house,
      households: house.position[0] < at(430, 0)[0] ? 6 : 3.5,
    }));
    for (const house of buildings) house.households = Math.round(house.households);
    const road = [at(430, -50), at(430, 450)];
    const proposed = proposeGrids({ village: place, buildings, roads: [road] });
    expect(proposed).toHaveLength(2);
    // Every building west of the road is in one grid, every building east of it in the other.
    const westIds = new Set(buildings.filter((house) => house.position[0] < road[0]![0]).map((house) => house.id));
    for (const entry of proposed) {
      const west = entry.buildingIds.filter((id) => westIds.has(id)).length;
      expect(west === 0 || west === entry.buildingIds.length).toBe(true);
    }
  });
});
