/**
 * A small fetch wrapper for our own API: JSON in, JSON out, and an `ApiError`
 * carrying the server's own message when the answer is not 2xx.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown = null,
    /** From a 429's Retry-After header: how long to wait before trying again. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when the server was never reached (offline, refused, aborted by the network). */
  get unreachable(): boolean {
    return this.status === 0;
  }

  /** The machine-readable code of the API's error body (`sign_in_failed`, `conflict` …), when it has one. */
  get code(): string | null {
    const error = (this.body as { error?: { code?: unknown } } | null)?.error;
    return typeof error?.code === 'string' ? error.code : null;
  }
}

export type QueryValue = string | number | boolean | null | undefined;

/** The message to show for a failed answer: the API's own, else the status. */
export function errorMessageOf(body: unknown, status: number, statusText = ''): string {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const error = record.error;
    if (error && typeof error === 'object' && typeof (error as Record<string, unknown>).message === 'string') {
      return (error as Record<string, string>).message as string;
    }
    if (typeof record.message === 'string' && record.message) return record.message;
    if (typeof error === 'string' && error) return error;
  }
  if (typeof body === 'string' && body.trim() && body.length < 300 && !body.trimStart().startsWith('<')) return body.trim();
  return `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
}

/** A path with its query string, leaving out empty values. */
export function withQuery(path: string, query: Record<string, QueryValue> = {}): string {
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') parameters.set(key, String(value));
  }
  const text = parameters.toString();
  return text ? `${path}?${text}` : path;
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Seconds from a Retry-After header (seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterSecondsOf(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^[0-9]+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

async function request(path: string, init: RequestInit): Promise<{ response: Response; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, `the server could not be reached (${(error as Error).message})`);
  }
  const body = parseBody(await response.text());
  if (!response.ok) {
    throw new ApiError(
      response.status,
      errorMessageOf(body, response.status, response.statusText),
      body,
      retryAfterSecondsOf(response.headers.get('retry-after')),
    );
  }
  return { response, body };
}

export async function getJson<T>(
  path: string,
  options: { query?: Record<string, QueryValue>; signal?: AbortSignal } = {},
): Promise<T> {
  const { response, body } = await request(withQuery(path, options.query), {
    headers: { accept: 'application/json' },
    signal: options.signal,
  });
  if (body === null || typeof body === 'string') throw new ApiError(response.status, `expected JSON from ${path}`, body);
  return body as T;
}

/** POST (or another method) a JSON body; the answer's JSON, or null for an empty answer (204). */
export async function sendJson<T>(
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  payload?: unknown,
  options: { signal?: AbortSignal } = {},
): Promise<T> {
  const { response, body } = await request(path, {
    method,
    headers: { accept: 'application/json', ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    body: payload === undefined ? undefined : JSON.stringify(payload),
    signal: options.signal,
  });
  if (typeof body === 'string') throw new ApiError(response.status, `expected JSON from ${path}`, body);
  return body as T;
}
