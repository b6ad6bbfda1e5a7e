/**
 * What the server answers before its database is open (PGlite takes seconds
 * to start) or when opening it failed: health says so with a 503, the API and
 * the tiles answer 503 JSON, and a browser gets a page that reloads itself.
 */
import type { Engine } from '@minqing/db';
import { Hono } from 'hono';
import { errorBody } from '../errors.ts';
import type { Readiness } from '../readiness.ts';

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
    c.header('Retry-After', '5');
    const path = c.req.path;
    if (path === '/api' || path.startsWith('/api/') || path.startsWith('/tiles/')) {
      return status === 'failed'
        ? c.json(errorBody('preparation_failed', `the database could not be opened: ${detail}`), 503)
        : c.json(errorBody('starting', `the server is still starting (${detail}); try again in a moment`), 503);
    }
    return c.html(WAITING_PAGE, 503);
  });
  return app;
}
