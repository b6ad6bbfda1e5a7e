import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.ts';

describe('reading Server-Sent Events', () => {
  it('reads events split across chunks, with their ids', () => {
    const parser = new SseParser();
    expect(parser.push('event: case\ndata: {"id":')).toEqual([]);
    expect(parser.push('1}\nid: c1p0\n\nevent: hello\ndata: {}\nid: c1p0\n\n')).toEqual([
      { event: 'case', id: 'c1p0', data: '{"id":1}' },
      { event: 'hello', id: 'c1p0', data: '{}' },
    ]);
  });

  it('skips comments (keep-alives) and joins multi-line data', () => {
    const parser = new SseParser();
    expect(parser.push(': keepalive\n\ndata: a\ndata: b\n\n')).toEqual([{ event: 'message', id: null, data: 'a\nb' }]);
  });

  it('takes CRLF line ends and bytes cut inside a character', () => {
    const parser = new SseParser();
    const bytes = new TextEncoder().encode('event: case\r\ndata: 路灯\r\n\r\n');
    expect(parser.push(bytes.slice(0, 20))).toEqual([]);
    expect(parser.push(bytes.slice(20))).toEqual([{ event: 'case', id: null, data: '路灯' }]);
  });
});
