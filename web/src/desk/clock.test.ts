import { describe, expect, it } from 'vitest';
import { DURATION_WORDS, caseClock, formatDuration, formatShortDateTime } from './clock.ts';

const zh = DURATION_WORDS['zh-CN'];
const en = DURATION_WORDS.en;
const now = new Date('2026-11-23T09:00:00+08:00');

describe('the clock of a case', () => {
  it('runs on the sign-for deadline while dispatched, on the answer deadline once accepted', () => {
    const deadlines = { signDeadlineAt: '2026-11-24T09:00:00+08:00', answerDeadlineAt: '2026-11-26T18:00:00+08:00' };
    const dispatched = caseClock({ state: 'dispatched', ...deadlines }, now);
    expect(dispatched).toMatchObject({ status: 'remaining', kind: 'sign', milliseconds: 24 * 3_600_000 });
    const accepted = caseClock({ state: 'accepted', ...deadlines }, now);
    expect(accepted).toMatchObject({ status: 'remaining', kind: 'answer' });
    expect(accepted.status !== 'none' && formatDuration(accepted.milliseconds, zh)).toBe('3天9小时');
  });

  it('says how long a case is overdue, and marks one due within hours as soon', () => {
    const overdue = caseClock({ state: 'in_progress', signDeadlineAt: null, answerDeadlineAt: '2026-11-21T06:30:00+08:00' }, now);
    expect(overdue.status).toBe('overdue');
    expect(overdue.status !== 'none' && formatDuration(overdue.milliseconds, zh)).toBe('2天2小时');
    const soon = caseClock({ state: 'accepted', signDeadlineAt: null, answerDeadlineAt: '2026-11-23T11:00:00+08:00' }, now);
    expect(soon).toMatchObject({ status: 'remaining', soon: true });
  });

  it('stops once the case is resolved or closed', () => {
    const deadline = { signDeadlineAt: null, answerDeadlineAt: '2026-11-20T09:00:00+08:00' };
    expect(caseClock({ state: 'resolved', ...deadline }, now)).toEqual({ status: 'none' });
    expect(caseClock({ state: 'closed', ...deadline }, now)).toEqual({ status: 'none' });
    expect(caseClock({ state: 'registered', signDeadlineAt: null, answerDeadlineAt: null }, now)).toEqual({ status: 'none' });
  });
});

describe('durations', () => {
  it('shows the two largest units, in Chinese and English', () => {
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000 + 5 * 60_000, zh)).toBe('2天3小时');
    expect(formatDuration(5 * 3_600_000 + 12 * 60_000, zh)).toBe('5小时12分钟');
    expect(formatDuration(40 * 60_000, zh)).toBe('40分钟');
    expect(formatDuration(3 * 86_400_000, zh)).toBe('3天');
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000, en)).toBe('2 d 3 h');
  });

  it('never reads zero while the clock runs', () => {
    expect(formatDuration(20_000, zh)).toBe('1分钟');
  });

  it('shows times as the district lives them, in China Standard Time', () => {
    expect(formatShortDateTime('2026-11-23T06:05:00Z', 'zh-CN')).toContain('14:05');
  });
});
