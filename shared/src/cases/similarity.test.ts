import { describe, expect, it } from 'vitest';
import { textSimilarity } from './similarity.ts';

describe('textSimilarity', () => {
  it('sees the same complaint in other words', () => {
    const first = '白岩路126号门口的下水道堵了三天，污水漫到路上';
    const second = '白岩路126号下水道堵塞，污水都流到路面上了，已经三天';
    const other = '分水镇石碾村3组路灯不亮，晚上出行不安全';
    expect(textSimilarity(first, second)).toBeGreaterThan(0.35);
    expect(textSimilarity(first, other)).toBeLessThan(0.15);
    expect(textSimilarity(first, first)).toBeCloseTo(1);
  });

  it('is 0 for empty text', () => {
    expect(textSimilarity('', '路灯不亮')).toBe(0);
  });
});
