/**
 * Splits a Server-Sent Events byte stream into events, as the EventSource
 * specification reads it (fields event, id, data; comments and retry
 * skipped). The wall reads the stream with fetch rather than EventSource so it
 * can send Last-Event-ID itself after any failure, including an answer that
 * is not 200 (an API process starting up), which makes EventSource give up.
 */
export interface SseEvent {
  event: string;
  id: string | null;
  data: string;
}

export class SseParser {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  /** Feeds a chunk; returns the events it completed. */
  push(chunk: Uint8Array | string): SseEvent[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r?\n\r?\n/.exec(this.buffer);
      if (!match) break;
      const block = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = parseBlock(block);
      if (event) events.push(event);
    }
    return events;
  }
}

function parseBlock(block: string): SseEvent | null {
  let event = 'message';
  let id: string | null = null;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0 && id === null) return null;
  return { event, id, data: data.join('\n') };
}
