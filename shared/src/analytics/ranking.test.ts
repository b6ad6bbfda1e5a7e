import { describe, expect, it } from 'vitest';
import {
  assessmentRates,
  cadrePoints,
  DEFAULT_ASSESSMENT_WEIGHTS,
  DEFAULT_POINT_RULES,
  overallScore,
  rankSubjects,
  type AssessmentCounts,
} from './ranking.ts';

const counts = (overrides: Partial<AssessmentCounts>): AssessmentCounts => ({
  cases: 10,
  handOvers: 10,
  signedOnTime: 10,
  resolved: 10,
  resolvedOnTime: 10,
  openOverdue: 0,
  rated: 10,
  satisfied: 10,
  redone: 0,
  yellowCards: 0,
  redCards: 0,
  ...overrides,
});

describe('assessment rates', () => {
  it('computes each rate over its own denominator, by hand', () => {
    const rates = assessmentRates(
      counts({
        cases: 20,
        handOvers: 25,
        signedOnTime: 20,
        resolved: 16,
        resolvedOnTime: 12,
        openOverdue: 4,
        rated: 10,
        satisfied: 9,
        redone: 2,
        yellowCards: 2,
        redCards: 1,
      }),
    );
    expect(rates.responseRate).toBe(0.8);
    expect(rates.closureRate).toBe(0.8);
    // 按期办结率 counts the open overdue cases: 12 / (16 + 4).
    expect(rates.onTimeRate).toBe(0.6);
    expect(rates.satisfactionRate).toBe(0.9);
    expect(rates.redoRate).toBe(0.125);
    expect(rates.cardRate).toBe(0.2);
  });

  it('says null, never NaN, when a denominator is 0', () => {
    const rates = assessmentRates(
      counts({ cases: 0, handOvers: 0, signedOnTime: 0, resolved: 0, resolvedOnTime: 0, rated: 0, satisfied: 0 }),
    );
    expect(Object.values(rates).every((rate) => rate === null)).toBe(true);
    expect(overallScore(rates, DEFAULT_ASSESSMENT_WEIGHTS)).toBeNull();
  });

  it('weights the measurable metrics and rescales when one cannot be measured', () => {
    const weights = { response: 1, closure: 1, onTime: 0, satisfaction: 1, redo: 0, cards: 0 };
    // response 1, closure 0.5, satisfaction not measured → (1 + 0.5)/2 = 75.
    const rates = assessmentRates(counts({ resolved: 5, resolvedOnTime: 5, rated: 0, satisfied: 0 }));
    expect(overallScore(rates, weights)).toBeCloseTo(75, 10);
    expect(overallScore(rates, { response: 0, closure: 0, onTime: 0, satisfaction: 0, redo: 0, cards: 0 })).toBeNull();
  });
});

describe('ranking', () => {
  it('ranks a unit with an open overdue case below one without, and lists a unit with 2 cases as too few', () => {
    const ranked = rankSubjects(
      [
        { name: 'overdue', counts: counts({ resolved: 9, resolvedOnTime: 9, openOverdue: 1 }) },
        { name: 'clean', counts: counts({}) },
        {
          name: 'small',
          counts: counts({ cases: 2, handOvers: 2, signedOnTime: 2, resolved: 2, resolvedOnTime: 2, rated: 2, satisfied: 2 }),
        },
      ],
      DEFAULT_ASSESSMENT_WEIGHTS,
      5,
    );
    expect(ranked.map((entry) => [entry.subject.name, entry.rank, entry.tooFewToRank])).toEqual([
      ['clean', 1, false],
      ['overdue', 2, false],
      ['small', null, true],
    ]);
    expect(ranked[1]!.rates.onTimeRate).toBe(0.9);
    expect(ranked[0]!.rates.onTimeRate).toBe(1);
  });

  it('gives equal scores the same rank (1, 1, 3)', () => {
    const ranked = rankSubjects(
      [{ counts: counts({}) }, { counts: counts({ satisfied: 5 }) }, { counts: counts({}) }],
      DEFAULT_ASSESSMENT_WEIGHTS,
      5,
    );
    expect(ranked.map((entry) => entry.rank)).toEqual([1, 1, 3]);
  });
});

describe('village cadre points', () => {
  it('adds up the points item by item', () => {
    const result = cadrePoints(
      { resolvedInVillage: 10, resolvedOnTime: 8, satisfied: 7, unsatisfied: 1, patrolReport: 5, yellowCard: 1, redCard: 0 },
      DEFAULT_POINT_RULES,
    );
    // 10·2 + 8·1 + 7·1 − 1·2 + 5·1 − 1·3 = 35
    expect(result.total).toBe(35);
    expect(result.items.unsatisfied).toBe(-2);
  });
});
