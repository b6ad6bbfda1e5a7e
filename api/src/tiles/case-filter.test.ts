import { describe, expect, test } from 'vitest';
import { compile } from '@minqing/db';
import { caseFilterCondition, caseFilterKey, isOpenOnly, parseCaseFilter } from './case-filter.ts';

const now = new Date('2026-11-24T10:00:00+08:00');

describe('case filters from query parameters', () => {
  test('nothing given: open cases, everywhere, any time', () => {
    const filter = parseCaseFilter({}, now);
    expect(isOpenOnly(filter)).toBe(true);
    expect(compile(caseFilterCondition(filter)).text).toBe("c.state in ('accepted', 'dispatched', 'in_progress', 'registered')");
  });

  test('every filter at once, written as parameters except the fixed state words', () => {
    const filter = parseCaseFilter(
      { state: 'resolved,closed', urgency: 'urgent', category: '04,0101', town: '500101001000', hours: '24', v: '17' },
      now,
    );
    expect(filter.since).toEqual(new Date(now.getTime() - 24 * 3_600_000));
    const { text, values } = compile(caseFilterCondition(filter));
    expect(text).toContain("c.state in ('closed', 'resolved')");
    expect(values).toEqual(['urgent', ['04'], ['0101'], ['500101001000'], filter.since]);
  });

  test('the key names the filter, whatever the order of the lists', () => {
    const a = caseFilterKey(parseCaseFilter({ category: '04,01' }, now));
    const b = caseFilterKey(parseCaseFilter({ category: '01,04' }, now));
    expect(a).toBe(b);
    expect(a).not.toBe(caseFilterKey(parseCaseFilter({}, now)));
  });

  test('bad values and unknown parameters are refused, naming them', () => {
    expect(() => parseCaseFilter({ state: 'lost' }, now)).toThrow(/query parameter state: .*got lost/);
    expect(() => parseCaseFilter({ urgency: 'soon' }, now)).toThrow(/query parameter urgency/);
    expect(() => parseCaseFilter({ category: '4' }, now)).toThrow(/query parameter category/);
    expect(() => parseCaseFilter({ town: '500101001001' }, now)).toThrow(/query parameter town/);
    expect(() => parseCaseFilter({ hours: '0' }, now)).toThrow(/query parameter hours/);
    expect(() => parseCaseFilter({ since: 'yesterday' }, now)).toThrow(/query parameter since/);
    expect(() => parseCaseFilter({ since: '2026-11-24T10:00:00Z', until: '2026-11-23T10:00:00Z' }, now)).toThrow(
      /must be before until/,
    );
    expect(() => parseCaseFilter({ stat: 'open' }, now)).toThrow(/unknown query parameter stat/);
  });
});
