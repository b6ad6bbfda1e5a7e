import { DEFAULT_CARD_POLICY, DEFAULT_DEADLINE_POLICY, DEFAULT_HOUSEHOLD_BAND } from '@minqing/shared';
import { describe, expect, test } from 'vitest';
import { checkPolicyValue, isPolicyKey, POLICY_KEYS } from './policy-rules.ts';

describe('checkPolicyValue', () => {
  test('the shipped defaults are valid', () => {
    expect(checkPolicyValue('case.deadlines', DEFAULT_DEADLINE_POLICY).valid).toBe(true);
    expect(checkPolicyValue('case.cards', DEFAULT_CARD_POLICY).valid).toBe(true);
    expect(checkPolicyValue('grid.household_band', DEFAULT_HOUSEHOLD_BAND).valid).toBe(true);
    expect(checkPolicyValue('case.duplicates', { radiusMetres: 300, windowDays: 30, minimumSimilarity: 0.35 }).valid).toBe(true);
    expect(checkPolicyValue('case.boundary_tolerance', { metres: 15 }).valid).toBe(true);
    expect(checkPolicyValue('case.copy_to_leader', { transfersBeforeCopy: 3 }).valid).toBe(true);
  });

  test.each([
    [
      'case.cards',
      { yellowAfterDays: 15, redAfterDays: 7 },
      'case.cards redAfterDays: must be more than yellowAfterDays (15), got 7',
    ],
    ['case.cards', { yellowAfterDays: 7 }, 'case.cards redAfterDays: is required: a number'],
    ['case.cards', { yellowAfterDays: 7, redAfterDays: 15, blueAfterDays: 30 }, 'case.cards: unknown field blueAfterDays'],
    ['case.cards', { yellowAfterDays: 0, redAfterDays: 15 }, 'case.cards yellowAfterDays: must be at least 1'],
    ['case.cards', { yellowAfterDays: 7.5, redAfterDays: 15 }, 'case.cards yellowAfterDays: must be a whole number'],
    ['case.cards', '7,15', 'case.cards: must be an object of numbers'],
    ['grid.household_band', { min: 500, max: 300 }, 'grid.household_band max: must be at least min (500), got 300'],
    [
      'case.deadlines',
      { ...DEFAULT_DEADLINE_POLICY, ownRemitWorkingDays: 9 },
      'case.deadlines multiUnitWorkingDays: must be at least ownRemitWorkingDays (9), got 7',
    ],
    ['case.duplicates', { radiusMetres: 300, windowDays: 30, minimumSimilarity: 1.5 }, 'minimumSimilarity: must be at most 1'],
    ['case.boundary_tolerance', { metres: -1 }, 'case.boundary_tolerance metres: must be at least 0'],
  ] as const)('%s %j is refused', (key, value, reason) => {
    const check = checkPolicyValue(key, value);
    expect(check.valid).toBe(false);
    expect(check.valid ? '' : check.reason).toContain(reason);
  });

  test('knows exactly the editable keys', () => {
    expect(POLICY_KEYS).toEqual([
      'case.deadlines',
      'case.cards',
      'case.duplicates',
      'case.boundary_tolerance',
      'case.copy_to_leader',
      'grid.household_band',
    ]);
    expect(isPolicyKey('case.cards')).toBe(true);
    expect(isPolicyKey('toString')).toBe(false);
  });
});
