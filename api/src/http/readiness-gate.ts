/**
 * Until the database is prepared (migrations, demo district), everything that
 * reads it answers 503 with `Retry-After` and what is going on — the API, the
 * tiles and Open311 (in its own error format, `[{ code, description }]`);
 * health, the client settings and the API's documentation answer at once.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { errorBody } from '../errors.ts';
import type { Readiness } from '../readiness.ts';

const ALWAYS_AVAILABLE = [/^\/api\/health\/?$/, /^\/api\/config\/?$/, /^\/api\/openapi\.json$/, /^\/api\/docs(\/|$)/];

/** Open311 GeoReport v2 clients read errors as a list of { code, description }. */
export function isOpen311Path(path: string): boolean {
  return path === '/open311' || path.startsWith('/open311/');
}

/** Paths served from the database: the API, the tiles and Open311. */
export function isDataPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path.startsWith('/tiles/') || isOpen311Path(path);
}

function needsDatabase(path: string): boolean {
  return isDataPath(path) && !ALWAYS_AVAILABLE.some((pattern) => pattern.test(path));
}

/** A 503 for a data path, with Retry-After, in the format the path's clients read. */
export function unavailable(c: Context, code: 'starting' | 'preparation_failed', message: string): Response {
  c.header('Retry-After', '5');
  if (isOpen311Path(c.req.path)) return c.json([{ code: 503, description: message }], 503);
  return c.json(errorBody(code, message), 503);
}

export function readinessGate(readiness: Readiness): MiddlewareHandler {
  return async (c, next) => {
    const { status, detail } = readiness.current;
    if (status === 'ready' || !needsDatabase(c.req.path)) return next();
    if (status === 'starting') {
      return unavailable(c, 'starting', `the server is still preparing the database (${detail}); try again in a moment`);
    }
    return unavailable(c, 'preparation_failed', `the database could not be prepared: ${detail}`);
  };
}
