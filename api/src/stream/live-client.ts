/**
 * A small client of GET /api/stream for Node (tests, bench, tools): reads the
 * Server-Sent Events of one response and hands each event over parsed. It
 * does not reconnect by itself — the caller decides when and with which
 * Last-Event-ID, which is what a test of resuming needs.
 *
 *   const stream = await openLiveClient(fetch, `${url}/api/stream`, { cookie });
 *   for await (const event of stream.events) …
 *   stream.close();
 */

export interface LiveClientEvent {
  event: string;
  id: string | null;
  data: unknown;
  /** performance.now() when the event was parsed. */
  receivedAt: number;
}

/** Splits an SSE byte stream into events (comments and retry fields skipped). */
export class SseParser {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  push(chunk: Uint8Array): { event: string; id: string | null; data: string }[] {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    const events: { event: string; id: string | null; data: string }[] = [];
    let boundary: number;
    while ((boundary = this.buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = this.buffer.slice(0, boundary);
      this.buffer = this.buffer.slice(boundary).replace(/^\r?\n\r?\n/, '');
      let event = 'message';
      let id: string | null = null;
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(':') || line === '') continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'id') id = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0 || event !== 'message') events.push({ event, id, data: data.join('\n') });
    }
    return events;
  }
}

export interface LiveClient {
  status: number;
  events: AsyncIterable<LiveClientEvent>;
  /** The id of the last event read (what a reconnect sends as Last-Event-ID). */
  lastEventId(): string | null;
  close(): void;
}

export interface LiveClientOptions {
  cookie?: string;
  lastEventId?: string | null;
  /** fetch-compatible (global fetch, or a Hono app's request). */
  fetcher?: (url: string, init: RequestInit) => Promise<Response>;
}

export async function openLiveClient(url: string, options: LiveClientOptions = {}): Promise<LiveClient> {
  const controller = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
  const fetcher = options.fetcher ?? ((target: string, init: RequestInit) => fetch(target, init));
  const response = await fetcher(url, { headers, signal: controller.signal });
  let last: string | null = options.lastEventId ?? null;
  const parser = new SseParser();
  const reader = response.body?.getReader() ?? null;
  async function* read(): AsyncGenerator<LiveClientEvent> {
    if (!reader) return;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        for (const raw of parser.push(value)) {
          if (raw.id !== null) last = raw.id;
          yield {
            event: raw.event,
            id: raw.id,
            data: raw.data ? (JSON.parse(raw.data) as unknown) : null,
            receivedAt: performance.now(),
          };
        }
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      throw error;
    }
  }
  return {
    status: response.status,
    events: read(),
    lastEventId: () => last,
    close: () => {
      controller.abort();
      // An in-process response (app.request) ignores the signal: cancelling the body ends the stream on the server.
      void reader?.cancel().catch(() => {});
    },
  };
}
