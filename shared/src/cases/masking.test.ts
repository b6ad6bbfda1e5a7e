import { describe, expect, it } from 'vitest';
import { cardsDue, cardThreshold } from './cards.ts';
import { maskName, maskPhone } from './masking.ts';
import { newTrackingCode, parseTrackingCode } from './tracking-code.ts';

describe('masking', () => {
  it('masks names and phones the way residents expect', () => {
    expect(maskName('黄昌术')).toBe('黄*术');
    expect(maskName('李明')).toBe('李*');
    expect(maskName('欧阳春晓')).toBe('欧**晓');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('023-58123456')).toBe('023****3456');
    expect(maskName(null)).toBeNull();
  });
});

describe('cards', () => {
  const created = new Date('2026-11-01T00:00:00Z');
  it('yellow after more than 7 days, red after more than 15', () => {
    expect(cardsDue(created, new Date('2026-11-08T00:00:00Z'))).toEqual([]);
    expect(cardsDue(created, new Date('2026-11-08T00:00:01Z'))).toEqual(['yellow']);
    expect(cardsDue(created, new Date('2026-11-16T00:00:01Z'))).toEqual(['yellow', 'red']);
    expect(cardThreshold(created, 'red', { yellowAfterDays: 3, redAfterDays: 5 }).toISOString()).toBe('2026-11-06T00:00:00.000Z');
  });
});

describe('tracking codes', () => {
  const random = (bytes: Uint8Array) => bytes.map((_, index) => index * 37);
  it('carry the date and survive a resident typing them in lower case', () => {
    const code = newTrackingCode(new Date('2026-11-25T02:00:00Z'), random);
    expect(code).toMatch(/^261125-[A-Z2-9]{6}-[A-Z2-9]$/);
    expect(parseTrackingCode(` ${code.toLowerCase()} `)).toBe(code);
  });

  it('catch a mistyped character', () => {
    const code = newTrackingCode(new Date('2026-11-25T02:00:00Z'), random);
    const typo = code.slice(0, 8) + (code[8] === 'A' ? 'B' : 'A') + code.slice(9);
    expect(parseTrackingCode(typo)).toBeNull();
    expect(parseTrackingCode('not a code')).toBeNull();
  });
});
