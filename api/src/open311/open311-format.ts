/**
 * How our cases read in Open311 GeoReport v2: two statuses instead of our
 * seven states, W3C date-times with the China offset, and descriptions with
 * the phone and identity-card numbers residents type into them masked — GET
 * responses never carry personal data.
 */
import { maskPhone, type CaseState } from '@minqing/shared';

export type Open311Status = 'open' | 'closed';
export const OPEN311_STATUSES: readonly Open311Status[] = ['open', 'closed'];

/** A unit still owes work: open. Resolved (awaiting or past the callback) or closed: closed. */
const STATE_STATUS: Record<CaseState, Open311Status> = {
  registered: 'open',
  dispatched: 'open',
  accepted: 'open',
  in_progress: 'open',
  resolved: 'closed',
  callback: 'closed',
  closed: 'closed',
};

export function open311Status(state: CaseState): Open311Status {
  return STATE_STATUS[state];
}

/** Our states behind an Open311 status, for filtering. */
export function statesOf(statuses: readonly Open311Status[]): CaseState[] {
  return (Object.keys(STATE_STATUS) as CaseState[]).filter((state) => statuses.includes(STATE_STATUS[state]));
}

const STATE_NOTES: Record<CaseState, string> = {
  registered: '已登记，待研判 / registered, awaiting triage',
  dispatched: '已派发至办理单位 / dispatched to the unit that handles it',
  accepted: '办理单位已签收 / accepted by the unit that handles it',
  in_progress: '办理中 / in progress',
  resolved: '已办结，待回访 / resolved, awaiting the callback',
  callback: '已办结，回访未联系上 / resolved; the callback has not reached the resident yet',
  closed: '已办结 / closed',
};

const CLOSURE_NOTES: Record<string, string> = {
  duplicate: '重复件，已并入原诉求办理 / a repeated request, handled with the original',
  invalid: '不属于受理范围 / not a request we can take',
  unreachable: '已办结，回访未能联系上 / resolved; the resident could not be reached for the callback',
};

export function statusNotes(state: CaseState, closureReason: string | null, resolution: string | null): string {
  const base =
    state === 'closed' && closureReason && CLOSURE_NOTES[closureReason] ? CLOSURE_NOTES[closureReason]! : STATE_NOTES[state];
  const done = state === 'resolved' || state === 'callback' || state === 'closed';
  return done && resolution ? `${base}。${resolution}` : base;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** 2026-11-23T09:00:00+08:00 — the W3C profile of ISO 8601 GeoReport asks for, in China time. */
export function w3DateTime(instant: Date | null): string | null {
  if (!instant) return null;
  return `${new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** A W3C date-time with a time zone (Z or ±hh:mm), or null when `text` is not one. */
export function parseW3DateTime(text: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(text.trim());
  if (!match) return null;
  // A bare date is a day in China; a time needs its zone.
  const value = match[4] === undefined ? `${text.trim()}T00:00:00+08:00` : text.trim();
  if (match[4] !== undefined && match[7] === undefined) return null;
  const [, , month, day, hour, minute, second] = match.map(Number);
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31) return null;
  if ((hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 59) return null;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? null : instant;
}

const IDENTITY_NUMBER = /(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])/g;
const MOBILE_NUMBER = /(?<![0-9])1[3-9][0-9]{9}(?![0-9])/g;
const LANDLINE_NUMBER = /(?<![0-9])0[0-9]{2,3}-?[0-9]{7,8}(?![0-9])/g;

/** Text as the public may read it: identity-card, mobile and landline numbers masked (138****5678). */
export function maskPersonalNumbers(text: string): string {
  return text
    .replace(IDENTITY_NUMBER, (_, head: string, tail: string) => `${head}********${tail}`)
    .replace(MOBILE_NUMBER, (number) => maskPhone(number) ?? '')
    .replace(LANDLINE_NUMBER, (number) => maskPhone(number) ?? '');
}

/** A reporter's name from Open311's first_name / last_name: Chinese names family name first, others "first last". */
export function reporterNameOf(firstName: string | undefined, lastName: string | undefined): string | undefined {
  const first = firstName?.trim() ?? '';
  const last = lastName?.trim() ?? '';
  if (!first && !last) return undefined;
  const chinese = /[\u3400-\u9fff]/.test(first + last);
  return (chinese ? `${last}${first}` : [first, last].filter(Boolean).join(' ')).slice(0, 50);
}
