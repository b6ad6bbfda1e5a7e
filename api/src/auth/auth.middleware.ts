/**
 * Sessions on requests: reads the session cookie on /api routes and puts the
 * actor (or null) on the context. Requests that change something while
 * carrying the cookie must send JSON, which a cross-site form cannot
 * (with SameSite=Lax cookies, the second line against CSRF).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Database } from '@minqing/db';
import type { Clock } from '../cases/clock.ts';
import { InvalidInputError, UnauthorizedError } from '../errors.ts';
import type { AppEnv } from '../http/app-env.ts';
import type { Actor } from './actor.ts';
import { SESSION_COOKIE, sessionActor } from './sessions.service.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Tile layers that show cases and workers: only for signed-in users (the other tiles stay public and session-free). */
const SIGNED_IN_TILES = /^\/tiles\/(case|worker)\//;

export function sessionMiddleware(db: Database, clock: Clock): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('actor', null);
    if (!c.req.path.startsWith('/api/') && !SIGNED_IN_TILES.test(c.req.path)) return next();
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      // A file upload (the import) streams raw bytes: application/octet-stream, which a cross-site form cannot send either.
      const contentType = c.req.header('content-type') ?? '';
      if (
        !SAFE_METHODS.has(c.req.method) &&
        !contentType.includes('application/json') &&
        !contentType.startsWith('application/octet-stream')
      ) {
        throw new InvalidInputError('requests that change data must send Content-Type: application/json', 'json_required');
      }
      c.set('actor', await sessionActor(db, token, clock.now()));
    }
    return next();
  };
}

/** The signed-in actor, or a 401 telling the client to sign in. */
export function requireActor(c: Context<AppEnv>): Actor {
  const actor = c.get('actor');
  if (!actor) throw new UnauthorizedError('sign in first: this needs a signed-in user', 'unauthorized');
  return actor;
}
