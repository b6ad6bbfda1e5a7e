import { describe, expect, it } from 'vitest';
import { ageText, clockTime, percent } from './format.ts';

const words = { now: '刚刚', minutes: (count: number) => `${count}分钟前`, hours: (count: number) => `${count}小时前` };

describe('wall formats', () => {
  it('rates as percentages with one decimal, a dash when there is nothing to count', () => {
    expect(percent(0.97314)).toBe('97.3%');
    expect(percent(1)).toBe('100.0%');
    expect(percent(null)).toBe('—');
  });

  it('ages in minutes, then hours', () => {
    expect(ageText(0.4, words)).toBe('刚刚');
    expect(ageText(12, words)).toBe('12分钟前');
    expect(ageText(135, words)).toBe('2小时前');
  });

  it("times on the district's clock", () => {
    expect(clockTime('2026-11-24T01:05:00Z', 'zh-CN')).toBe('09:05');
  });
});
