import { describe, expect, test } from 'vitest';
import {
  maskPersonalNumbers,
  open311Status,
  parseW3DateTime,
  reporterNameOf,
  statesOf,
  statusNotes,
  w3DateTime,
} from './open311-format.ts';

describe('open311Status', () => {
  test('a unit still owes work: open; resolved or closed: closed', () => {
    expect(['registered', 'dispatched', 'accepted', 'in_progress'].map((state) => open311Status(state as never))).toEqual([
      'open',
      'open',
      'open',
      'open',
    ]);
    expect(['resolved', 'callback', 'closed'].map((state) => open311Status(state as never))).toEqual([
      'closed',
      'closed',
      'closed',
    ]);
    expect(statesOf(['closed'])).toEqual(['resolved', 'callback', 'closed']);
    expect(statesOf(['open', 'closed'])).toHaveLength(7);
  });

  test('status notes say the state in Chinese and English, with the resolution once done', () => {
    expect(statusNotes('dispatched', null, null)).toBe('已派发至办理单位 / dispatched to the unit that handles it');
    expect(statusNotes('closed', 'callback', '已疏通下水道')).toBe('已办结 / closed。已疏通下水道');
    expect(statusNotes('closed', 'duplicate', null)).toMatch(/^重复件/);
    // A resolution written before a redo is not shown while the case is open again.
    expect(statusNotes('dispatched', null, '已疏通')).not.toContain('已疏通');
  });
});

describe('w3 date-times', () => {
  test('written in China time with its offset', () => {
    expect(w3DateTime(new Date('2026-11-23T01:00:00Z'))).toBe('2026-11-23T09:00:00+08:00');
    expect(w3DateTime(null)).toBeNull();
  });

  test.each([
    ['2010-01-01T00:00:00Z', '2010-01-01T00:00:00.000Z'],
    ['2026-11-23T09:00:00+08:00', '2026-11-23T01:00:00.000Z'],
    ['2026-11-23T09:00+08:00', '2026-11-23T01:00:00.000Z'],
    ['2026-11-23', '2026-11-22T16:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseW3DateTime(text)?.toISOString()).toBe(iso);
  });

  test.each(['2026-11-23T09:00:00', 'yesterday', '2026-13-01', '2026-11-23T25:00:00Z', '2026/11/23', ''])(
    'refuses %j',
    (text) => {
      expect(parseW3DateTime(text)).toBeNull();
    },
  );
});

describe('maskPersonalNumbers', () => {
  test('masks mobile, landline and identity-card numbers, keeps the rest', () => {
    expect(maskPersonalNumbers('下水道堵了，电话13812345678，座机023-58123456')).toBe(
      '下水道堵了，电话138****5678，座机023****3456',
    );
    expect(maskPersonalNumbers('身份证500101199001011234，门牌3组12号')).toBe('身份证500101********1234，门牌3组12号');
    expect(maskPersonalNumbers('路灯坏了3天，编号2026')).toBe('路灯坏了3天，编号2026');
  });
});

describe('reporterNameOf', () => {
  test('Chinese names family name first; others first last', () => {
    expect(reporterNameOf('昌术', '黄')).toBe('黄昌术');
    expect(reporterNameOf('Ada', 'Lovelace')).toBe('Ada Lovelace');
    expect(reporterNameOf(undefined, ' ')).toBeUndefined();
  });
});
