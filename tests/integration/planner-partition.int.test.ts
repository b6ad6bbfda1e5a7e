/**
 * "Propose grids" on the whole demo district (every town through the API):
 * every proposed grid is one piece, the grids of each village tile it with no
 * overlap or gap, at least 95% hold 300–500 households, and every grid outside
 * the band is flagged with the reason.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp, createLogger, loadConfig, ManualClock, Readiness, type App } from '@minqing/api';
import { sql } from '@minqing/db';
import { CHECKS, checkDraft, type PlannerBuilding, type PlannerGrid, type PlannerVillage } from '@minqing/shared';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

interface ProposedGrid extends PlannerGrid {
  households: number;
  flag: string | null;
}

let database: TestDatabase;
let app: App;
let cookie = '';

beforeAll(async () => {
  database = await createTestDatabase({ template: 'demo' });
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  app = createApp({
    db: database.db,
    logger: createLogger('silent'),
    state,
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    clock: new ManualClock(new Date()),
  });
  const response = await app.request('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'planner', password: 'minqing2026' }),
  });
  cookie = response.headers.get('set-cookie')!.split(';')[0]!;
});

afterAll(async () => {
  await database?.drop();
});

describe('automatic partition of the demo district', () => {
  test('contiguous grids that tile every village, ≥ 95% in the band, the rest flagged', { timeout: 600_000 }, async () => {
    const towns = await database.db.query<{ code: string }>(sql`select code from region where level = 'town' order by code`);
    expect(towns.length).toBe(52);
    const all: ProposedGrid[] = [];
    const coverageProblems: string[] = [];
    for (const town of towns) {
      const headers = { 'content-type': 'application/json', cookie };
      const proposal = await app.request(`/api/planner/regions/${town.code}/proposal`, { method: 'POST', headers, body: '{}' });
      expect(proposal.status, `proposal for ${town.code}`).toBe(200);
      const { grids } = (await proposal.json()) as { grids: ProposedGrid[] };
      const workspace = (await (await app.request(`/api/planner/regions/${town.code}`, { headers })).json()) as {
        villages: PlannerVillage[];
        buildings: PlannerBuilding[];
        band: { min: number; max: number };
      };
      const report = checkDraft({ villages: workspace.villages, grids, buildings: workspace.buildings, band: workspace.band });
      for (const grid of report.grids) expect(grid.parts, `grid ${grid.key} is one piece`).toBe(1);
      coverageProblems.push(
        ...report.issues
          .filter((issue) =>
            [
              CHECKS.overlap,
              CHECKS.gap,
              CHECKS.sliver,
              CHECKS.outsideVillage,
              CHECKS.buildingUncovered,
              CHECKS.buildingOnBoundary,
              CHECKS.invalidGeometry,
            ].includes(issue.check as never),
          )
          .map((issue) => issue.message),
      );
      // Each grid holds what the proposal said, by the checks' own count.
      const counted = new Map(report.grids.map((grid) => [grid.key, grid.households]));
      for (const grid of grids) expect(counted.get(grid.key)).toBe(grid.households);
      all.push(...grids);
    }
    expect(coverageProblems).toEqual([]);
    const inBand = all.filter((grid) => grid.households >= 300 && grid.households <= 500);
    expect(inBand.length / all.length).toBeGreaterThanOrEqual(0.95);
    const outside = all.filter((grid) => grid.households < 300 || grid.households > 500);
    for (const grid of outside) expect(['small_village', 'oversized_building', 'under_band', 'over_band']).toContain(grid.flag);
    const [households] = await database.db.query<{ total: number }>(sql`select sum(households) as total from building`);
    expect(all.reduce((sum, grid) => sum + grid.households, 0)).toBe(households!.total);
    console.log(
      `proposed ${all.length} grids: ${inBand.length} in band (${((100 * inBand.length) / all.length).toFixed(1)}%), ${outside.length} flagged`,
    );
  });
});
