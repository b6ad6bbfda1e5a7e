import { describe, expect, test } from 'vitest';
import { Readiness } from '../readiness.ts';
import { openingApp } from './opening-app.ts';

describe('openingApp', () => {
  test('health says "starting" with what is going on, the API and Open311 503 JSON, a browser a page that reloads', async () => {
    const readiness = new Readiness();
    readiness.progress('opening the database');
    const app = openingApp('embedded', readiness);
    const health = await app.request('/api/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'starting', database: 'embedded', message: 'opening the database' });
    const regions = await app.request('/api/regions');
    expect(regions.status).toBe(503);
    expect(((await regions.json()) as { error: { code: string } }).error.code).toBe('starting');
    const open311 = await app.request('/open311/v2/services.json');
    expect(open311.status).toBe(503);
    expect(open311.headers.get('retry-after')).toBe('5');
    expect(await open311.json()).toEqual([
      { code: 503, description: 'the server is still starting (opening the database); try again in a moment' },
    ]);
    const page = await app.request('/');
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('http-equiv="refresh"');
  });

  test('when opening failed, health says "failed" and why', async () => {
    const readiness = new Readiness();
    readiness.markFailed('connect ECONNREFUSED 127.0.0.1:5432');
    const health = await openingApp('postgres', readiness).request('/api/health');
    expect(await health.json()).toEqual({
      status: 'failed',
      database: 'postgres',
      message: 'connect ECONNREFUSED 127.0.0.1:5432',
    });
  });
});
