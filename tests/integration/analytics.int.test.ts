/**
 * The leaders' view on a real PostGIS with the demo district and a year of
 * generated case history holding planted patterns: the hot grids of a
 * planted cluster, emerging hot spots, common problems found again in the
 * text (precision and recall reported), fair rankings on cases driven
 * through the case API, drill-down, Excel and CSV exports, the monthly
 * report, and plain answers for bad input and an empty district.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createApp,
  createLogger,
  generateCaseHistory,
  loadConfig,
  ManualClock,
  processQueuedRuns,
  queueRun,
  Readiness,
  type App,
  type CaseHistorySummary,
} from '@minqing/api';
import { sql } from '@minqing/db';
import { groupingAgreement } from '@minqing/shared';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

interface Json {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
}

let database: TestDatabase;
let app: App;
let history: CaseHistorySummary;
// The generated history ends on this Monday; later tests move the clock into a month of their own.
const HISTORY_END = new Date('2026-11-23T00:00:00+08:00');
const clock = new ManualClock(new Date('2026-11-23T09:00:00+08:00'));
const sessions = new Map<string, string>();

async function signIn(username: string): Promise<string> {
  const known = sessions.get(username);
  if (known) return known;
  const response = await app.request('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'minqing2026' }),
  });
  expect(response.status, `sign in as ${username}`).toBe(200);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  sessions.set(username, cookie);
  return cookie;
}

async function raw(username: string | null, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (username) headers.cookie = await signIn(username);
  const response = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401 && username && sessions.has(username)) {
    sessions.delete(username);
    return raw(username, method, path, body);
  }
  return response;
}

async function call(
  username: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const response = await raw(username, method, path, body);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

const get = (path: string, username = 'leader') => call(username, 'GET', path);

/** Queues a run through the API and lets the job worker's function compute it. */
async function runAnalysis(request: Json): Promise<Json> {
  const queued = await call('leader', 'POST', '/api/analytics/runs', request);
  expect(queued.status, JSON.stringify(queued.body)).toBe(202);
  await processQueuedRuns(database.db, () => clock.now());
  const run = await get(`/api/analytics/runs/${queued.body.run.id}`);
  expect(run.body.run.status, JSON.stringify(run.body.run)).toBe('done');
  return run.body.run;
}

beforeAll(async () => {
  database = await createTestDatabase({ template: 'demo' });
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  app = createApp({ db: database.db, logger: createLogger('silent'), state, config: loadConfig({ LOG_LEVEL: 'silent' }), clock });
  history = await generateCaseHistory(database.db, { cases: 6000, end: HISTORY_END, days: 365, seed: 7 });
}, 300_000);

afterAll(async () => {
  await database?.drop();
});

