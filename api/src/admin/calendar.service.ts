/**
 * The working calendar as an administrator sees and corrects it: the
 * official holidays and make-up workdays (调休) of a year from chinese-days,
 * and the deployment's own overrides on top (table calendar_override) — a
 * local holiday, or a year the package does not know yet. Deadlines read the
 * calendar when they are set (loadCalendar), so an override moves the
 * deadlines of cases dispatched after it; deadlines already set stay.
 */
import chineseDays from 'chinese-days';
import { sql, type Queryable } from '@minqing/db';
import { InvalidInputError, NotFoundError } from '../errors.ts';

export interface CalendarDay {
  date: string;
  /** Monday … Sunday. */
  weekday: string;
  /** What counts: the override where there is one, else the official calendar. */
  isWorkday: boolean;
  official: { isWorkday: boolean; holiday: { name: string; nameEn: string } | null };
  override: { isWorkday: boolean; note: string; updatedAt: Date } | null;
}

export interface CalendarYear {
  year: number;
  /** chinese-days knows this year's holidays; false: only weekends, add holidays as overrides. */
  officialCalendarKnown: boolean;
  workingDays: number;
  /** Days that are not an ordinary weekday or weekend: holidays, make-up workdays, overrides. */
  days: CalendarDay[];
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY_MS = 86_400_000;

/** A real calendar date written YYYY-MM-DD, or null. */
export function parseCalendarDate(text: string): string | null {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return null;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text ? text : null;
}

/** "National Day,国庆节,3" → 国庆节 / National Day; weekday names (no holiday) → null. */
function holidayOf(detailName: string): { name: string; nameEn: string } | null {
  const [english, chinese] = detailName.split(',');
  return chinese ? { name: chinese, nameEn: english ?? chinese } : null;
}

interface OverrideRow {
  day: string;
  is_workday: boolean;
  note: string;
  updated_at: Date;
}

export async function calendarYear(db: Queryable, year: number): Promise<CalendarYear> {
  const rows = await db.query<OverrideRow>(sql`
    select to_char(day, 'YYYY-MM-DD') as day, is_workday, note, updated_at from calendar_override
    where day between make_date(${year}::int, 1, 1) and make_date(${year}::int, 12, 31)`);
  const overrides = new Map(rows.map((row) => [row.day, row]));
  const days: CalendarDay[] = [];
  let workingDays = 0;
  let officialCalendarKnown = false;
  for (let time = Date.UTC(year, 0, 1); time < Date.UTC(year + 1, 0, 1); time += DAY_MS) {
    const date = new Date(time).toISOString().slice(0, 10);
    const weekdayIndex = new Date(time).getUTCDay();
    const weekend = weekdayIndex === 0 || weekdayIndex === 6;
    const detail = chineseDays.getDayDetail(date);
    const override = overrides.get(date);
    const isWorkday = override ? override.is_workday : detail.work;
    if (isWorkday) workingDays++;
    const special = detail.work === weekend;
    if (special) officialCalendarKnown = true;
    if (!special && !override) continue;
    days.push({
      date,
      weekday: WEEKDAYS[weekdayIndex]!,
      isWorkday,
      official: { isWorkday: detail.work, holiday: special ? holidayOf(detail.name) : null },
      override: override ? { isWorkday: override.is_workday, note: override.note, updatedAt: override.updated_at } : null,
    });
  }
  return { year, officialCalendarKnown, workingDays, days };
}

function dayOf(date: string): CalendarDay['official'] & { weekday: string } {
  const detail = chineseDays.getDayDetail(date);
  const weekdayIndex = new Date(`${date}T00:00:00Z`).getUTCDay();
  const weekend = weekdayIndex === 0 || weekdayIndex === 6;
  return {
    weekday: WEEKDAYS[weekdayIndex]!,
    isWorkday: detail.work,
    holiday: detail.work === weekend ? holidayOf(detail.name) : null,
  };
}

function requireDate(text: string): string {
  const date = parseCalendarDate(text);
  if (!date)
    throw new InvalidInputError(
      `path parameter date: must be a calendar date written YYYY-MM-DD, got ${JSON.stringify(text)}`,
      'invalid_date',
    );
  return date;
}

export async function setOverride(
  db: Queryable,
  text: string,
  override: { isWorkday: boolean; note: string },
  now: Date,
): Promise<CalendarDay> {
  const date = requireDate(text);
  const [row] = await db.query<OverrideRow>(sql`
    insert into calendar_override (day, is_workday, note, updated_at)
    values (${date}::date, ${override.isWorkday}, ${override.note}, ${now})
    on conflict (day) do update set is_workday = excluded.is_workday, note = excluded.note, updated_at = excluded.updated_at
    returning to_char(day, 'YYYY-MM-DD') as day, is_workday, note, updated_at`);
  const { weekday, ...official } = dayOf(date);
  return {
    date,
    weekday,
    isWorkday: row!.is_workday,
    official,
    override: { isWorkday: row!.is_workday, note: row!.note, updatedAt: row!.updated_at },
  };
}

export async function removeOverride(db: Queryable, text: string): Promise<CalendarDay> {
  const date = requireDate(text);
  const removed = await db.query<{ day: string }>(sql`delete from calendar_override where day = ${date}::date returning day`);
  if (removed.length === 0) throw new NotFoundError(`there is no calendar override on ${date}`, 'no_override');
  const { weekday, ...official } = dayOf(date);
  return { date, weekday, isWorkday: official.isWorkday, official, override: null };
}
