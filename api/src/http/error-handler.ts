/**
 * The one place errors become responses: domain errors with their status,
 * Hono's HTTP exceptions with theirs, anything else a logged 500 that reveals
 * nothing of the internals. Always `{ "error": { "code", "message" } }`.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, errorBody } from '../errors.ts';
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

export function errorHandler(logger: Logger): ErrorHandler {
  return (error: Error, c: Context) => {
    if (error instanceof DomainError) {
      if (error.status >= 500) logger.warn({ code: error.code, path: c.req.path }, error.message);
      return c.json(errorBody(error.code, error.message), error.status);
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