describe('hot spots', () => {
  test('the grids of the planted cluster are hot at 99 % after FDR, and a DBSCAN hull covers it', async () => {
    expect(history.hotspot?.grids.length).toBeGreaterThan(0);
    const response = await get('/api/analytics/hotspots?from=2026-10-12&to=2026-11-22');
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const { run, grids, clusters } = response.body;
    expect(run.status).toBe('done');
    expect(run.computedAt).toBeTruthy();
    expect(run.summary.notice).toBeNull();
    const planted = new Set(history.hotspot!.grids);
    const hottest = grids.filter((grid: Json) => grid.z !== null).slice(0, 3);
    for (const grid of hottest) expect(planted.has(grid.gridCode), `${grid.gridCode} is among the hottest`).toBe(true);
    const busiest = history.hotspot!.grids[0]!;
    expect(grids.find((grid: Json) => grid.gridCode === busiest)).toMatchObject({ bin: 3 });
    expect(grids.every((grid: Json) => grid.p === null || (grid.p >= 0 && grid.p <= 1))).toBe(true);

    const [centre] = await database.db.query<{ lon: number; lat: number }>(sql`
      select ST_X(ST_PointOnSurface(boundary)) as lon, ST_Y(ST_PointOnSurface(boundary)) as lat from region where code = ${history.hotspot!.villageCode}`);
    const [covered] = await database.db.query<{ covered: boolean }>(sql`
      select exists (select 1 from hotspot_cluster where run_id = ${run.id}
                     and ST_DWithin(hull::geography, ST_SetSRID(ST_MakePoint(${centre!.lon}::float8, ${centre!.lat}::float8), 4326)::geography, 500)) as covered`);
    expect(covered!.covered).toBe(true);
    expect(clusters.features.length).toBeGreaterThan(0);
    expect(clusters.features[0].properties.topCategories.length).toBeGreaterThan(0);
  });

  test('the same request again reuses the run; contiguity and distance band are both offered', async () => {
    const first = await get('/api/analytics/hotspots?from=2026-10-12&to=2026-11-22');
    const again = await get('/api/analytics/hotspots?from=2026-10-12&to=2026-11-22');
    expect(again.body.run.id).toBe(first.body.run.id);
    const band = await get(
      '/api/analytics/hotspots?from=2026-10-12&to=2026-11-22&neighbourhood=distance_band&distanceBandMetres=1500',
    );
    expect(band.status).toBe(200);
    expect(band.body.run.parameters).toMatchObject({ neighbourhood: 'distance_band', distanceBandMetres: 1500 });
    expect(band.body.grids.find((grid: Json) => grid.gridCode === history.hotspot!.grids[0]).bin).toBeGreaterThan(0);
  });

  test('a grid with no households has no rate and no z, and is not anyone’s neighbour', async () => {
    const code = history.hotspot!.grids.at(-1)!;
    await database.db.query(sql`update grid set households = 0 where code = ${code} and valid_to is null`);
    try {
      const response = await get('/api/analytics/hotspots?from=2026-10-13&to=2026-11-22');
      const grid = response.body.grids.find((row: Json) => row.gridCode === code);
      expect(grid).toMatchObject({ households: 0, rate: null, z: null, p: null, bin: 0 });
      expect(response.body.run.summary.gridsWithoutHouseholds).toBe(1);
    } finally {
      await database.db.query(sql`update grid set households = 400 where code = ${code} and valid_to is null`);
    }
  });

  test('a window with no cases says so plainly; a category with one case has too few for a hot spot', async () => {
    const empty = await get('/api/analytics/hotspots?from=2020-01-01&to=2020-03-31');
    expect(empty.status).toBe(200);
    expect(empty.body.run.summary.notice).toMatch(/no cases/);
    expect(empty.body.grids.every((grid: Json) => grid.bin === 0)).toBe(true);
    const heat = await get('/api/analytics/heat?from=2020-01-01&to=2020-03-31');
    expect(heat.body.features).toEqual([]);
    const [one] = await database.db.query<{ day: string; category: string }>(sql`
      select to_char(created_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, category_code as category
      from cases where category_code = '1302' order by created_at limit 1`);
    const single = await get(`/api/analytics/hotspots?from=${one!.day}&to=${one!.day}&categories=1302`);
    expect(single.status).toBe(200);
    expect(single.body.run.summary.cases).toBeGreaterThanOrEqual(1);
    expect(single.body.run.summary.notice).toMatch(/too few cases/);
    expect(single.body.grids.filter((grid: Json) => grid.bin !== 0 || grid.z !== null)).toEqual([]);
  });

  test('bad input is a 400 naming the problem; others than leaders and the command center get 403', async () => {
    const cases: [string, RegExp][] = [
      ['/api/analytics/hotspots?from=2026-13-01&to=2026-12-01', /not a date/],
      ['/api/analytics/hotspots?from=2026-11-01&to=2026-10-01', /starts .* after it ends/],
      ['/api/analytics/hotspots?from=2026-11-01', /both from and to/],
      ['/api/analytics/hotspots?categories=abc', /not a category code/],
      ['/api/analytics/hotspots?neighbourhood=rook', /contiguity or distance_band/],
      ['/api/analytics/hotspots?distanceBandMetres=5', /at least 100/],
      ['/api/analytics/assessment?period=week', /month, quarter or year/],
      ['/api/analytics/exports/secrets.xlsx', /assessment/],
    ];
    for (const [path, message] of cases) {
      const response = await get(path);
      expect(response.status, path).toBe(400);
      expect(response.body.error.message, path).toMatch(message);
    }
    expect((await get('/api/analytics/hotspots', 'wall')).status).toBe(403);
    expect((await get('/api/analytics/hotspots', 'renshe')).status).toBe(403);
    expect((await call(null, 'GET', '/api/analytics/hotspots')).status).toBe(401);
    expect((await get('/api/analytics/runs/999999')).status).toBe(404);
  });
});

describe('emerging hot spots', () => {
  test('the planted cluster of the last six weeks is a new or consecutive hot spot; most grids show no pattern', async () => {
    const run = await runAnalysis({ kind: 'emerging_hotspots', to: '2026-11-22', weeks: 26 });
    const response = await get(`/api/analytics/emerging-hotspots?runId=${run.id}`);
    const byCode = new Map(response.body.grids.map((grid: Json) => [grid.gridCode, grid]));
    const busiest = byCode.get(history.hotspot!.grids[0]) as Json;
    expect(['new_hot', 'consecutive_hot']).toContain(busiest.category);
    expect(busiest.weekly).toHaveLength(26);
    expect(busiest.hotWeeks).toBeGreaterThanOrEqual(1);
    const noPattern = response.body.grids.filter((grid: Json) => grid.category === 'no_pattern').length;
    expect(noPattern / response.body.grids.length).toBeGreaterThan(0.8);
  });
});

