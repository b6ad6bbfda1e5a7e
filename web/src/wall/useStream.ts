/**
 * The wall's live connection (GET /api/stream), owned in one composable: read
 * with fetch, parsed as Server-Sent Events, and kept alive for days. After a
 * network drop, an API restart or a silent connection (no hello within 12 s,
 * then no byte — not even the server's 15-second keep-alive — for 40 s) it reconnects by itself with
 * growing pauses (1 s … 10 s) and sends the id of the last event it got, so
 * the server replays exactly what was missed.
 */
import { onBeforeUnmount, readonly, ref } from 'vue';
import { SseParser, type SseEvent } from './sse-parser.ts';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'signed-out';

export interface StreamHandlers {
  /** The first event of each connection: `resumed` false means start from a clean slate (reload everything). */
  onHello?: (hello: { resumed: boolean; caughtUp: { cases: number; positions: number } }) => void;
  onEvent: (event: SseEvent) => void;
  /** The server asked for a reload (the client was away too long, or a flood came). */
  onReset?: () => void;
}

export const SILENCE_LIMIT_MS = 40_000;
/** A connection that has not said hello within this long is given up (a socket to a process that went away). */
export const HELLO_LIMIT_MS = 12_000;
const PAUSES_MS = [1_000, 2_000, 3_000, 5_000, 10_000];

export function useStream(url: string, handlers: StreamHandlers) {
  const status = ref<StreamStatus>('connecting');
  const lastEventAt = ref<number | null>(null);
  const reconnects = ref(0);
  let lastEventId: string | null = null;
  let controller: AbortController | null = null;
  let stopped = true;
  let failures = 0;
  let watchdog: ReturnType<typeof setTimeout> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  function feedWatchdog(limit = SILENCE_LIMIT_MS) {
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(() => controller?.abort(), limit);
  }

  async function connectOnce(): Promise<void> {
    controller = new AbortController();
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    let greeted = false;
    feedWatchdog(HELLO_LIMIT_MS);
    const response = await fetch(url, { headers, credentials: 'same-origin', cache: 'no-store', signal: controller.signal });
    if (response.status === 401) {
      status.value = 'signed-out';
      stopped = true;
      return;
    }
    if (response.status === 400) {
      // Our cursor is not one this server knows (a database restored?): start afresh.
      lastEventId = null;
      throw new Error('the server refused our last event id');
    }
    if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
    const reader = response.body.getReader();
    const parser = new SseParser();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new Error('stream ended');
      feedWatchdog(greeted ? SILENCE_LIMIT_MS : HELLO_LIMIT_MS);
      for (const event of parser.push(value)) {
        if (event.id !== null) lastEventId = event.id;
        lastEventAt.value = Date.now();
        if (event.event === 'hello') {
          greeted = true;
          feedWatchdog();
          failures = 0;
          status.value = 'live';
          handlers.onHello?.(JSON.parse(event.data) as Parameters<NonNullable<StreamHandlers['onHello']>>[0]);
        } else if (event.event === 'reset') {
          handlers.onReset?.();
        } else {
          handlers.onEvent(event);
        }
      }
    }
  }

  async function run(): Promise<void> {
    while (!stopped) {
      try {
        await connectOnce();
      } catch {
        // Dropped, refused or silent: try again below.
      }
      if (watchdog) clearTimeout(watchdog);
      if (stopped) break;
      status.value = 'reconnecting';
      reconnects.value++;
      const pause = PAUSES_MS[Math.min(failures, PAUSES_MS.length - 1)]!;
      failures++;
      await new Promise<void>((resolve) => (retryTimer = setTimeout(resolve, pause)));
    }
  }

  function start(): void {
    if (!stopped) return;
    stopped = false;
    failures = 0;
    status.value = 'connecting';
    void run();
  }

  function stop(): void {
    stopped = true;
    controller?.abort();
    if (watchdog) clearTimeout(watchdog);
    if (retryTimer) clearTimeout(retryTimer);
  }

  /** Forgets the cursor: the next connection starts from now (after the wall reloaded everything). */
  function forgetCursor(): void {
    lastEventId = null;
  }

  onBeforeUnmount(stop);

  return {
    status: readonly(status),
    lastEventAt: readonly(lastEventAt),
    reconnects: readonly(reconnects),
    start,
    stop,
    forgetCursor,
    /** Closes the connection as a network drop would; the stream reconnects and resumes (for tests). */
    drop: () => controller?.abort(),
  };
}
