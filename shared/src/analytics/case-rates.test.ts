import { describe, expect, test } from 'vitest';
import { caseRates } from './case-rates.ts';

describe('caseRates', () => {
  test('办结率 over cases, 按期办结率 over resolved plus open overdue, 满意率 over rated', () => {
    expect(caseRates({ cases: 10, resolved: 6, resolvedOnTime: 4, openOverdue: 2, rated: 5, satisfied: 4 })).toEqual({
      closureRate: 0.6,
      onTimeRate: 0.5,
      satisfactionRate: 0.8,
    });
  });

  test('an open overdue case counts against 按期办结率: not resolving is never better than resolving late', () => {
    const late = caseRates({ cases: 2, resolved: 2, resolvedOnTime: 1, openOverdue: 0, rated: 0, satisfied: 0 });
    const unresolved = caseRates({ cases: 2, resolved: 1, resolvedOnTime: 1, openOverdue: 1, rated: 0, satisfied: 0 });
    expect(unresolved.onTimeRate).toBeLessThanOrEqual(late.onTimeRate!);
  });

  test('a zero denominator gives null, not NaN', () => {
    expect(caseRates({ cases: 0, resolved: 0, resolvedOnTime: 0, openOverdue: 0, rated: 0, satisfied: 0 })).toEqual({
      closureRate: null,
      onTimeRate: null,
      satisfactionRate: null,
    });
  });
});
