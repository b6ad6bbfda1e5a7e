/**
 * The clock of a case in a queue: how long its current owner has left, or how
 * long it is overdue. A case just dispatched runs on its sign-for deadline
 * (签收时限) until it is accepted; after that on its answer deadline (办理时限).
 * Finished cases have no clock. Deadlines are the server's (counted in working
 * days on the official calendar); the time left shown is plain elapsed time.
 */
import { OPEN_STATES, type CaseState } from '@minqing/shared';

export interface ClockInput {
  state: CaseState;
  signDeadlineAt: string | null;
  answerDeadlineAt: string | null;
}

export type DeadlineKind = 'sign' | 'answer';

export type CaseClock =
  | { status: 'none' }
  | { status: 'remaining' | 'overdue'; deadline: Date; kind: DeadlineKind; milliseconds: number; soon: boolean };

/** Less than this left: the row is marked as due soon. */
export const DUE_SOON_MILLISECONDS = 4 * 3_600_000;

export function caseDeadline(input: ClockInput): { deadline: Date; kind: DeadlineKind } | null {
  if (!OPEN_STATES.includes(input.state)) return null;
  if (input.state === 'dispatched' && input.signDeadlineAt) return { deadline: new Date(input.signDeadlineAt), kind: 'sign' };
  if (input.answerDeadlineAt) return { deadline: new Date(input.answerDeadlineAt), kind: 'answer' };
  return null;
}

export function caseClock(input: ClockInput, now: Date): CaseClock {
  const found = caseDeadline(input);
  if (!found || Number.isNaN(found.deadline.getTime())) return { status: 'none' };
  const difference = found.deadline.getTime() - now.getTime();
  return {
    status: difference < 0 ? 'overdue' : 'remaining',
    deadline: found.deadline,
    kind: found.kind,
    milliseconds: Math.abs(difference),
    soon: difference >= 0 && difference < DUE_SOON_MILLISECONDS,
  };
}

export interface DurationWords {
  day: string;
  hour: string;
  minute: string;
  /** Joins the parts: '' in Chinese (2天3小时), ' ' in English (2 d 3 h). */
  separator: string;
}

export const DURATION_WORDS: Record<'zh-CN' | 'en', DurationWords> = {
  'zh-CN': { day: '天', hour: '小时', minute: '分钟', separator: '' },
  en: { day: 'd', hour: 'h', minute: 'min', separator: ' ' },
};

/**
 * A duration in the two largest units that matter: 2天3小时, 5小时12分钟,
 * 40分钟; under a minute counts as 1分钟 (a clock never reads zero while running).
 */
export function formatDuration(milliseconds: number, words: DurationWords): string {
  const totalMinutes = Math.max(1, Math.floor(Math.abs(milliseconds) / 60_000));
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const part = (value: number, unit: string) => (words.separator ? `${value} ${unit}` : `${value}${unit}`);
  if (days > 0) return [part(days, words.day), hours > 0 ? part(hours, words.hour) : ''].filter(Boolean).join(words.separator);
  if (hours > 0)
    return [part(hours, words.hour), minutes > 0 ? part(minutes, words.minute) : ''].filter(Boolean).join(words.separator);
  return part(minutes, words.minute);
}

/** Times are shown as the district lives them (China Standard Time), whatever the browser's zone. */
export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

/** 11-23 14:05: the deadline as a clerk reads it in a dense table. */
export function formatShortDateTime(value: string | Date, locale: string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return new Intl.DateTimeFormat(locale, {
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: DISPLAY_TIME_ZONE,
  }).format(date);
}

/** 2026-11-23 14:05 for timelines. */
export function formatDateTime(value: string | Date, locale: string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: DISPLAY_TIME_ZONE,
  }).format(date);
}
