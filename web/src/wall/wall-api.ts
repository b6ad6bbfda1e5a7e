/**
 * The map wall's reads (GET /api/wall/…) and its sign-in, typed as the API
 * answers them. The wall never receives personal data: the server sends none.
 */
import type { CaseEventKind, CaseState, Channel } from '@minqing/shared';
import { getJson, sendJson, type QueryValue } from '../api/client.ts';

export type CardShown = 'none' | 'yellow' | 'red';

export interface WallCase {
  id: number;
  state: CaseState;
  urgency: 'normal' | 'urgent';
  card: CardShown;
  overdue: boolean;
  categoryCode: string;
  categoryName: string;
  channel: Channel;
  townCode: string | null;
  townName: string | null;
  villageCode: string | null;
  gridCode: string | null;
  lon: number | null;
  lat: number | null;
  title: string;
  ownerUnitName: string;
  createdAt: string;
}

export interface WallCaseEvent {
  id: number;
  kind: CaseEventKind;
  at: string;
  toState: CaseState | null;
  unitName: string | null;
  colour: 'yellow' | 'red' | null;
  case: WallCase;
}

export interface WallPosition {
  id: number;
  userId: number;
  name: string;
  gridCode: string | null;
  lon: number;
  lat: number;
  accuracy: number | null;
  at: string;
}

export interface WallSummary {
  at: string;
  today: { total: number; byChannel: Record<string, number> };
  open: number;
  overdue: number;
  urgent: number;
  yellow: number;
  red: number;
  /** This month as the leaders' assessment counts the whole district (ADR 0006). */
  month: {
    /** Received this month, duplicates not counted. */
    received: number;
    /** Of those, resolved by now. */
    done: number;
    closureRate: number | null;
    onTimeRate: number | null;
    satisfactionRate: number | null;
    rated: number;
  };
}

export interface GridLoad {
  code: string;
  households: number;
  open: number;
  overdue: number;
  load: number;
}

export interface WallTimelineEntry {
  id: number;
  kind: CaseEventKind;
  at: string;
  fromState: CaseState | null;
  toState: CaseState | null;
  actorUnit: string | null;
  fromUnit: string | null;
  toUnit: string | null;
  note: string | null;
  colour: 'yellow' | 'red' | null;
}

export interface WallCaseDetail extends WallCase {
  villageName: string | null;
  answerDeadlineAt: string | null;
  resolvedAt: string | null;
  raisedCount: number;
  timeline: WallTimelineEntry[];
}

export interface WallGridDetail {
  code: string;
  name: string;
  households: number;
  population: number;
  village: { code: string; name: string };
  town: { code: string; name: string } | null;
  counts: { open: number; overdue: number; urgent: number; yellow: number; red: number; thisMonth: number };
  workers: {
    userId: number;
    name: string;
    gridCode: string | null;
    lastSeenAt: string | null;
    lon: number | null;
    lat: number | null;
  }[];
  openCases: WallCase[];
}

/** [id, lon, lat, createdAt (epoch ms), urgent (0/1), state, card, category code] */
export type PlaybackCase = [number, number, number, number, 0 | 1, CaseState, CardShown, string];

export interface Playback {
  since: string;
  until: string;
  truncated: boolean;
  cases: PlaybackCase[];
}

/** A group of the taxonomy (2-digit code), what the wall filters by. */
export interface CategoryGroup {
  code: string;
  name: string;
  nameEn: string;
}

type Query = Record<string, QueryValue>;

export const fetchSummary = (signal?: AbortSignal) => getJson<WallSummary>('/api/wall/summary', { signal });
export const fetchFeed = (limit: number, signal?: AbortSignal) =>
  getJson<{ events: WallCaseEvent[] }>('/api/wall/feed', { query: { limit }, signal }).then((body) => body.events);
export const fetchCaseList = (filter: Query, limit: number, signal?: AbortSignal) =>
  getJson<{ cases: WallCase[] }>('/api/wall/cases', { query: { ...filter, limit }, signal }).then((body) => body.cases);
export const fetchCase = (id: number, signal?: AbortSignal) => getJson<WallCaseDetail>(`/api/wall/cases/${id}`, { signal });
export const fetchGridLoads = (filter: Query, signal?: AbortSignal) =>
  getJson<{ grids: GridLoad[] }>('/api/wall/grids', { query: filter, signal }).then((body) => body.grids);
export const fetchGrid = (code: string, signal?: AbortSignal) =>
  getJson<WallGridDetail>(`/api/wall/grids/${encodeURIComponent(code)}`, { signal });
export const fetchWorkers = (signal?: AbortSignal) =>
  getJson<{ workers: Omit<WallPosition, 'id'>[] }>('/api/wall/workers', { signal }).then((body) => body.workers);
export const fetchPlayback = (filter: Query, signal?: AbortSignal) =>
  getJson<Playback>('/api/wall/playback', { query: filter, signal });
export const fetchCategoryGroups = (signal?: AbortSignal) =>
  getJson<{ categories: CategoryGroup[] }>('/api/categories', { signal }).then((body) =>
    body.categories.map(({ code, name, nameEn }) => ({ code, name, nameEn })),
  );

export async function signInToWall(username: string, password: string): Promise<void> {
  await sendJson('POST', '/api/auth/sign-in', { username, password });
}
