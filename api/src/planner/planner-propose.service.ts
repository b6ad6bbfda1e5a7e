/**
 * "Propose grids" on the server: the shared partition (proposeGrids) run on
 * each village's buildings and roads. Proposed grids take over the codes of
 * the current grids they share the most households with, so publishing a
 * proposal keeps codes where it can; the rest are new.
 */
import type { Queryable } from '@minqing/db';
import { proposeGrids, type PartitionFlag, type PlannerGrid } from '@minqing/shared';
import { InvalidInputError } from '../errors.ts';
import { householdBand } from '../services/policy.service.ts';
import { buildingsOf, currentGrids, openRegion, roadsOf } from './planner-workspace.service.ts';
import { pointInMultiPolygon } from '@minqing/shared';

export interface ProposedDraftGrid extends PlannerGrid {
  households: number;
  residents: number;
  flag: PartitionFlag | null;
}

export interface Proposal {
  regionCode: string;
  grids: ProposedDraftGrid[];
  summary: {
    villages: number;
    grids: number;
    inBand: number;
    flagged: { key: string; name: string; flag: PartitionFlag; households: number }[];
  };
}

export async function proposeForRegion(db: Queryable, code: string, villageCodes?: string[]): Promise<Proposal> {
  const region = await openRegion(db, code);
  const known = new Set(region.villages.map((village) => village.code));
  for (const villageCode of villageCodes ?? []) {
    if (!known.has(villageCode))
      throw new InvalidInputError(`village ${villageCode} is not part of ${region.name} (${code})`, 'village_not_in_region');
  }
  const chosen = region.villages.filter((village) => !villageCodes || villageCodes.includes(village.code));
  const codes = chosen.map((village) => village.code);
  const [buildings, roads, band, current] = await Promise.all([
    buildingsOf(db, codes),
    roadsOf(db, codes),
    householdBand(db),
    currentGrids(db, codes),
  ]);
  const grids: ProposedDraftGrid[] = [];
  for (const village of chosen) {
    const own = buildings.filter((building) => building.villageCode === village.code);
    const proposed = proposeGrids({ village, buildings: own, roads, band });
    const existing = current.filter((grid) => grid.villageCode === village.code);
    // Which current grid each building is in, to hand codes on.
    const oldGridOf = new Map<number, string>();
    for (const building of own) {
      const holder = existing.find((grid) => pointInMultiPolygon(building.position, grid.boundary));
      if (holder) oldGridOf.set(building.id, holder.code!);
    }
    const householdsOf = new Map(own.map((building) => [building.id, building.households]));
    const overlaps: { index: number; code: string; households: number }[] = [];
    proposed.forEach((entry, index) => {
      const shared = new Map<string, number>();
      for (const id of entry.buildingIds) {
        const old = oldGridOf.get(id);
        if (old) shared.set(old, (shared.get(old) ?? 0) + (householdsOf.get(id) ?? 0) + 1e-3);
      }
      for (const [oldCode, households] of shared) overlaps.push({ index, code: oldCode, households });
    });
    overlaps.sort((a, b) => b.households - a.households);
    const codeOf = new Map<number, string>();
    const used = new Set<string>();
    for (const overlap of overlaps) {
      if (codeOf.has(overlap.index) || used.has(overlap.code)) continue;
      codeOf.set(overlap.index, overlap.code);
      used.add(overlap.code);
    }
    // Number new grids from north-west to south-east, as people read a map.
    proposed.forEach((entry, index) => {
      const oldCode = codeOf.get(index) ?? null;
      const oldName = existing.find((grid) => grid.code === oldCode)?.name;
      grids.push({
        key: `${village.code}-p${index + 1}`,
        code: oldCode,
        villageCode: village.code,
        name: oldName ?? `${village.name}新网格${index + 1}`,
        boundary: entry.boundary,
        households: entry.households,
        residents: entry.residents,
        flag: entry.flag,
      });
    });
  }
  const inBand = grids.filter((grid) => grid.households >= band.min && grid.households <= band.max).length;
  return {
    regionCode: code,
    grids,
    summary: {
      villages: chosen.length,
      grids: grids.length,
      inBand,
      flagged: grids.flatMap((grid) =>
        grid.flag ? [{ key: grid.key, name: grid.name, flag: grid.flag, households: grid.households }] : [],
      ),
    },
  };
}
