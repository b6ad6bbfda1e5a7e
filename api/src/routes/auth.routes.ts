import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import { requireActor } from '../auth/auth.middleware.ts';
import { SESSION_COOKIE, signIn, signOut } from '../auth/sessions.service.ts';
import { createRouter } from '../http/router.ts';
import { ActorSchema } from '../schemas/case.schema.ts';
import { errorResponses } from '../schemas/common.schema.ts';
import type { RouteDependencies } from './dependencies.ts';

const signInRoute = createRoute({
  method: 'post',
  path: '/api/auth/sign-in',
  tags: ['auth'],
  summary: 'Sign in with a username and password; sets an httpOnly session cookie',
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.object({
            username: z.string().trim().min(1, 'is required').max(64, 'must be at most 64 characters'),
            password: z.string().min(1, 'is required').max(200, 'must be at most 200 characters'),
          }),
        },
      },
    },
  },
  responses: {
    200: { description: 'Signed in', content: { 'application/json': { schema: z.object({ user: ActorSchema }) } } },
    400: errorResponses[400],
    401: { description: 'Wrong username or password', content: errorResponses[400].content },
    429: { description: 'Too many failed attempts; see Retry-After', content: errorResponses[400].content },
  },
});

const signOutRoute = createRoute({
  method: 'post',
  path: '/api/auth/sign-out',
  tags: ['auth'],
  summary: 'End the session',
  responses: { 204: { description: 'Signed out' } },
});

const meRoute = createRoute({
  method: 'get',
  path: '/api/auth/me',
  tags: ['auth'],
  summary: 'The signed-in user',
  responses: {
    200: { description: 'The user', content: { 'application/json': { schema: z.object({ user: ActorSchema }) } } },
    401: { description: 'Not signed in', content: errorResponses[400].content },
  },
});

function clientAddress(c: Parameters<typeof getConnInfo>[0]): string {
  const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
  if (forwarded) return forwarded;
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function authRoutes({ db, clock }: RouteDependencies) {
  return createRouter()
    .openapi(signInRoute, async (c) => {
      const { username, password } = c.req.valid('json');
      const signedIn = await signIn(db, {
        username,
        password,
        address: clientAddress(c),
        userAgent: c.req.header('user-agent'),
        now: clock.now(),
      });
      setCookie(c, SESSION_COOKIE, signedIn.token, {
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
        secure: new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https',
        expires: signedIn.expiresAt,
      });
      return c.json({ user: signedIn.actor }, 200);
    })
    .openapi(signOutRoute, async (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) await signOut(db, token);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    })
    .openapi(meRoute, (c) => c.json({ user: requireActor(c) }, 200));
}
