/**
 * The wall's filters — category, urgency, state, town, time window — as the
 * API reads them (query parameters of the case tiles, the grid loads and the
 * case list) and as the wall applies them itself to what arrives live, so a
 * case that does not match never flashes onto a filtered map.
 */
import { OPEN_STATES, type CaseState } from '@minqing/shared';
import type { WallCase } from './wall-api.ts';

export const TIME_WINDOWS = [0, 24, 168, 720] as const;
export type TimeWindow = (typeof TIME_WINDOWS)[number];

export interface WallFilter {
  /** 'open' (the default), 'all', or one state. */
  state: 'open' | 'all' | CaseState;
  urgency: '' | 'urgent' | 'normal';
  /** A 2-digit category group, or '' for all. */
  category: string;
  /** A 12-digit town code, or '' for all. */
  town: string;
  /** Created within the last so many hours; 0: any time. */
  hours: TimeWindow;
}

export function defaultFilter(): WallFilter {
  return { state: 'open', urgency: '', category: '', town: '', hours: 0 };
}

export function isDefaultFilter(filter: WallFilter): boolean {
  const plain = defaultFilter();
  return (Object.keys(plain) as (keyof WallFilter)[]).every((key) => plain[key] === filter[key]);
}

/** Query parameters for the API; the default filter sends none. */
export function filterQuery(filter: WallFilter): Record<string, string> {
  const query: Record<string, string> = {};
  if (filter.state !== 'open') query.state = filter.state;
  if (filter.urgency) query.urgency = filter.urgency;
  if (filter.category) query.category = filter.category;
  if (filter.town) query.town = filter.town;
  if (filter.hours > 0) query.hours = String(filter.hours);
  return query;
}

export function queryString(query: Record<string, string>): string {
  const text = new URLSearchParams(query).toString();
  return text ? `?${text}` : '';
}

/** Whether a case (as it stands now) passes the filter, judged as the server judges it. */
export function matchesFilter(item: WallCase, filter: WallFilter, now: number): boolean {
  if (filter.state === 'open' ? !OPEN_STATES.includes(item.state) : filter.state !== 'all' && item.state !== filter.state)
    return false;
  if (filter.urgency && item.urgency !== filter.urgency) return false;
  if (filter.category && !item.categoryCode.startsWith(filter.category)) return false;
  if (filter.town && item.townCode !== filter.town) return false;
  if (filter.hours > 0 && Date.parse(item.createdAt) < now - filter.hours * 3_600_000) return false;
  return true;
}
