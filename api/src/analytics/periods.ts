/**
 * Windows of time in China's calendar days: a window from date A to date B
 * runs from A 00:00 to the end of B (China time); a month, quarter or year
 * starts on its first day.
 */
import { addCalendarDays, chinaDate, chinaMidnight, type DateString } from '@minqing/shared';
import { InvalidInputError } from '../errors.ts';

export interface TimeWindow {
  from: DateString;
  to: DateString;
  start: Date;
  /** Exclusive: midnight after `to`. */
  end: Date;
}

export const DATE_PATTERN = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

export function isValidDate(date: string): boolean {
  if (!DATE_PATTERN.test(date)) return false;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}

export function windowOf(from: DateString, to: DateString, maxDays = 3660): TimeWindow {
  for (const [name, date] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!isValidDate(date)) throw new InvalidInputError(`${name}: ${date} is not a date (YYYY-MM-DD)`, 'invalid_window');
  }
  if (from > to) throw new InvalidInputError(`the window starts (${from}) after it ends (${to})`, 'invalid_window');
  const start = chinaMidnight(from);
  const end = chinaMidnight(addCalendarDays(to, 1));
  if ((end.getTime() - start.getTime()) / 86_400_000 > maxDays) {
    throw new InvalidInputError(`the window is longer than ${maxDays} days`, 'invalid_window');
  }
  return { from, to, start, end };
}

/** The last `days` days up to and including the day of `now`. */
export function lastDays(now: Date, days: number): TimeWindow {
  const to = chinaDate(now);
  return windowOf(addCalendarDays(to, -(days - 1)), to);
}

export const PERIOD_KINDS = ['month', 'quarter', 'year'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface Period extends TimeWindow {
  kind: PeriodKind;
  /** 2026-10, 2026-Q4, 2026 */
  label: string;
}

/** The period of `kind` that contains the date `date` (YYYY-MM-DD or YYYY-MM). */
export function periodOf(kind: PeriodKind, date: string): Period {
  const full = /^[0-9]{4}-[0-9]{2}$/.test(date) ? `${date}-01` : date;
  if (!isValidDate(full)) throw new InvalidInputError(`start: ${date} is not a date (YYYY-MM-DD or YYYY-MM)`, 'invalid_period');
  const year = Number(full.slice(0, 4));
  const month = Number(full.slice(5, 7));
  const pad = (value: number) => String(value).padStart(2, '0');
  let firstMonth = month;
  let months = 1;
  let label = `${year}-${pad(month)}`;
  if (kind === 'quarter') {
    firstMonth = month - ((month - 1) % 3);
    months = 3;
    label = `${year}-Q${(firstMonth + 2) / 3}`;
  } else if (kind === 'year') {
    firstMonth = 1;
    months = 12;
    label = String(year);
  }
  const from = `${year}-${pad(firstMonth)}-01`;
  const nextMonth = firstMonth + months;
  const next = nextMonth > 12 ? `${year + 1}-${pad(nextMonth - 12)}-01` : `${year}-${pad(nextMonth)}-01`;
  const window = windowOf(from, addCalendarDays(next, -1));
  return { ...window, kind, label };
}

/** Whole weeks ending with the day of `to`: week 0 is the oldest. */
export function weeksEnding(to: DateString, weeks: number): TimeWindow & { weeks: number } {
  return { ...windowOf(addCalendarDays(to, -(weeks * 7 - 1)), to), weeks };
}
