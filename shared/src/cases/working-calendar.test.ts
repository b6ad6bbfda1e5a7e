import { describe, expect, it } from 'vitest';
import { addWorkingDays, chinaDate, officialCalendar, workingDaysBetween } from './working-calendar.ts';
import { deadlinesFor, DEFAULT_DEADLINE_POLICY } from './deadlines.ts';

const calendar = officialCalendar();
const china = (local: string) => new Date(`${local}+08:00`);

describe('working days on the official calendar', () => {
  it('skips the weekend', () => {
    // Friday 2026-11-20 afternoon + 3 working days → end of Wednesday 2026-11-25
    expect(chinaDate(addWorkingDays(china('2026-11-20T15:00:00'), 3, calendar))).toBe('2026-11-25');
  });

  it('skips the National Day holiday and counts the make-up Saturday (调休)', () => {
    // 2026-09-30 + 1 working day: Oct 1–7 are off, the holiday ends; Oct 8 is the next workday.
    expect(chinaDate(addWorkingDays(china('2026-09-30T10:00:00'), 1, calendar))).toBe('2026-10-08');
    // Saturday 2026-10-10 is a make-up workday
    expect(calendar.isWorkday('2026-10-10')).toBe(true);
    expect(chinaDate(addWorkingDays(china('2026-10-09T10:00:00'), 1, calendar))).toBe('2026-10-10');
  });

  it('ends a deadline at midnight China time', () => {
    const deadline = addWorkingDays(china('2026-11-23T09:00:00'), 1, calendar);
    expect(deadline.toISOString()).toBe('2026-11-24T15:59:59.999Z');
  });

  it('takes an administrator’s local holiday', () => {
    const local = officialCalendar(new Map([['2026-11-24', false]]));
    expect(chinaDate(addWorkingDays(china('2026-11-23T09:00:00'), 1, local))).toBe('2026-11-25');
  });

  it('counts working days between two instants', () => {
    expect(workingDaysBetween(china('2026-11-20T09:00:00'), china('2026-11-25T09:00:00'), calendar)).toBe(3);
  });
});

describe('deadlines by policy', () => {
  const receivedAt = china('2026-11-20T15:00:00');
  it('gives a day to sign for and three to answer an own-remit case', () => {
    const { signBy, answerBy } = deadlinesFor(
      { receivedAt, urgency: 'normal', multiUnit: false },
      DEFAULT_DEADLINE_POLICY,
      calendar,
    );
    expect(chinaDate(signBy)).toBe('2026-11-23');
    expect(chinaDate(answerBy)).toBe('2026-11-25');
  });

  it('gives seven working days when several units must act, and hours when urgent', () => {
    expect(
      chinaDate(deadlinesFor({ receivedAt, urgency: 'normal', multiUnit: true }, DEFAULT_DEADLINE_POLICY, calendar).answerBy),
    ).toBe('2026-12-01');
    const urgent = deadlinesFor({ receivedAt, urgency: 'urgent', multiUnit: false }, DEFAULT_DEADLINE_POLICY, calendar);
    expect(urgent.signBy.getTime() - receivedAt.getTime()).toBe(2 * 3_600_000);
    expect(urgent.answerBy.getTime() - receivedAt.getTime()).toBe(24 * 3_600_000);
  });

  it('follows a category that answers faster', () => {
    expect(
      chinaDate(
        deadlinesFor(
          { receivedAt, urgency: 'normal', multiUnit: false, categoryAnswerDays: 1 },
          DEFAULT_DEADLINE_POLICY,
          calendar,
        ).answerBy,
      ),
    ).toBe('2026-11-23');
  });
});
