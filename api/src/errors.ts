/**
 * Domain errors. Services throw them; the app's one error handler turns them
 * into a status code and a JSON body `{ "error": { "code", "message" } }`.
 * A message says what was wrong in words a caller can act on.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export abstract class DomainError extends Error {
  abstract readonly status: ContentfulStatusCode;
  constructor(
    /** Stable, machine-readable: `not_found`, `invalid_bbox` … */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The request is malformed: a bad parameter, an impossible value. */
export class InvalidInputError extends DomainError {
  override name = 'InvalidInputError';
  readonly status = 400;
  constructor(message: string, code = 'invalid_input') {
    super(code, message);
  }
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  readonly status = 404;
  constructor(message: string, code = 'not_found') {
    super(code, message);
  }
}

export class ConflictError extends DomainError {
  override name = 'ConflictError';
  readonly status = 409;
  constructor(message: string, code = 'conflict') {
    super(code, message);
  }
}

/** No session, or the session expired: sign in. */
export class UnauthorizedError extends DomainError {
  override name = 'UnauthorizedError';
  readonly status = 401;
  constructor(message = 'sign in first', code = 'unauthorized') {
    super(code, message);
  }
}

/** Too many attempts: the client should wait `retryAfterSeconds`. */
export class RateLimitedError extends DomainError {
  override name = 'RateLimitedError';
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    code = 'rate_limited',
  ) {
    super(code, message);
  }
}

export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
  readonly status = 403;
  constructor(message: string, code = 'forbidden') {
    super(code, message);
  }
}

/** The service cannot answer yet (the database is still being prepared) or any more. */
export class UnavailableError extends DomainError {
  override name = 'UnavailableError';
  readonly status = 503;
  constructor(message: string, code = 'unavailable') {
    super(code, message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}
