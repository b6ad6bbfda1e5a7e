/**
 * Until the database is prepared (migrations, demo district), everything that
 * reads it answers 503 with what is going on; health, the client settings and
 * the API's documentation answer at once.
 */
import type { MiddlewareHandler } from 'hono';
import { errorBody } from '../errors.ts';
import type { Readiness } from '../readiness.ts';

const ALWAYS_AVAILABLE = [/^\/api\/health\/?$/, /^\/api\/config\/?$/, /^\/api\/openapi\.json$/, /^\/api\/docs(\/|$)/];

function needsDatabase(path: string): boolean {
  if (!(path === '/api' || path.startsWith('/api/') || path.startsWith('/tiles/'))) return false;
  return !ALWAYS_AVAILABLE.some((pattern) => pattern.test(path));
}

export function readinessGate(readiness: Readiness): MiddlewareHandler {
  return async (c, next) => {
    const { status, detail } = readiness.current;
    if (status === 'ready' || !needsDatabase(c.req.path)) return next();
    c.header('Retry-After', '5');
    if (status === 'starting') {
      return c.json(errorBody('starting', `the server is still preparing the database (${detail}); try again in a moment`), 503);
    }
    return c.json(errorBody('preparation_failed', `the database could not be prepared: ${detail}`), 503);
  };
}
