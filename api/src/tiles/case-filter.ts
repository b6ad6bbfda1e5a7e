/**
 * The wall's filters on cases — state, urgency, category, town, time window —
 * read from query parameters, the same for the case tiles, the per-grid load
 * and the play-back, so the map and the numbers beside it agree. A bad value
 * is a 400 naming the parameter; an unknown parameter too (a typo must not
 * silently show everything).
 */
import { sql, type SqlFragment } from '@minqing/db';
import { CASE_STATES, OPEN_STATES, type CaseState } from '@minqing/shared';
import { InvalidInputError } from '../errors.ts';

export interface CaseFilter {
  /** Sorted, without repeats. */
  states: CaseState[];
  urgency: 'normal' | 'urgent' | null;
  /** 2-digit groups or 4-digit subcategories, sorted. */
  categories: string[];
  /** 12-digit town codes, sorted. */
  towns: string[];
  /** Created at or after. */
  since: Date | null;
  /** Created before. */
  until: Date | null;
}

export const CASE_FILTER_PARAMETERS = ['state', 'urgency', 'category', 'town', 'hours', 'since', 'until'] as const;
/** Ignored: cache busters a client adds to tile URLs. */
const IGNORED_PARAMETERS = ['v'];
const MAX_HOURS = 24 * 366 * 3;

export function openCasesFilter(): CaseFilter {
  return { states: [...OPEN_STATES].sort(), urgency: null, categories: [], towns: [], since: null, until: null };
}

function bad(parameter: string, message: string): InvalidInputError {
  return new InvalidInputError(`query parameter ${parameter}: ${message}`, 'invalid_request');
}

function list(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ].sort();
}

function instant(parameter: string, text: string): Date {
  const value = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(value.getTime()))
    throw bad(parameter, 'must be a date-time with its offset, e.g. 2026-11-24T08:00:00+08:00');
  return value;
}

/** Reads the filter from query parameters; no parameters: open cases of every kind, place and time. */
export function parseCaseFilter(query: Record<string, string | undefined>, now: Date): CaseFilter {
  const unknown = Object.keys(query).filter(
    (name) => !(CASE_FILTER_PARAMETERS as readonly string[]).includes(name) && !IGNORED_PARAMETERS.includes(name),
  );
  if (unknown.length > 0)
    throw new InvalidInputError(
      `unknown query parameter ${unknown.join(', ')}; case filters are ${CASE_FILTER_PARAMETERS.join(', ')}`,
      'invalid_request',
    );
  const filter = openCasesFilter();

  const state = query.state?.trim();
  if (state && state !== 'open') {
    if (state === 'all') filter.states = [...CASE_STATES].sort();
    else {
      const states = list(state);
      const unknownStates = states.filter((name) => !(CASE_STATES as readonly string[]).includes(name));
      if (unknownStates.length > 0 || states.length === 0)
        throw bad('state', `must be open, all, or states from ${CASE_STATES.join(', ')} (got ${unknownStates.join(', ')})`);
      filter.states = states as CaseState[];
    }
  }

  const urgency = query.urgency?.trim();
  if (urgency) {
    if (urgency !== 'urgent' && urgency !== 'normal') throw bad('urgency', 'must be urgent or normal');
    filter.urgency = urgency;
  }

  if (query.category?.trim()) {
    filter.categories = list(query.category);
    const wrong = filter.categories.filter((code) => !/^[0-9]{2}([0-9]{2})?$/.test(code));
    if (wrong.length > 0)
      throw bad('category', `must be 2-digit groups or 4-digit subcategories, e.g. 04 or 0401 (got ${wrong.join(', ')})`);
  }

  if (query.town?.trim()) {
    filter.towns = list(query.town);
    const wrong = filter.towns.filter((code) => !/^[0-9]{9}000$/.test(code));
    if (wrong.length > 0) throw bad('town', `must be 12-digit town codes, e.g. 500101001000 (got ${wrong.join(', ')})`);
  }

  if (query.hours?.trim()) {
    const hours = Number(query.hours);
    if (!/^[0-9]+$/.test(query.hours.trim()) || hours < 1 || hours > MAX_HOURS)
      throw bad('hours', `must be a whole number of hours from 1 to ${MAX_HOURS}`);
    if (query.since) throw bad('hours', 'give hours or since, not both');
    filter.since = new Date(now.getTime() - hours * 3_600_000);
  }
  if (query.since?.trim()) filter.since = instant('since', query.since.trim());
  if (query.until?.trim()) filter.until = instant('until', query.until.trim());
  if (filter.since && filter.until && filter.since >= filter.until) throw bad('since', 'must be before until');
  return filter;
}

/** A stable text naming the filter, for cache keys. */
export function caseFilterKey(filter: CaseFilter): string {
  return [
    filter.states.join('+'),
    filter.urgency ?? '*',
    filter.categories.join('+') || '*',
    filter.towns.join('+') || '*',
    filter.since?.getTime() ?? '*',
    filter.until?.getTime() ?? '*',
  ].join('|');
}

export function isOpenOnly(filter: CaseFilter): boolean {
  return filter.states.length === OPEN_STATES.length && OPEN_STATES.every((state) => filter.states.includes(state));
}

/**
 * The filter as a WHERE condition on cases aliased `c`. States are written as
 * literals (from the fixed list, never from input text), so the planner can
 * match the partial index on open cases.
 */
export function caseFilterCondition(filter: CaseFilter): SqlFragment {
  const parts: SqlFragment[] = [];
  if (filter.states.length < CASE_STATES.length) {
    const literals = filter.states.map((state) => `'${CASE_STATES.find((known) => known === state)!}'`);
    parts.push(sql`c.state in (${sql.unsafeRaw(literals.join(', '))})`);
  }
  if (filter.urgency) parts.push(sql`c.urgency = ${filter.urgency}`);
  if (filter.categories.length > 0) {
    const groups = filter.categories.filter((code) => code.length === 2);
    const leaves = filter.categories.filter((code) => code.length === 4);
    const either: SqlFragment[] = [];
    if (groups.length > 0) either.push(sql`left(c.category_code, 2) = any(${groups}::text[])`);
    if (leaves.length > 0) either.push(sql`c.category_code = any(${leaves}::text[])`);
    parts.push(sql`(${sql.join(either, ' or ')})`);
  }
  if (filter.towns.length > 0) parts.push(sql`c.town_code = any(${filter.towns}::text[])`);
  if (filter.since) parts.push(sql`c.created_at >= ${filter.since}`);
  if (filter.until) parts.push(sql`c.created_at < ${filter.until}`);
  return parts.length > 0 ? sql.join(parts, ' and ') : sql`true`;
}
