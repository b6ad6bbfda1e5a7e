/**
 * The API's documentation: the OpenAPI document at /api/openapi.json and a
 * Swagger UI page at /api/docs, served from the swagger-ui-dist package —
 * no CDN, so it works on an intranet without internet.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

const swaggerUiDirectory = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>民情 Minqing API</title>
  <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png" />
  <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/start.js"></script>
</body>
</html>
`;

const START = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;

export function docsRoutes() {
  const router = new Hono();
  router.get('/api/docs', (c) => c.html(PAGE));
  router.get('/api/docs/', (c) => c.redirect('/api/docs', 301));
  router.get('/api/docs/start.js', (c) => c.body(START, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  router.get('/api/docs/:asset', async (c, next) => {
    if (!ASSETS.has(c.req.param('asset'))) return next();
    c.header('Cache-Control', 'public, max-age=86400');
    return serveStatic({ root: swaggerUiDirectory, rewriteRequestPath: (path) => path.replace(/^\/api\/docs/, '') })(c, next);
  });
  return router;
}
