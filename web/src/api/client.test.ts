import { describe, expect, it } from 'vitest';
import { errorMessageOf, retryAfterSecondsOf, withQuery } from './client.ts';

describe('API errors', () => {
  it("shows the API's own message, whichever shape it comes in", () => {
    expect(errorMessageOf({ error: { code: 'not_found', message: 'grid 500101001001999 does not exist' } }, 404)).toBe(
      'grid 500101001001999 does not exist',
    );
    expect(errorMessageOf({ message: 'bbox must have four numbers' }, 400)).toBe('bbox must have four numbers');
    expect(errorMessageOf({ error: 'zoom out of range' }, 400)).toBe('zoom out of range');
  });

  it('falls back to the status when the body says nothing useful', () => {
    expect(errorMessageOf(null, 502, 'Bad Gateway')).toBe('HTTP 502 Bad Gateway');
    expect(errorMessageOf('<html>proxy error</html>', 502)).toBe('HTTP 502');
  });
});

describe('query strings', () => {
  it('leaves out empty values and encodes the rest', () => {
    expect(withQuery('/api/regions', { level: 'village', parent: undefined, q: '' })).toBe('/api/regions?level=village');
    expect(withQuery('/api/grids', { bbox: '108.3,30.7,108.4,30.8' })).toBe('/api/grids?bbox=108.3%2C30.7%2C108.4%2C30.8');
    expect(withQuery('/api/health')).toBe('/api/health');
  });
});

describe('Retry-After', () => {
  it('reads seconds or an HTTP date, and nothing from a missing or garbled header', () => {
    expect(retryAfterSecondsOf('120')).toBe(120);
    const now = Date.parse('2026-11-23T01:00:00Z');
    expect(retryAfterSecondsOf('Mon, 23 Nov 2026 01:05:00 GMT', now)).toBe(300);
    expect(retryAfterSecondsOf(null)).toBeNull();
    expect(retryAfterSecondsOf('soon')).toBeNull();
  });
});
