import { describe, expect, test } from 'vitest';
import { advance, CURSOR_REASONS, decodeCursor, encodeCursor, isNew, type StreamCursor } from './stream-cursor.ts';

const cursor = (cases: number, casesSent: number[], positions: number, positionsSent: number[] = []): StreamCursor => ({
  cases: { horizon: cases, sent: new Set(casesSent) },
  positions: { horizon: positions, sent: new Set(positionsSent) },
});

describe('stream cursor', () => {
  test('round-trips horizons and sent case ids; positions carry their horizon only', () => {
    const original = cursor(1_000_001, [1_000_004, 1_000_003], 98_765_432_101, [98_765_432_150]);
    const text = encodeCursor(original);
    expect(text).toMatch(/^c[0-9a-z.]+p[0-9a-z]+$/);
    const read = decodeCursor(text);
    expect(read).toEqual({ valid: true, cursor: { ...original, positions: { horizon: 98_765_432_101, sent: new Set() } } });
  });

  test('a plain cursor is short', () => {
    expect(encodeCursor(cursor(0, [], 0))).toBe('c0p0');
    expect(encodeCursor(cursor(35, [], 36))).toBe('czp10');
  });

  test('refuses what it did not write, saying why', () => {
    expect(decodeCursor('42')).toEqual({ valid: false, reason: CURSOR_REASONS.malformed });
    expect(decodeCursor('c1p')).toEqual({ valid: false, reason: CURSOR_REASONS.malformed });
    expect(decodeCursor('c10.5p1')).toEqual({ valid: false, reason: CURSOR_REASONS.outOfOrder });
    expect(decodeCursor(`c1${'.2'.repeat(201)}p1`).valid).toBe(false);
  });

  test('advancing the horizon forgets the ids it covers and never goes back', () => {
    const position = { horizon: 10, sent: new Set([12, 15]) };
    expect(isNew(position, 11)).toBe(true);
    expect(isNew(position, 12)).toBe(false);
    expect(isNew(position, 9)).toBe(false);
    advance(position, 13);
    expect(position).toEqual({ horizon: 13, sent: new Set([15]) });
    advance(position, 5);
    expect(position.horizon).toBe(13);
  });
});