describe('common problems', () => {
  let runId: number;

  test('recovers the planted problems (same problem, different words, different villages) with precision and recall ≥ 0.8', async () => {
    const run = await runAnalysis({ kind: 'common_problems', from: '2025-11-24', to: '2026-11-22' });
    runId = run.id;
    const members = await database.db.query<{ group_no: number; ids: number[] }>(sql`
      select group_no, array_agg(case_id order by case_id) as ids from common_problem_group_case where run_id = ${run.id} group by group_no`);
    const planted = await database.db.query<{ key: string; ids: number[] }>(sql`
      select left(tracking_code, 3) as key, array_agg(id order by id) as ids from cases where tracking_code like 'CP_-%' group by 1 order by 1`);
    expect(planted.map((group) => group.key)).toEqual(['CP1', 'CP2', 'CP3', 'CP4']);
    const agreement = groupingAgreement(
      members.map((group) => group.ids),
      planted.map((group) => group.ids),
    );
    console.log(
      `common problems: ${run.summary.cases} cases, ${run.summary.groups} groups; planted groups recovered:\n` +
        agreement.groups
          .map(
            (group, index) =>
              `  ${planted[index]!.key}: ${group.overlap}/${group.planted} found (precision ${group.precision.toFixed(2)}, recall ${group.recall.toFixed(2)})`,
          )
          .join('\n') +
        `\n  mean precision ${agreement.precision.toFixed(3)}, mean recall ${agreement.recall.toFixed(3)}`,
    );
    expect(agreement.precision).toBeGreaterThanOrEqual(0.8);
    expect(agreement.recall).toBeGreaterThanOrEqual(0.8);
  });

  test('a group shows its size, villages, units and a representative text; a leader turns it into a common problem', async () => {
    const groups = await get(`/api/analytics/common-problems/groups?runId=${runId}`);
    expect(groups.status).toBe(200);
    const [cp1] = await database.db.query<{ group_no: number }>(sql`
      select m.group_no from common_problem_group_case m join cases c on c.id = m.case_id
      where m.run_id = ${runId} and c.tracking_code like 'CP1-%' group by 1 order by count(*) desc limit 1`);
    const group = groups.body.groups.find((row: Json) => row.groupNo === cp1!.group_no);
    expect(group.villages.length).toBeGreaterThan(3);
    expect(group.units.length).toBeGreaterThan(0);
    expect(group.representativeText).toMatch(/证/);
    expect(group.raised).toBeGreaterThanOrEqual(group.cases);
    expect(group.monthly.length).toBeGreaterThan(1);

    const detail = await get(`/api/analytics/common-problems/groups/${runId}/${group.groupNo}`);
    expect(detail.body.cases).toHaveLength(group.cases);

    const made = await call('leader', 'POST', '/api/analytics/common-problems', {
      runId,
      groupNo: group.groupNo,
      title: '房地产权证办理遗留问题',
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.cases).toHaveLength(group.cases);
    expect(made.body.title).toBe('房地产权证办理遗留问题');
    const listed = await get('/api/analytics/common-problems');
    expect(listed.body.commonProblems[0]).toMatchObject({ id: made.body.id, cases: group.cases });
    const again = await call('leader', 'POST', '/api/analytics/common-problems', { runId, groupNo: group.groupNo });
    expect(again.status).toBe(409);
    const stranger = await call('leader', 'POST', '/api/analytics/common-problems', {
      runId,
      groupNo: group.groupNo,
      caseIds: [1],
    });
    expect(stranger.status).toBe(400);
    expect((await get(`/api/analytics/groups/${runId}/99999`)).status).toBe(404);
    expect((await get(`/api/analytics/common-problems/groups/${runId}/99999`)).status).toBe(404);
  });
});

describe('fair rankings', () => {
  // A month of its own, after the generated history: March 2027.
  const units = { fair: 0, late: 0, small: 0 };

  async function pointIn(villageName: string): Promise<{ lon: number; lat: number }> {
    const [row] = await database.db.query<{ lon: number; lat: number }>(sql`
      select ST_X(ST_PointOnSurface(boundary)) as lon, ST_Y(ST_PointOnSurface(boundary)) as lat from region where name = ${villageName} limit 1`);
    return row!;
  }

  async function caseFor(categoryCode: string, handler: string, resolve: boolean): Promise<number> {
    const created = await call('dispatcher', 'POST', '/api/cases', {
      channel: 'hotline',
      categoryCode,
      description: `考核测试诉求 ${categoryCode} ${Math.random().toString(36).slice(2, 8)}`,
      location: await pointIn('凤仙路社区'),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.case.id;
    expect((await call(handler, 'POST', `/api/cases/${id}/actions`, { action: 'accept' })).status).toBe(200);
    if (resolve) {
      expect((await call(handler, 'POST', `/api/cases/${id}/actions`, { action: 'resolve', resolution: '已办结' })).status).toBe(
        200,
      );
      expect(
        (
          await call('dispatcher', 'POST', `/api/cases/${id}/actions`, {
            action: 'callback',
            contacted: true,
            satisfaction: 'satisfied',
          })
        ).status,
      ).toBe(200);
    }
    return created.body.case.owner.id;
  }

  beforeAll(async () => {
    clock.set(new Date('2027-03-01T09:00:00+08:00'));
    sessions.clear();
    for (let index = 0; index < 6; index++) units.fair = await caseFor('0302', 'renshe', true);
    for (let index = 0; index < 5; index++) units.late = await caseFor('0601', 'chengguan', true);
    units.late = await caseFor('0601', 'chengguan', false);
    for (let index = 0; index < 2; index++) units.small = await caseFor('0202', 'zhujian', true);
    clock.set(new Date('2027-03-20T09:00:00+08:00'));
    sessions.clear();
  });

  test('a unit with an open overdue case scores lower on 按期办结率 than one without; a unit with 2 cases is too few to rank', async () => {
    const before = await get('/api/analytics/assessment?period=month&start=2027-03');
    expect(before.status).toBe(200);
    expect(before.body.run).toBeNull();
    expect(before.body.message).toMatch(/not been computed/);

    await runAnalysis({ kind: 'assessment', period: 'month', start: '2027-03' });
    const response = await get('/api/analytics/assessment?period=month&start=2027-03&kind=unit');
    expect(response.body.weights).toMatchObject({ onTime: 0.25, satisfaction: 0.25 });
    expect(response.body.minimumCases).toBe(5);
    const entry = (id: number) => response.body.entries.find((row: Json) => row.key === String(id));
    const fair = entry(units.fair);
    const late = entry(units.late);
    const small = entry(units.small);
    expect(fair.counts).toMatchObject({ cases: 6, resolved: 6, openOverdue: 0, handOvers: 6, signedOnTime: 6 });
    expect(late.counts).toMatchObject({ cases: 6, resolved: 5, openOverdue: 1 });
    expect(fair.rates.onTimeRate).toBe(1);
    expect(late.rates.onTimeRate).toBeCloseTo(5 / 6, 10);
    expect(late.rates.onTimeRate).toBeLessThan(fair.rates.onTimeRate);
    expect(late.score).toBeLessThan(fair.score);
    expect(fair.rank).toBeLessThan(late.rank);
    expect(small).toMatchObject({ tooFew: true, rank: null });
    expect(small.counts.cases).toBe(2);

    const drill = await get(
      `/api/analytics/assessment/cases?period=month&start=2027-03&kind=unit&key=${units.late}&metric=openOverdue`,
    );
    expect(drill.status).toBe(200);
    expect(drill.body.cases).toHaveLength(1);
    expect(drill.body.cases[0].state).toBe('accepted');
  });

  test("the wall's month is the assessment's district-wide month: the same 办结率, 按期办结率 and 满意率", async () => {
    // The assessment of March was computed above at this clock; the wall reads March up to now.
    const assessment = await get('/api/analytics/assessment?period=month&start=2027-03');
    const district = assessment.body.run.summary.district;
    expect(district.counts).toMatchObject({
      cases: 14,
      resolved: 13,
      resolvedOnTime: 13,
      openOverdue: 1,
      rated: 13,
      satisfied: 13,
    });
    const wall = await get('/api/wall/summary');
    expect(wall.status).toBe(200);
    expect(wall.body.month).toEqual({
      received: district.counts.cases,
      done: district.counts.resolved,
      rated: district.counts.rated,
      closureRate: district.rates.closureRate,
      onTimeRate: district.rates.onTimeRate,
      satisfactionRate: district.rates.satisfactionRate,
    });
    // The open overdue case counts against 按期办结率 on the wall too (not 13 on time of 13 resolved).
    expect(wall.body.month.onTimeRate).toBeCloseTo(13 / 14, 10);
    expect(wall.body.month.closureRate).toBeCloseTo(13 / 14, 10);
  });

  test('the assessment exports to Excel with Chinese headers and the right rows, and to CSV', async () => {
    const response = await raw('leader', 'GET', '/api/analytics/exports/assessment.xlsx?period=month&start=2027-03&kind=unit');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    const headerIndex = rows.findIndex((row) => row[0] === '排名 Rank');
    expect(headerIndex).toBeGreaterThan(0);
    expect(rows[headerIndex]).toContain('按期办结率 On-time rate');
    const names = await database.db.query<{ id: number; name: string }>(
      sql`select id, name from unit where id = any(${[units.fair, units.late, units.small]}::bigint[])`,
    );
    const row = (id: number) => rows.find((cells) => cells[1] === names.find((unit) => unit.id === id)!.name)!;
    const onTime = rows[headerIndex]!.indexOf('按期办结率 On-time rate');
    expect(row(units.fair)[onTime]).toBe(1);
    expect(row(units.late)[onTime]).toBeCloseTo(5 / 6, 10);
    expect(row(units.small)[0]).toMatch(/不排名/);
    expect(row(units.fair)[0]).toBeLessThan(row(units.late)[0] as number);

    const csv = await raw('leader', 'GET', '/api/analytics/exports/assessment.csv?period=month&start=2027-03&kind=unit');
    const bytes = new Uint8Array(await csv.arrayBuffer());
    // A byte-order mark, so that Excel reads the Chinese as UTF-8.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.split('\r\n')[0]).toContain('综合得分 Score');
    expect(text).toContain(names.find((unit) => unit.id === units.late)!.name);
  });

  test('the monthly report is print-ready HTML with charts and the ranking', async () => {
    const response = await raw('leader', 'GET', '/api/analytics/report?month=2027-03');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('月度报告');
    expect(html).toContain('<svg');
    expect(html).toContain('@page');
    expect(html).toContain(
      String((await database.db.query<{ name: string }>(sql`select name from unit where id = ${units.fair}`))[0]!.name),
    );
    expect(html).not.toContain('NaN');
  });

  test('charts count weeks, categories, channels and days to resolve', async () => {
    const response = await get('/api/analytics/charts?from=2027-03-01&to=2027-03-31');
    expect(response.body.total).toBe(14);
    expect(response.body.channels).toEqual([{ channel: 'hotline', cases: 14 }]);
    expect(response.body.timeToResolve.reduce((sum: number, band: Json) => sum + band.cases, 0)).toBe(13);
  });
});

describe('an empty district', () => {
  test('every analysis finishes and says there is nothing to analyse, with no NaN anywhere', async () => {
    const empty = await createTestDatabase({ template: 'empty' });
    try {
      const now = new Date('2026-11-23T09:00:00+08:00');
      await queueRun(
        empty.db,
        'hotspots',
        {
          from: '2026-08-01',
          to: '2026-11-22',
          categories: [],
          neighbourhood: 'contiguity',
          distanceBandMetres: 2000,
          falseDiscoveryRate: true,
          clusterDistanceMetres: 150,
          clusterMinimumCases: 10,
        },
        null,
        now,
      );
      await queueRun(
        empty.db,
        'emerging_hotspots',
        {
          to: '2026-11-22',
          weeks: 12,
          categories: [],
          neighbourhood: 'contiguity',
          distanceBandMetres: 2000,
          timeStepNeighbours: 1,
          trendAlpha: 0.05,
          persistentShare: 0.9,
        },
        null,
        now,
      );
      await queueRun(
        empty.db,
        'common_problems',
        {
          from: '2026-01-01',
          to: '2026-11-22',
          categories: [],
          windowDays: 365,
          minimumGroupSize: 3,
          linkScore: 0.45,
          averageScore: 0.2,
          minimumText: 0.25,
          textWeight: 0.75,
          categoryWeight: 0.15,
          spaceWeight: 0.1,
          spaceScaleMetres: 3000,
        },
        null,
        now,
      );
      await queueRun(empty.db, 'assessment', { period: 'month', start: '2026-11-01' }, null, now);
      const runs = await processQueuedRuns(empty.db, () => now);
      expect(runs.map((run) => [run.kind, run.status])).toEqual([
        ['hotspots', 'done'],
        ['emerging_hotspots', 'done'],
        ['common_problems', 'done'],
        ['assessment', 'done'],
      ]);
      for (const run of runs) {
        expect(run.summary.notice, run.kind).toMatch(/no cases|nothing/);
        expect(JSON.stringify(run.summary)).not.toContain('NaN');
      }
    } finally {
      await empty.drop();
    }
  });
});
