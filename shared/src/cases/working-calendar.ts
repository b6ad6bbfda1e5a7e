/**
 * Working days on the official calendar: weekends off, public holidays off,
 * make-up workdays (调休) on — from the package chinese-days — with the
 * deployment's own overrides (an administrator can add a local holiday or
 * correct a year the package does not know yet).
 *
 * Days are calendar dates in China Standard Time (UTC+8, no daylight saving).
 */
import chineseDays from 'chinese-days';

export type DateString = string; // YYYY-MM-DD

export interface WorkingCalendar {
  isWorkday(date: DateString): boolean;
}

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The date in China of an instant. */
export function chinaDate(instant: Date): DateString {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a China date begins. */
export function chinaMidnight(date: DateString): Date {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - CHINA_OFFSET_MS);
}

export function addCalendarDays(date: DateString, days: number): DateString {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The official calendar (chinese-days), with overrides: date → true (workday) / false (day off). */
export function officialCalendar(overrides: ReadonlyMap<DateString, boolean> = new Map()): WorkingCalendar {
  return {
    isWorkday(date) {
      const override = overrides.get(date);
      if (override !== undefined) return override;
      return chineseDays.isWorkday(date);
    },
  };
}

/**
 * The end of the n-th working day after the day of `start` (n ≥ 1): "within
 * three working days" of a Friday-afternoon dispatch ends on Wednesday at
 * midnight (China time). n = 0 ends the same day if it is a workday, else the
 * next workday.
 */
export function addWorkingDays(start: Date, days: number, calendar: WorkingCalendar): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${days}`);
  let date = chinaDate(start);
  let counted = 0;
  if (days === 0) {
    while (!calendar.isWorkday(date)) date = addCalendarDays(date, 1);
  } else {
    for (let guard = 0; counted < days; guard++) {
      if (guard > 3660) throw new RangeError('no working day within ten years: check the calendar overrides');
      date = addCalendarDays(date, 1);
      if (calendar.isWorkday(date)) counted++;
    }
  }
  return new Date(chinaMidnight(addCalendarDays(date, 1)).getTime() - 1);
}

/** Working days from the day after `start` up to and including the day of `end`. */
export function workingDaysBetween(start: Date, end: Date, calendar: WorkingCalendar): number {
  let date = chinaDate(start);
  const last = chinaDate(end);
  let count = 0;
  while (date < last) {
    date = addCalendarDays(date, 1);
    if (calendar.isWorkday(date)) count++;
  }
  return count;
}
