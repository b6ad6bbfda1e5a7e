/**
 * What the server answers before its database is open (PGlite takes seconds
 * to start) or when opening it failed: health says so with a 503, the API,
 * the tiles and Open311 answer 503 JSON (Open311 in its own format), and a
 * browser gets a page that reloads itself.
 */
import type { Engine } from '@minqing/db';
import { Hono } from 'hono';
import type { Readiness } from '../readiness.ts';
import { isDataPath, unavailable } from './readiness-gate.ts';

const WAITING_PAGE = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8" /><meta http-equiv="refresh" content="3" /><title>民情 Minqing</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.6">
  <h1>民情 Minqing</h1>
  <p>正在启动，请稍候…… / Starting, one moment…</p>
</body>
</html>
`;

export function openingApp(engine: Engine, readiness: Readiness) {
  const app = new Hono();
  app.get('/api/health', (c) => {
    const { status, detail } = readiness.current;
    c.header('Cache-Control', 'no-store');
    return c.json({ status: status === 'failed' ? 'failed' : 'starting', database: engine, message: detail }, 503);
  });
  app.all('*', (c) => {
    const { status, detail } = readiness.current;
    if (isDataPath(c.req.path)) {
      return status === 'failed'
        ? unavailable(c, 'preparation_failed', `the database could not be opened: ${detail}`)
        : unavailable(c, 'starting', `the server is still starting (${detail}); try again in a moment`);
    }
    c.header('Retry-After', '5');
    return c.html(WAITING_PAGE, 503);
  });
  return app;
}
