/**
 * The grid planner on a real PostGIS with the demo district: who may use it,
 * drafts with optimistic locking, checks refusing a bad draft, a split
 * published as a new version that moves the open case and the grid worker
 * (and leaves the closed case alone), history, import of GeoJSON and
 * shapefiles with broken features, export and worker assignments.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import shpwrite from '@mapbox/shp-write';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { createApp, createLogger, loadConfig, ManualClock, Readiness, type App } from '@minqing/api';
import { sql } from '@minqing/db';
import { mergeGrids, splitGrid, suggestSplitLine, type PlannerGrid } from '@minqing/shared';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

interface Json {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
}

const SHINIAN = '500101144200'; // 分水镇石碾村
let database: TestDatabase;
let app: App;
// The real time: the demo's grids took effect when the template was made, and a publication must come after them.
const clock = new ManualClock(new Date());
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const cookies = new Map<string, string>();

async function signIn(username: string): Promise<string> {
  const known = cookies.get(username);
  if (known) return known;
  const response = await app.request('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'minqing2026' }),
  });
  expect(response.status, `sign in as ${username}`).toBe(200);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  cookies.set(username, cookie);
  return cookie;
}

async function call(
  username: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json; text: string; type: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (username) headers.cookie = await signIn(username);
  const response = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, body: type.includes('json') && text ? JSON.parse(text) : {}, text, type };
}

const workspaceOf = async (code: string) => (await call('planner', 'GET', `/api/planner/regions/${code}`)).body;
const plain = (grids: Json[]): PlannerGrid[] =>
  grids.map(({ key, code, villageCode, name, boundary }) => ({ key, code, villageCode, name, boundary }));

beforeAll(async () => {
  database = await createTestDatabase({ template: 'demo' });
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  app = createApp({ db: database.db, logger: createLogger('silent'), state, config: loadConfig({ LOG_LEVEL: 'silent' }), clock });
});

afterAll(async () => {
  await database?.drop();
});

describe('access', () => {
  test('only planners and administrators open the planner', async () => {
    expect((await call(null, 'GET', `/api/planner/regions/${SHINIAN}`)).status).toBe(401);
    const refused = await call('dispatcher', 'GET', `/api/planner/regions/${SHINIAN}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('planner');
    expect((await call('shinian', 'PUT', `/api/planner/regions/${SHINIAN}/draft`, { revision: 0, grids: [] })).status).toBe(403);
    expect((await call('admin', 'GET', `/api/planner/regions/${SHINIAN}`)).status).toBe(200);
  });

  test('names what is wrong with a request', async () => {
    const district = await call('planner', 'GET', '/api/planner/regions/500101000000');
    expect(district.status).toBe(400);
    expect(district.body.error.message).toContain('village or a town');
    expect((await call('planner', 'GET', '/api/planner/regions/500101999999')).status).toBe(404);
    const badGeometry = await call('planner', 'PUT', `/api/planner/regions/${SHINIAN}/draft`, {
      revision: 0,
      grids: [{ key: 'x', code: null, villageCode: SHINIAN, name: 'x', boundary: { type: 'Polygon', coordinates: [] } }],
    });
    expect(badGeometry.status).toBe(400);
    expect(badGeometry.body.error.message).toContain('MultiPolygon');
  });
});

describe('a village redrawn and published', () => {
  test('drafts, checks, preview and publish move the open case and the worker, not the closed case', async () => {
    const workspace = await workspaceOf(SHINIAN);
    expect(workspace.region.name).toBe('石碾村');
    expect(workspace.grids.length).toBeGreaterThanOrEqual(2);
    expect(workspace.buildings.length).toBeGreaterThan(100);
    expect(workspace.draft).toBeNull();
    const current = plain(workspace.grids);

    // Two neighbouring grids merged: over-full.
    let merged: PlannerGrid[] | null = null;
    for (let i = 0; i < current.length && !merged; i++) {
      for (let j = i + 1; j < current.length && !merged; j++) {
        const result = mergeGrids(current, current[i]!.key, current[j]!.key, workspace.buildings);
        if (result.valid) merged = result.grids;
      }
    }
    expect(merged, 'two grids of 石碾村 are neighbours').not.toBeNull();
    const saved = await call('planner', 'PUT', `/api/planner/regions/${SHINIAN}/draft`, { revision: 0, grids: merged });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.revision).toBe(1);

    // Someone else saving over a revision they did not see is told.
    const stale = await call('admin', 'PUT', `/api/planner/regions/${SHINIAN}/draft`, { revision: 0, grids: current });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_draft');
    expect(stale.body.error.message).toContain('revision 1');

    // The over-full grid fails the checks; publishing is refused and changes nothing.
    const refused = await call('planner', 'POST', `/api/planner/regions/${SHINIAN}/publish`, {
      revision: 1,
      validFrom: today,
      confirm: { reassignedCases: 0, reassignedWorkers: 0 },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('draft_fails_checks');
    expect(refused.body.error.message).toMatch(/households, above the band 300–500/);

    // Split it back with a straight line: both halves in the band.
    const over = merged!.find(
      (grid) =>
        !current.some((entry) => entry.key === grid.key && JSON.stringify(entry.boundary) === JSON.stringify(grid.boundary)),
    )!;
    const line = suggestSplitLine(over, workspace.buildings, workspace.band);
    expect(line, 'a straight cut splits the merged grid').not.toBeNull();
    const split = splitGrid(merged!, over.key, line!, workspace.buildings);
    expect(split.valid).toBe(true);
    if (!split.valid) return;
    const checked = await call('planner', 'POST', `/api/planner/regions/${SHINIAN}/check`, { grids: split.grids });
    expect(checked.status).toBe(200);
    expect(checked.body.issues.filter((issue: Json) => issue.severity === 'error')).toEqual([]);
    const second = await call('planner', 'PUT', `/api/planner/regions/${SHINIAN}/draft`, { revision: 1, grids: split.grids });
    expect(second.body.revision).toBe(2);

    // An open case and a closed case in the grid that was split off (it got a new code).
    const added = split.grids.find((grid) => grid.code === null)!;
    const [inside] = await database.db.query<{ lon: number; lat: number }>(sql`
      select ST_X(p) as lon, ST_Y(p) as lat from (select ST_PointOnSurface(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(added.boundary)}), 4326)) as p) s`);
    const register = async (description: string) => {
      const response = await call('shinian', 'POST', '/api/cases', {
        channel: 'liaison_point',
        categoryCode: '0401',
        description,
        location: { lon: inside!.lon, lat: inside!.lat },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body.case;
    };
    const open = await register('石碾村组道上的路灯坏了三盏，晚上看不见路');
    const closed = await register('石碾村院坝边的沟渠去年已经疏通，记录存档');
    await database.db.query(
      sql`update cases set state = 'closed', closed_at = now(), closure_reason = 'invalid' where id = ${closed.id}`,
    );
    const oldCode = open.gridCode as string;
    expect(oldCode).toMatch(/^500101144200\d{3}$/);
    const [worker] = await database.db.query<{ user_id: number }>(
      sql`select user_id from grid_assignment where grid_code = ${over.code} and duty = 'grid_worker' limit 1`,
    );

    // A date in the future is refused.
    const future = await call('planner', 'POST', `/api/planner/regions/${SHINIAN}/preview`, {
      revision: 2,
      validFrom: '2999-01-01',
    });
    expect(future.status).toBe(400);
    expect(future.body.error.code).toBe('future_date');

    const preview = await call('planner', 'POST', `/api/planner/regions/${SHINIAN}/preview`, { revision: 2, validFrom: today });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.grids.added).toHaveLength(1);
    const newCode = preview.body.grids.added[0].code as string;
    expect(newCode).toMatch(/^500101144200\d{3}$/);
    const movedCase = preview.body.cases.find((entry: Json) => entry.caseId === open.id);
    expect(movedCase?.to ?? oldCode).toBeDefined();
    expect(preview.body.cases.some((entry: Json) => entry.caseId === closed.id)).toBe(false);
    expect(preview.body.buildingsChanged).toBeGreaterThan(0);
    // The preview changed nothing.
    const [still] = await database.db.query<{ count: number }>(sql`select count(*) as count from grid where code = ${newCode}`);
    expect(still!.count).toBe(0);

    // Confirming counts that no longer hold stops publishing.
    const outOfDate = await call('planner', 'POST', `/api/planner/regions/${SHINIAN}/publish`, {
      revision: 2,
      validFrom: today,
      confirm: { reassignedCases: preview.body.cases.length + 1, reassignedWorkers: preview.body.workers.length },
    });
    expect(outOfDate.status).toBe(409);
    expect(outOfDate.body.error.code).toBe('preview_out_of_date');

    const [versionBefore] = await database.db.query<{ version: number }>(
      sql`select version from map_version where layer = 'grid'`,
    );
    const published = await call('planner', 'POST', `/api/planner/regions/${SHINIAN}/publish`, {
      revision: 2,
      validFrom: today,
      confirm: { reassignedCases: preview.body.cases.length, reassignedWorkers: preview.body.workers.length },
    });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.publicationId).toBeGreaterThan(0);

    // The grids: the split-off grid is current with its new code; the old version of the kept one is closed.
    const rows = await database.db.query<{ code: string; version: number; valid_to: Date | null; households: number }>(sql`
      select code, version, valid_to, households from grid where village_code = ${SHINIAN} order by code, version`);
    const currentRows = rows.filter((row) => row.valid_to === null);
    expect(currentRows.map((row) => row.code)).toContain(newCode);
    expect(currentRows.every((row) => row.households >= 300 && row.households <= 500)).toBe(true);
    expect(rows.some((row) => row.valid_to !== null)).toBe(true);
    const [versionAfter] = await database.db.query<{ version: number }>(
      sql`select version from map_version where layer = 'grid'`,
    );
    expect(versionAfter!.version).toBeGreaterThan(versionBefore!.version);

    // The open case now names the grid it lies in; the closed one kept its grid.
    const [openRow] = await database.db.query<{ grid_code: string }>(sql`select grid_code from cases where id = ${open.id}`);
    const [holder] = await database.db.query<{ code: string }>(sql`
      select g.code from grid g join cases c on ST_Covers(g.boundary, c.location) where c.id = ${open.id} and g.valid_to is null`);
    expect(openRow!.grid_code).toBe(holder!.code);
    const [closedRow] = await database.db.query<{ grid_code: string }>(sql`select grid_code from cases where id = ${closed.id}`);
    expect(closedRow!.grid_code).toBe(oldCode);
    const caseView = await call('shinian', 'GET', `/api/cases/${open.id}`);
    expect(caseView.body.gridCode).toBe(holder!.code);

    // The grid worker of a closed grid went with it, as the preview said.
    if (worker) {
      const assigned = await database.db.query<{ grid_code: string }>(
        sql`select grid_code from grid_assignment where user_id = ${worker.user_id}`,
      );
      const codes = new Set(currentRows.map((row) => row.code));
      expect(assigned.every((row) => codes.has(row.grid_code))).toBe(true);
    }

    // History with before/after and the building diff; the draft is gone.
    const history = await call('planner', 'GET', `/api/planner/regions/${SHINIAN}/publications`);
    expect(history.body.publications[0].id).toBe(published.body.publicationId);
    const detail = await call('planner', 'GET', `/api/planner/publications/${published.body.publicationId}`);
    expect(detail.body.after.features.length).toBeGreaterThan(0);
    expect(detail.body.buildingChanges.length).toBe(published.body.buildingsChanged);
    expect((await workspaceOf(SHINIAN)).draft).toBeNull();
    const again = await call('planner', 'POST', `/api/planner/regions/${SHINIAN}/publish`, {
      revision: 2,
      validFrom: today,
      confirm: { reassignedCases: 0, reassignedWorkers: 0 },
    });
    expect(again.status).toBe(404);
  });
});

describe('import and export', () => {
  const VILLAGE = '500101022002'; // 沙河街道凤仙路社区

  async function currentFeatures() {
    const exported = await call('planner', 'GET', `/api/planner/regions/${VILLAGE}/export?format=geojson`);
    expect(exported.status).toBe(200);
    expect(exported.type).toContain('geo+json');
    return JSON.parse(exported.text) as { type: 'FeatureCollection'; features: Json[] };
  }

  test('exports GeoJSON and CSV with counts', async () => {
    const collection = await currentFeatures();
    expect(collection.features.length).toBeGreaterThan(0);
    expect(collection.features[0]!.properties).toMatchObject({
      code: expect.stringMatching(/^500101022002\d{3}$/),
      households: expect.any(Number),
    });
    const csv = await call('planner', 'GET', `/api/planner/regions/${VILLAGE}/export?format=csv`);
    expect(csv.type).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toContain('网格编码 code');
    expect(lines).toHaveLength(collection.features.length + 1);
    expect((await call('planner', 'GET', `/api/planner/regions/${VILLAGE}/export?format=xml`)).status).toBe(400);
  });

  test('a GeoJSON with broken features reports each one and imports none', async () => {
    const good = await currentFeatures();
    const first = good.features[0]!;
    const ring = first.geometry.coordinates[0][0] as number[][];
    const [x0, y0] = ring[0]! as [number, number];
    const bowTie = {
      type: 'Polygon',
      coordinates: [
        [
          [x0, y0],
          [x0 + 0.001, y0 + 0.001],
          [x0 + 0.001, y0],
          [x0, y0 + 0.001],
          [x0, y0],
        ],
      ],
    };
    const swapped = { type: 'Polygon', coordinates: [ring.map(([x, y]) => [y, x])] };
    const far = {
      type: 'Polygon',
      coordinates: [
        [
          [100, 20],
          [100.01, 20],
          [100.01, 20.01],
          [100, 20],
        ],
      ],
    };
    const line = { type: 'LineString', coordinates: ring };
    const collection = {
      type: 'FeatureCollection',
      features: [
        ...good.features.map((feature) => ({
          type: 'Feature',
          geometry: feature.geometry,
          properties: { code: feature.properties.code, name: feature.properties.name },
        })),
        { type: 'Feature', geometry: bowTie, properties: { name: '蝴蝶结' } },
        { type: 'Feature', geometry: swapped, properties: { name: '经纬颠倒' } },
        { type: 'Feature', geometry: far, properties: { name: '远方' } },
        { type: 'Feature', geometry: line, properties: { name: '线' } },
      ],
    };
    const response = await call('planner', 'POST', `/api/planner/regions/${VILLAGE}/import`, {
      revision: 0,
      format: 'geojson',
      dataBase64: Buffer.from(JSON.stringify(collection)).toString('base64'),
    });
    expect(response.status).toBe(400);
    const broken = response.body.report.features.filter((feature: Json) => feature.problems.length > 0);
    expect(broken.map((feature: Json) => feature.name)).toEqual(['蝴蝶结', '经纬颠倒', '远方', '线']);
    expect(broken[0].problems[0]).toContain('crosses itself');
    expect(broken[0].repaired?.type).toBe('MultiPolygon');
    expect(broken[1].problems[0]).toContain('latitude, longitude');
    expect(broken[3].problems[0]).toContain('not a polygon');
    expect((await workspaceOf(VILLAGE)).draft).toBeNull();

    // The good features alone import into the draft, with the checks' report.
    const ok = await call('planner', 'POST', `/api/planner/regions/${VILLAGE}/import`, {
      revision: 0,
      format: 'geojson',
      dataBase64: Buffer.from(
        JSON.stringify({ ...collection, features: collection.features.slice(0, good.features.length) }),
      ).toString('base64'),
    });
    expect(ok.status, JSON.stringify(ok.body).slice(0, 500)).toBe(200);
    expect(ok.body.report.imported).toBe(good.features.length);
    expect(ok.body.report.checks.errors).toBe(0);
    expect(ok.body.draft.grids.map((grid: Json) => grid.code).sort()).toEqual(
      good.features.map((feature) => feature.properties.code).sort(),
    );
    expect(
      (await call('planner', 'DELETE', `/api/planner/regions/${VILLAGE}/draft?revision=${ok.body.draft.revision}`)).status,
    ).toBe(200);
  });

  async function shapefileZip(features: Json[], options: { withoutPrj?: boolean } = {}): Promise<string> {
    const zipped = (await shpwrite.zip(
      { type: 'FeatureCollection', features } as never,
      { outputType: 'uint8array', compression: 'STORE' } as never,
    )) as unknown as Uint8Array;
    if (!options.withoutPrj) return Buffer.from(zipped).toString('base64');
    const files = unzipSync(zipped);
    for (const name of Object.keys(files)) if (name.endsWith('.prj')) delete files[name];
    return Buffer.from(zipSync(files)).toString('base64');
  }

  test('a shapefile without its projection file is refused, naming it', async () => {
    const good = await currentFeatures();
    const features = good.features.map((feature) => ({
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: feature.geometry.coordinates[0] },
      properties: { code: feature.properties.code },
    }));
    const response = await call('planner', 'POST', `/api/planner/regions/${VILLAGE}/import`, {
      revision: 0,
      format: 'shapefile',
      dataBase64: await shapefileZip(features, { withoutPrj: true }),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('missing_projection');
    expect(response.body.error.message).toContain('.prj');
  });

  test('a shapefile with a broken feature imports none; the whole good set imports', async () => {
    const good = await currentFeatures();
    const features = good.features.map((feature) => ({
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: feature.geometry.coordinates[0] },
      properties: { code: feature.properties.code },
    }));
    const ring = features[0]!.geometry.coordinates[0] as number[][];
    const [x0, y0] = ring[0]! as [number, number];
    const bowTie = {
      type: 'Feature',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [x0, y0],
            [x0 + 0.001, y0 + 0.001],
            [x0 + 0.001, y0],
            [x0, y0 + 0.001],
            [x0, y0],
          ],
        ],
      },
      properties: { code: 'bowtie' },
    };
    const refused = await call('planner', 'POST', `/api/planner/regions/${VILLAGE}/import`, {
      revision: 0,
      format: 'shapefile',
      dataBase64: await shapefileZip([...features, bowTie]),
    });
    expect(refused.status).toBe(400);
    const broken = refused.body.report.features.filter((feature: Json) => feature.problems.length > 0);
    expect(broken).toHaveLength(1);
    expect(broken[0].index).toBe(features.length + 1);
    expect((await workspaceOf(VILLAGE)).draft).toBeNull();

    const accepted = await call('planner', 'POST', `/api/planner/regions/${VILLAGE}/import`, {
      revision: 0,
      format: 'shapefile',
      dataBase64: await shapefileZip(features),
    });
    expect(accepted.status, JSON.stringify(accepted.body).slice(0, 600)).toBe(200);
    expect(accepted.body.report.imported).toBe(features.length);
    expect(accepted.body.report.sourceSystem).toMatch(/WGS|4326/);
    await call('planner', 'DELETE', `/api/planner/regions/${VILLAGE}/draft?revision=${accepted.body.draft.revision}`);
  });

  test('an oversized upload is refused with 413', async () => {
    const response = await call('planner', 'POST', `/api/planner/regions/${VILLAGE}/import`, {
      revision: 0,
      format: 'geojson',
      dataBase64: 'A'.repeat(15 * 1024 * 1024),
    });
    expect(response.status).toBe(413);
    expect(response.body.error.message).toContain('MiB');
  });

  test('a file that is not what it claims is named', async () => {
    const notZip = await call('planner', 'POST', `/api/planner/regions/${VILLAGE}/import`, {
      revision: 0,
      format: 'shapefile',
      dataBase64: Buffer.from(strToU8('hello')).toString('base64'),
    });
    expect(notZip.status).toBe(400);
    expect(notZip.body.error.code).toBe('not_zip');
    const notJson = await call('planner', 'POST', `/api/planner/regions/${VILLAGE}/import`, {
      revision: 0,
      format: 'geojson',
      dataBase64: Buffer.from('{oops').toString('base64'),
    });
    expect(notJson.body.error.code).toBe('not_json');
  });
});

describe('proposals and people', () => {
  test('proposes grids for a village: one piece each, in the band or flagged', async () => {
    const response = await call('planner', 'POST', `/api/planner/regions/500101144201/proposal`, {});
    expect(response.status).toBe(200);
    const { grids, summary } = response.body;
    expect(grids.length).toBe(summary.grids);
    for (const grid of grids) {
      expect(grid.boundary.coordinates).toHaveLength(1);
      if (grid.households < 300 || grid.households > 500) expect(grid.flag).not.toBeNull();
    }
    const checked = await call('planner', 'POST', `/api/planner/regions/500101144201/check`, { grids });
    expect(checked.body.issues.filter((issue: Json) => issue.severity === 'error')).toEqual([]);
  });

  test('assigns a grid worker and information staff to a grid', async () => {
    const workspace = await workspaceOf('500101144201');
    const grid = workspace.grids[0];
    const staff = (await call('planner', 'GET', `/api/planner/regions/500101144201/staff`)).body.staff as Json[];
    const worker = staff.find((member) => member.role === 'grid_worker')!;
    const cadre = (await database.db.query<{ id: number }>(sql`select id from app_user where username = 'shinian'`))[0]!;
    const set = await call('planner', 'PUT', `/api/planner/grids/${grid.code}/assignments`, {
      gridWorkers: [worker.userId],
      informationStaff: [cadre.id],
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.workers.map((entry: Json) => entry.duty).sort()).toEqual(['grid_worker', 'information_staff']);
    const wrong = await call('planner', 'PUT', `/api/planner/grids/${grid.code}/assignments`, {
      gridWorkers: [cadre.id],
      informationStaff: [],
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain('not a grid worker');
  });
});
