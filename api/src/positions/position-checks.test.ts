import { describe, expect, test } from 'vitest';
import {
  describeJudgement,
  distanceMetres,
  judgeFixes,
  refusalOf,
  REFUSAL_REASONS,
  speedBetween,
  type PlacedFix,
} from './position-checks.ts';

const now = new Date('2026-11-24T10:00:00+08:00');
const at = (secondsBeforeNow: number) => new Date(now.getTime() - secondsBeforeNow * 1000);
const fix = (lon: number, lat: number, secondsBeforeNow: number, extra: Partial<PlacedFix> = {}): PlacedFix => ({
  lon,
  lat,
  accuracy: 10,
  recordedAt: at(secondsBeforeNow),
  gridCode: '500101001001001',
  inAssignedGrid: true,
  ...extra,
});

describe('refusing what is no position', () => {
  test('coordinates off the Earth and the null island', () => {
    expect(refusalOf(fix(181, 30, 0), now)).toEqual({ valid: false, reason: REFUSAL_REASONS.notOnEarth });
    expect(refusalOf(fix(108, -91, 0), now)).toEqual({ valid: false, reason: REFUSAL_REASONS.notOnEarth });
    expect(refusalOf(fix(Number.NaN, 30, 0), now).valid).toBe(false);
    expect(refusalOf(fix(0, 0, 0), now)).toEqual({ valid: false, reason: REFUSAL_REASONS.nullIsland });
  });

  test('times in the future and a day old; a little clock skew passes', () => {
    expect(refusalOf(fix(108.4, 30.8, -600), now)).toEqual({ valid: false, reason: REFUSAL_REASONS.future });
    expect(refusalOf(fix(108.4, 30.8, -60), now)).toEqual({ valid: true });
    expect(refusalOf(fix(108.4, 30.8, 25 * 3600), now)).toEqual({ valid: false, reason: REFUSAL_REASONS.tooOld });
  });
});

describe('judging stored fixes', () => {
  test('distance on the sphere', () => {
    // One degree of latitude is about 111.2 km.
    expect(distanceMetres({ lon: 108, lat: 30 }, { lon: 108, lat: 31 })).toBeCloseTo(111_195, -2);
  });

  test('jitter inside the accuracy circles is no speed; a jump at one instant is infinite', () => {
    expect(speedBetween(fix(108.4, 30.8, 30), fix(108.4001, 30.8, 0))).toBe(0);
    expect(speedBetween(fix(108.4, 30.8, 0), fix(108.5, 30.8, 0))).toBe(Number.POSITIVE_INFINITY);
  });

  test('a walk is accepted; a jump across the district is stored but not drawn', () => {
    const previous = fix(108.4, 30.8, 60);
    const [walk, jump] = judgeFixes(previous, [fix(108.4003, 30.8, 30), fix(108.6, 30.9, 0)]);
    expect(walk).toEqual({ flags: [], accepted: true, speed: expect.any(Number) });
    expect(jump!.accepted).toBe(false);
    expect(jump!.flags).toContain('impossible_speed');
    expect(describeJudgement(jump!)).toMatch(/^stored but not drawn: faster than .* \(\d+ km\/h\)$/);
  });

  test('a rejected jump does not become the reference for the next fix', () => {
    const previous = fix(108.4, 30.8, 90);
    const judgements = judgeFixes(previous, [fix(109.5, 31.5, 60), fix(108.4002, 30.8, 30)]);
    expect(judgements.map((judgement) => judgement.accepted)).toEqual([false, true]);
  });

  test('outside every grid, or with a wide accuracy circle: not drawn', () => {
    const [outside, blurred] = judgeFixes(null, [
      fix(120, 30, 30, { gridCode: null, inAssignedGrid: false }),
      fix(108.4, 30.8, 0, { accuracy: 900 }),
    ]);
    expect(outside).toMatchObject({ accepted: false, flags: ['outside_district'] });
    expect(blurred).toMatchObject({ accepted: false, flags: ['low_accuracy'] });
  });

  test('a fix older than the last one, or in another grid, is drawn with a note', () => {
    const previous = fix(108.4, 30.8, 10);
    const [late, elsewhere] = judgeFixes(previous, [fix(108.4001, 30.8, 40), fix(108.4002, 30.8, 0, { inAssignedGrid: false })]);
    expect(late).toMatchObject({ accepted: true, flags: ['out_of_order'] });
    expect(elsewhere).toMatchObject({ accepted: true, flags: ['outside_assigned_grid'] });
  });

  test('fixes are judged in the order they were recorded, answered in the order given', () => {
    const judgements = judgeFixes(null, [fix(108.4004, 30.8, 0), fix(108.4, 30.8, 60), fix(108.4002, 30.8, 30)]);
    expect(judgements.map((judgement) => judgement.flags)).toEqual([[], [], []]);
    expect(judgements[1]!.speed).toBeNull();
  });
});
