/**
 * The web app (built by Vite into WEB_DIST_DIR) at /, with the single-page
 * fallback: a path that is not a file and not under /api or /tiles gets
 * index.html, so the app's own router handles it. Missing files with an
 * extension (a stale /assets/… link) stay 404. Without a build, / answers a
 * short page saying how to make one.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8" /><title>民情 Minqing</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.6">
  <h1>民情 Minqing</h1>
  <p>网页端尚未构建。请在仓库根目录运行 <code>./scripts/pnpm.sh build</code>，然后刷新本页。</p>
  <p>The web app has not been built yet. Run <code>./scripts/pnpm.sh build</code> in the repository root, then reload this page.</p>
  <p>API: <a href="/api/health">/api/health</a> · <a href="/api/docs">/api/docs</a></p>
</body>
</html>
`;

function isServerPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/tiles' || path.startsWith('/tiles/');
}

export function webRoutes(webDistDir: string) {
  const router = new Hono();
  // Made once the build is there: serveStatic complains at creation about a missing folder.
  let files: ReturnType<typeof serveStatic> | null = null;
  const indexFile = join(webDistDir, 'index.html');

  router.get('*', async (c, next) => {
    if (isServerPath(c.req.path)) return next();
    if (!existsSync(indexFile)) return c.html(NOT_BUILT_PAGE, c.req.path === '/' ? 200 : 404);
    files ??= serveStatic({ root: webDistDir });
    const served = await files(c, async () => {});
    if (served) {
      // Vite names assets by content hash: they never change under the same name. index.html does.
      const immutable = c.req.path.startsWith('/assets/');
      served.headers.set('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      return served;
    }
    const lastSegment = c.req.path.split('/').at(-1) ?? '';
    if (lastSegment.includes('.')) return next();
    c.header('Cache-Control', 'no-cache');
    return c.html(await readFile(indexFile, 'utf8'));
  });
  return router;
}
