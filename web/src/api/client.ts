/**
 * A small fetch wrapper for our own API: JSON in, JSON out, and an `ApiError`
 * carrying the server's own message when the answer is not 2xx.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when the server was never reached (offline, refused, aborted by the network). */
  get unreachable(): boolean {
    return this.status === 0;
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

export async function getJson<T>(
  path: string,
  options: { query?: Record<string, QueryValue>; signal?: AbortSignal } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), { headers: { accept: 'application/json' }, signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, `the server could not be reached (${(error as Error).message})`);
  }
  const text = await response.text();
  const body = parseBody(text);
  if (!response.ok) throw new ApiError(response.status, errorMessageOf(body, response.status, response.statusText), body);
  if (body === null || typeof body === 'string') throw new ApiError(response.status, `expected JSON from ${path}`, body);
  return body as T;
}
