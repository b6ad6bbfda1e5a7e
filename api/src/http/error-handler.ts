/**
 * The one place errors become responses: domain errors with their status,
 * Hono's HTTP exceptions with theirs, anything else a logged 500 that reveals
 * nothing of the internals. Always `{ "error": { "code", "message" } }`.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, RateLimitedError, errorBody } from '../errors.ts';
import type { Logger } from '../logger.ts';

const HTTP_CODES: Partial<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/**
 * Constraints the database enforces (a check, a unique code, an append-only
 * table) refuse a change with a 4xx naming the rule, not a 500: the input
 * broke a rule the schema states.
 */
function databaseRefusal(error: unknown): { status: ContentfulStatusCode; code: string; message: string } | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  const { code, message, constraint_name: constraintName, constraint } = error as Record<string, unknown>;
  const name = String(constraintName ?? constraint ?? '');
  const text = String(message ?? 'refused by the database');
  switch (code) {
    case '23505':
      return { status: 409, code: 'already_exists', message: `${text}${name ? ` (${name})` : ''}` };
    case '23514':
    case '23502':
    case '23503':
      return { status: 400, code: 'constraint_violated', message: `${text}${name ? ` (${name})` : ''}` };
    case '42501':
      return { status: 403, code: 'refused_by_database', message: text };
    case '40001':
    case '40P01':
      return {
        status: 409,
        code: 'concurrent_change',
        message: 'another change to the same data happened at the same moment: try again',
      };
    default:
      return null;
  }
}

export function errorHandler(logger: Logger): ErrorHandler {
  return (error: Error, c: Context) => {
    if (error instanceof DomainError) {
      if (error.status >= 500) logger.warn({ code: error.code, path: c.req.path }, error.message);
      if (error instanceof RateLimitedError) c.header('retry-after', String(error.retryAfterSeconds));
      return c.json(errorBody(error.code, error.message), error.status);
    }
    const database = databaseRefusal(error);
    if (database) {
      logger.warn({ err: error, path: c.req.path }, 'the database refused a change');
      return c.json(errorBody(database.code, database.message), database.status);
    }
    if (error instanceof HTTPException && error.status < 500) {
      const status = error.status as ContentfulStatusCode;
      return c.json(errorBody(HTTP_CODES[status] ?? 'http_error', error.message || 'request refused'), status);
    }
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'unexpected error');
    return c.json(errorBody('internal_error', 'an unexpected error occurred on the server; it has been logged'), 500);
  };
}

/** Unknown paths under /api and /tiles answer JSON (the web app's paths fall back to index.html before this). */
export const notFoundHandler: NotFoundHandler = (c) =>
  c.json(errorBody('route_not_found', `no route for ${c.req.method} ${c.req.path}`), 404);
