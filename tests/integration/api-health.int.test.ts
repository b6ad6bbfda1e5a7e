/**
 * The app's frame: health before and after the database is prepared (and when
 * preparing it failed), data routes waiting for it, the OpenAPI document and
 * its docs page (served locally, no CDN), the client settings, the web app
 * with its single-page fallback, and JSON 404s for unknown API paths.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp, createLogger, loadConfig, Readiness, type App } from '@minqing/api';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let webDistDir: string;

beforeAll(async () => {
  database = await createTestDatabase({ template: 'empty' });
  webDistDir = mkdtempSync(join(tmpdir(), 'minqing-web-dist-'));
  mkdirSync(join(webDistDir, 'assets'));
  writeFileSync(join(webDistDir, 'index.html'), '<!doctype html><html><body><div id="app">民情</div></body></html>');
  writeFileSync(join(webDistDir, 'assets', 'index-abc123.js'), 'console.log("minqing")');
});
afterAll(async () => {
  await database?.drop();
  rmSync(webDistDir, { recursive: true, force: true });
});

function buildApp(state: Readiness, settings: Record<string, string> = {}): App {
  const config = loadConfig({ LOG_LEVEL: 'silent', WEB_DIST_DIR: webDistDir, ...settings });
  return createApp({ db: database.db, logger: createLogger('silent'), state, config });
}

describe('GET /api/health', () => {
  test('503 "starting" while the database is prepared, then 200 "ok" with migrations and demo', async () => {
    const state = new Readiness();
    const app = buildApp(state);
    state.progress('applying migrations');
    const starting = await app.request('/api/health');
    expect(starting.status).toBe(503);
    expect(await starting.json()).toEqual({ status: 'starting', database: 'postgres', message: 'applying migrations' });

    state.markReady({ migrations: 9, demo: null });
    const ready = await app.request('/api/health');
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(await ready.json()).toEqual({ status: 'ok', database: 'postgres', migrations: 9, demo: null });
  });

  test('the demo summary when the demo district is in place', async () => {
    const state = new Readiness();
    const summary = {
      seed: 1,
      scale: 0.1,
      towns: 52,
      villages: 610,
      grids: 150,
      buildings: 900,
      households: 60_000,
      population: 180_000,
      units: 900,
      users: 20,
      gridsInBand: 148,
      seconds: 12.5,
    };
    state.markReady({ migrations: 9, demo: { status: 'present', summary } });
    expect(await (await buildApp(state).request('/api/health')).json()).toMatchObject({ status: 'ok', demo: summary });
  });

  test('503 "failed" with the reason when the preparation failed', async () => {
    const state = new Readiness();
    state.markFailed('migration 00004_building failed: relation "region" does not exist');
    const response = await buildApp(state).request('/api/health');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'failed',
      database: 'postgres',
      message: 'migration 00004_building failed: relation "region" does not exist',
    });
  });

  test('data routes answer 503 with what is going on until the database is ready', async () => {
    const state = new Readiness();
    const app = buildApp(state);
    for (const path of ['/api/regions', '/api/grids?bbox=108,30,109,31', '/tiles/grid/10/820/420.mvt']) {
      const response = await app.request(path);
      expect(response.status, path).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect((await response.json()).error.code).toBe('starting');
    }
    state.markFailed('disk full');
    const failed = await app.request('/api/regions');
    expect(await failed.json()).toEqual({
      error: { code: 'preparation_failed', message: 'the database could not be prepared: disk full' },
    });
    // The documentation and the client settings do not need the database.
    expect((await app.request('/api/openapi.json')).status).toBe(200);
    expect((await app.request('/api/config')).status).toBe(200);
  });

  test('Open311 answers 503 with Retry-After in its own format until the database is ready', async () => {
    const state = new Readiness();
    state.progress('applying migrations');
    const app = buildApp(state);
    const requests: [string, RequestInit][] = [
      ['/open311/v2/services.json', {}],
      ['/open311/v2/requests.json?status=open', {}],
      ['/open311/v2/requests/1.json', {}],
      ['/open311/v2/discovery.json', {}],
      ['/open311/v2/requests.json', { method: 'POST', body: new URLSearchParams({ service_code: '0101' }) }],
    ];
    for (const [path, init] of requests) {
      const response = await app.request(path, init);
      expect(response.status, path).toBe(503);
      expect(response.headers.get('retry-after'), path).toBe('5');
      expect(await response.json(), path).toEqual([
        { code: 503, description: 'the server is still preparing the database (applying migrations); try again in a moment' },
      ]);
    }
    state.markFailed('disk full');
    expect(await (await app.request('/open311/v2/services.json')).json()).toEqual([
      { code: 503, description: 'the database could not be prepared: disk full' },
    ]);
    state.markReady({ migrations: 9, demo: null });
    // Ready: the Open311 routes answer from the database (this one holds no categories).
    const ready = await app.request('/open311/v2/services.json');
    expect(ready.status).toBe(200);
    expect(Array.isArray(await ready.json())).toBe(true);
  });
});

describe('API documentation', () => {
  let app: App;
  beforeAll(() => {
    const state = new Readiness();
    state.markReady({ migrations: 9, demo: null });
    app = buildApp(state);
  });

  test('GET /api/openapi.json documents every endpoint', async () => {
    const response = await app.request('/api/openapi.json');
    expect(response.status).toBe(200);
    const document = await response.json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/config',
        '/api/grids',
        '/api/grids/{code}',
        '/api/health',
        '/api/regions',
        '/api/regions/{code}',
        '/tiles/{layer}/{z}/{x}/{y}.mvt',
      ]),
    );
    // Every route the app serves under /api is in the document (the docs themselves aside).
    const documented = Object.entries(document.paths as Record<string, object>).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = app.routes
      .filter(
        (route) => route.method !== 'ALL' && route.path.startsWith('/api/') && !/^\/api\/(openapi\.json|docs)/.test(route.path),
      )
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThanOrEqual(6);
    expect(documented).toEqual(expect.arrayContaining([...new Set(served)]));
    const grids = document.paths['/api/grids'].get;
    expect(grids.parameters.map((parameter: { name: string }) => parameter.name).sort()).toEqual(['bbox', 'limit']);
    expect(Object.keys(grids.responses)).toEqual(expect.arrayContaining(['200', '400']));
    const tiles = document.paths['/tiles/{layer}/{z}/{x}/{y}.mvt'].get;
    expect(Object.keys(tiles.responses)).toEqual(expect.arrayContaining(['200', '204', '304', '400', '404']));
    expect(tiles.responses['200'].content).toHaveProperty(['application/vnd.mapbox-vector-tile']);
    expect(document.components.schemas).toHaveProperty('GridDetail');
  });

  test('GET /api/docs is a Swagger UI page whose scripts and styles come from this server', async () => {
    const page = await app.request('/api/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(sources.length).toBeGreaterThanOrEqual(3);
    for (const source of sources) {
      expect(source, 'no CDN: every asset from this server').toMatch(/^\/api\/docs\//);
      const asset = await app.request(source);
      expect(asset.status, source).toBe(200);
    }
    const bundle = await app.request('/api/docs/swagger-ui-bundle.js');
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect(await (await app.request('/api/docs/start.js')).text()).toContain('/api/openapi.json');
  });
});

describe('client settings, the web app and unknown paths', () => {
  test('GET /api/config gives the tile URL, the layers and the basemap style', async () => {
    const state = new Readiness();
    const plain = await (await buildApp(state).request('/api/config')).json();
    expect(plain).toEqual({
      basemapStyleUrl: null,
      tiles: {
        url: '/tiles/{layer}/{z}/{x}/{y}.mvt',
        layers: ['district', 'town', 'village', 'grid', 'base', 'case', 'worker'],
        maxZoom: 22,
      },
      database: 'postgres',
      // Not ready yet: the jurisdiction is not read (and this empty database holds none).
      jurisdiction: null,
    });
    state.markReady({ migrations: 9, demo: null });
    expect((await (await buildApp(state).request('/api/config')).json()).jurisdiction).toBeNull();
    const tianditu = await (
      await buildApp(state, { BASEMAP_STYLE_URL: 'https://example.gov.cn/tianditu/style.json' }).request('/api/config')
    ).json();
    expect(tianditu.basemapStyleUrl).toBe('https://example.gov.cn/tianditu/style.json');
  });

  test("serves the built web app, with index.html for the app's own paths", async () => {
    const app = buildApp(new Readiness());
    const root = await app.request('/');
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('<div id="app">民情</div>');
    const deep = await app.request('/planner/grids/500101001001001');
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-type')).toMatch(/text\/html/);
    expect(deep.headers.get('cache-control')).toBe('no-cache');
    expect(await deep.text()).toContain('<div id="app">');
    const asset = await app.request('/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log("minqing")');
    expect((await app.request('/assets/index-gone.js')).status).toBe(404);
  });

  test('without a web build, / says how to make one', async () => {
    const app = buildApp(new Readiness(), { WEB_DIST_DIR: join(webDistDir, 'missing') });
    const response = await app.request('/');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('网页端尚未构建');
    expect(html).toContain('pnpm.sh build');
  });

  test('unknown paths under /api and /tiles are JSON 404s, never the web app', async () => {
    const state = new Readiness();
    state.markReady({ migrations: 9, demo: null });
    const app = buildApp(state);
    for (const path of ['/api/nothing-here', '/api/regions/500101000000/cases', '/tiles/grid/1/0/0.png', '/api']) {
      const response = await app.request(path);
      expect(response.status, path).toBe(404);
      expect((await response.json()).error.code, path).toBe('route_not_found');
    }
    const post = await app.request('/api/regions', { method: 'POST' });
    expect(post.status).toBe(404);
    expect((await post.json()).error.message).toBe('no route for POST /api/regions');
  });
});
